"""Cases: the case page, its edits and workflow, and engagements logged on it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from subjects.filters import officer_list_for_force
from subjects.forms_people import EngagementForm
from subjects.models import Case, Engagement
from subjects.selectors import case_get_visible
from subjects.services import engagement_log
from subjects.timeline import person_name, subject_timeline
from subjects.views.people import subject_page_render


def case_detail_view(request, pk=None):
    raise Http404


def case_edit_view(request, pk=None):
    raise Http404


def case_transition_view(request, pk=None):
    raise Http404


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
