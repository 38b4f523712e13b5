"""No lost updates: an edit names the version it started from, and a newer saved version refuses it."""

from collections.abc import Callable, Iterable

from django.db.models import F, Model


class ConflictError(Exception):
    """Someone else saved the record since the form was opened; nothing was written."""

    def __init__(self, current):
        super().__init__("Someone else saved this record while you were editing it. Nothing was saved.")
        self.current = current


def version_check(current: Model, expected_version: int) -> None:
    """Raise ``ConflictError`` when ``current`` (read under a row lock) is no longer ``expected_version``."""
    if current.version != expected_version:
        raise ConflictError(current)


def versioned_update(
    current: Model,
    *,
    expected_version: int,
    changes: dict,
    many_to_many: Iterable[str] = (),
    before_save: Callable[[Model, list[str]], None] | None = None,
) -> list[str]:
    """Write the fields of ``changes`` that differ from ``current`` and return their names ([] when none do).

    Precondition: ``current`` was read with ``select_for_update()`` in the caller's transaction. Raises
    ``ConflictError`` (nothing written) when someone saved the row since ``expected_version``. Many-to-many
    fields named in ``many_to_many`` take iterables of objects and are compared as sets of ids.
    ``before_save(current, changed)`` may derive fields from the new values (e.g. a search key) or refuse
    with a ``ValidationError``; then ``full_clean()`` runs, the version goes up by one and the row is saved.
    """
    version_check(current, expected_version)
    relations = [name for name in many_to_many if name in changes]
    scalar = {name: value for name, value in changes.items() if name not in relations}
    changed = [name for name, value in scalar.items() if getattr(current, name) != value]
    changed += [name for name in relations if _saved_ids(current, name) != {item.pk for item in changes[name]}]
    if not changed:
        return []
    for name, value in scalar.items():
        setattr(current, name, value)
    if before_save is not None:
        before_save(current, changed)
    current.full_clean()
    version_bump_save(current)
    for name in relations:
        if name in changed:
            getattr(current, name).set(changes[name])
    return changed


def version_bump_save(current: Model) -> None:
    """Save ``current`` one version up, and read back what the database now holds (the version included)."""
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()


def _saved_ids(current: Model, name: str) -> set:
    return set(getattr(current, name).values_list("pk", flat=True))
