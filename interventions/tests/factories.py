"""Synthetic interventions, disposals and reviews for tests (never real people)."""

import importlib
from datetime import timedelta

import factory
from django.utils import timezone

from interventions.models import (
    NDM_STAGES,
    Disposal,
    DisposalStatus,
    DisposalStatusChange,
    DisposalType,
    HomeOfficeOutcome,
    Intervention,
    InterventionStatus,
    InterventionStatusChange,
    InterventionType,
    SupervisoryReview,
)
from subjects.models import CaseStatus
from subjects.tests.factories import CaseFactory, SubjectFactory


def catalogues_seed() -> None:
    """Seed the intervention, outcome and disposal catalogues as migration 0002 does (idempotent).

    Transactional tests (threads, the browser) flush the database afterwards, data migrations' rows included.
    """
    from django.apps import apps

    importlib.import_module("interventions.migrations.0002_reference_data").seed(apps, None)


# A rationale for every NDM stage, as a disposal ready to submit has.
FULL_RATIONALE = {name: f"Synthetic {label.lower()}." for name, label in NDM_STAGES}


def disposal_type(code: str = "outcome_22") -> DisposalType:
    """A disposal type seeded by migration 0002 (outcome_22 and community_resolution: sergeant; cautions: inspector)."""
    return DisposalType.objects.select_related("default_outcome").get(code=code)


def active_case_of(officer, **fields):
    """An active case of a new subject in ``officer``'s home force, assigned to them."""
    subject = SubjectFactory(created_by=officer, force=officer.home_force)
    return CaseFactory(subject=subject, **{"status": CaseStatus.ACTIVE, **fields})


def intervention_type(code: str = "mentoring") -> InterventionType:
    return InterventionType.objects.get(code=code)


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intervention

    case = factory.SubFactory(CaseFactory, status=CaseStatus.ACTIVE)
    type = factory.LazyFunction(intervention_type)
    status = InterventionStatus.PLANNED
    planned_start = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))
    delivered_by = "Synthetic Cyber Club"
    created_by = factory.LazyAttribute(lambda o: o.case.assigned_officer)


class InterventionStatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InterventionStatusChange

    intervention = factory.SubFactory(InterventionFactory)
    from_status = ""
    to_status = InterventionStatus.PLANNED
    by = factory.LazyAttribute(lambda o: o.intervention.created_by)


class DisposalFactory(factory.django.DjangoModelFactory):
    """A disposal in any status; ``submitted`` ones get a ``submitted_at``, decided ones a decider to pass in."""

    class Meta:
        model = Disposal

    case = factory.SubFactory(CaseFactory, status=CaseStatus.ACTIVE)
    type = factory.LazyFunction(disposal_type)
    outcome = factory.LazyAttribute(lambda o: o.type.default_outcome or HomeOfficeOutcome.objects.get(code="21"))
    status = DisposalStatus.DRAFT
    proposed_by = factory.LazyAttribute(lambda o: o.case.assigned_officer)
    submitted_at = factory.LazyAttribute(lambda o: timezone.now() if o.status != DisposalStatus.DRAFT else None)
    rationale_information = FULL_RATIONALE["rationale_information"]
    rationale_threat_risk = FULL_RATIONALE["rationale_threat_risk"]
    rationale_powers_policy = FULL_RATIONALE["rationale_powers_policy"]
    rationale_options = FULL_RATIONALE["rationale_options"]
    rationale_action_review = FULL_RATIONALE["rationale_action_review"]


class DisposalStatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DisposalStatusChange

    disposal = factory.SubFactory(DisposalFactory)
    from_status = ""
    to_status = DisposalStatus.DRAFT
    by = factory.LazyAttribute(lambda o: o.disposal.proposed_by)


class SupervisoryReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisoryReview

    case = factory.SubFactory(CaseFactory, status=CaseStatus.ACTIVE)
    reviewer = factory.SubFactory("accounts.tests.factories.UserFactory", role="sergeant")
    notes = "Synthetic review notes."
    actions = "Synthetic actions."
    next_review_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=28))
