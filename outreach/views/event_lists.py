"""Reading events in bulk: the filtered list, its CSV export and the month calendar."""

import calendar
import re
from collections import defaultdict
from datetime import date

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from editing.forms import posted

from .. import selectors
from ..exports import event_export_disclose
from ..forms import CalendarFilterForm, EventExportForm, EventFilterForm

EVENTS_PER_PAGE = 25
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def event_list_view(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET, user=request.user)
    events = selectors.event_list_filtered(request.user, form.filters())
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": _query_without(request, "page")}
    return render(request, "outreach/event_list.html", context)


@require_http_methods(["GET", "POST"])
def event_export_view(request: HttpRequest) -> HttpResponse:
    """The filtered list as CSV, every matching row, not one page: a disclosure, so a POST naming its recipient.

    The filters travel in the query string; a GET shows what would be exported
    and asks who it is for. Filters in error export nothing (an ignored filter
    would disclose more than the user chose).
    """
    filters_form = EventFilterForm(request.GET, user=request.user)
    form = EventExportForm(posted(request))
    filters = filters_form.filters()
    if form.is_valid() and not filters_form.errors:
        lines = event_export_disclose(
            by=request.user,
            filters=filters,
            filters_described=_describe(filters_form),
            recipient=form.cleaned_data["recipient"],
            request=request,
        )
        return _csv_attachment(lines)
    context = {
        "form": form,
        "filters_form": filters_form,
        "filters_described": _describe(filters_form),
        "count": selectors.event_list_filtered(request.user, filters).count(),
        "query": request.GET.urlencode(),
    }
    return render(request, "outreach/event_export.html", context)


def _csv_attachment(lines) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="outreach-events-{timezone.localdate()}.csv"'
    return response


def _describe(form: EventFilterForm) -> str:
    used = [f"{form[name].label}={value}" for name, value in form.cleaned_data.items() if value]
    return ", ".join(used) or "none"


def event_calendar_view(request: HttpRequest) -> HttpResponse:
    month, month_error = _month_from(request.GET.get("month", ""))
    form = CalendarFilterForm(request.GET, user=request.user)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    last = date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])
    by_day = defaultdict(list)
    for event in selectors.event_list_in_month(request.user, form.filters(), month, last):
        by_day[event.date].append(event)
    context = {
        "form": form,
        "month": month,
        "month_error": month_error,
        "weeks": [[(day, by_day.get(day, []), day.month == month.month) for day in week] for week in weeks],
        "previous_month": _shift(month, -1),
        "next_month": _shift(month, 1),
        "today": timezone.localdate(),
        "query": _query_without(request, "month"),
    }
    return render(request, "outreach/event_calendar.html", context)


def _month_from(value: str) -> tuple[date, str]:
    """The first day of the month asked for, or of this month with a message saying why."""
    today = timezone.localdate().replace(day=1)
    if not value:
        return today, ""
    match = _MONTH.match(value.strip())
    if match and 1 <= int(match.group(2)) <= 12 and 1900 <= int(match.group(1)) <= 2999:
        return date(int(match.group(1)), int(match.group(2)), 1), ""
    return today, f"“{value}” is not a month: use the form 2026-11. Showing this month instead."


def _shift(month: date, by: int) -> date:
    index = month.year * 12 + month.month - 1 + by
    return date(index // 12, index % 12 + 1, 1)


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()
