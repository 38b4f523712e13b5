"""Follow-ups: "My follow-ups", one follow-up with its result form, the reminder preference, and handing over."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.selectors import user_get_visible
from editing.forms import form_add_service_error, posted

from . import reminders, selectors, services
from .forms import FollowUpResultForm, HandOverForm, ReminderPreferenceForm
from .models import FollowUpKind, FollowUpStatus, ReoffendingResult

PAGE_SIZE = 50


@require_GET
def followup_list_view(request: HttpRequest) -> HttpResponse:
    """The signed-in user's follow-ups still due, overdue first."""
    page = Paginator(selectors.followup_list_mine(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "followups/followup_list.html", {"page": page, "today": selectors.today()})


@require_http_methods(["GET", "POST"])
def followup_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    followup = get_object_or_404(selectors.followup_list_visible(request.user), pk=pk)
    form = FollowUpResultForm(posted(request), followup=followup)
    if request.method == "POST" and followup.status == FollowUpStatus.DUE and form.is_valid():
        try:
            services.followup_record(followup=followup, by=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, "Follow-up recorded.")
            return redirect("followups:detail", pk=followup.pk)
    context = {
        "followup": followup,
        "form": form,
        "reoffended": followup.result == ReoffendingResult.REOFFENDED,
        "today": selectors.today(),
    }
    return render(request, "followups/followup_detail.html", context)


def followup_open_case_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a new case for the subject of a check that found re-offending."""
    # Looked up first, so another force's follow-up is "not found" whatever the method.
    followup = get_object_or_404(selectors.followup_list_visible(request.user), pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        case = services.followup_open_case(followup=followup, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("followups:detail", pk=followup.pk)
    messages.success(request, f"Case {case.reference} opened.")
    return redirect("subjects:case_detail", pk=case.pk)


@require_http_methods(["GET", "POST"])
def reminder_preferences_view(request: HttpRequest) -> HttpResponse:
    initial = {"digest_enabled": reminders.digest_enabled_for(request.user)}
    form = ReminderPreferenceForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        reminders.reminder_preference_set(user=request.user, digest_enabled=form.cleaned_data["digest_enabled"])
        messages.success(request, "Reminder settings saved.")
        return redirect("followups:reminder_preferences")
    return render(request, "followups/followup_preferences.html", {"form": form})


@require_http_methods(["GET", "POST"])
def handover_view(request: HttpRequest, pk: int) -> HttpResponse:
    """What one officer (pk = the officer) still owes, and handing it to a colleague before they leave."""
    officer = user_get_visible(request.user, pk)
    form = HandOverForm(posted(request), supervisor=request.user, officer=officer)
    if request.method == "POST" and form.is_valid():
        to_user = form.cleaned_data["to_user"]
        try:
            moved = services.followups_hand_over(
                from_user=officer, to_user=to_user, by=request.user, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"{moved} follow-up(s) handed over to {to_user}.")
            return redirect("followups:handover", pk=officer.pk)
    owed = dict(selectors.followups_due_by_kind(officer, viewer=request.user))
    rows = [(label, owed[kind]) for kind, label in FollowUpKind.choices if kind in owed]
    context = {"officer": officer, "form": form, "rows": rows, "total": sum(owed.values())}
    return render(request, "followups/followup_handover.html", context)
