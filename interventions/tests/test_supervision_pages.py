"""Supervision: the approvals queue, the caseload review, bulk reassignment, reviews and deactivation."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import user_deactivate
from accounts.tests.factories import UserFactory
from audit.models import AccessEvent, Operation
from interventions.models import DisposalStatus, SupervisoryReview
from subjects.models import Case, CaseStatus, Subject
from subjects.tests.factories import CaseFactory, SubjectFactory
from subjects.workdays import add_working_days

from .factories import DisposalFactory, disposal_type

pytestmark = pytest.mark.django_db

QUEUE = reverse("interventions:approval_queue")
CASELOAD = reverse("interventions:caseload")


def _case_of(officer, **fields) -> Case:
    subject = SubjectFactory(created_by=officer, force=officer.home_force)
    return CaseFactory(subject=subject, **{"status": CaseStatus.ACTIVE, **fields})


def _submitted(officer, *, days_ago: int = 0, **fields):
    submitted = timezone.now() - timedelta(days=days_ago)
    return DisposalFactory(case=_case_of(officer), status=DisposalStatus.SUBMITTED, submitted_at=submitted, **fields)


# ------------------------------------------------------------------------------
# Approvals queue
# ------------------------------------------------------------------------------
def test_the_queue_lists_what_waits_for_the_sergeant_oldest_first(client_for, officer, sergeant):
    newer = _submitted(officer, days_ago=1)
    older = _submitted(officer, days_ago=20)
    _submitted(officer, type=disposal_type("youth_caution"))  # inspector only
    _submitted(sergeant)  # their own
    DisposalFactory(case=_case_of(officer))  # a draft

    response = client_for(sergeant).get(QUEUE)

    assert [item.disposal for item in response.context["items"]] == [older, newer]


def test_the_queue_marks_a_disposal_late_past_the_limit(client_for, officer, sergeant, settings):
    settings.APPROVAL_LIMIT_WORKING_DAYS = 3
    on_time = _submitted(officer, days_ago=0)
    late = _submitted(officer, days_ago=14)

    response = client_for(sergeant).get(QUEUE)

    items = {item.disposal: item for item in response.context["items"]}
    assert not items[on_time].late
    assert items[late].late
    assert items[late].age_working_days >= 9
    assert response.content.decode().count(">Late</span>") == 1


def test_an_inspector_sees_the_inspector_only_types_of_every_force(client_for, officer, personas, inspector):
    caution = _submitted(officer, type=disposal_type("youth_caution"))
    elsewhere = _submitted(personas["officer_b"])

    items = client_for(inspector).get(QUEUE).context["items"]

    assert {item.disposal for item in items} == {caution, elsewhere}


def test_a_sergeant_does_not_see_another_forces_disposals(client_for, personas, sergeant):
    _submitted(personas["officer_b"])

    assert client_for(sergeant).get(QUEUE).context["items"] == []


def test_the_queue_lists_reviews_due_with_a_link_to_review(client_for, officer, sergeant):
    never = _case_of(officer)
    overdue = _case_of(officer, next_review_date=timezone.localdate() - timedelta(days=2))
    _case_of(officer, next_review_date=timezone.localdate() + timedelta(days=5))

    response = client_for(sergeant).get(QUEUE)

    assert set(response.context["reviews"]) == {never, overdue}
    assert reverse("interventions:review_new", args=[overdue.pk]) in response.content.decode()


@pytest.mark.parametrize("items", [5, 50])
def test_the_queue_costs_the_same_queries_for_5_and_50_items(
    client_for, officer, sergeant, items, django_assert_num_queries
):
    for _ in range(items):
        _submitted(officer)
        _case_of(officer)
    client = client_for(sergeant)
    client.get("/")  # the first request of a session starts its idle clock (a session write)

    # session, user, OTP device, the sergeant's forces, the disposals waiting (one join), the reviews due (one join),
    # the consultation event for the people listed (one insert, whatever the rows: issue 20)
    with django_assert_num_queries(7):
        response = client.get(QUEUE)

    assert len(response.context["items"]) == items
    assert len(response.context["reviews"]) == 2 * items  # every case here is active and never reviewed


# ------------------------------------------------------------------------------
# Caseload review
# ------------------------------------------------------------------------------
def test_the_caseload_counts_each_officers_work(client_for, force_a, sergeant):
    busy = UserFactory(role=Role.OFFICER, home_force=force_a)
    stale_time = timezone.now() - timedelta(days=40)
    _case_of(busy, first_contact_due=timezone.localdate() - timedelta(days=1))
    stale = _case_of(busy, first_contact_at=stale_time)
    Case.objects.filter(pk=stale.pk).update(last_engagement_at=stale_time)
    _case_of(
        busy,
        status=CaseStatus.TRIAGE,
        referral_date=timezone.localdate() - timedelta(days=90),
        first_contact_at=timezone.now(),
    )
    _case_of(busy, status=CaseStatus.CLOSED)
    DisposalFactory(case=stale, status=DisposalStatus.SUBMITTED)

    response = client_for(sergeant).get(CASELOAD)

    row = next(officer for officer in response.context["officers"] if officer == busy)
    assert (row.active_cases, row.open_cases, row.first_contacts_overdue, row.pending_approvals) == (2, 3, 1, 1)
    assert row.stale_cases == 1
    assert row.oldest_open_referral == timezone.localdate() - timedelta(days=90)
    assert reverse("interventions:caseload_officer", args=[busy.pk]) in response.content.decode()


def test_the_caseload_leaves_out_officers_of_other_forces(client_for, personas, sergeant):
    officers = client_for(sergeant).get(CASELOAD).context["officers"]

    assert personas["officer_a"] in officers
    assert personas["officer_b"] not in officers


@pytest.mark.parametrize("officers", [5, 50])
def test_the_caseload_costs_the_same_queries_for_5_and_50_officers(
    client_for, force_a, sergeant, officers, django_assert_num_queries
):
    for _ in range(officers):
        officer = UserFactory(role=Role.OFFICER, home_force=force_a)
        DisposalFactory(case=_case_of(officer), status=DisposalStatus.SUBMITTED)
    client = client_for(sergeant)
    client.get("/")

    # session, user, OTP device, the sergeant's forces, the officers with every count (one annotated query)
    with django_assert_num_queries(5):
        response = client.get(CASELOAD)

    assert len(response.context["officers"]) >= officers


# ------------------------------------------------------------------------------
# Drill-down and bulk reassignment
# ------------------------------------------------------------------------------
@pytest.fixture
def colleague(force_a):
    return UserFactory(role=Role.OFFICER, home_force=force_a)


def _drill_down(officer) -> str:
    return reverse("interventions:caseload_officer", args=[officer.pk])


def test_the_drill_down_lists_the_officers_open_cases(client_for, officer, sergeant):
    open_case = _case_of(officer)
    _case_of(officer, status=CaseStatus.CLOSED)

    response = client_for(sergeant).get(_drill_down(officer))

    assert response.context["cases"] == [open_case]


@pytest.mark.parametrize("cases", [5, 50])
def test_the_drill_down_costs_the_same_queries_for_5_and_50_cases(
    client_for, officer, sergeant, cases, django_assert_num_queries
):
    for _ in range(cases):
        _case_of(officer)
    client = client_for(sergeant)
    client.get("/")

    # session, user, OTP device, the sergeant's forces, the officer, the open cases (one join), the consultation
    # event for the cases listed (one insert, whatever the rows: issue 20), the colleagues to pick
    with django_assert_num_queries(8):
        response = client.get(_drill_down(officer))

    assert len(response.context["cases"]) == cases


def test_the_drill_down_offers_active_officers_who_share_a_force(client_for, officer, sergeant, colleague, personas):
    gone = UserFactory(role=Role.OFFICER, home_force=officer.home_force, is_active=False)
    _case_of(officer)

    choices = client_for(sergeant).get(_drill_down(officer)).context["form"].fields["to_officer"].queryset

    assert colleague in choices
    assert gone not in choices
    assert personas["officer_b"] not in choices
    assert officer not in choices


def test_bulk_reassignment_moves_cases_and_subjects_and_logs_the_reason(client_for, officer, sergeant, colleague):
    first, second, staying = _case_of(officer), _case_of(officer), _case_of(officer)

    response = client_for(sergeant).post(
        _drill_down(officer), {"cases": [first.pk, second.pk], "to_officer": colleague.pk, "reason": "Leave cover."}
    )

    assert response.status_code == 302
    assert set(Case.objects.filter(assigned_officer=colleague)) == {first, second}
    assert Case.objects.get(pk=staying.pk).assigned_officer == officer
    assert Subject.objects.get(pk=first.subject_id).assigned_officer == colleague
    events = AccessEvent.objects.filter(actor=sergeant, operation=Operation.ALTERATION, object_type="case")
    assert {(e.object_id, e.justification, tuple(e.changed_fields)) for e in events} == {
        (str(first.pk), "Leave cover.", ("assigned_officer",)),
        (str(second.pk), "Leave cover.", ("assigned_officer",)),
    }


def test_reassignment_without_a_reason_says_so_and_moves_nothing(client_for, officer, sergeant, colleague):
    case = _case_of(officer)

    response = client_for(sergeant).post(
        _drill_down(officer), {"cases": [case.pk], "to_officer": colleague.pk, "reason": " "}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Give a reason for reassigning."]
    assert response.context["selected"] == {str(case.pk)}
    assert Case.objects.get(pk=case.pk).assigned_officer == officer


def test_reassignment_with_no_case_ticked_says_so(client_for, officer, sergeant, colleague):
    _case_of(officer)

    response = client_for(sergeant).post(_drill_down(officer), {"to_officer": colleague.pk, "reason": "Cover."})

    assert response.context["form"].errors["cases"] == ["Tick at least one case to move."]


def test_a_crafted_reassignment_of_a_case_that_is_not_the_officers_is_refused(client_for, officer, sergeant, colleague):
    someone_elses = _case_of(colleague)

    response = client_for(sergeant).post(
        _drill_down(officer), {"cases": [someone_elses.pk], "to_officer": colleague.pk, "reason": "Cover."}
    )

    assert response.context["form"].errors["cases"]
    assert not AccessEvent.objects.filter(object_type="case", justification="Cover.").exists()


# ------------------------------------------------------------------------------
# Supervisory reviews
# ------------------------------------------------------------------------------
def test_the_review_form_defaults_the_next_review_to_28_days_on(client_for, sergeant, case):
    response = client_for(sergeant).get(reverse("interventions:review_new", args=[case.pk]))

    assert response.context["form"]["next_review_date"].value() == timezone.localdate() + timedelta(days=28)


def test_a_sergeant_records_a_review_that_sets_the_next_one(client_for, sergeant, case):
    response = client_for(sergeant).post(
        reverse("interventions:review_new", args=[case.pk]), {"notes": "Progressing.", "actions": "Visit school."}
    )

    review = SupervisoryReview.objects.get()
    assert response.status_code == 302
    assert (review.reviewer, review.next_review_date) == (sergeant, timezone.localdate() + timedelta(days=28))
    case.refresh_from_db()
    assert case.next_review_date == review.next_review_date


@pytest.mark.parametrize("days", [0, -3])
def test_a_review_date_that_is_not_in_the_future_is_refused(client_for, sergeant, case, days):
    day = timezone.localdate() + timedelta(days=days)

    response = client_for(sergeant).post(
        reverse("interventions:review_new", args=[case.pk]), {"notes": "Kept notes.", "next_review_date": day}
    )

    assert response.context["form"].errors["next_review_date"] == ["The next review must be after today."]
    assert "Kept notes." in response.content.decode()
    assert not SupervisoryReview.objects.exists()


def test_a_review_needs_notes(client_for, sergeant, case):
    response = client_for(sergeant).post(reverse("interventions:review_new", args=[case.pk]), {"notes": ""})

    assert response.context["form"].errors["notes"]
    assert not SupervisoryReview.objects.exists()


def test_the_review_interval_follows_the_setting_on_the_form_and_in_the_service(client_for, sergeant, case, settings):
    settings.SUPERVISORY_REVIEW_DAYS = 14
    in_14_days = timezone.localdate() + timedelta(days=14)
    client = client_for(sergeant)

    form = client.get(reverse("interventions:review_new", args=[case.pk])).context["form"]
    client.post(reverse("interventions:review_new", args=[case.pk]), {"notes": "Progressing."})

    assert form.initial["next_review_date"] == in_14_days
    assert form.fields["next_review_date"].help_text == "Leave empty for 14 days from today."
    assert Case.objects.get(pk=case.pk).next_review_date == in_14_days


# ------------------------------------------------------------------------------
# Deactivation while holding open cases
# ------------------------------------------------------------------------------
def test_deactivating_an_officer_with_open_cases_is_refused_until_they_are_reassigned(
    officer, sergeant, colleague, personas
):
    case = _case_of(officer)

    with pytest.raises(ValidationError, match="still holds 1 open case"):
        user_deactivate(user=officer, by=personas["sysadmin"], reason="Left the unit.")
    assert User.objects.get(pk=officer.pk).is_active

    from subjects.services.cases import cases_reassign

    cases_reassign(case_ids=[case.pk], to_officer=colleague, by=sergeant, reason="Leaving.")
    user_deactivate(user=officer, by=personas["sysadmin"], reason="Left the unit.")
    assert not User.objects.get(pk=officer.pk).is_active


def test_the_admin_user_form_shows_why_an_officer_with_open_cases_cannot_be_deactivated(client_for, officer, personas):
    _case_of(officer)
    data = {
        "username": officer.username,
        "first_name": officer.first_name,
        "last_name": officer.last_name,
        "email": officer.email,
        "role": officer.role,
        "home_force": officer.home_force_id,
        "forces": [officer.home_force_id],
        # is_active left out: the box is unticked
    }

    response = client_for(personas["sysadmin"]).post(reverse("admin:accounts_user_change", args=[officer.pk]), data)

    assert response.status_code == 200
    their_cases = f"{reverse('subjects:list')}?officer={officer.pk}"
    assert f"still holds 1 open case(s): reassign them first (their cases: {their_cases})." in response.content.decode()
    assert User.objects.get(pk=officer.pk).is_active


def test_a_first_contact_due_in_the_future_is_not_overdue(client_for, force_a, sergeant):
    fresh = UserFactory(role=Role.OFFICER, home_force=force_a)
    _case_of(fresh, first_contact_due=add_working_days(timezone.localdate(), 3))

    row = next(o for o in client_for(sergeant).get(CASELOAD).context["officers"] if o == fresh)

    assert row.first_contacts_overdue == 0
