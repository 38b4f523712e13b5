from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


def event_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "audit/event_list.html", {"events": selectors.access_event_list_visible(request.user)[:200]})
