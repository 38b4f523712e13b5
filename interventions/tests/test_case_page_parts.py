"""What other pages show of interventions: the case page section, the timeline, the dashboard tiles, the admin."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from interventions import timeline
from interventions.dashboard import case_section_context, supervision_tiles
from interventions.models import DisposalStatus, InterventionStatus
from subjects.models import CaseStatus
from subjects.tests.factories import CaseFactory, SubjectFactory
from subjects.timeline import subject_timeline

from .factories import (
    DisposalFactory,
    DisposalStatusChangeFactory,
    InterventionFactory,
    InterventionStatusChangeFactory,
    SupervisoryReviewFactory,
)

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------------
# The case page section
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("rows", [1, 20])
def test_the_case_section_costs_three_queries_whatever_the_rows(case, sergeant, rows, django_assert_num_queries):
    InterventionFactory.create_batch(rows, case=case)
    DisposalFactory.create_batch(rows, case=case)
    SupervisoryReviewFactory.create_batch(rows, case=case, reviewer=sergeant)

    # interventions (with types), disposals (with types, outcomes, people), the latest reviews (with reviewers)
    with django_assert_num_queries(3):
        context = case_section_context(case, sergeant)
        html = render_to_string("interventions/_case_section.html", {"case": case, "user": sergeant, **context})

    assert len(context["interventions"]) == len(context["disposals"]) == rows
    assert html.count("/casework/disposals/") == rows


def test_the_case_section_offers_the_actions_for_the_role(case, officer, sergeant):
    def html_for(user):
        context = {"case": case, "user": user, **case_section_context(case, user)}
        return render_to_string("interventions/_case_section.html", context)

    assert reverse("interventions:intervention_add", args=[case.pk]) in html_for(officer)
    assert reverse("interventions:disposal_new", args=[case.pk]) in html_for(officer)
    assert "Record a supervisory review" not in html_for(officer)
    assert reverse("interventions:review_new", args=[case.pk]) in html_for(sergeant)


def test_a_closed_case_offers_no_new_work(case, sergeant):
    case.status = CaseStatus.CLOSED

    context = {"case": case, "user": sergeant, **case_section_context(case, sergeant)}
    html = render_to_string("interventions/_case_section.html", context)

    assert "Plan an intervention" not in html
    assert "Propose a disposal" not in html
    assert "Record a supervisory review" not in html


# ------------------------------------------------------------------------------
# The subject's timeline
# ------------------------------------------------------------------------------
@pytest.fixture
def history(case, officer, sergeant):
    intervention = InterventionFactory(case=case, status=InterventionStatus.WITHDRAWN)
    InterventionStatusChangeFactory(intervention=intervention)
    InterventionStatusChangeFactory(
        intervention=intervention,
        from_status=InterventionStatus.PLANNED,
        to_status=InterventionStatus.WITHDRAWN,
        reason="Moved school.",
    )
    disposal = DisposalFactory(case=case, status=DisposalStatus.RETURNED, decided_by=sergeant)
    DisposalStatusChangeFactory(disposal=disposal)
    DisposalStatusChangeFactory(disposal=disposal, from_status="draft", to_status="submitted")
    DisposalStatusChangeFactory(
        disposal=disposal, from_status="submitted", to_status="returned", by=sergeant, reason="Say more."
    )
    SupervisoryReviewFactory(case=case, reviewer=sergeant, notes="Reviewed the plan.")
    return case


def test_the_timeline_sources_describe_interventions_disposals_and_reviews(history, officer):
    subject = history.subject

    titles: dict[str, list] = {}
    for source in timeline.SOURCES:
        for entry in source(subject, officer):
            titles.setdefault(entry.kind, []).append((entry.title, entry.detail, entry.case_reference))

    reference = f"{subject.reference}/{history.number}"
    assert ("Intervention Mentoring: planned → withdrawn", "Moved school.", reference) in titles["intervention"]
    assert ("Intervention planned: Mentoring", "", reference) in titles["intervention"]
    returned = "Disposal returned for changes: Outcome 22: diversionary or educational activity"
    assert (returned, "Say more.", reference) in titles["disposal"]
    assert titles["supervisory_review"][0][1] == "Reviewed the plan."


@pytest.mark.parametrize("source", timeline.SOURCES)
def test_each_timeline_source_costs_one_query(history, officer, source, django_assert_num_queries):
    InterventionFactory.create_batch(5, case=history)

    with django_assert_num_queries(1):
        list(source(history.subject, officer))


def test_the_timeline_hides_reasons_and_notes_from_someone_without_access_to_the_details(history, officer):
    type(history.subject).objects.filter(pk=history.subject_id).update(restricted=True, assigned_officer=None)
    subject = type(history.subject).objects.get(pk=history.subject_id)
    outsider = UserFactory(role=Role.OFFICER, home_force=subject.force)

    entries = [entry for source in timeline.SOURCES for entry in source(subject, outsider)]

    assert entries
    assert all(entry.detail == "" for entry in entries)


def test_registered_sources_appear_on_the_subjects_timeline(history, officer):
    timeline.register_timeline_sources()

    kinds = {entry.kind for entry in subject_timeline(history.subject, officer)}

    assert {"intervention", "disposal", "supervisory_review"} <= kinds


# ------------------------------------------------------------------------------
# Dashboard tiles
# ------------------------------------------------------------------------------
def test_a_sergeant_sees_approvals_waiting_late_ones_and_reviews_due(officer, sergeant, settings):
    settings.APPROVAL_LIMIT_WORKING_DAYS = 3
    case = CaseFactory(subject=SubjectFactory(created_by=officer), status=CaseStatus.ACTIVE)
    DisposalFactory(case=case, status=DisposalStatus.SUBMITTED)
    DisposalFactory(case=case, status=DisposalStatus.SUBMITTED, submitted_at=timezone.now() - timedelta(days=20))

    tiles = supervision_tiles(sergeant)
    html = render_to_string("interventions/_dashboard_tiles.html", {"supervision_tiles": tiles, "user": sergeant})

    assert tiles == {"approvals_waiting": 2, "approvals_late": 1, "reviews_due": 1}
    assert "Late approval" in html
    assert reverse("interventions:approval_queue") in html


def test_an_officer_has_no_supervision_tiles(officer):
    assert supervision_tiles(officer) == {}
    assert render_to_string("interventions/_dashboard_tiles.html", {"supervision_tiles": {}}).strip() == ""


# ------------------------------------------------------------------------------
# Reference data in the admin
# ------------------------------------------------------------------------------
def test_a_system_admin_edits_disposal_types_but_cannot_delete_them(client_for, personas):
    sysadmin = personas["sysadmin"]
    client = client_for(sysadmin)

    for model in ("disposaltype", "interventiontype", "homeofficeoutcome"):
        assert client.get(reverse(f"admin:interventions_{model}_changelist")).status_code == 200
        assert sysadmin.has_perm(f"interventions.change_{model}")
        assert not sysadmin.has_perm(f"interventions.delete_{model}")
    assert not sysadmin.has_perm("interventions.change_disposal")
    assert not sysadmin.has_perm("interventions.view_intervention")
