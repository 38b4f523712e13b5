"""CSV export of outreach events, safe to open in a spreadsheet."""

import csv
from collections.abc import Iterable, Iterator

from .models import OutreachEvent

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
