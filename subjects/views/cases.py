"""Cases: the case page, its edits and workflow, and engagements logged on it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from audit.services import consultation_record
from editing.forms import form_add_service_error, form_save_edit, posted
from subjects import hooks
from subjects.forms.cases import CaseEditForm, CaseTransitionForm, transitions_available
from subjects.forms.people import EngagementForm
from subjects.models import Case, CaseStatus, CaseStatusChange, CmaSection, Engagement
from subjects.selectors.access import case_get_visible
from subjects.selectors.lists import officer_list_for_force
from subjects.services.cases import case_transition, case_update
from subjects.services.engagements import engagement_log
from subjects.timeline import person_name, subject_timeline
from subjects.views.people import subject_page_render


@require_GET
def case_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_visible(request.user, pk)
    prefetch_related_objects(
        [case],
        "activity_types",
        Prefetch("status_changes", queryset=CaseStatusChange.objects.select_related("by")),
        Prefetch("engagements", queryset=Engagement.objects.prefetch_related("officers")),
    )
    consultation_record(request=request, object_type="case", object_id=case.pk, force=case.force.code)
    context = {
        "case": case,
        "cma_sections": [CmaSection(code).label for code in case.cma_sections if code in CmaSection.values],
        "transitions": transitions_available(case),
        "first_contact_overdue": case.first_contact_overdue(),
        "review_overdue": case.review_overdue(),
        # Sections other apps add (interventions: its interventions, disposals and reviews, 3 fixed queries).
        **_sections(case, request.user),
    }
    return render(request, "subjects/case_detail.html", context)


def _sections(case, viewer) -> dict:
    context = {}
    for part in hooks.case_page_sections.send(case, viewer):
        context.update(part)
    return context


@require_http_methods(["GET", "POST"])
def case_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_visible(request.user, pk)
    form = CaseEditForm(posted(request), instance=case)
    saved, form, conflict = form_save_edit(
        request,
        form,
        lambda f: case_update(
            case=case, by=request.user, expected_version=f.cleaned_data["version"], changes=f.changes(), request=request
        ),
        object_type="case",
    )
    if saved is not None:
        messages.success(request, f"Case {case.reference} saved.")
        return redirect("subjects:case_detail", pk=case.pk)
    consultation_record(request=request, object_type="case", object_id=case.pk, force=case.force.code)
    return render(request, "subjects/case_form.html", {"case": case, "form": form, "conflict": conflict})


@require_http_methods(["GET", "POST"])
def case_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_visible(request.user, pk)
    to_status = request.POST.get("to_status", "") if request.method == "POST" else request.GET.get("to", "")
    form = CaseTransitionForm(posted(request), to_status=to_status)
    if request.method == "POST" and form.is_valid():
        try:
            case_transition(
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
    consultation_record(request=request, object_type="case", object_id=case.pk, force=case.force.code)
    return render(request, "subjects/case_transition_form.html", context)


@require_http_methods(["GET", "POST"])
def engagement_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Log an engagement from the subject page: htmx gets the form back, a plain POST a redirect."""
    case = case_get_visible(request.user, pk)
    if request.method != "POST":
        # The form lives on the subject page (e.g. this URL reloaded after a refused plain POST).
        return redirect(_subject_page_form(case))
    colleagues = officer_list_for_force(case.force_id).exclude(pk=request.user.pk)
    choices = [(officer.pk, person_name(officer)) for officer in colleagues]
    form = EngagementForm(request.POST, case=case, officer_choices=choices)
    if not case.is_open:
        form.is_valid()
        status = case.get_status_display().lower()
        form.add_error(None, f"Case {case.reference} is {status}: engagements can only be logged on an open case.")
    elif form.is_valid():
        try:
            engagement = engagement_log(
                case=case,
                by=request.user,
                fields=form.engagement_fields(),
                officers=list(colleagues.filter(pk__in=form.officer_ids())),
                request=request,
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return _engagement_logged(request, case, engagement, choices)
    return _engagement_refused(request, case, form)


def _subject_page_form(case: Case) -> str:
    return f"{reverse('subjects:detail', args=[case.subject_id])}#engagement-{case.pk}"


def _engagement_logged(request: HttpRequest, case: Case, engagement: Engagement, choices) -> HttpResponse:
    when = timezone.localtime(engagement.occurred_at)
    message = f"{engagement.get_type_display()} on {when:%d %b %Y %H:%M} logged on case {case.reference}."
    if not request.htmx:
        messages.success(request, message)
        return redirect("subjects:detail", pk=case.subject_id)
    fresh = EngagementForm(case=case, officer_choices=choices)
    fresh.focus_first()
    # The fragment brings the subject's whole timeline back: a read of the subject, as the subject page is.
    consultation_record(request=request, object_type="subject", object_id=case.subject_id, force=case.force.code)
    context = {
        "form": fresh,
        "case": case,
        "status_message": message,
        "timeline": subject_timeline(case.subject, request.user),
        "oob": True,
    }
    return render(request, "subjects/_engagement_form.html", context)


def _engagement_refused(request: HttpRequest, case: Case, form: EngagementForm) -> HttpResponse:
    if request.htmx:
        # 200, not 422: htmx 2 only swaps 2xx responses, and the form must come back with its errors.
        form.focus_first()
        return render(request, "subjects/_engagement_form.html", {"form": form, "case": case})
    if not case.is_open:
        messages.error(request, form.non_field_errors()[0])
        return redirect("subjects:detail", pk=case.subject_id)
    return subject_page_render(request, case.subject, engagement_form=form)
