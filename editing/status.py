"""One status machine: an explicit transition map, one move function, and a history row per move."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from .versions import version_bump_save


class StatusChange(models.Model):
    """Who moved a record from which status to which, when and why. Written only by ``status_move``.

    A concrete history names its record's foreign key ``related_name="status_changes"`` and sets
    ``statuses`` to the record's status choices (used for the labels shown in histories).
    """

    statuses: type[models.TextChoices]

    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"

    def get_from_status_display(self) -> str:
        return self._label(self.from_status)

    def get_to_status_display(self) -> str:
        return self._label(self.to_status)

    def _label(self, value: str) -> str:
        return str(self.statuses(value).label) if value in self.statuses.values else value


@dataclass(frozen=True)
class Transitions:
    """The moves a kind of record allows (``<RECORD>_TRANSITIONS`` by convention) and how a refusal reads.

    ``refusal`` is formatted with ``current`` and ``target``, the lower-case labels of both statuses.
    """

    statuses: type[models.TextChoices]
    moves: Mapping[str, frozenset[str]]
    refusal: str

    def allowed(self, from_status: str) -> frozenset[str]:
        return self.moves.get(from_status, frozenset())

    def check(self, from_status: str, to_status: str) -> None:
        if to_status not in self.allowed(from_status):
            raise ValidationError(self.refusal.format(current=self._label(from_status), target=self._label(to_status)))

    def _label(self, value: str) -> str:
        return str(self.statuses(value).label).lower() if value in self.statuses.values else repr(value)


def status_move(
    locked: models.Model,
    *,
    transitions: Transitions,
    to_status: str,
    by,
    reason: str = "",
    apply: Callable[[models.Model], None] | None = None,
) -> models.Model:
    """Move ``locked`` to ``to_status``: check the move, run ``apply`` (the service's own fields and rules,
    which may refuse with a ``ValidationError``), save one version up and write the history row.

    Precondition: ``locked`` was read with ``select_for_update()`` in the caller's transaction.
    """
    transitions.check(locked.status, to_status)
    from_status = locked.status
    locked.status = to_status
    if apply is not None:
        apply(locked)
    version_bump_save(locked)
    status_history_start(locked, by=by, reason=reason, from_status=from_status)
    return locked


def status_history_start(record: models.Model, *, by, reason: str, from_status: str = "") -> None:
    """The history row of ``record`` reaching its current status (a new record has no ``from_status``)."""
    record.status_changes.create(from_status=from_status, to_status=record.status, by=by, reason=reason.strip())
