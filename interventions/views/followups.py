"""Follow-ups: "My follow-ups", one follow-up with its result form, and the reminder preference."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from editing.forms import form_add_service_error

from .. import followups, reminders
from ..forms_followups import FollowUpResultForm, ReminderPreferenceForm
from ..models import FollowUpStatus, ReoffendingResult

PAGE_SIZE = 50


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


@require_GET
def followup_list_view(request: HttpRequest) -> HttpResponse:
    """The signed-in user's follow-ups still due, overdue first."""
    page = Paginator(followups.followup_list_mine(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "interventions/followup_list.html", {"page": page, "today": followups.today()})


@require_http_methods(["GET", "POST"])
def followup_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    followup = get_object_or_404(followups.followup_list_visible(request.user), pk=pk)
    form = FollowUpResultForm(_posted(request), followup=followup)
    if request.method == "POST" and followup.status == FollowUpStatus.DUE and form.is_valid():
        try:
            followups.followup_record(followup=followup, by=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, "Follow-up recorded.")
            return redirect("interventions:followup_detail", pk=followup.pk)
    context = {
        "followup": followup,
        "form": form,
        "reoffended": followup.result == ReoffendingResult.REOFFENDED,
        "today": followups.today(),
    }
    return render(request, "interventions/followup_detail.html", context)


def followup_open_case_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a new case for the subject of a check that found re-offending."""
    # Looked up first, so another force's follow-up is "not found" whatever the method.
    followup = get_object_or_404(followups.followup_list_visible(request.user), pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        case = followups.followup_open_case(followup=followup, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("interventions:followup_detail", pk=followup.pk)
    messages.success(request, f"Case {case.reference} opened.")
    return redirect("subjects:case_detail", pk=case.pk)


@require_http_methods(["GET", "POST"])
def reminder_preferences_view(request: HttpRequest) -> HttpResponse:
    initial = {"digest_enabled": reminders.digest_enabled_for(request.user)}
    form = ReminderPreferenceForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        reminders.reminder_preference_set(user=request.user, digest_enabled=form.cleaned_data["digest_enabled"])
        messages.success(request, "Reminder settings saved.")
        return redirect("interventions:reminder_preferences")
    return render(request, "interventions/followup_preferences.html", {"form": form})
