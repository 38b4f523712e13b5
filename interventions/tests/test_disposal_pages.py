"""Disposal pages: proposing, the page itself, editing, submitting and deciding — crafted POSTs included."""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from audit.models import AccessEvent, Operation
from interventions.models import NDM_STAGES, Disposal, DisposalStatus, DisposalStatusChange, HomeOfficeOutcome
from subjects.models import CaseStatus

from .factories import FULL_RATIONALE, DisposalFactory, disposal_type

pytestmark = pytest.mark.django_db

DRAFT, SUBMITTED, APPROVED, RETURNED, REJECTED = (
    DisposalStatus.DRAFT,
    DisposalStatus.SUBMITTED,
    DisposalStatus.APPROVED,
    DisposalStatus.RETURNED,
    DisposalStatus.REJECTED,
)


def _url(name: str, obj) -> str:
    return reverse(f"interventions:{name}", args=[obj.pk])


def _proposal(**overrides) -> dict:
    return {"type": disposal_type().pk, "outcome": "", **FULL_RATIONALE, **overrides}


def _edit_data(disposal, **overrides) -> dict:
    data = {
        "type": disposal.type_id,
        "outcome": disposal.outcome_id,
        "version": disposal.version,
        **{name: getattr(disposal, name) for name, _ in NDM_STAGES},
    }
    return {**data, **overrides}


def _decided(status, case, by):
    return DisposalFactory(
        case=case, status=status, decided_by=by if status in {APPROVED, RETURNED, REJECTED} else None
    )


# ------------------------------------------------------------------------------
# Proposing
# ------------------------------------------------------------------------------
def test_the_new_page_offers_only_the_types_the_case_may_have(client_for, officer, case):
    html = client_for(officer).get(_url("disposal_new", case)).content.decode()

    assert "Youth caution" in html
    assert "Adult simple caution" not in html
    assert "Diversionary caution" not in html
    for _, label in NDM_STAGES:
        assert label in html


def test_two_tier_cautions_appear_on_the_page_only_when_the_framework_is_on(client_for, officer, adult_case, settings):
    client = client_for(officer)
    settings.TWO_TIER_CAUTIONS = False
    assert "Diversionary caution" not in client.get(_url("disposal_new", adult_case)).content.decode()

    settings.TWO_TIER_CAUTIONS = True
    assert "Diversionary caution" in client.get(_url("disposal_new", adult_case)).content.decode()


def test_a_crafted_two_tier_proposal_is_refused_when_the_framework_is_off(client_for, officer, adult_case, settings):
    settings.TWO_TIER_CAUTIONS = False

    response = client_for(officer).post(
        _url("disposal_new", adult_case), _proposal(type=disposal_type("community_caution").pk, outcome=1)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["type"]
    assert not Disposal.objects.exists()


def test_an_officer_proposes_a_draft_with_the_types_usual_outcome(client_for, officer, case):
    response = client_for(officer).post(_url("disposal_new", case), _proposal())

    disposal = Disposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("disposal_detail", disposal)
    assert (disposal.status, disposal.proposed_by, disposal.outcome.code) == (DRAFT, officer, "22")


def test_a_type_without_a_usual_outcome_needs_one_chosen_and_the_input_is_kept(client_for, officer, case):
    response = client_for(officer).post(
        _url("disposal_new", case), _proposal(type=disposal_type("no_further_action").pk, rationale_options="Kept.")
    )

    assert response.status_code == 200
    assert "has no usual outcome" in response.context["form"].errors["outcome"][0]
    assert "Kept." in response.content.decode()
    assert not Disposal.objects.exists()


def test_no_disposal_is_proposed_on_a_closed_case(client_for, officer, case):
    case.status = CaseStatus.CLOSED
    case.save()

    response = client_for(officer).post(_url("disposal_new", case), _proposal())

    assert response.status_code == 200
    assert "only be proposed on an open case" in response.content.decode()
    assert not Disposal.objects.exists()


# ------------------------------------------------------------------------------
# The disposal's page
# ------------------------------------------------------------------------------
def test_the_page_shows_the_rationale_and_history_and_logs_a_consultation(client_for, officer, draft):
    DisposalStatusChange.objects.create(disposal=draft, from_status="", to_status=DRAFT, by=officer)

    response = client_for(officer).get(_url("disposal_detail", draft))

    html = response.content.decode()
    assert FULL_RATIONALE["rationale_threat_risk"] in html
    assert "Submit for approval" in html
    assert "Record the decision" not in html
    assert len(response.context["history"]) == 1
    assert AccessEvent.objects.filter(
        actor=officer, operation=Operation.CONSULTATION, object_type="disposal", object_id=str(draft.pk)
    ).exists()


def test_the_decision_form_shows_only_to_someone_who_may_decide(client_for, case, personas):
    sergeant_own = DisposalFactory(case=case, status=SUBMITTED, proposed_by=personas["sergeant"])
    inspector_only = DisposalFactory(case=case, status=SUBMITTED, type=disposal_type("youth_caution"))
    plain = DisposalFactory(case=case, status=SUBMITTED)
    sergeant = client_for(personas["sergeant"])

    def shows_form(client, disposal):
        return "Record the decision" in client.get(_url("disposal_detail", disposal)).content.decode()

    assert shows_form(sergeant, plain)
    assert not shows_form(sergeant, sergeant_own)
    assert not shows_form(sergeant, inspector_only)
    assert shows_form(client_for(personas["inspector"]), inspector_only)
    assert not shows_form(client_for(personas["officer_a"]), plain)


# ------------------------------------------------------------------------------
# Editing
# ------------------------------------------------------------------------------
def test_an_officer_edits_a_draft(client_for, officer, draft):
    response = client_for(officer).post(_url("disposal_edit", draft), _edit_data(draft, rationale_options="Better."))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.rationale_options, draft.version) == ("Better.", 2)


def test_a_stale_edit_keeps_the_input_shows_the_conflict_and_saves_nothing(client_for, officer, draft):
    stale = _edit_data(draft, rationale_options="Mine.")
    Disposal.objects.filter(pk=draft.pk).update(rationale_options="Theirs.", version=2)

    response = client_for(officer).post(_url("disposal_edit", draft), stale)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this record" in html
    assert "Mine." in html
    assert response.context["form"]["version"].value() == "2"
    assert Disposal.objects.get(pk=draft.pk).rationale_options == "Theirs."


def test_editing_an_approved_disposal_warns_and_sends_it_back_for_approval(client_for, officer, case, sergeant):
    approved = _decided(APPROVED, case, sergeant)
    client = client_for(officer)

    assert "it goes back to awaiting approval" in client.get(_url("disposal_edit", approved)).content.decode()
    response = client.post(_url("disposal_edit", approved), _edit_data(approved, rationale_options="New."), follow=True)

    approved.refresh_from_db()
    assert approved.status == SUBMITTED
    assert "gone back for approval" in response.content.decode()


@pytest.mark.parametrize("status", [SUBMITTED, REJECTED])
def test_a_crafted_edit_of_a_disposal_awaiting_a_decision_or_rejected_is_refused(
    client_for, officer, case, sergeant, status
):
    disposal = _decided(status, case, sergeant)

    response = client_for(officer).post(_url("disposal_edit", disposal), _edit_data(disposal, rationale_options="X"))

    assert response.status_code == 200
    assert "cannot be changed" in response.content.decode()
    disposal.refresh_from_db()
    assert (disposal.status, disposal.rationale_options) == (status, FULL_RATIONALE["rationale_options"])


# ------------------------------------------------------------------------------
# Submitting
# ------------------------------------------------------------------------------
def test_the_proposer_submits_a_complete_draft(client_for, officer, draft):
    response = client_for(officer).post(_url("disposal_submit", draft))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == SUBMITTED


def test_submitting_with_stages_missing_shows_them_at_their_boxes_and_submits_nothing(client_for, officer, case):
    disposal = DisposalFactory(case=case, rationale_powers_policy="", rationale_options="")

    response = client_for(officer).post(_url("disposal_submit", disposal))

    errors = response.context["form"].errors
    assert response.status_code == 200
    assert set(errors) == {"rationale_powers_policy", "rationale_options"}
    assert "Write this stage of the National Decision Model." in errors["rationale_options"]
    assert FULL_RATIONALE["rationale_information"] in response.content.decode()
    disposal.refresh_from_db()
    assert disposal.status == DRAFT


def test_a_colleague_cannot_submit_someone_elses_proposal(client_for, draft):
    colleague = UserFactory(role=Role.OFFICER)

    response = client_for(colleague).post(_url("disposal_submit", draft))

    assert "Only the officer who proposed" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == DRAFT


# ------------------------------------------------------------------------------
# Deciding
# ------------------------------------------------------------------------------
def test_a_sergeant_approves_and_returns_to_the_queue(client_for, case, sergeant):
    disposal = DisposalFactory(case=case, status=SUBMITTED)

    response = client_for(sergeant).post(_url("disposal_decide", disposal), {"decision": APPROVED})

    assert response.status_code == 302
    assert response["Location"] == reverse("interventions:approval_queue")
    disposal.refresh_from_db()
    assert (disposal.status, disposal.decided_by) == (APPROVED, sergeant)


@pytest.mark.parametrize("decision", [RETURNED, REJECTED])
def test_returning_or_rejecting_without_a_reason_says_so_at_the_comment(client_for, case, sergeant, decision):
    disposal = DisposalFactory(case=case, status=SUBMITTED)

    response = client_for(sergeant).post(_url("disposal_decide", disposal), {"decision": decision, "comment": " "})

    assert response.status_code == 200
    assert response.context["decide_form"].errors["comment"] == [
        "Give a reason for returning or rejecting the disposal."
    ]
    disposal.refresh_from_db()
    assert disposal.status == SUBMITTED
    assert not disposal.status_changes.exists()


def test_a_crafted_self_approval_is_refused_with_403(client_for, case, sergeant):
    own = DisposalFactory(case=case, status=SUBMITTED, proposed_by=sergeant)

    response = client_for(sergeant).post(_url("disposal_decide", own), {"decision": APPROVED})

    assert response.status_code == 403
    assert "You cannot decide a disposal you proposed." in response.content.decode()
    own.refresh_from_db()
    assert (own.status, own.decided_by) == (SUBMITTED, None)


def test_an_officer_cannot_approve_even_by_a_crafted_post(client_for, case, personas):
    disposal = DisposalFactory(case=case, status=SUBMITTED, proposed_by=UserFactory(role=Role.OFFICER))

    response = client_for(personas["officer_a"]).post(_url("disposal_decide", disposal), {"decision": APPROVED})

    assert response.status_code == 403
    disposal.refresh_from_db()
    assert disposal.status == SUBMITTED


def test_a_sergeant_cannot_approve_an_inspector_only_type_by_a_crafted_post(client_for, case, sergeant):
    caution = DisposalFactory(case=case, status=SUBMITTED, type=disposal_type("youth_caution"))

    response = client_for(sergeant).post(_url("disposal_decide", caution), {"decision": APPROVED})

    assert response.status_code == 403
    assert "inspector must decide this disposal." in response.content.decode()
    caution.refresh_from_db()
    assert caution.status == SUBMITTED


def test_a_second_approver_is_told_it_is_already_decided(client_for, case, sergeant, inspector):
    disposal = DisposalFactory(case=case, status=SUBMITTED)
    client_for(sergeant).post(_url("disposal_decide", disposal), {"decision": APPROVED})

    response = client_for(inspector).post(_url("disposal_decide", disposal), {"decision": REJECTED, "comment": "No."})

    assert response.status_code == 403
    assert "there is nothing to decide" in response.content.decode()
    assert disposal.status_changes.count() == 1


# Crafted POSTs for every illegal move: (status it is in, url name, data).
ILLEGAL_POSTS = [
    *[(status, "disposal_decide", {"decision": APPROVED}) for status in (DRAFT, APPROVED, RETURNED, REJECTED)],
    *[(status, "disposal_decide", {"decision": RETURNED, "comment": "x"}) for status in (DRAFT, APPROVED, REJECTED)],
    *[(status, "disposal_decide", {"decision": REJECTED, "comment": "x"}) for status in (DRAFT, RETURNED, REJECTED)],
    *[(status, "disposal_submit", {}) for status in (SUBMITTED, APPROVED, REJECTED)],
    (SUBMITTED, "disposal_edit", {"rationale_options": "Changed."}),
    (REJECTED, "disposal_edit", {"rationale_options": "Changed."}),
]


@pytest.mark.parametrize(
    ("status", "name", "data"), ILLEGAL_POSTS, ids=[f"{s}-{n}-{d.get('decision', '')}" for s, n, d in ILLEGAL_POSTS]
)
def test_a_crafted_post_for_an_illegal_move_changes_nothing(client_for, case, personas, status, name, data):
    decider = UserFactory(role=Role.INSPECTOR, forces=[case.force])
    disposal = _decided(status, case, decider)
    actor = personas["sergeant"] if name == "disposal_decide" else personas["officer_a"]
    if name == "disposal_edit":
        data = _edit_data(disposal, **data)

    response = client_for(actor).post(_url(name, disposal), data)

    assert response.status_code in {200, 403}
    disposal.refresh_from_db()
    assert (disposal.status, disposal.version) == (status, 1)
    assert not disposal.status_changes.exists()


def test_the_outcome_list_offers_active_codes_only(client_for, officer, case):
    HomeOfficeOutcome.objects.filter(code="18").update(active=False)

    html = client_for(officer).get(_url("disposal_new", case)).content.decode()

    assert "No suspect identified" not in html
    assert "Community resolution" in html
