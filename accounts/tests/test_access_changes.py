"""Separation of duties: one service changes access, nobody changes their own, grants wait for a supervisor."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts import services
from accounts.models import AccessGrant, Force, Notification, Role, User
from audit.models import AccessEvent, Operation

from .factories import UserFactory

pytestmark = pytest.mark.django_db

# Session, user, the user's MFA device, their forces (the scope), the grants, the grants' forces and the
# accounts' forces (prefetched): the same for one grant or many.
PINNED_LIST_QUERIES = 7
PINNED_DETAIL_QUERIES = 7


@pytest.fixture
def sysadmin(force_a):
    return UserFactory(role=Role.SYSADMIN, home_force=force_a, forces=[])


@pytest.fixture
def inspector(force_a):
    return UserFactory(role=Role.INSPECTOR, home_force=force_a, forces=[force_a])


@pytest.fixture
def sergeant(force_a):
    return UserFactory(role=Role.SERGEANT, home_force=force_a, forces=[force_a])


def _form_of(user, **changes) -> dict:
    """The admin change form's data for ``user``, with ``changes``."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "home_force": user.home_force_id or "",
        "forces": list(user.forces.values_list("pk", flat=True)),
        "is_active": user.is_active,
    }
    data.update(changes)
    if not data.pop("is_active"):
        return data
    return {**data, "is_active": "on"}


def _admin_change(client, user, **changes):
    return client.post(reverse("admin:accounts_user_change", args=[user.pk]), _form_of(user, **changes))


# ------------------------------------------------------------------------------
# Nobody changes their own account
# ------------------------------------------------------------------------------
def test_it_refuses_a_system_admin_giving_themselves_case_access_in_the_admin(client_for, sysadmin, force_a):
    client = client_for(sysadmin)

    response = _admin_change(client, sysadmin, role=Role.OFFICER, forces=[force_a.pk])

    sysadmin.refresh_from_db()
    assert response.status_code == 200
    assert services.SELF_CHANGE_REFUSED in response.content.decode()
    assert sysadmin.role == Role.SYSADMIN
    assert not sysadmin.forces.exists()
    assert not AccessGrant.objects.exists()
    assert client.get(reverse("subjects:list")).status_code == 403


@pytest.mark.parametrize(
    "change",
    [{"role": Role.ANALYST}, {"forces": []}, {"is_active": False}, {"email": "elsewhere@example.org"}],
)
def test_nobody_changes_their_own_role_forces_active_flag_or_address(sysadmin, force_a, change):
    sysadmin.forces.set([force_a])

    with pytest.raises(ValidationError) as refused:
        services.user_access_change(user=sysadmin, by=sysadmin, **change)

    assert services.SELF_CHANGE_REFUSED in refused.value.messages


def test_nobody_resets_their_own_devices(sysadmin):
    with pytest.raises(ValidationError):
        services.user_access_change(user=sysadmin, by=sysadmin, mfa_reset=True)


def test_only_a_system_admin_changes_accounts(inspector, officer):
    with pytest.raises(PermissionDenied):
        services.user_access_change(user=officer, by=inspector, role=Role.SERGEANT)


def test_editing_ones_own_name_in_the_admin_still_works(client_for, sysadmin):
    response = _admin_change(client_for(sysadmin), sysadmin, first_name="Renamed")

    sysadmin.refresh_from_db()
    assert response.status_code == 302
    assert sysadmin.first_name == "Renamed"


# ------------------------------------------------------------------------------
# What grants case access waits for a sergeant or inspector
# ------------------------------------------------------------------------------
def test_a_change_that_grants_case_access_waits_and_is_logged_and_notified(client_for, sysadmin, inspector, force_a):
    analyst = UserFactory(role=Role.ANALYST, home_force=force_a, forces=[])

    response = _admin_change(client_for(sysadmin), analyst, role=Role.OFFICER, forces=[force_a.pk])

    analyst.refresh_from_db()
    grant = AccessGrant.objects.get(user=analyst)
    assert response.status_code == 302
    assert (analyst.role, list(analyst.forces.all())) == (Role.ANALYST, [])
    assert (grant.status, grant.role, list(grant.forces.all())) == (AccessGrant.Status.PENDING, Role.OFFICER, [force_a])
    event = AccessEvent.objects.get(actor=sysadmin, object_type="user", object_id=str(analyst.pk))
    assert event.changed_fields == ["forces", "role"]
    assert f"access grant {grant.pk}" in event.justification
    notice = Notification.objects.get(recipient=inspector)
    assert notice.url == reverse("accounts:access_grant_detail", args=[grant.pk])


def test_a_pending_grant_gives_no_access_until_a_sergeant_confirms_it(client_for, sysadmin, sergeant, force_a):
    colleague = UserFactory(role=Role.SYSADMIN, home_force=force_a, forces=[])
    grant = services.user_access_change(user=colleague, by=sysadmin, role=Role.OFFICER, forces=[force_a])
    colleague_client = client_for(colleague)
    assert colleague_client.get(reverse("subjects:list")).status_code == 403

    response = client_for(sergeant).post(
        reverse("accounts:access_grant_detail", args=[grant.pk]), {"decision": "confirm"}
    )

    colleague.refresh_from_db()
    assert response.status_code == 302
    assert colleague.role == Role.OFFICER
    assert list(colleague.forces.all()) == [force_a]
    assert colleague_client.get(reverse("subjects:list")).status_code == 200
    event = AccessEvent.objects.get(actor=sergeant, object_type="user", object_id=str(colleague.pk))
    assert (event.operation, event.changed_fields) == (Operation.ALTERATION, ["forces", "role"])


def test_a_refused_grant_changes_nothing(client_for, sysadmin, sergeant, force_a):
    analyst = UserFactory(role=Role.ANALYST, home_force=force_a, forces=[])
    grant = services.user_access_change(user=analyst, by=sysadmin, role=Role.OFFICER, forces=[force_a])

    client_for(sergeant).post(reverse("accounts:access_grant_detail", args=[grant.pk]), {"decision": "refuse"})

    analyst.refresh_from_db()
    grant.refresh_from_db()
    assert analyst.role == Role.ANALYST
    assert (grant.status, grant.decided_by) == (AccessGrant.Status.REFUSED, sergeant)


def test_neither_the_requester_nor_the_account_holder_can_confirm(client_for, sysadmin, sergeant, force_a):
    grant = services.user_access_change(user=sergeant, by=sysadmin, role=Role.INSPECTOR)
    url = reverse("accounts:access_grant_detail", args=[grant.pk])

    by_requester = client_for(sysadmin).post(url, {"decision": "confirm"})
    by_holder = client_for(sergeant).post(url, {"decision": "confirm"})

    sergeant.refresh_from_db()
    assert by_requester.status_code == 403
    assert by_holder.status_code == 404
    assert sergeant.role == Role.SERGEANT
    with pytest.raises(PermissionDenied):
        services.access_grant_decide(grant=grant, by=sergeant, confirm=True)


def test_a_supervisor_who_cannot_see_every_force_asked_for_cannot_confirm(client_for, sysadmin, sergeant, force_b):
    officer_b = UserFactory(role=Role.OFFICER, home_force=force_b, forces=[force_b])
    grant = services.user_access_change(user=officer_b, by=sysadmin, role=Role.SERGEANT)

    response = client_for(sergeant).get(reverse("accounts:access_grant_detail", args=[grant.pk]))

    assert response.status_code == 404
    assert officer_b.username not in client_for(sergeant).get(reverse("accounts:access_grants")).content.decode()


def test_a_grant_is_decided_once(client_for, sysadmin, sergeant, inspector, force_a):
    analyst = UserFactory(role=Role.ANALYST, home_force=force_a, forces=[])
    grant = services.user_access_change(user=analyst, by=sysadmin, role=Role.OFFICER, forces=[force_a])
    services.access_grant_decide(grant=grant, by=inspector, confirm=False)

    response = client_for(sergeant).post(
        reverse("accounts:access_grant_detail", args=[grant.pk]), {"decision": "confirm"}
    )

    analyst.refresh_from_db()
    assert response.status_code == 404
    assert analyst.role == Role.ANALYST


def test_more_forces_wait_while_fewer_take_effect_at_once(sysadmin, force_a, force_b):
    officer = UserFactory(role=Role.OFFICER, home_force=force_a, forces=[force_a])
    gwent = Force.objects.exclude(pk__in=[force_a.pk, force_b.pk]).first()

    grant = services.user_access_change(user=officer, by=sysadmin, forces=[force_b])
    assert grant is not None
    assert set(officer.forces.all()) == set()
    services.user_access_change(user=officer, by=sysadmin, forces=[gwent] if gwent else [])
    grant.refresh_from_db()
    assert grant.status == AccessGrant.Status.WITHDRAWN


def test_taking_access_away_is_immediate_logged_and_notified(sysadmin, inspector, force_a, force_b):
    officer = UserFactory(role=Role.OFFICER, home_force=force_a, forces=[force_a, force_b])

    grant = services.user_access_change(user=officer, by=sysadmin, role=Role.ANALYST, forces=[force_a])

    assert grant is None
    officer.refresh_from_db()
    assert (officer.role, list(officer.forces.all())) == (Role.ANALYST, [force_a])
    event = AccessEvent.objects.get(actor=sysadmin, object_type="user", object_id=str(officer.pk))
    assert event.changed_fields == ["forces", "role"]
    assert Notification.objects.filter(recipient=inspector, title__contains=officer.username).exists()


def test_reactivating_an_officer_waits_for_confirmation(sysadmin, force_a, django_capture_on_commit_callbacks):
    officer = UserFactory(role=Role.OFFICER, home_force=force_a, forces=[force_a])
    services.user_deactivate(user=officer, by=sysadmin, reason="On leave")

    grant = services.user_access_change(user=officer, by=sysadmin, is_active=True)

    officer.refresh_from_db()
    assert grant is not None
    assert not officer.is_active


def test_a_new_address_for_reset_links_waits_for_confirmation(sysadmin, force_a):
    officer = UserFactory(role=Role.OFFICER, home_force=force_a, forces=[force_a])

    grant = services.user_access_change(user=officer, by=sysadmin, email="attacker@example.org")

    officer.refresh_from_db()
    assert grant.email == "attacker@example.org"
    assert officer.email != "attacker@example.org"


def test_a_new_account_with_case_access_is_inactive_until_confirmed(client_for, sysadmin, force_a):
    client_for(sysadmin).post(
        reverse("admin:accounts_user_add"),
        {
            "username": "new.officer",
            "email": "new.officer@example.police.uk",
            "role": Role.OFFICER,
            "home_force": force_a.pk,
            "forces": [force_a.pk],
        },
    )

    user = User.objects.get(username="new.officer")
    assert not user.is_active
    assert not user.forces.exists()
    assert AccessGrant.objects.get(user=user).status == AccessGrant.Status.PENDING


def test_a_grant_needs_a_home_force_to_be_confirmed_in(sysadmin):
    analyst = UserFactory(role=Role.ANALYST, home_force=None, forces=[])

    with pytest.raises(ValidationError, match="home force"):
        services.user_access_change(user=analyst, by=sysadmin, role=Role.OFFICER)


def test_the_pages_for_supervisors_list_what_they_may_confirm(client_for, sysadmin, sergeant, force_a):
    analyst = UserFactory(role=Role.ANALYST, home_force=force_a, forces=[])
    grant = services.user_access_change(user=analyst, by=sysadmin, role=Role.OFFICER, forces=[force_a])
    client = client_for(sergeant)

    listing = client.get(reverse("accounts:access_grants")).content.decode()
    detail = client.get(reverse("accounts:access_grant_detail", args=[grant.pk]))

    assert analyst.username in listing
    assert detail.status_code == 200
    assert "Once confirmed" in detail.content.decode()


# ------------------------------------------------------------------------------
# A force's first supervisors: confirmed from the server, only when nobody in the app can
# ------------------------------------------------------------------------------
def test_the_first_supervisor_of_a_force_is_confirmed_from_the_server(sysadmin, force_b):
    first = UserFactory(role=Role.OFFICER, home_force=force_b, forces=[force_b])
    User.objects.filter(role__in=[Role.SERGEANT, Role.INSPECTOR]).update(is_active=False)
    grant = services.user_access_change(user=first, by=sysadmin, role=Role.INSPECTOR)

    call_command("access_grant_confirm", grant.pk, reason="Chief Inspector's e-mail of 3 March")

    first.refresh_from_db()
    grant.refresh_from_db()
    assert first.role == Role.INSPECTOR
    assert (grant.status, grant.decided_by) == (AccessGrant.Status.CONFIRMED, None)
    assert AccessEvent.objects.filter(actor=None, object_id=str(first.pk), justification__contains="server").exists()


def test_the_server_does_not_confirm_what_a_supervisor_could(sysadmin, sergeant, force_a):
    analyst = UserFactory(role=Role.ANALYST, home_force=force_a, forces=[])
    grant = services.user_access_change(user=analyst, by=sysadmin, role=Role.OFFICER, forces=[force_a])

    with pytest.raises(CommandError, match="can confirm this change in the app"):
        call_command("access_grant_confirm", grant.pk, reason="Impatient")

    analyst.refresh_from_db()
    assert analyst.role == Role.ANALYST


@pytest.mark.parametrize("how_many", [1, 4])
def test_the_list_of_access_changes_costs_the_same_queries_however_many_wait(
    client_for, sysadmin, sergeant, force_a, how_many, django_assert_num_queries
):
    grants = [
        services.user_access_change(
            user=UserFactory(role=Role.ANALYST, home_force=force_a, forces=[]),
            by=sysadmin,
            role=Role.OFFICER,
            forces=[force_a],
        )
        for _ in range(how_many)
    ]
    client = client_for(sergeant)
    client.get(reverse("accounts:access_grants"))  # warm the session and the bell

    with django_assert_num_queries(PINNED_LIST_QUERIES):
        response = client.get(reverse("accounts:access_grants"))

    assert response.status_code == 200
    page = response.content.decode()
    assert all(reverse("accounts:access_grant_detail", args=[grant.pk]) in page for grant in grants)


def test_an_access_change_page_costs_a_fixed_number_of_queries(
    client_for, sysadmin, sergeant, force_a, django_assert_num_queries
):
    analyst = UserFactory(role=Role.ANALYST, home_force=force_a, forces=[])
    grant = services.user_access_change(user=analyst, by=sysadmin, role=Role.OFFICER, forces=[force_a])
    client = client_for(sergeant)
    url = reverse("accounts:access_grant_detail", args=[grant.pk])
    client.get(url)

    with django_assert_num_queries(PINNED_DETAIL_QUERIES):
        response = client.get(url)

    assert response.status_code == 200
