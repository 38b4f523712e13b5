"""The disposal workflow at service level: every allowed and illegal move, who may decide, and closing a case."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from accounts.models import Notification, Role
from accounts.tests.factories import ForceFactory, UserFactory
from audit.models import AccessEvent, Operation
from interventions import services
from interventions.models import Disposal, DisposalStatus, DisposalStatusChange
from subjects.models import CaseStatus, ClosureReason
from subjects.services.cases import case_transition
from subjects.tests.factories import CaseFactory, SubjectFactory

from .factories import DisposalFactory, catalogues_seed, disposal_type

pytestmark = pytest.mark.django_db

DRAFT, SUBMITTED, APPROVED, RETURNED, REJECTED = (
    DisposalStatus.DRAFT,
    DisposalStatus.SUBMITTED,
    DisposalStatus.APPROVED,
    DisposalStatus.RETURNED,
    DisposalStatus.REJECTED,
)


def _in(status: str, case, decider) -> Disposal:
    """A disposal of ``case`` already in ``status`` (decided ones decided by ``decider``)."""
    decided = status in {APPROVED, RETURNED, REJECTED}
    return DisposalFactory(case=case, status=status, decided_by=decider if decided else None)


def _rows(disposal) -> list[tuple[str, str]]:
    return list(disposal.status_changes.values_list("from_status", "to_status"))


# ------------------------------------------------------------------------------
# Proposing and submitting
# ------------------------------------------------------------------------------
def test_an_officer_proposes_a_draft_with_a_status_row_and_a_collection_event(case, officer):
    fields = {"type": disposal_type(), "outcome": disposal_type().default_outcome, "rationale_information": "Known."}

    disposal = services.disposal_propose(case=case, by=officer, fields=fields)

    assert disposal.status == DRAFT
    assert disposal.proposed_by == officer
    assert _rows(disposal) == [("", DRAFT)]
    assert AccessEvent.objects.filter(
        operation=Operation.COLLECTION, object_type="disposal", object_id=str(disposal.pk)
    ).exists()


def test_submitting_notifies_the_supervisors_of_the_force_but_not_the_proposer(draft, officer, sergeant, inspector):
    services.disposal_submit(disposal=draft, by=officer)

    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {sergeant.username, inspector.username}


def test_submitting_needs_every_stage_of_the_national_decision_model_and_saves_nothing_without(case, officer):
    disposal = DisposalFactory(case=case, rationale_options="", rationale_action_review="  ")

    with pytest.raises(ValidationError) as caught:
        services.disposal_submit(disposal=disposal, by=officer)

    assert set(caught.value.error_dict) == {"rationale_options", "rationale_action_review"}
    disposal.refresh_from_db()
    assert disposal.status == DRAFT
    assert _rows(disposal) == []


def test_only_the_proposer_submits(draft, personas):
    colleague = UserFactory(role=Role.OFFICER)

    with pytest.raises(ValidationError, match="Only the officer who proposed"):
        services.disposal_submit(disposal=draft, by=colleague)


# ------------------------------------------------------------------------------
# Every allowed move
# ------------------------------------------------------------------------------
def test_draft_becomes_submitted(draft, officer):
    services.disposal_submit(disposal=draft, by=officer)

    draft.refresh_from_db()
    assert draft.status == SUBMITTED
    assert draft.submitted_at is not None
    assert _rows(draft) == [(DRAFT, SUBMITTED)]


@pytest.mark.parametrize("decision", [APPROVED, RETURNED, REJECTED])
def test_a_sergeant_decides_a_submitted_disposal(case, officer, sergeant, decision):
    disposal = _in(SUBMITTED, case, None)

    services.disposal_decide(disposal=disposal, by=sergeant, decision=decision, comment="Reasoned.")

    disposal.refresh_from_db()
    assert (disposal.status, disposal.decided_by, disposal.decision_comment) == (decision, sergeant, "Reasoned.")
    assert _rows(disposal) == [(SUBMITTED, decision)]
    assert AccessEvent.objects.filter(
        actor=sergeant, operation=Operation.ALTERATION, object_type="disposal", changed_fields=["status"]
    ).exists()
    assert Notification.objects.filter(recipient=officer, url__contains=str(disposal.pk)).exists()


def test_a_returned_disposal_is_submitted_again(case, officer, sergeant):
    disposal = _in(RETURNED, case, sergeant)

    services.disposal_submit(disposal=disposal, by=officer)

    disposal.refresh_from_db()
    assert disposal.status == SUBMITTED
    assert disposal.decided_by is None
    assert _rows(disposal) == [(RETURNED, SUBMITTED)]


def test_editing_an_approved_disposal_sends_it_back_for_approval(case, officer, sergeant):
    disposal = _in(APPROVED, case, sergeant)

    services.disposal_update(
        disposal=disposal, by=officer, expected_version=disposal.version, changes={"rationale_options": "Rethought."}
    )

    disposal.refresh_from_db()
    assert disposal.status == SUBMITTED
    assert disposal.decided_by is None
    assert list(disposal.status_changes.values_list("from_status", "to_status", "reason")) == [
        (APPROVED, SUBMITTED, "Changed after approval")
    ]


def test_saving_an_approved_disposal_unchanged_keeps_it_approved(case, officer, sergeant):
    disposal = _in(APPROVED, case, sergeant)

    services.disposal_update(
        disposal=disposal,
        by=officer,
        expected_version=disposal.version,
        changes={"rationale_options": disposal.rationale_options},
    )

    disposal.refresh_from_db()
    assert disposal.status == APPROVED


# ------------------------------------------------------------------------------
# Every illegal move: refused, nothing written
# ------------------------------------------------------------------------------
def _submit(disposal, officer, sergeant):
    services.disposal_submit(disposal=disposal, by=officer)


def _edit(disposal, officer, sergeant):
    services.disposal_update(
        disposal=disposal, by=officer, expected_version=disposal.version, changes={"rationale_options": "Changed."}
    )


def _decide(decision):
    def act(disposal, officer, sergeant):
        services.disposal_decide(disposal=disposal, by=sergeant, decision=decision, comment="Because.")

    act.__name__ = f"decide_{decision}"
    return act


ILLEGAL_MOVES = [
    (DRAFT, _decide(APPROVED)),
    (DRAFT, _decide(RETURNED)),
    (DRAFT, _decide(REJECTED)),
    (SUBMITTED, _submit),
    (SUBMITTED, _edit),
    (APPROVED, _decide(APPROVED)),
    (APPROVED, _decide(RETURNED)),
    (APPROVED, _decide(REJECTED)),
    (APPROVED, _submit),
    (RETURNED, _decide(APPROVED)),
    (RETURNED, _decide(RETURNED)),
    (RETURNED, _decide(REJECTED)),
    (REJECTED, _submit),
    (REJECTED, _edit),
    (REJECTED, _decide(APPROVED)),
    (REJECTED, _decide(RETURNED)),
    (REJECTED, _decide(REJECTED)),
]


@pytest.mark.parametrize(("status", "move"), ILLEGAL_MOVES, ids=[f"{s}-{m.__name__}" for s, m in ILLEGAL_MOVES])
def test_an_illegal_move_is_refused_and_writes_nothing(case, officer, personas, status, move):
    decider = UserFactory(role=Role.SERGEANT)
    disposal = _in(status, case, decider)
    version = disposal.version

    with pytest.raises(ValidationError):
        move(disposal, officer, personas["sergeant"])

    disposal.refresh_from_db()
    assert (disposal.status, disposal.version) == (status, version)
    assert _rows(disposal) == []


def test_an_approved_disposal_cannot_be_resubmitted_without_a_change(case, officer, sergeant):
    disposal = _in(APPROVED, case, sergeant)

    with pytest.raises(ValidationError, match="cannot be submitted"):
        services.disposal_submit(disposal=disposal, by=officer)


# ------------------------------------------------------------------------------
# Who may decide
# ------------------------------------------------------------------------------
def test_nobody_approves_their_own_proposal(case, sergeant):
    disposal = DisposalFactory(case=case, proposed_by=sergeant, status=SUBMITTED)

    with pytest.raises(ValidationError, match="you proposed"):
        services.disposal_decide(disposal=disposal, by=sergeant, decision=APPROVED)

    disposal.refresh_from_db()
    assert disposal.status == SUBMITTED


def test_an_officer_cannot_decide_at_all(case, personas):
    disposal = _in(SUBMITTED, case, None)

    with pytest.raises(ValidationError, match="sergeant must decide"):
        services.disposal_decide(disposal=disposal, by=UserFactory(role=Role.OFFICER), decision=APPROVED)


def test_an_inspector_only_type_is_refused_to_a_sergeant_and_decided_by_an_inspector(case, sergeant, inspector):
    disposal = DisposalFactory(case=case, type=disposal_type("youth_caution"), status=SUBMITTED)

    with pytest.raises(ValidationError, match="inspector must decide"):
        services.disposal_decide(disposal=disposal, by=sergeant, decision=APPROVED)
    services.disposal_decide(disposal=disposal, by=inspector, decision=APPROVED)

    disposal.refresh_from_db()
    assert disposal.decided_by == inspector


def test_a_sergeant_of_another_force_cannot_decide(case_b, sergeant):
    disposal = _in(SUBMITTED, case_b, None)

    with pytest.raises(ValidationError, match="outside the forces"):
        services.disposal_decide(disposal=disposal, by=sergeant, decision=APPROVED)


@pytest.mark.parametrize("decision", [RETURNED, REJECTED])
def test_returning_or_rejecting_needs_a_reason_and_saves_nothing_without(case, sergeant, decision):
    disposal = _in(SUBMITTED, case, None)

    with pytest.raises(ValidationError) as caught:
        services.disposal_decide(disposal=disposal, by=sergeant, decision=decision, comment="   ")

    assert "comment" in caught.value.error_dict
    disposal.refresh_from_db()
    assert disposal.status == SUBMITTED
    assert _rows(disposal) == []


def test_a_second_approval_after_the_first_is_refused(case, sergeant, inspector):
    disposal = _in(SUBMITTED, case, None)
    stale_copy = Disposal.objects.get(pk=disposal.pk)
    services.disposal_decide(disposal=disposal, by=sergeant, decision=APPROVED)

    with pytest.raises(ValidationError, match="nothing to decide"):
        services.disposal_decide(disposal=stale_copy, by=inspector, decision=APPROVED)

    assert DisposalStatusChange.objects.filter(disposal=disposal, to_status=APPROVED).count() == 1
    disposal.refresh_from_db()
    assert disposal.decided_by == sergeant


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite locks the whole database, not rows: two approvers cannot overlap there; "
    "the sequential test covers the rule on both databases",
)
@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_give_exactly_one_decision():
    # A transactional test starts from a flushed database: make what the data migrations would have.
    catalogues_seed()
    force = ForceFactory(code="WM", name="West Midlands Police")
    officer = UserFactory(role=Role.OFFICER, home_force=force)
    approvers = [UserFactory(role=Role.SERGEANT, home_force=force) for _ in range(2)]
    case = CaseFactory(subject=SubjectFactory(created_by=officer, force=force), status=CaseStatus.ACTIVE)
    disposal = DisposalFactory(case=case, status=SUBMITTED)
    start = threading.Barrier(len(approvers))
    outcomes: list[str] = []

    def approve(user):
        try:
            start.wait(timeout=10)
            services.disposal_decide(disposal=disposal, by=user, decision=APPROVED)
            outcomes.append("approved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(user,)) for user in approvers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["approved", "refused"]
    assert DisposalStatusChange.objects.filter(disposal=disposal, to_status=APPROVED).count() == 1
    assert Disposal.objects.get(pk=disposal.pk).decided_by in approvers


# ------------------------------------------------------------------------------
# Closing the case, and the types on offer
# ------------------------------------------------------------------------------
def _close(case, officer):
    return case_transition(
        case=case, by=officer, to_status=CaseStatus.CLOSED, reason="Done.", closure_reason=ClosureReason.OTHER
    )


@pytest.mark.parametrize("status", [None, DRAFT, SUBMITTED, RETURNED, REJECTED])
def test_a_case_does_not_close_without_an_approved_disposal(case, officer, sergeant, status):
    if status:
        _in(status, case, sergeant)

    with pytest.raises(ValidationError, match="disposal has been approved"):
        _close(case, officer)

    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE


def test_a_case_closes_once_a_disposal_is_approved(case, officer, sergeant):
    _in(APPROVED, case, sergeant)

    assert _close(case, officer).status == CaseStatus.CLOSED


def test_two_tier_cautions_are_offered_only_when_the_framework_is_on(adult_case, settings):
    settings.TWO_TIER_CAUTIONS = False
    off = set(services.disposal_types_offered(case=adult_case).values_list("code", flat=True))
    settings.TWO_TIER_CAUTIONS = True
    on = set(services.disposal_types_offered(case=adult_case).values_list("code", flat=True))

    assert on - off == {"diversionary_caution", "community_caution"}


def test_a_young_person_is_offered_youth_disposals_and_an_adult_adult_ones(case, adult_case):
    youth = set(services.disposal_types_offered(case=case).values_list("code", flat=True))
    adult = set(services.disposal_types_offered(case=adult_case).values_list("code", flat=True))

    assert "youth_caution" in youth
    assert "adult_simple_caution" not in youth
    assert "adult_simple_caution" in adult
    assert "youth_caution" not in adult


def test_a_two_tier_type_is_refused_by_the_service_when_the_framework_is_off(adult_case, officer, settings):
    settings.TWO_TIER_CAUTIONS = False
    caution = disposal_type("diversionary_caution")

    with pytest.raises(ValidationError) as caught:
        services.disposal_propose(
            case=adult_case, by=officer, fields={"type": caution, "outcome": disposal_type().default_outcome}
        )

    assert "type" in caught.value.error_dict
    assert not Disposal.objects.exists()
