"""The follow-up rules: each owes its check once, in the transaction of its cause, and doing the work completes it."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import override_settings
from django.utils import timezone

from followups import services as followups
from followups.models import FollowUp, FollowUpKind, FollowUpStatus, ReoffendingResult
from interventions import services
from interventions.models import DisposalStatus, InterventionStatus
from interventions.tests.factories import DisposalFactory, InterventionFactory
from subjects.models import Case, CaseStatus, ClosureReason, EngagementOutcome, EngagementType, ReferralSource
from subjects.services.cases import case_create, case_transition
from subjects.services.engagements import engagement_log

from .factories import FollowUpFactory

pytestmark = pytest.mark.django_db

REOFFENDING = [FollowUpKind.REOFFENDING_3M, FollowUpKind.REOFFENDING_6M, FollowUpKind.REOFFENDING_12M]


def _kinds(case) -> list[tuple[str, str]]:
    return sorted(FollowUp.objects.filter(case=case).values_list("kind", "status"))


def _new_case(officer, subject_factory_case):
    subject = subject_factory_case.subject
    return case_create(
        subject=subject,
        by=officer,
        fields={"referral_date": timezone.localdate(), "source": ReferralSource.SCHOOL},
    )


def _approve(case, sergeant):
    disposal = DisposalFactory(case=case, status=DisposalStatus.SUBMITTED)
    return services.disposal_decide(disposal=disposal, by=sergeant, decision=DisposalStatus.APPROVED)


def test_it_owes_first_contact_when_a_case_is_created(officer, case):
    new = _new_case(officer, case)

    followup = FollowUp.objects.get(case=new)
    assert (followup.kind, followup.due_date, followup.assignee) == (
        FollowUpKind.FIRST_CONTACT,
        new.first_contact_due,
        new.assigned_officer,
    )


def test_it_owes_each_check_once_when_a_rule_runs_again(officer, case, sergeant):
    new = _new_case(officer, case)
    followups.on_case_created(new)
    followups.on_case_created(new)
    disposal = _approve(case, sergeant)
    followups.reoffending_checks_owe(case=case, decided_on=timezone.localdate(disposal.decided_at))

    assert FollowUp.objects.filter(case=new).count() == 1
    assert FollowUp.objects.filter(case=case, kind__in=REOFFENDING).count() == 3


def test_it_owes_a_supervisory_review_in_28_days_when_a_case_becomes_active(officer, case):
    new = _new_case(officer, case)
    case_transition(case=new, by=officer, to_status=CaseStatus.TRIAGE)
    case_transition(case=new, by=officer, to_status=CaseStatus.ACTIVE, reason="Meets the threshold.")
    followups.on_case_moved(Case.objects.get(pk=new.pk), CaseStatus.TRIAGE)

    reviews = FollowUp.objects.filter(case=new, kind=FollowUpKind.SUPERVISORY_REVIEW)
    assert [r.due_date for r in reviews] == [timezone.localdate() + timedelta(days=28)]


def test_it_completes_the_review_and_owes_the_next_when_a_review_is_recorded(case, sergeant):
    FollowUpFactory(case=case, kind=FollowUpKind.SUPERVISORY_REVIEW)
    next_date = timezone.localdate() + timedelta(days=30)

    services.review_record(case=case, by=sergeant, notes="Progressing.", next_review_date=next_date)

    rows = list(FollowUp.objects.filter(case=case).order_by("due_date").values_list("status", "due_date"))
    assert rows == [(FollowUpStatus.DONE, timezone.localdate()), (FollowUpStatus.DUE, next_date)]


def test_it_owes_reoffending_checks_at_3_6_and_12_months_after_approval(case, sergeant):
    _approve(case, sergeant)

    today = timezone.localdate()
    dues = dict(FollowUp.objects.filter(case=case).values_list("kind", "due_date"))
    assert dues == {kind: today + relativedelta(months=m) for kind, m in zip(REOFFENDING, (3, 6, 12), strict=True)}


@override_settings(REOFFENDING_CHECK_MONTHS=[6])
def test_it_follows_the_configured_reoffending_months(case, sergeant):
    _approve(case, sergeant)

    assert list(FollowUp.objects.filter(case=case).values_list("kind", flat=True)) == [FollowUpKind.REOFFENDING_6M]


@override_settings(REOFFENDING_CHECK_MONTHS=[1])
def test_it_refuses_months_it_has_no_check_for():
    with pytest.raises(ImproperlyConfigured):
        followups.reoffending_check_months()


def test_it_owes_nothing_when_a_disposal_is_returned(case, sergeant):
    disposal = DisposalFactory(case=case, status=DisposalStatus.SUBMITTED)
    services.disposal_decide(disposal=disposal, by=sergeant, decision=DisposalStatus.RETURNED, comment="More.")

    assert not FollowUp.objects.filter(case=case).exists()


def test_it_owes_an_intervention_review_when_an_intervention_starts(case, officer):
    intervention = InterventionFactory(case=case)
    services.intervention_transition(intervention=intervention, by=officer, to_status=InterventionStatus.ACTIVE)

    review = FollowUp.objects.get(case=case, kind=FollowUpKind.INTERVENTION_REVIEW)
    assert review.due_date == timezone.localdate() + timedelta(days=28)


def test_it_cancels_the_intervention_review_when_the_last_intervention_is_withdrawn(case, officer):
    intervention = InterventionFactory(case=case)
    services.intervention_transition(intervention=intervention, by=officer, to_status=InterventionStatus.ACTIVE)
    services.intervention_transition(
        intervention=intervention, by=officer, to_status=InterventionStatus.WITHDRAWN, reason="Moved away."
    )

    assert _kinds(case) == [(FollowUpKind.INTERVENTION_REVIEW, FollowUpStatus.CANCELLED)]


def test_it_completes_first_contact_when_an_engagement_reaches_the_subject(officer, case):
    first_contact = FollowUpFactory(case=case, kind=FollowUpKind.FIRST_CONTACT)
    fields = {"occurred_at": timezone.now(), "type": EngagementType.PHONE, "duration_minutes": 10}
    engagement_log(case=case, by=officer, fields={**fields, "outcome": EngagementOutcome.NO_ANSWER})
    first_contact.refresh_from_db()
    assert first_contact.status == FollowUpStatus.DUE

    engagement_log(case=case, by=officer, fields={**fields, "outcome": EngagementOutcome.ENGAGED})

    first_contact.refresh_from_db()
    assert (first_contact.status, first_contact.completed_by) == (FollowUpStatus.DONE, officer)


def test_closing_a_case_cancels_its_pending_follow_ups_but_keeps_the_reoffending_checks(case, officer, sergeant):
    FollowUpFactory(case=case, kind=FollowUpKind.SUPERVISORY_REVIEW)
    _approve(case, sergeant)

    case_transition(
        case=case,
        by=officer,
        to_status=CaseStatus.CLOSED,
        reason="Done.",
        closure_reason=ClosureReason.DIVERSION_COMPLETED,
    )

    assert _kinds(case) == sorted(
        [(FollowUpKind.SUPERVISORY_REVIEW, FollowUpStatus.CANCELLED)] + [(k, FollowUpStatus.DUE) for k in REOFFENDING]
    )


def test_declining_a_case_cancels_all_its_follow_ups(officer, case):
    new = _new_case(officer, case)

    case_transition(case=new, by=officer, to_status=CaseStatus.DECLINED, reason="Below threshold.")

    assert _kinds(new) == [(FollowUpKind.FIRST_CONTACT, FollowUpStatus.CANCELLED)]


def test_approval_withdrawn_cancels_the_reoffending_checks_and_reapproval_owes_them_again(case, sergeant):
    disposal = _approve(case, sergeant)
    followups.reoffending_checks_cancel(case=case)
    assert set(FollowUp.objects.filter(case=case).values_list("status", flat=True)) == {FollowUpStatus.CANCELLED}

    followups.reoffending_checks_owe(case=case, decided_on=timezone.localdate(disposal.decided_at))

    assert set(FollowUp.objects.filter(case=case).values_list("status", flat=True)) == {FollowUpStatus.DUE}


# ------------------------------------------------------------------------------
# Recording a result
# ------------------------------------------------------------------------------
def test_recording_a_reoffending_check_needs_a_result(case, officer):
    check = FollowUpFactory(case=case, kind=FollowUpKind.REOFFENDING_3M)

    with pytest.raises(ValidationError) as error:
        followups.followup_record(followup=check, by=officer)
    assert "result" in error.value.message_dict

    followups.followup_record(followup=check, by=officer, result=ReoffendingResult.NO_FURTHER_CONCERN)
    check.refresh_from_db()
    assert (check.status, check.result, check.completed_by) == (
        FollowUpStatus.DONE,
        ReoffendingResult.NO_FURTHER_CONCERN,
        officer,
    )


def test_a_follow_up_cannot_be_recorded_twice(case, officer):
    check = FollowUpFactory(case=case, kind=FollowUpKind.FIRST_CONTACT)
    followups.followup_record(followup=check, by=officer)

    with pytest.raises(ValidationError, match="already done"):
        followups.followup_record(followup=check, by=officer)


def test_a_check_that_found_reoffending_opens_a_new_case_from_source_other(case, officer):
    check = FollowUpFactory(case=case, kind=FollowUpKind.REOFFENDING_6M)
    check = followups.followup_record(followup=check, by=officer, result=ReoffendingResult.REOFFENDED)

    new = followups.followup_open_case(followup=check, by=officer)

    assert (new.subject, new.source, new.status) == (case.subject, ReferralSource.OTHER, CaseStatus.NEW)
    assert FollowUp.objects.filter(case=new, kind=FollowUpKind.FIRST_CONTACT).exists()


def test_a_check_without_reoffending_opens_no_case(case, officer):
    check = FollowUpFactory(case=case, kind=FollowUpKind.REOFFENDING_6M)
    check = followups.followup_record(followup=check, by=officer, result=ReoffendingResult.NO_FURTHER_CONCERN)

    with pytest.raises(ValidationError):
        followups.followup_open_case(followup=check, by=officer)
