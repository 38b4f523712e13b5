"""Supervision: the approvals queue, the caseload review with its drill-down and bulk reassignment, and reviews."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.selectors import user_get_visible
from audit.services import consultation_record
from editing.forms import form_add_service_error, posted
from subjects.models import OPEN_STATUSES
from subjects.selectors.access import case_get_visible, case_list_visible
from subjects.services.cases import cases_reassign
from subjects.services.consultations import people_listed_record

from .. import services
from ..forms import ReassignForm, ReviewForm
from ..selectors import STALE_ENGAGEMENT_DAYS, approval_queue, caseload_by_officer, reviews_due


@require_GET
def approval_queue_view(request: HttpRequest) -> HttpResponse:
    items, reviews = approval_queue(request.user), list(reviews_due(request.user))
    shown = [item.disposal.case for item in items] + reviews
    people_listed_record(request=request, listing="approval_queue", shown=shown)
    context = {
        "items": items,
        "reviews": reviews,
        "limit": settings.APPROVAL_LIMIT_WORKING_DAYS,
        "today": timezone.localdate(),
    }
    return render(request, "interventions/approval_queue.html", context)


@require_GET
def caseload_view(request: HttpRequest) -> HttpResponse:
    context = {"officers": caseload_by_officer(request.user), "stale_days": STALE_ENGAGEMENT_DAYS}
    return render(request, "interventions/caseload.html", context)


@require_http_methods(["GET", "POST"])
def caseload_officer_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One officer's open cases (pk = the officer), with bulk reassignment to a colleague."""
    officer = user_get_visible(request.user, pk)
    cases = (
        case_list_visible(request.user)
        .filter(assigned_officer=officer, status__in=OPEN_STATUSES)
        .order_by("referral_date", "id")
    )
    form = ReassignForm(posted(request), cases=cases, supervisor=request.user, officer=officer)
    if request.method == "POST" and form.is_valid():
        to_officer = form.cleaned_data["to_officer"]
        try:
            moved = cases_reassign(
                case_ids=[case.pk for case in form.cleaned_data["cases"]],
                to_officer=to_officer,
                by=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"{moved} case(s) moved to {to_officer}.")
            return redirect("interventions:caseload_officer", pk=officer.pk)
    shown = list(cases)
    people_listed_record(request=request, listing="caseload_officer", shown=shown)
    context = {
        "officer": officer,
        "cases": shown,
        "form": form,
        "selected": {str(value) for value in form["cases"].value() or ()},
        "today": timezone.localdate(),
    }
    return render(request, "interventions/caseload_officer.html", context)


@require_http_methods(["GET", "POST"])
def review_new_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_visible(request.user, pk)
    form = ReviewForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_record(
                case=case,
                by=request.user,
                notes=form.cleaned_data["notes"],
                actions=form.cleaned_data["actions"],
                next_review_date=form.cleaned_data["next_review_date"],
                request=request,
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"Review recorded. Next review by {review.next_review_date:%d %b %Y}.")
            return redirect("subjects:case_detail", pk=case.pk)
    previous = case.supervisory_reviews.select_related("reviewer").order_by("-reviewed_at", "-id")[:5]
    consultation_record(request=request, object_type="case", object_id=case.pk, force=case.force.code)
    return render(request, "interventions/review_form.html", {"case": case, "form": form, "previous": previous})
