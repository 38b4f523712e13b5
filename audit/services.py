from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from config.celery_app import enqueue_on_commit

from .models import AccessEvent, Operation

# With a broker, at most one "seal now" task is queued per this many seconds;
# the beat schedule (``audit-seal``) seals anything a burst left behind.
_SEAL_DEBOUNCE_SECONDS = 2


def access_event_record(
    *,
    operation: Operation | str,
    request: HttpRequest | None = None,
    actor=None,
    object_type: str = "",
    object_id: str | int = "",
    force: str = "",
    changed_fields: Iterable[str] = (),
    justification: str = "",
    recipient: str = "",
) -> AccessEvent:
    """Append one row to the access log.

    ``actor`` defaults to the request's user. Field *names* only are stored in
    ``changed_fields``, never values. The row is sealed into the hash chain
    shortly after the surrounding transaction commits.
    """
    actor = _actor_or_signed_in_user(request, actor)
    event = AccessEvent.objects.create(
        actor=actor,
        actor_username=getattr(actor, "username", "") or "",
        role=getattr(actor, "role", "") or "",
        operation=operation,
        object_type=object_type,
        object_id=str(object_id),
        force=force,
        changed_fields=sorted(set(changed_fields)),
        justification=justification,
        recipient=recipient,
        request_id=getattr(request, "request_id", "") if request is not None else "",
        ip_address=request.META.get("REMOTE_ADDR") if request is not None else None,
    )
    _schedule_seal()
    return event


def consultation_record(
    *,
    request: HttpRequest | None = None,
    actor=None,
    object_type: str,
    object_id: str | int,
    force: str = "",
    justification: str = "",
    shown: Sequence[str] = (),
) -> AccessEvent:
    """Log that a person looked at one record (s.62 consultation), e.g. a detail page shown on GET.

    ``actor`` defaults to the request's user, as in ``access_event_record``;
    ``force`` is the record's force code. Raises ``ValueError`` when neither
    names a signed-in person: s.62 requires the log to say who consulted.

    A page that lists people (a search, a queue) is one event, not one per row:
    ``object_type`` names the page, ``object_id`` is empty and ``shown`` holds
    the references of the records on it, in the order shown. They go into
    ``justification`` (after any reason given), as "Shown: A, B": the one text
    field of the log, displayed in the event list, whereas ``changed_fields``
    holds field names only.
    """
    return access_event_record(
        request=request,
        actor=_person(request, actor),
        operation=Operation.CONSULTATION,
        object_type=object_type,
        object_id=object_id,
        force=force,
        justification=_with_shown(justification, shown),
    )


def _with_shown(justification: str, shown: Sequence[str]) -> str:
    if not shown:
        return justification
    listed = f"Shown: {', '.join(shown)}"
    return f"{justification.rstrip('. ')}. {listed}" if justification.strip() else listed


def disclosure_record(
    *,
    request: HttpRequest | None = None,
    actor=None,
    object_type: str,
    object_id: str | int = "",
    force: str = "",
    recipient: str = "",
    justification: str = "",
) -> AccessEvent:
    """Log that data left the system (s.62 disclosure): a PDF for a partner, a CSV export, a file download.

    ``recipient`` is who receives it (a partner's name, or the downloading
    user's username); ``justification`` says what was handed over. ``object_id``
    may be empty for an export of many records. ``actor`` defaults to the
    request's user; ``ValueError`` when neither names a signed-in person.
    """
    return access_event_record(
        request=request,
        actor=_person(request, actor),
        operation=Operation.DISCLOSURE,
        object_type=object_type,
        object_id=object_id,
        force=force,
        recipient=recipient,
        justification=justification,
    )


def _actor_or_signed_in_user(request: HttpRequest | None, actor):
    if actor is None and request is not None and request.user.is_authenticated:
        return request.user
    return actor


def _person(request: HttpRequest | None, actor):
    actor = _actor_or_signed_in_user(request, actor)
    if actor is None:
        raise ValueError("A consultation or disclosure must name the person: pass a signed-in request or an actor.")
    return actor


def _schedule_seal() -> None:
    """Seal the new row soon after commit.

    Eager tasks (no broker) have no beat to catch up, so a debounced-away
    request would leave its rows unsealed until the next event: seal on every
    commit instead. With a broker, debounce so a burst queues one task.
    """
    from .tasks import seal_access_events

    if settings.CELERY_TASK_ALWAYS_EAGER or cache.add("audit:seal-queued", 1, timeout=_SEAL_DEBOUNCE_SECONDS):
        enqueue_on_commit(seal_access_events)
