"""Restricted subjects: details only for the need-to-know list and supervisors, or through logged break-glass."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, Role
from accounts.tests.factories import UserFactory
from audit.models import AccessEvent, Operation
from subjects.models import BreakGlassAccess
from subjects.selectors.access import case_get_visible, case_list_visible, subject_details_visible, subject_list_visible
from subjects.services.restricted import break_glass_open
from subjects.tests.factories import CaseFactory, SubjectFactory

pytestmark = pytest.mark.django_db

REASON = "Subject's mother rang the out-of-hours line about a threat."


@pytest.fixture
def handler(force_a):
    """The officer running the covert operation, named as the restriction contact."""
    return UserFactory(username="handler", role=Role.OFFICER, home_force=force_a)


@pytest.fixture
def colleague(force_a):
    """An officer of the same force who is not on the need-to-know list."""
    return UserFactory(username="colleague", role=Role.OFFICER, home_force=force_a)


@pytest.fixture
def restricted(handler):
    subject = SubjectFactory(
        created_by=handler,
        first_name="Quinn",
        last_name="Ashworth",
        date_of_birth=date(2009, 2, 14),
        restricted=True,
        restriction_contact=handler,
    )
    subject.need_to_know.add(handler)
    CaseFactory(subject=subject, number=1)
    return subject


def _glass_url(subject) -> str:
    return reverse("subjects:break_glass", args=[subject.pk])


def _expire_all() -> None:
    BreakGlassAccess.objects.update(expires_at=timezone.now() - timedelta(seconds=1))


def _nothing_written() -> bool:
    return (
        not BreakGlassAccess.objects.exists()
        and not Notification.objects.exists()
        and not AccessEvent.objects.filter(operation=Operation.CONSULTATION, object_type="subject").exists()
    )


# ------------------------------------------------------------------------------
# Who sees details
# ------------------------------------------------------------------------------
def test_a_restricted_subjects_details_are_invisible_without_break_glass(restricted, colleague):
    assert subject_list_visible(colleague).filter(pk=restricted.pk).exists()  # that it exists is visible
    assert subject_details_visible(colleague, restricted) is False
    assert not case_list_visible(colleague).filter(subject=restricted).exists()
    with pytest.raises(Http404):
        case_get_visible(colleague, restricted.cases.get().pk)


def test_the_subject_page_hides_name_and_date_of_birth_without_break_glass(restricted, colleague, client_for):
    response = client_for(colleague).get(reverse("subjects:detail", args=[restricted.pk]))

    assert response.status_code == 200
    assert restricted.reference.encode() in response.content
    for detail in ("Quinn", "Ashworth", "14/02/2009", "14 Feb 2009"):
        assert detail.encode() not in response.content


def test_after_break_glass_the_subject_page_shows_the_details(restricted, colleague, client_for):
    client = client_for(colleague)

    client.post(_glass_url(restricted), {"reason": REASON})
    response = client.get(reverse("subjects:detail", args=[restricted.pk]))

    assert response.status_code == 200
    assert b"Ashworth" in response.content


@pytest.mark.parametrize("who", ["handler", "sergeant", "inspector", "assigned"])
def test_the_need_to_know_list_supervisors_and_the_assigned_officer_see_details_without_break_glass(
    who, restricted, handler, personas, client_for, force_a
):
    assigned = UserFactory(role=Role.OFFICER, home_force=force_a)
    restricted.assigned_officer = assigned
    restricted.save()
    user = {"handler": handler, "sergeant": personas["sergeant"], "inspector": personas["inspector"]}.get(who, assigned)

    response = client_for(user).get(_glass_url(restricted))

    assert subject_details_visible(user, restricted) is True
    assert case_get_visible(user, restricted.cases.get().pk).subject == restricted
    assert response.status_code == 302
    assert response["Location"] == reverse("subjects:detail", args=[restricted.pk])
    assert not BreakGlassAccess.objects.exists()


def test_an_unrestricted_subject_needs_no_break_glass(personas, client_for):
    subject = SubjectFactory(created_by=personas["officer_a"])

    response = client_for(UserFactory(role=Role.OFFICER)).get(_glass_url(subject))

    assert response.status_code == 302
    assert response["Location"] == reverse("subjects:detail", args=[subject.pk])


# ------------------------------------------------------------------------------
# Breaking glass
# ------------------------------------------------------------------------------
def test_the_form_warns_that_access_is_logged_and_names_whom_to_contact(restricted, colleague, client_for):
    response = client_for(colleague).get(_glass_url(restricted))

    assert response.status_code == 200
    assert b"recorded in the access log" in response.content
    assert b"sergeants for" in response.content
    assert restricted.restriction_contact.get_full_name().encode() in response.content
    assert b"Ashworth" not in response.content
    assert _nothing_written()


@pytest.mark.parametrize("reason", ["", "   ", "urgent!!!"], ids=["empty", "blank", "nine-characters"])
def test_a_missing_or_short_reason_is_refused_and_nothing_is_written(reason, restricted, colleague, client_for):
    response = client_for(colleague).post(_glass_url(restricted), {"reason": reason})

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert b"There is a problem" in response.content
    assert _nothing_written()
    assert subject_details_visible(colleague, restricted) is False


def test_break_glass_with_a_reason_opens_the_record_and_goes_to_it(restricted, colleague, client_for):
    response = client_for(colleague).post(_glass_url(restricted), {"reason": f"  {REASON}  "})

    assert response.status_code == 302
    assert response["Location"] == reverse("subjects:detail", args=[restricted.pk])
    access = BreakGlassAccess.objects.get()
    assert (access.subject, access.user, access.reason) == (restricted, colleague, REASON)
    assert subject_details_visible(colleague, restricted) is True


def test_break_glass_writes_an_access_event_with_the_reason(restricted, colleague, client_for):
    client_for(colleague).post(_glass_url(restricted), {"reason": REASON})

    event = AccessEvent.objects.get(operation=Operation.CONSULTATION, object_type="subject")
    assert (event.object_id, event.actor_username, event.justification, event.force) == (
        str(restricted.pk),
        "colleague",
        REASON,
        "WM",
    )


def test_break_glass_tells_the_forces_sergeant_and_the_restriction_contact(restricted, colleague, personas):
    break_glass_open(subject=restricted, user=colleague, reason=REASON)

    notified = {n.recipient.username: n for n in Notification.objects.select_related("recipient")}
    assert set(notified) == {"sergeant_a", "handler"}  # not the other force's people, nor the user
    note = notified["sergeant_a"]
    assert note.title == f"Break-glass access to {restricted.reference} by colleague"
    assert "Ashworth" not in note.title
    assert note.url == reverse("subjects:detail", args=[restricted.pk])


def test_a_sergeant_of_another_force_is_not_told(restricted, colleague, force_b):
    UserFactory(username="sergeant_b", role=Role.SERGEANT, home_force=force_b)

    break_glass_open(subject=restricted, user=colleague, reason=REASON)

    assert not Notification.objects.filter(recipient__username="sergeant_b").exists()


def test_access_lasts_the_configured_minutes_then_details_are_hidden_again(settings, restricted, colleague):
    settings.BREAK_GLASS_MINUTES = 15

    access = break_glass_open(subject=restricted, user=colleague, reason=REASON)

    assert timedelta(minutes=14) < access.expires_at - timezone.now() <= timedelta(minutes=15)
    assert subject_details_visible(colleague, restricted) is True
    _expire_all()
    assert subject_details_visible(colleague, restricted) is False
    assert not case_list_visible(colleague).filter(subject=restricted).exists()


def test_after_expiry_the_page_offers_break_glass_again(restricted, colleague, client_for):
    client = client_for(colleague)
    client.post(_glass_url(restricted), {"reason": REASON})
    _expire_all()

    response = client.get(_glass_url(restricted))

    assert response.status_code == 200
    assert "form" in response.context


def test_one_users_break_glass_does_not_open_the_record_for_another(restricted, colleague, force_a):
    other = UserFactory(role=Role.OFFICER, home_force=force_a)

    break_glass_open(subject=restricted, user=colleague, reason=REASON)

    assert subject_details_visible(other, restricted) is False


def test_the_service_refuses_a_short_reason_and_an_unrestricted_subject(restricted, colleague, personas):
    with pytest.raises(ValidationError) as short:
        break_glass_open(subject=restricted, user=colleague, reason="because")
    with pytest.raises(ValidationError):
        break_glass_open(subject=SubjectFactory(created_by=personas["officer_a"]), user=colleague, reason=REASON)

    assert "reason" in short.value.message_dict
    assert _nothing_written()


# ------------------------------------------------------------------------------
# Access to the break-glass page
# ------------------------------------------------------------------------------
def test_an_officer_of_another_force_gets_404_guessed_ids_included(restricted, personas, client_for):
    client = client_for(personas["officer_b"])

    statuses = [
        client.get(_glass_url(restricted)).status_code,
        client.post(_glass_url(restricted), {"reason": REASON}).status_code,
        client.get(reverse("subjects:break_glass", args=[999999])).status_code,
    ]

    assert statuses == [404, 404, 404]
    assert _nothing_written()


@pytest.mark.parametrize("persona", ["analyst", "admin_support", "sysadmin"])
def test_roles_without_case_access_are_refused(persona, restricted, personas, client_for):
    response = client_for(personas[persona]).post(_glass_url(restricted), {"reason": REASON})

    assert response.status_code == 403
    assert not BreakGlassAccess.objects.exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(restricted, client):
    response = client.get(_glass_url(restricted))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
