"""Case pages: the case with its history, its workflow moves, and editing its referral details."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import Operation
from audit.services import access_event_record
from interventions.dashboard import case_section_context

from .. import services
from ..forms_cases import CaseEditForm, CaseTransitionForm, transitions_available
from ..forms_edit import form_add_service_error, form_after_conflict
from ..models import Case, CaseStatus, CaseStatusChange, CmaSection, Engagement
from ..selectors import case_get_visible


@require_GET
def case_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_visible(request.user, pk)
    prefetch_related_objects(
        [case],
        "activity_types",
        Prefetch("status_changes", queryset=CaseStatusChange.objects.select_related("by")),
        Prefetch("engagements", queryset=Engagement.objects.prefetch_related("officers")),
    )
    access_event_record(
        request=request, operation=Operation.CONSULTATION, object_type="case", object_id=case.pk, force=case.force.code
    )
    context = {
        "case": case,
        "cma_sections": [CmaSection(code).label for code in case.cma_sections if code in CmaSection.values],
        "transitions": transitions_available(case),
        **_due_flags(case),
        # Interventions, disposals and reviews of this case (3 fixed queries).
        **case_section_context(case, request.user),
    }
    return render(request, "subjects/case_detail.html", context)


def _due_flags(case: Case) -> dict:
    today = timezone.localdate()
    waiting = case.is_open and case.first_contact_at is None and case.first_contact_due is not None
    return {
        "first_contact_overdue": waiting and case.first_contact_due < today,
        "review_overdue": case.is_open and case.next_review_date is not None and case.next_review_date < today,
    }


@require_http_methods(["GET", "POST"])
def case_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_visible(request.user, pk)
    form = CaseEditForm(_posted(request), instance=case)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(
                case=case,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                changes=form.changes(),
                request=request,
            )
        except services.ConflictError as error:
            form, conflict = form_after_conflict(form, error.current, object_type="case")
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"Case {case.reference} saved.")
            return redirect("subjects:case_detail", pk=case.pk)
    return render(request, "subjects/case_form.html", {"case": case, "form": form, "conflict": conflict})


@require_http_methods(["GET", "POST"])
def case_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_visible(request.user, pk)
    to_status = request.POST.get("to_status", "") if request.method == "POST" else request.GET.get("to", "")
    form = CaseTransitionForm(_posted(request), to_status=to_status)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_transition(
                case=case,
                by=request.user,
                to_status=to_status,
                reason=form.cleaned_data["reason"],
                closure_reason=form.cleaned_data.get("closure_reason", ""),
                request=request,
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"Case {case.reference} is now {CaseStatus(to_status).label.lower()}.")
            return redirect("subjects:case_detail", pk=case.pk)
    context = {
        "case": case,
        "form": form,
        "to_status": to_status,
        "to_label": CaseStatus(to_status).label if to_status in CaseStatus.values else to_status,
        "transitions": transitions_available(case),
        "allowed": to_status in dict(transitions_available(case)),
    }
    return render(request, "subjects/case_transition_form.html", context)


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None
