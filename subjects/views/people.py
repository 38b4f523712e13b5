"""People: the subject list and the subject page (other views of people follow)."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit.services import consultation_record
from subjects.forms.people import EngagementForm, SubjectFilterForm
from subjects.models import Subject, age_on
from subjects.selectors.access import subject_get_visible
from subjects.selectors.lists import officer_list_for_force, subject_list_filtered, subject_profile, subject_rows
from subjects.timeline import details_visible, person_name, subject_timeline

SUBJECTS_PER_PAGE = 25
UNDER_TEN = 10


@require_GET
def subject_list_view(request: HttpRequest) -> HttpResponse:
    form = SubjectFilterForm(request.GET, viewer=request.user)
    subjects = subject_list_filtered(request.user, form.filters())
    page = Paginator(subjects, SUBJECTS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = subject_rows(page.object_list, timezone.localdate())
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "filtered": bool(form.filters())}
    return render(request, "subjects/subject_list.html", context)


@require_GET
def subject_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    subject = subject_get_visible(request.user, pk)
    if not details_visible(subject, request.user):
        # Existence and whom to contact only: no details, so no consultation.
        contact = subject.restriction_contact or subject.assigned_officer
        return render(request, "subjects/subject_detail.html", {"subject": subject, "contact": person_name(contact)})
    return subject_page_render(request, subject)


def subject_page_render(
    request: HttpRequest, subject: Subject, *, engagement_form: EngagementForm | None = None
) -> HttpResponse:
    """The subject page, logged as a consultation; ``engagement_form`` (bound, with errors) replaces its case's form.

    Precondition: ``subject`` came from ``subject_get_visible`` and its details are visible to the user.
    """
    consultation_record(request=request, object_type="subject", object_id=subject.pk, force=subject.force.code)
    today = timezone.localdate()
    profile = subject_profile(subject, request.user)
    officers = [
        (officer.pk, person_name(officer))
        for officer in officer_list_for_force(subject.force_id).exclude(pk=request.user.pk)
    ]
    forms = [
        engagement_form
        if engagement_form is not None and engagement_form.case.pk == case.pk
        else EngagementForm(case=case, officer_choices=officers)
        for case in profile["cases"]
        if case.is_open
    ]
    age = age_on(subject.date_of_birth, today)
    context = {
        "subject": subject,
        "details": True,
        "today": today,
        "age": age,
        "under_ten": age is not None and age < UNDER_TEN,
        "engagement_forms": forms,
        "timeline": subject_timeline(subject, request.user),
        **profile,
    }
    return render(request, "subjects/subject_detail.html", context)
