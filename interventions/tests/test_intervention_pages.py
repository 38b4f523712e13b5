"""Interventions: planning one on a case, its page and edits (no lost updates), and its moves."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent, Operation
from interventions.models import Intervention, InterventionStatus, InterventionType
from subjects.models import CaseStatus

from .factories import InterventionFactory, InterventionStatusChangeFactory, intervention_type

pytestmark = pytest.mark.django_db

PLANNED, ACTIVE, COMPLETED, WITHDRAWN, DECLINED = (
    InterventionStatus.PLANNED,
    InterventionStatus.ACTIVE,
    InterventionStatus.COMPLETED,
    InterventionStatus.WITHDRAWN,
    InterventionStatus.DECLINED,
)


def _url(name: str, obj) -> str:
    return reverse(f"interventions:{name}", args=[obj.pk])


def _edit_data(intervention, **overrides) -> dict:
    data = {
        "type": intervention.type_id,
        "planned_start": intervention.planned_start.isoformat() if intervention.planned_start else "",
        "delivered_by": intervention.delivered_by,
        "attendance": intervention.attendance,
        "outcome": intervention.outcome,
        "notes": intervention.notes,
        "version": intervention.version,
    }
    return {**data, **overrides}


# ------------------------------------------------------------------------------
# Planning
# ------------------------------------------------------------------------------
def test_only_active_intervention_types_are_offered(client_for, officer, case):
    InterventionType.objects.filter(code="coding_club").update(active=False)

    html = client_for(officer).get(_url("intervention_add", case)).content.decode()

    assert "Mentoring" in html
    assert "Coding club" not in html


def test_an_officer_plans_an_intervention_with_a_status_row(client_for, officer, case):
    response = client_for(officer).post(
        _url("intervention_add", case),
        {"type": intervention_type().pk, "planned_start": "2026-12-01", "delivered_by": "Cyber club", "notes": ""},
    )

    intervention = Intervention.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("subjects:case_detail", args=[case.pk])
    assert (intervention.status, intervention.created_by, intervention.delivered_by) == (PLANNED, officer, "Cyber club")
    assert list(intervention.status_changes.values_list("to_status", flat=True)) == [PLANNED]


def test_planning_without_a_type_says_so_and_keeps_the_input(client_for, officer, case):
    response = client_for(officer).post(_url("intervention_add", case), {"type": "", "delivered_by": "Kept partner"})

    assert response.status_code == 200
    assert response.context["form"].errors["type"]
    assert "Kept partner" in response.content.decode()
    assert not Intervention.objects.exists()


def test_nothing_is_planned_on_a_closed_case(client_for, officer, case):
    case.status = CaseStatus.CLOSED
    case.save()

    response = client_for(officer).post(_url("intervention_add", case), {"type": intervention_type().pk})

    assert "only be planned on an open case" in response.content.decode()
    assert not Intervention.objects.exists()


# ------------------------------------------------------------------------------
# The intervention's page and edits
# ------------------------------------------------------------------------------
def test_the_page_shows_history_and_moves_and_logs_a_consultation(client_for, officer, case):
    intervention = InterventionFactory(case=case)
    InterventionStatusChangeFactory(intervention=intervention)

    response = client_for(officer).get(_url("intervention_detail", intervention))

    assert response.status_code == 200
    assert [status for status, _ in response.context["moves"]] == [ACTIVE, WITHDRAWN, DECLINED]
    assert "Synthetic Cyber Club" in response.content.decode()
    assert AccessEvent.objects.filter(
        operation=Operation.CONSULTATION, object_type="intervention", object_id=str(intervention.pk)
    ).exists()


def test_an_officer_records_attendance_and_outcome(client_for, officer, case):
    intervention = InterventionFactory(case=case)

    response = client_for(officer).post(
        _url("intervention_detail", intervention), _edit_data(intervention, attendance="full", outcome="Engaged well.")
    )

    assert response.status_code == 302
    intervention.refresh_from_db()
    assert (intervention.attendance, intervention.outcome, intervention.version) == ("full", "Engaged well.", 2)


def test_a_stale_edit_keeps_the_input_shows_the_conflict_and_saves_nothing(client_for, officer, case):
    intervention = InterventionFactory(case=case)
    stale = _edit_data(intervention, notes="Mine.")
    client = client_for(officer)
    client.post(_url("intervention_detail", intervention), _edit_data(intervention, notes="Theirs."))

    response = client.post(_url("intervention_detail", intervention), stale)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this record" in html
    assert "Mine." in html
    assert Intervention.objects.get(pk=intervention.pk).notes == "Theirs."


# ------------------------------------------------------------------------------
# Moves
# ------------------------------------------------------------------------------
ALLOWED_MOVES = [(PLANNED, ACTIVE), (PLANNED, WITHDRAWN), (PLANNED, DECLINED), (ACTIVE, COMPLETED), (ACTIVE, WITHDRAWN)]
ILLEGAL_MOVES = [
    (PLANNED, COMPLETED),
    (ACTIVE, DECLINED),
    (ACTIVE, ACTIVE),
    *[(status, to) for status in (COMPLETED, WITHDRAWN, DECLINED) for to in (ACTIVE, COMPLETED, WITHDRAWN, DECLINED)],
    (PLANNED, "nonsense"),
]


@pytest.mark.parametrize(("status", "to_status"), ALLOWED_MOVES)
def test_an_allowed_move_is_made_dated_and_recorded(client_for, officer, case, status, to_status):
    started = timezone.localdate() - timedelta(days=10) if status == ACTIVE else None
    intervention = InterventionFactory(case=case, status=status, started_on=started)
    day = timezone.localdate() - timedelta(days=1)

    response = client_for(officer).post(
        _url("intervention_transition", intervention), {"to_status": to_status, "reason": "Why.", "on": day.isoformat()}
    )

    assert response.status_code == 302
    intervention.refresh_from_db()
    assert intervention.status == to_status
    if to_status == ACTIVE:
        assert intervention.started_on == day
    if to_status in {COMPLETED, WITHDRAWN}:
        assert intervention.ended_on == day
    assert list(intervention.status_changes.values_list("from_status", "to_status")) == [(status, to_status)]


@pytest.mark.parametrize(("status", "to_status"), ILLEGAL_MOVES)
def test_a_crafted_illegal_move_changes_nothing(client_for, officer, case, status, to_status):
    intervention = InterventionFactory(case=case, status=status)

    response = client_for(officer).post(
        _url("intervention_transition", intervention), {"to_status": to_status, "reason": "Why."}
    )

    assert response.status_code == 200
    assert "cannot become" in response.content.decode()
    intervention.refresh_from_db()
    assert intervention.status == status
    assert not intervention.status_changes.exists()


@pytest.mark.parametrize("to_status", [WITHDRAWN, DECLINED])
def test_withdrawing_or_recording_a_refusal_needs_a_reason(client_for, officer, case, to_status):
    intervention = InterventionFactory(case=case)

    response = client_for(officer).post(
        _url("intervention_transition", intervention), {"to_status": to_status, "reason": ""}
    )

    assert response.context["form"].errors["reason"] == ["Say why."]
    intervention.refresh_from_db()
    assert intervention.status == PLANNED


def test_a_move_cannot_be_dated_in_the_future(client_for, officer, case):
    intervention = InterventionFactory(case=case)
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = client_for(officer).post(
        _url("intervention_transition", intervention), {"to_status": ACTIVE, "on": tomorrow.isoformat()}
    )

    assert response.context["form"].errors["on"] == ["The date cannot be in the future."]
    intervention.refresh_from_db()
    assert intervention.status == PLANNED


def test_the_move_page_offers_the_form_only_for_an_allowed_move(client_for, officer, case):
    intervention = InterventionFactory(case=case, status=COMPLETED)

    html = client_for(officer).get(_url("intervention_transition", intervention) + "?to=active").content.decode()

    assert "cannot move to" in html
    assert '<form method="post" action="/casework/interventions' not in html
