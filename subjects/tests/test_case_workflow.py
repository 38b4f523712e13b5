"""The case workflow new → triage → active → closed, or declined: every allowed move, every refused one."""

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AccessEvent, Operation
from subjects import hooks
from subjects.models import CaseStatus, CaseStatusChange, ClosureReason
from subjects.services import cases as services

from .factories import CaseFactory, SubjectFactory

pytestmark = pytest.mark.django_db

ALLOWED = [
    (CaseStatus.NEW, CaseStatus.TRIAGE),
    (CaseStatus.NEW, CaseStatus.DECLINED),
    (CaseStatus.TRIAGE, CaseStatus.ACTIVE),
    (CaseStatus.TRIAGE, CaseStatus.DECLINED),
    (CaseStatus.ACTIVE, CaseStatus.CLOSED),
]
ILLEGAL = [pair for pair in itertools.product(CaseStatus.values, repeat=2) if pair not in ALLOWED]


@pytest.fixture(autouse=True)
def only_the_close_guards_a_test_adds(monkeypatch):
    """Other apps add close guards (interventions: an approved disposal); the workflow is tested on its own here."""
    monkeypatch.setattr(hooks.close_guards, "_receivers", [])


@pytest.fixture
def officer_a(personas):
    return personas["officer_a"]


def make_case(officer, status=CaseStatus.NEW, **kwargs):
    subject = SubjectFactory(created_by=officer, **kwargs)
    return CaseFactory(subject=subject, status=status)


def move_data(to_status):
    data = {"to_status": to_status, "reason": "Spoke to the school; engagement is proportionate."}
    if to_status == CaseStatus.CLOSED:
        data["closure_reason"] = ClosureReason.DIVERSION_COMPLETED
    return data


def test_the_workflow_map_is_the_one_these_tests_check():
    allowed = {(src, dst) for src, targets in services.CASE_TRANSITIONS.moves.items() for dst in targets}

    assert allowed == set(ALLOWED)


# ------------------------------------------------------------------------------
# The service
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_each_allowed_move_writes_one_status_change_row_and_an_access_event(officer_a, from_status, to_status):
    case = make_case(officer_a, status=from_status)
    data = move_data(to_status)

    moved = services.case_transition(
        case=case,
        by=officer_a,
        to_status=to_status,
        reason=data["reason"],
        closure_reason=data.get("closure_reason", ""),
    )

    assert moved.status == to_status
    change = CaseStatusChange.objects.get(case=case)
    assert (change.by, change.from_status, change.to_status, change.reason) == (
        officer_a,
        from_status,
        to_status,
        data["reason"],
    )
    event = AccessEvent.objects.get(object_type="case", object_id=str(case.pk))
    assert (event.operation, event.actor, event.changed_fields) == (Operation.ALTERATION, officer_a, ["status"])


@pytest.mark.parametrize(("from_status", "to_status"), ILLEGAL)
def test_each_illegal_move_is_refused_by_the_service_and_changes_nothing(officer_a, from_status, to_status):
    case = make_case(officer_a, status=from_status)
    data = move_data(to_status)

    with pytest.raises(ValidationError, match="cannot move to"):
        services.case_transition(
            case=case,
            by=officer_a,
            to_status=to_status,
            reason=data["reason"],
            closure_reason=data.get("closure_reason", ""),
        )

    case.refresh_from_db()
    assert case.status == from_status
    assert not CaseStatusChange.objects.filter(case=case).exists()
    assert not AccessEvent.objects.filter(object_type="case", object_id=str(case.pk)).exists()


def test_a_move_to_a_status_that_does_not_exist_is_refused(officer_a):
    case = make_case(officer_a)

    with pytest.raises(ValidationError, match="cannot move to"):
        services.case_transition(case=case, by=officer_a, to_status="archived", reason="Tidy up")


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [
        (CaseStatus.TRIAGE, CaseStatus.ACTIVE),
        (CaseStatus.NEW, CaseStatus.DECLINED),
        (CaseStatus.ACTIVE, CaseStatus.CLOSED),
    ],
)
@pytest.mark.parametrize("reason", ["", "   \n "])
def test_a_decision_without_a_rationale_is_refused_at_the_reason(officer_a, from_status, to_status, reason):
    case = make_case(officer_a, status=from_status)

    with pytest.raises(ValidationError) as refused:
        services.case_transition(
            case=case, by=officer_a, to_status=to_status, reason=reason, closure_reason=ClosureReason.OTHER
        )

    assert "reason" in refused.value.message_dict
    case.refresh_from_db()
    assert case.status == from_status


def test_triage_can_start_without_a_note(officer_a):
    case = make_case(officer_a)

    assert services.case_transition(case=case, by=officer_a, to_status=CaseStatus.TRIAGE).status == CaseStatus.TRIAGE


def test_closing_needs_a_closure_reason(officer_a):
    case = make_case(officer_a, status=CaseStatus.ACTIVE)

    with pytest.raises(ValidationError) as refused:
        services.case_transition(case=case, by=officer_a, to_status=CaseStatus.CLOSED, reason="Finished")

    assert "closure_reason" in refused.value.message_dict


@pytest.fixture
def disposal_guard():
    """A close guard as another app would add one (e.g. "needs an approved disposal"), removed afterwards."""

    def guard(case):
        return "An approved disposal is needed before the case can close." if case.operation != "done" else ""

    hooks.close_guards.register(guard)
    yield guard
    hooks.close_guards.unregister(guard)


def test_a_close_guard_stops_the_case_closing(officer_a, disposal_guard):
    case = make_case(officer_a, status=CaseStatus.ACTIVE)

    with pytest.raises(ValidationError, match="approved disposal"):
        services.case_transition(
            case=case, by=officer_a, to_status=CaseStatus.CLOSED, reason="Done", closure_reason=ClosureReason.OTHER
        )

    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE


def test_a_close_guard_that_is_satisfied_lets_the_case_close(officer_a, disposal_guard):
    case = make_case(officer_a, status=CaseStatus.ACTIVE)
    case.operation = "done"
    case.save()

    closed = services.case_transition(
        case=case, by=officer_a, to_status=CaseStatus.CLOSED, reason="Done", closure_reason=ClosureReason.OTHER
    )

    assert closed.status == CaseStatus.CLOSED


# ------------------------------------------------------------------------------
# The page
# ------------------------------------------------------------------------------
def transition_url(case, to_status=None):
    url = reverse("subjects:case_transition", args=[case.pk])
    return f"{url}?to={to_status}" if to_status else url


def test_the_transition_page_asks_for_the_rationale_of_a_decision(client_for, officer_a):
    case = make_case(officer_a, status=CaseStatus.TRIAGE)

    response = client_for(officer_a).get(transition_url(case, CaseStatus.ACTIVE))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Triage decision and rationale" in html
    assert 'name="to_status" value="active"' in html
    assert 'name="closure_reason"' not in html


def test_the_close_page_asks_why_the_case_is_closing(client_for, officer_a):
    case = make_case(officer_a, status=CaseStatus.ACTIVE)

    html = client_for(officer_a).get(transition_url(case, CaseStatus.CLOSED)).content.decode()

    assert 'name="closure_reason"' in html
    assert "Closure rationale" in html


def test_asking_for_an_impossible_move_says_so_and_offers_no_form(client_for, officer_a):
    case = make_case(officer_a, status=CaseStatus.CLOSED)

    response = client_for(officer_a).get(transition_url(case, CaseStatus.ACTIVE))

    assert response.status_code == 200
    assert "A case that is closed cannot move to active" in response.content.decode()
    assert b'name="to_status"' not in response.content


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_each_allowed_move_made_on_the_page_is_saved_and_leads_back_to_the_case(
    client_for, officer_a, from_status, to_status
):
    case = make_case(officer_a, status=from_status)

    response = client_for(officer_a).post(transition_url(case), move_data(to_status))

    assert response.status_code == 302
    assert response["Location"] == reverse("subjects:case_detail", args=[case.pk])
    case.refresh_from_db()
    assert case.status == to_status
    change = CaseStatusChange.objects.get(case=case)
    assert (change.by, change.from_status, change.to_status) == (officer_a, from_status, to_status)


@pytest.mark.parametrize(("from_status", "to_status"), ILLEGAL)
def test_a_crafted_post_of_an_illegal_move_is_refused_and_changes_nothing(
    client_for, officer_a, from_status, to_status
):
    case = make_case(officer_a, status=from_status)

    response = client_for(officer_a).post(transition_url(case), move_data(to_status))

    assert response.status_code == 200
    assert "cannot move to" in response.content.decode()
    case.refresh_from_db()
    assert case.status == from_status
    assert not CaseStatusChange.objects.filter(case=case).exists()


def test_a_crafted_post_of_an_unknown_status_is_refused(client_for, officer_a):
    case = make_case(officer_a)

    response = client_for(officer_a).post(transition_url(case), {"to_status": "<b>archived</b>", "reason": "x"})

    assert response.status_code == 200
    assert b"<b>archived</b>" not in response.content
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW


def test_an_empty_rationale_on_the_page_is_shown_at_the_field_and_saves_nothing(client_for, officer_a):
    case = make_case(officer_a, status=CaseStatus.TRIAGE)

    response = client_for(officer_a).post(transition_url(case), {"to_status": CaseStatus.DECLINED, "reason": "  "})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Give the rationale for this decision."]
    case.refresh_from_db()
    assert case.status == CaseStatus.TRIAGE
    assert not CaseStatusChange.objects.filter(case=case).exists()


def test_a_missing_closure_reason_on_the_page_is_shown_at_the_field_and_keeps_the_rationale(client_for, officer_a):
    case = make_case(officer_a, status=CaseStatus.ACTIVE)

    response = client_for(officer_a).post(
        transition_url(case), {"to_status": CaseStatus.CLOSED, "reason": "Completed the course."}
    )

    assert "closure_reason" in response.context["form"].errors
    assert "Completed the course." in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE


def test_a_close_guard_message_is_shown_on_the_page(client_for, officer_a, disposal_guard):
    case = make_case(officer_a, status=CaseStatus.ACTIVE)

    response = client_for(officer_a).post(transition_url(case), move_data(CaseStatus.CLOSED))

    assert "An approved disposal is needed" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE


# ------------------------------------------------------------------------------
# Who may move a case
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["officer_a", "sergeant", "inspector"])
def test_caseworkers_of_the_cases_force_may_move_it(client_for, personas, persona):
    case = make_case(personas["officer_a"])

    response = client_for(personas[persona]).post(transition_url(case), move_data(CaseStatus.TRIAGE))

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.TRIAGE


@pytest.mark.parametrize("persona", ["analyst", "admin_support", "sysadmin"])
def test_roles_without_case_access_are_refused(client_for, personas, persona):
    case = make_case(personas["officer_a"])

    response = client_for(personas[persona]).post(transition_url(case), move_data(CaseStatus.TRIAGE))

    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW


def test_an_officer_of_another_force_is_not_found_even_with_a_guessed_id(client_for, personas):
    case = make_case(personas["officer_a"])
    client = client_for(personas["officer_b"])

    assert client.get(transition_url(case, CaseStatus.TRIAGE)).status_code == 404
    assert client.post(transition_url(case), move_data(CaseStatus.TRIAGE)).status_code == 404
    guessed = reverse("subjects:case_transition", args=[case.pk + 1000])
    assert client.post(guessed, move_data(CaseStatus.TRIAGE)).status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW


def test_a_restricted_subjects_case_is_not_found_without_access(client_for, personas):
    case = make_case(personas["sergeant"], restricted=True)

    response = client_for(personas["officer_a"]).post(transition_url(case), move_data(CaseStatus.TRIAGE))

    assert response.status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    case = make_case(SubjectFactory().created_by)

    response = client.post(transition_url(case), move_data(CaseStatus.TRIAGE))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW
