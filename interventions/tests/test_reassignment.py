"""A reassigned case's unsent disposal proposals go to its new officer, who may then edit and submit them."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from audit.models import AccessEvent
from interventions import services
from interventions.models import DisposalStatus
from subjects.services.cases import cases_reassign

from .factories import DisposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(force_a):
    return UserFactory(role=Role.OFFICER, home_force=force_a)


def _reassign(case, to, by):
    cases_reassign(case_ids=[case.pk], to_officer=to, by=by, reason="Leaving.")


def test_the_new_officer_edits_and_submits_the_draft_and_the_old_one_no_longer_can(
    client_for, case, officer, sergeant, colleague
):
    draft = DisposalFactory(case=case)
    _reassign(case, colleague, sergeant)
    draft.refresh_from_db()

    with pytest.raises(ValidationError, match="Only the officer who proposed"):
        services.disposal_submit(disposal=draft, by=officer)
    services.disposal_update(
        disposal=draft, by=colleague, expected_version=draft.version, changes={"rationale_options": "Reviewed."}
    )
    response = client_for(colleague).post(reverse("interventions:disposal_submit", args=[draft.pk]))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.proposed_by, draft.rationale_options) == (
        DisposalStatus.SUBMITTED,
        colleague,
        "Reviewed.",
    )
    event = AccessEvent.objects.get(object_type="disposal", object_id=str(draft.pk), justification="Case reassigned")
    assert (event.actor, event.changed_fields) == (sergeant, ["proposed_by"])


def test_a_returned_proposal_goes_with_the_case_but_a_submitted_or_approved_one_stays(
    case, officer, sergeant, colleague
):
    returned = DisposalFactory(case=case, status=DisposalStatus.RETURNED, decided_by=sergeant)
    submitted = DisposalFactory(case=case, status=DisposalStatus.SUBMITTED)
    approved = DisposalFactory(case=case, status=DisposalStatus.APPROVED, decided_by=sergeant)

    _reassign(case, colleague, sergeant)

    for disposal in (returned, submitted, approved):
        disposal.refresh_from_db()
    assert [d.proposed_by for d in (returned, submitted, approved)] == [colleague, officer, officer]
    assert returned.decided_by == sergeant
    services.disposal_submit(disposal=returned, by=colleague)


def test_a_proposal_handed_to_the_sergeant_who_returned_it_can_be_submitted_but_not_decided_by_them(
    case, sergeant, personas
):
    returned = DisposalFactory(case=case, status=DisposalStatus.RETURNED, decided_by=sergeant)

    _reassign(case, sergeant, personas["inspector"])
    returned.refresh_from_db()
    submitted = services.disposal_submit(disposal=returned, by=sergeant)

    assert (returned.proposed_by, returned.decided_by) == (sergeant, None)
    with pytest.raises(ValidationError, match="You cannot decide a disposal you proposed"):
        services.disposal_decide(disposal=submitted, by=sergeant, decision=DisposalStatus.APPROVED)
