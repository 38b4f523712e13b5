"""CSV export of outreach events, safe to open in a spreadsheet; every export is a logged disclosure."""

import csv
from collections.abc import Iterable, Iterator

from django.http import HttpRequest

from accounts.models import User
from audit.services import disclosure_record

from .models import OutreachEvent
from .selectors import EventFilters, event_list_filtered

# Rows fetched per query while streaming, so a large export never sits in memory at once.
EXPORT_CHUNK = 500

HEADER = [
    "id",
    "date",
    "financial quarter",
    "force",
    "status",
    "strand",
    "type",
    "audience",
    "sector",
    "host organisation",
    "presenters",
    "co-delivering partners",
    "attendees",
    "sign-ups",
    "products promoted",
    "survey code",
    "feedback score",
    "campaign",
]
# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> object:
    """Text that a spreadsheet would run as a formula gets a leading quote; numbers pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def event_row(event: OutreachEvent) -> list:
    presenters = "; ".join(p.get_full_name() or p.username for p in event.presenters.all())
    products = "; ".join(p.name for p in event.products.all())
    row = [
        event.pk,
        event.date.isoformat(),
        event.quarter.label,
        event.force.code,
        event.get_status_display(),
        event.get_strand_display(),
        event.get_event_type_display(),
        event.get_audience_display(),
        event.sector,
        event.host_organisation,
        presenters,
        event.co_delivering_partners,
        event.attendees,
        event.sign_ups,
        products,
        event.survey_code,
        event.feedback_score if event.feedback_score is not None else "",
        event.campaign.name if event.campaign else "",
    ]
    return [csv_safe(value) for value in row]


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def event_csv_lines(events: Iterable[OutreachEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(HEADER)  # the BOM makes Excel read UTF-8
    for event in events:
        yield writer.writerow(event_row(event))


def event_export_disclose(
    *,
    by: User,
    filters: EventFilters,
    filters_described: str,
    recipient: str,
    request: HttpRequest | None = None,
) -> Iterator[str]:
    """The CSV lines of every event ``by`` may see that matches ``filters``, logged as a disclosure to ``recipient``.

    The event is written on the call, before any line streams (this function is
    not itself a generator). ``recipient`` is who the file is for (a person,
    team or organisation, as the user typed it); ``ValueError`` when it is
    blank, since a disclosure must name its recipient. ``filters_described`` is
    the filters as the user chose them, for the log's justification.
    """
    recipient = " ".join(recipient.split())
    if not recipient:
        raise ValueError("A CSV export is a disclosure: name its recipient.")
    events = event_list_filtered(by, filters)
    disclosure_record(
        request=request,
        actor=by,
        object_type="outreach_event_export",
        force=filters.force.code if filters.force else "",
        recipient=recipient,
        justification=f"CSV export of outreach events ({events.count()} rows); filters: {filters_described}",
    )
    return event_csv_lines(events.iterator(chunk_size=EXPORT_CHUNK))
