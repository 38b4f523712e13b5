"""A data sharing agreement's expiry owes its partner's relationship owner a renewal check: a rule, not a schedule."""

from datetime import datetime, time, timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from followups import reminders, selectors, services
from followups.models import FollowUp, FollowUpKind, FollowUpStatus
from partners.models import AgreementStatus
from partners.services import agreement_add, agreement_update
from partners.tests.factories import partner_in
from subjects.hooks import AgreementSaved

pytestmark = pytest.mark.django_db


def _expiry_followups(agreement) -> list[tuple]:
    return sorted(
        FollowUp.objects.filter(agreement=agreement, kind=FollowUpKind.AGREEMENT_EXPIRY).values_list(
            "due_date", "status", "assignee_id", "case_id"
        )
    )


def _saved(agreement) -> AgreementSaved:
    return AgreementSaved(
        agreement_id=agreement.pk,
        signed=agreement.status == AgreementStatus.SIGNED,
        expires_on=agreement.expires_on,
        owner_id=agreement.partner.relationship_owner_id,
    )


def _signed(partner, by, expires_in_days: int = 365):
    today = timezone.localdate()
    fields = {
        "status": AgreementStatus.SIGNED,
        "signed_on": today - timedelta(days=300),
        "expires_on": today + timedelta(days=expires_in_days),
        "document_reference": "DSA-2026-001",
    }
    return agreement_add(partner=partner, by=by, fields=fields)


def test_signing_an_agreement_owes_its_owner_one_check_60_days_before_it_expires(officer, force_a):
    agreement = _signed(partner_in(force_a, relationship_owner=officer), officer)

    due = agreement.expires_on - timedelta(days=60)
    assert _expiry_followups(agreement) == [(due, FollowUpStatus.DUE, officer.pk, None)]


def test_running_the_rule_again_owes_nothing_twice(officer, force_a):
    agreement = _signed(partner_in(force_a, relationship_owner=officer), officer)

    services.on_agreement_saved(_saved(agreement))
    services.on_agreement_saved(_saved(agreement))

    assert len(_expiry_followups(agreement)) == 1


@override_settings(AGREEMENT_REMINDER_DAYS=30)
def test_the_notice_period_is_configurable(officer, force_a):
    agreement = _signed(partner_in(force_a, relationship_owner=officer), officer)

    [(due, *_)] = _expiry_followups(agreement)
    assert due == agreement.expires_on - timedelta(days=30)


def test_a_new_expiry_date_moves_the_check(officer, force_a):
    agreement = _signed(partner_in(force_a, relationship_owner=officer), officer)
    later = agreement.expires_on + timedelta(days=90)

    agreement_update(agreement=agreement, by=officer, expected_version=agreement.version, changes={"expires_on": later})

    due = FollowUp.objects.get(agreement=agreement, status=FollowUpStatus.DUE)
    assert due.due_date == later - timedelta(days=60)
    assert FollowUp.objects.filter(agreement=agreement).count() == 2  # the old date, cancelled


@pytest.mark.parametrize("status", [AgreementStatus.TERMINATED, AgreementStatus.EXPIRED])
def test_ending_the_agreement_cancels_the_check(officer, force_a, status):
    agreement = _signed(partner_in(force_a, relationship_owner=officer), officer)

    agreement_update(agreement=agreement, by=officer, expected_version=agreement.version, changes={"status": status})

    assert [s for _, s, *_ in _expiry_followups(agreement)] == [FollowUpStatus.CANCELLED]


def test_removing_the_expiry_date_of_a_draft_cancels_the_check(officer, force_a):
    agreement = _signed(partner_in(force_a, relationship_owner=officer), officer)

    agreement_update(
        agreement=agreement,
        by=officer,
        expected_version=agreement.version,
        changes={"status": AgreementStatus.DRAFT, "expires_on": None},
    )

    assert [s for _, s, *_ in _expiry_followups(agreement)] == [FollowUpStatus.CANCELLED]


def test_the_sweep_reminds_the_owner_once_with_the_partner_and_its_page(officer, force_a):
    partner = partner_in(force_a, relationship_owner=officer, name="Synthetic Academy")
    agreement = _signed(partner, officer, expires_in_days=70)
    due = agreement.expires_on - timedelta(days=60)
    morning = timezone.make_aware(datetime.combine(due + timedelta(days=1), time(12, 0)))

    first = reminders.reminders_sweep(now=morning)
    second = reminders.reminders_sweep(now=morning)

    assert (first.reminders, second.reminders, first.escalations) == (1, 0, 0)
    [note] = Notification.objects.filter(recipient=officer)
    assert note.title == f"Due: Data sharing agreement expiry for Synthetic Academy, due {due}"
    assert note.url == reverse("partners:partner_detail", args=[partner.pk])


def test_the_digest_lists_the_agreement_by_partner_name(officer, force_a, mailoutbox):
    partner = partner_in(force_a, relationship_owner=officer, name="Synthetic Academy")
    agreement = _signed(partner, officer, expires_in_days=60)
    # A Wednesday after the digest hour, whatever today is: the digest is sent on working days.
    day = timezone.localdate()
    while day.weekday() != 2:
        day += timedelta(days=1)
    reminders.reminders_sweep(now=timezone.make_aware(datetime.combine(day, time(12, 0))))

    [digest] = [m for m in mailoutbox if m.to == [officer.email] and m.subject.startswith("Follow-ups due")]
    assert "- Synthetic Academy: Data sharing agreement expiry, due" in digest.body
    assert reverse("partners:partner_detail", args=[partner.pk]) in digest.body
    assert agreement.document_reference not in digest.subject


def test_an_agreement_follow_up_is_seen_by_those_who_see_the_partner(client_for, officer, personas, force_a):
    agreement = _signed(partner_in(force_a, relationship_owner=officer, name="Synthetic Academy"), officer)
    followup = FollowUp.objects.get(agreement=agreement)
    url = reverse("followups:detail", args=[followup.pk])

    assert followup in selectors.followup_list_visible(officer)
    assert followup not in selectors.followup_list_visible(personas["officer_b"])
    response = client_for(officer).get(url)
    assert response.status_code == 200
    assert "Synthetic Academy" in response.content.decode()
    assert client_for(personas["officer_b"]).get(url).status_code == 404


def test_an_agreement_follow_up_appears_in_my_follow_ups_and_can_be_recorded(client_for, officer, force_a):
    agreement = _signed(partner_in(force_a, relationship_owner=officer), officer, expires_in_days=30)
    followup = FollowUp.objects.get(agreement=agreement)
    client = client_for(officer)

    assert list(client.get(reverse("followups:list")).context["page"]) == [followup]
    client.post(reverse("followups:detail", args=[followup.pk]), {"notes": "Renewal under way."})

    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.DONE
