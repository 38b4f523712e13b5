"""One event at a time: log a delivered one, plan one, read, edit, deliver or cancel it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from editing.forms import form_add_service_error
from editing.versions import ConflictError

from .. import selectors, services
from ..forms import EventCancelForm, EventDeliverForm, EventEditForm, EventLogForm, EventPlanForm
from ..models import EventStatus
from . import input_kept_after_conflict

MOVES = (EventStatus.DELIVERED, EventStatus.CANCELLED)


@require_http_methods(["GET", "POST"])
def event_log_view(request: HttpRequest) -> HttpResponse:
    return _event_new(request, EventLogForm, services.event_log_delivered, "Log a delivered event")


@require_http_methods(["GET", "POST"])
def event_plan_view(request: HttpRequest) -> HttpResponse:
    return _event_new(request, EventPlanForm, services.event_plan, "Plan an event")


def _event_new(request: HttpRequest, form_class, service, heading: str) -> HttpResponse:
    form = form_class(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            event = service(by=request.user, fields=form.changes())
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"Saved: {event}.")
            return redirect("outreach:event_detail", pk=event.pk)
    return render(request, "outreach/event_form.html", {"form": form, "heading": heading})


def event_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get_visible(request.user, pk)
    return render(request, "outreach/event_detail.html", _detail_context(event))


def _detail_context(event, deliver_form=None, cancel_form=None) -> dict:
    return {
        "event": event,
        "deliver_form": deliver_form or EventDeliverForm(initial={"survey_code": event.survey_code}),
        "cancel_form": cancel_form or EventCancelForm(),
        "can_move": event.status == EventStatus.PLANNED,
    }


@require_http_methods(["GET", "POST"])
def event_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get_visible(request.user, pk)
    heading = f"Edit {event}"  # before the form's validation writes the input onto ``event``
    form = EventEditForm(request.POST or None, instance=event, user=request.user)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(
                event=event, by=request.user, expected_version=form.cleaned_data["version"], changes=form.changes()
            )
        except ConflictError as error:
            conflict = selectors.event_get_visible(request.user, pk)
            form = input_kept_after_conflict(
                EventEditForm,
                request,
                event,
                error,
                "What they saved is shown above your input; check it, then save again to replace it.",
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, "The event is saved.")
            return redirect("outreach:event_detail", pk=event.pk)
    context = {"form": form, "heading": heading, "event": event, "conflict": conflict}
    return render(request, "outreach/event_form.html", context)


def event_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    """POST only; the lookup comes first so that another force's event is a 404 even on GET."""
    event = selectors.event_get_visible(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    to_status = request.POST.get("to_status", "")
    if to_status not in MOVES:
        messages.error(request, "Choose whether the event was delivered or cancelled.")
        return redirect("outreach:event_detail", pk=event.pk)
    deliver_form = EventDeliverForm(request.POST if to_status == EventStatus.DELIVERED else None)
    cancel_form = EventCancelForm(request.POST if to_status == EventStatus.CANCELLED else None)
    form = deliver_form if to_status == EventStatus.DELIVERED else cancel_form
    if form.is_valid():
        try:
            services.event_transition(
                event=event,
                by=request.user,
                to_status=to_status,
                reason=form.cleaned_data.get("reason", ""),
                figures=form.cleaned_data if to_status == EventStatus.DELIVERED else None,
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"The event is now {EventStatus(to_status).label.lower()}.")
            return redirect("outreach:event_detail", pk=event.pk)
    context = _detail_context(event, deliver_form, cancel_form)
    context["failed_form"] = form
    return render(request, "outreach/event_detail.html", context, status=400)
