"""Every outreach view for an allowed role, a forbidden role, another force and an anonymous visitor."""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from outreach.models import EventStatus
from outreach.tests.factories import LessonLearntFactory, OutreachEventFactory, TargetFactory

pytestmark = pytest.mark.django_db

# (URL name, object kind or None, an allowed persona, a forbidden persona, method)
VIEWS = [
    ("outreach:event_list", None, "officer_a", "sysadmin", "get"),
    ("outreach:event_export", None, "admin_support", "analyst", "get"),
    ("outreach:event_log", None, "officer_a", "analyst", "get"),
    ("outreach:event_plan", None, "inspector", "admin_support", "get"),
    ("outreach:event_detail", "event", "analyst", "sysadmin", "get"),
    ("outreach:event_edit", "event", "sergeant", "analyst", "get"),
    ("outreach:event_transition", "event", "officer_a", "admin_support", "post"),
    ("outreach:calendar", None, "analyst", "sysadmin", "get"),
    ("outreach:campaign_list", None, "analyst", "sysadmin", "get"),
    ("outreach:campaign_new", None, "officer_a", "admin_support", "get"),
    ("outreach:lesson_list", None, "admin_support", "sysadmin", "get"),
    ("outreach:lesson_new", None, "officer_a", "analyst", "get"),
    ("outreach:lesson_edit", "lesson", "sergeant", "admin_support", "get"),
    ("outreach:target_list", None, "admin_support", "officer_a", "get"),
    ("outreach:target_new", None, "sergeant", "analyst", "get"),
    ("outreach:target_edit", "target", "inspector", "officer_a", "get"),
    ("outreach:progress", None, "analyst", "sysadmin", "get"),
]
OBJECTS = {
    "event": lambda force: OutreachEventFactory(force=force, status=EventStatus.PLANNED),
    "lesson": lambda force: LessonLearntFactory(force=force),
    "target": lambda force: TargetFactory(force=force),
}
IDS = [view[0] for view in VIEWS]


def _url(name, kind, force) -> str:
    if kind is None:
        return reverse(name)
    return reverse(name, args=[OBJECTS[kind](force).pk])


def _request(client, method, url):
    return client.post(url, {"to_status": "cancelled", "reason": "Test"}) if method == "post" else client.get(url)


@pytest.mark.parametrize(("name", "kind", "allowed", "forbidden", "method"), VIEWS, ids=IDS)
def test_the_allowed_role_gets_through(personas, client_for, force_a, name, kind, allowed, forbidden, method):
    response = _request(client_for(personas[allowed]), method, _url(name, kind, force_a))

    assert response.status_code == (302 if method == "post" else 200)


@pytest.mark.parametrize(("name", "kind", "allowed", "forbidden", "method"), VIEWS, ids=IDS)
def test_a_forbidden_role_gets_403(personas, client_for, force_a, name, kind, allowed, forbidden, method):
    response = _request(client_for(personas[forbidden]), method, _url(name, kind, force_a))

    assert response.status_code == 403


@pytest.mark.parametrize(("name", "kind", "allowed", "forbidden", "method"), VIEWS, ids=IDS)
def test_an_anonymous_visitor_is_sent_to_sign_in(client_for, force_a, name, kind, allowed, forbidden, method):
    response = _request(client_for(None), method, _url(name, kind, force_a))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


OBJECT_VIEWS = [view for view in VIEWS if view[1] is not None]


@pytest.mark.parametrize(
    ("name", "kind", "allowed", "forbidden", "method"), OBJECT_VIEWS, ids=[v[0] for v in OBJECT_VIEWS]
)
def test_the_allowed_role_in_another_force_gets_404(
    personas, client_for, force_a, force_b, name, kind, allowed, forbidden, method
):
    outsider = UserFactory(role=personas[allowed].role, home_force=force_b)

    response = _request(client_for(outsider), method, _url(name, kind, force_a))

    assert response.status_code == 404


def test_the_progress_of_another_force_is_404(personas, client_for, force_a, force_b):
    outsider = UserFactory(role=Role.ANALYST, home_force=force_b)

    response = client_for(outsider).get(reverse("outreach:progress"), {"force": force_a.pk})

    assert response.status_code == 404


def test_the_transition_view_answers_get_with_405_inside_the_force(personas, client_for, force_a):
    event = OutreachEventFactory(force=force_a)

    response = client_for(personas["officer_a"]).get(reverse("outreach:event_transition", args=[event.pk]))

    assert response.status_code == 405
