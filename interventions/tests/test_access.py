"""Every interventions page for the allowed role, a forbidden role, another force's object, and anonymous visitors."""

import pytest
from django.urls import reverse

from subjects.models import CaseStatus
from subjects.tests.factories import CaseFactory, SubjectFactory

from .factories import DisposalFactory, InterventionFactory

pytestmark = pytest.mark.django_db

# url name, what its pk is, the persona allowed (a force A user), a persona of a forbidden role
PAGES = [
    ("interventions:intervention_add", "case", "officer_a", "analyst"),
    ("interventions:intervention_detail", "intervention", "officer_a", "admin_support"),
    ("interventions:intervention_transition", "intervention", "officer_a", "sysadmin"),
    ("interventions:disposal_new", "case", "officer_a", "analyst"),
    ("interventions:disposal_detail", "disposal", "officer_a", "admin_support"),
    ("interventions:disposal_edit", "disposal", "officer_a", "analyst"),
    ("interventions:disposal_submit", "disposal", "officer_a", "analyst"),
    ("interventions:disposal_decide", "disposal", "sergeant", "officer_a"),
    ("interventions:caseload_officer", "officer", "sergeant", "officer_a"),
    ("interventions:review_new", "case", "sergeant", "officer_a"),
    ("interventions:approval_queue", None, "sergeant", "officer_a"),
    ("interventions:caseload", None, "inspector", "analyst"),
]
IDS = [name.split(":")[1] for name, *_ in PAGES]


def _object_pk(kind: str | None, personas: dict, force_code: str) -> list:
    if kind is None:
        return []
    owner = personas["officer_a" if force_code == "WM" else "officer_b"]
    if kind == "officer":
        return [owner.pk]
    case = CaseFactory(subject=SubjectFactory(created_by=owner, force=owner.home_force), status=CaseStatus.ACTIVE)
    if kind == "case":
        return [case.pk]
    if kind == "intervention":
        return [InterventionFactory(case=case).pk]
    return [DisposalFactory(case=case).pk]


@pytest.mark.parametrize(("name", "kind", "allowed", "forbidden"), PAGES, ids=IDS)
def test_the_allowed_role_reaches_the_page(personas, client_for, name, kind, allowed, forbidden):
    url = reverse(name, args=_object_pk(kind, personas, "WM"))

    response = client_for(personas[allowed]).get(url)

    # POST-only actions answer a GET with 405 once the object is found.
    assert response.status_code == (405 if name.endswith(("_submit", "_decide")) else 200)


@pytest.mark.parametrize(("name", "kind", "allowed", "forbidden"), PAGES, ids=IDS)
def test_a_forbidden_role_is_refused(personas, client_for, name, kind, allowed, forbidden):
    url = reverse(name, args=_object_pk(kind, personas, "WM"))

    assert client_for(personas[forbidden]).get(url).status_code == 403
    assert client_for(personas[forbidden]).post(url, {"reason": "x"}).status_code == 403


@pytest.mark.parametrize(
    ("name", "kind", "allowed", "forbidden"),
    [page for page in PAGES if page[1]],
    ids=[i for i, p in zip(IDS, PAGES, strict=True) if p[1]],
)
def test_another_forces_object_is_not_found(personas, client_for, force_b, name, kind, allowed, forbidden):
    url = reverse(name, args=_object_pk(kind, personas, "ST"))
    client = client_for(personas[allowed])

    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x"}).status_code == 404


@pytest.mark.parametrize(("name", "kind", "allowed", "forbidden"), PAGES, ids=IDS)
def test_an_anonymous_visitor_is_sent_to_sign_in(personas, client, name, kind, allowed, forbidden):
    url = reverse(name, args=_object_pk(kind, personas, "WM"))

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
