"""People: the subject list and the subject page (other views of people follow)."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from audit.services import consultation_record
from subjects.forms.people import EngagementForm, SubjectFilterForm
from subjects.models import Subject, age_on
from subjects.searches import search_keep, search_recall
from subjects.selectors.access import subject_get_visible
from subjects.selectors.lists import officer_list_for_force, subject_list_filtered, subject_profile, subject_rows
from subjects.services.consultations import people_listed_record
from subjects.timeline import details_visible, person_name, subject_timeline

SUBJECTS_PER_PAGE = 25
UNDER_TEN = 10
# The search box's field (posted, never in a URL) and the URL parameter that stands for it.
SEARCH_FIELD = "q"
SEARCH_PARAMETER = "search"
# A little over the form's own limit, so a too-long search still comes back with its error.
SEARCH_MAX_LENGTH = 200


@require_http_methods(["GET", "POST"])
def subject_list_view(request: HttpRequest) -> HttpResponse:
    """The people in the user's forces, filtered; one consultation event for the page shown.

    The search box posts: its text is kept in the session and the list
    redirects to ``?search=<token>`` (``subjects.searches``), so a name is never
    in a URL. A ``q`` in the URL is ignored, not searched for.
    """
    if request.method == "POST":
        return redirect(_list_url_for(request))
    data, search_expired = _filters_from_url(request)
    form = SubjectFilterForm(data, viewer=request.user)
    subjects = subject_list_filtered(request.user, form.filters())
    page = Paginator(subjects, SUBJECTS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = subject_rows(page.object_list, timezone.localdate())
    people_listed_record(request=request, listing="subject_list", shown=page.object_list)
    query = request.GET.copy()
    for name in ("page", SEARCH_FIELD):
        query.pop(name, None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "filtered": bool(form.filters()),
        "search_expired": search_expired,
    }
    return render(request, "subjects/subject_list.html", context)


def _list_url_for(request: HttpRequest) -> str:
    """The list's URL for the posted filters: the search text under a token, the other filters as they are."""
    query = QueryDict(mutable=True)
    text = request.POST.get(SEARCH_FIELD, "").strip()[:SEARCH_MAX_LENGTH]
    if text:
        query[SEARCH_PARAMETER] = search_keep(request.session, text)
    for name in SubjectFilterForm.base_fields:
        values = [value for value in request.POST.getlist(name) if value]
        if name != SEARCH_FIELD and values:
            query.setlist(name, values)
    url = reverse("subjects:list")
    return f"{url}?{query.urlencode()}" if query else url


def _filters_from_url(request: HttpRequest) -> tuple[QueryDict, bool]:
    """The filter form's data from the URL, the search text recalled from its token; and whether it expired."""
    data = request.GET.copy()
    data.pop(SEARCH_FIELD, None)
    token = data.pop(SEARCH_PARAMETER, [""])[-1]
    if not token:
        return data, False
    text = search_recall(request.session, token)
    if text is not None:
        data[SEARCH_FIELD] = text
    return data, text is None


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
