"""Synthetic partners, contacts, pathways and agreements for tests (every organisation and person invented)."""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import Force
from accounts.tests.factories import PlainName
from interventions.models import InterventionStatus, InterventionType
from interventions.tests.factories import InterventionFactory, active_case_of
from partners.models import (
    AgreementStatus,
    DataSharingAgreement,
    DeliveryMode,
    InteractionKind,
    Partner,
    PartnerContact,
    PartnerInteraction,
    PartnerStatus,
    PartnerType,
    Pathway,
    Sector,
)
from subjects.matching import name_key


def _force_a():
    return Force.objects.get(code="WM")


class PartnerFactory(factory.django.DjangoModelFactory):
    """An active partner covering ``forces`` (default: West Midlands)."""

    class Meta:
        model = Partner
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Synthetic Academy {n}")
    name_key = factory.LazyAttribute(lambda o: name_key(o.name))
    sector = Sector.EDUCATION
    type = PartnerType.SCHOOL
    status = PartnerStatus.ACTIVE

    @factory.post_generation
    def forces(self, create, extracted, **kwargs):
        if create:
            self.forces.set(extracted if extracted is not None else [_force_a()])


class PartnerContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerContact

    partner = factory.SubFactory(PartnerFactory)
    name = PlainName("name", locale="en_GB")
    role = "Designated safeguarding lead"
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    phone = "0121 496 0000"


class PartnerInteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerInteraction

    partner = factory.SubFactory(PartnerFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    kind = InteractionKind.MEETING
    summary = "Synthetic meeting about next term's places."
    officer = factory.SubFactory("accounts.tests.factories.UserFactory")


def intervention_type(code: str = "mentoring") -> InterventionType:
    return InterventionType.objects.get(code=code)


class PathwayFactory(factory.django.DjangoModelFactory):
    """A pathway running since a month ago, for ages 12 to 18, serving all its partner's forces (or ``forces``)."""

    class Meta:
        model = Pathway
        skip_postgeneration_save = True

    partner = factory.SubFactory(PartnerFactory)
    intervention_type = factory.LazyFunction(intervention_type)
    name = factory.Sequence(lambda n: f"Synthetic mentoring scheme {n}")
    description = "Weekly mentoring with a volunteer from the tech industry."
    age_min = 12
    age_max = 18
    capacity = 10
    delivery_mode = DeliveryMode.IN_PERSON
    active_from = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    active_to = None

    @factory.post_generation
    def forces(self, create, extracted, **kwargs):
        if create:
            self.forces.set(extracted if extracted is not None else list(self.partner.forces.all()))


class DataSharingAgreementFactory(factory.django.DjangoModelFactory):
    """A signed agreement, signed 300 days ago and expiring in a year."""

    class Meta:
        model = DataSharingAgreement

    partner = factory.SubFactory(PartnerFactory)
    status = AgreementStatus.SIGNED
    signed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=300))
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))
    document_reference = factory.Sequence(lambda n: f"DSA-2026-{n:03d}")


def partner_in(force: Force, **fields) -> Partner:
    """A partner covering ``force`` only."""
    return PartnerFactory(forces=[force], **fields)


def referral_of(officer, *, pathway: Pathway | None = None, status: str = InterventionStatus.PLANNED, case=None):
    """An intervention through a pathway, on ``case`` or a new active case in ``officer``'s home force."""
    case = case or active_case_of(officer)
    pathway = pathway or PathwayFactory(partner=partner_in(officer.home_force))
    return InterventionFactory(
        case=case, type=pathway.intervention_type, pathway=pathway, delivered_by=pathway.partner.name, status=status
    )
