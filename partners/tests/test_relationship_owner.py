"""A relationship owner cannot leave with partners still theirs; a new owner takes the renewal checks along."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import user_deactivate
from accounts.tests.factories import UserFactory
from followups.models import FollowUp, FollowUpKind, FollowUpStatus
from partners import services
from partners.models import AgreementStatus

from .factories import partner_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(force_a):
    return UserFactory(role=Role.OFFICER, home_force=force_a)


def _signed(partner, by):
    today = timezone.localdate()
    fields = {
        "status": AgreementStatus.SIGNED,
        "signed_on": today - timedelta(days=300),
        "expires_on": today + timedelta(days=365),
        "document_reference": "DSA-2026-001",
    }
    return services.agreement_add(partner=partner, by=by, fields=fields)


def _new_owner(partner, owner, by, force):
    return services.partner_update(
        partner=partner,
        by=by,
        expected_version=partner.version,
        changes={"relationship_owner": owner},
        forces=[force],
    )


def test_deactivation_is_refused_while_the_user_owns_a_partner_and_allowed_once_it_has_another_owner(
    officer, colleague, personas, force_a
):
    partner = partner_in(force_a, name="Oakfield Academy", relationship_owner=officer)
    _signed(partner, officer)

    with pytest.raises(ValidationError) as refused:
        user_deactivate(user=officer, by=personas["sysadmin"], reason="Left the unit.")
    said = " ".join(refused.value.messages)
    assert "is still the relationship owner of 1 partner(s) (Oakfield Academy)" in said
    assert f"({reverse('partners:partner_detail', args=[partner.pk])})" in said
    assert "still owes 1 follow-up(s)" in said  # the agreement's renewal check
    assert User.objects.get(pk=officer.pk).is_active

    _new_owner(partner, colleague, officer, force_a)
    user_deactivate(user=officer, by=personas["sysadmin"], reason="Left the unit.")

    assert not User.objects.get(pk=officer.pk).is_active


def test_an_owner_of_several_partners_is_pointed_to_the_directory(officer, personas, force_a):
    partner_in(force_a, name="Oakfield Academy", relationship_owner=officer)
    partner_in(force_a, name="Brookside College", relationship_owner=officer)

    with pytest.raises(ValidationError) as refused:
        user_deactivate(user=officer, by=personas["sysadmin"], reason="Left the unit.")

    said = " ".join(refused.value.messages)
    assert "owner of 2 partner(s) (Brookside College, Oakfield Academy)" in said
    assert f"({reverse('partners:directory')})" in said


def test_a_new_owner_takes_the_due_renewal_check_with_the_partner(officer, colleague, force_a):
    partner = partner_in(force_a, relationship_owner=officer)
    agreement = _signed(partner, officer)
    renewal = FollowUp.objects.get(agreement=agreement, kind=FollowUpKind.AGREEMENT_EXPIRY)

    _new_owner(partner, colleague, officer, force_a)

    renewal.refresh_from_db()
    assert (renewal.assignee, renewal.status) == (colleague, FollowUpStatus.DUE)
    assert FollowUp.objects.filter(agreement=agreement).count() == 1
