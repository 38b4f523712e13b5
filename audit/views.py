from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .forms import AccessEventFilterForm

EVENTS_PER_PAGE = 50


def event_list_view(request: HttpRequest) -> HttpResponse:
    form = AccessEventFilterForm(request.GET)
    events = selectors.access_event_list_filtered(request.user, **form.filters())
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html", {"form": form, "page": page})
