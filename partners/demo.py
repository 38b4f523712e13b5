"""Synthetic partners across the four forces: schools, colleges, a university, youth justice services, a charity,
cyber security firms and a games company, with contacts, interactions, pathways and data sharing agreements.

Every organisation and person named here is invented (``partners.demo_catalogue``
lists them). Some agreements expire within 60 days. Once, demo
interventions whose type, force and age fit a pathway are linked to it, so
partner pages show referrals and their outcomes.

Idempotent: rows are found by natural keys (partner: name; contact: partner and
name; pathway: partner and name; agreement: partner and document reference;
interaction: partner, date and kind), so a second run adds nothing; the same
``rng`` gives the same rows (dates count from today).
"""

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Force, User
from interventions.models import Intervention, InterventionType
from subjects.matching import name_key
from subjects.models import age_on

from .demo_catalogue import ALL, CONTACT_ROLES, FIRST_NAMES, INTERACTIONS, LAST_NAMES, OWNERS, PARTNERS, DemoPartner
from .models import (
    AgreementStatus,
    DataSharingAgreement,
    Partner,
    PartnerContact,
    PartnerInteraction,
    PartnerStatus,
    Pathway,
)
from .services import agreement_saved_send


@transaction.atomic
def seed(*, rng: random.Random, scale: int = 1) -> None:
    """The catalogue's partners; with ``scale`` N, N copies of it, the copies numbered ("Oakfield Academy 2")."""
    today = timezone.localdate()
    forces = {force.code: force for force in Force.objects.filter(code__in=ALL)}
    owners = {user.username: user for user in User.objects.filter(username__in=OWNERS.values())}
    types = {t.code: t for t in InterventionType.objects.all()}
    catalogue = [
        spec if copy == 1 else replace(spec, name=f"{spec.name} {copy}")
        for copy in range(1, scale + 1)
        for spec in PARTNERS
    ]
    for spec in catalogue:
        drawn = _draw(rng, spec, today)
        covered = [forces[code] for code in spec.forces if code in forces]
        if not covered:
            continue
        partner = _upsert_partner(spec, covered, owners.get(OWNERS[spec.forces[0]]))
        _seed_contacts(partner, drawn)
        _seed_interactions(partner, drawn, owners.get(OWNERS[spec.forces[0]]))
        _seed_pathways(partner, spec, forces, types, today)
        _seed_agreements(partner, spec, today)
    _link_demo_interventions(rng)


@dataclass(frozen=True)
class Drawn:
    contacts: tuple[tuple[str, str], ...]
    interactions: tuple[tuple[date, str, str], ...]


def _draw(rng: random.Random, spec: DemoPartner, today: date) -> Drawn:
    """Every random choice for one partner, drawn whatever exists already (so the same seed gives the same rows)."""
    contacts = tuple(
        (f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", rng.choice(CONTACT_ROLES))
        for _ in range(rng.randint(1, 2))
    )
    interactions = tuple(
        (today - timedelta(days=rng.randint(5, 330)), *rng.choice(INTERACTIONS)) for _ in range(rng.randint(1, 4))
    )
    return Drawn(contacts=contacts, interactions=interactions)


def _upsert_partner(spec: DemoPartner, covered: list[Force], owner: User | None) -> Partner:
    partner, created = Partner.objects.get_or_create(
        name=spec.name,
        defaults={
            "name_key": name_key(spec.name),
            "sector": spec.sector,
            "type": spec.type,
            "status": spec.status,
            "notes": spec.notes,
            "relationship_owner": owner,
        },
    )
    if created:
        partner.forces.set(covered)
    return partner


def _seed_contacts(partner: Partner, drawn: Drawn) -> None:
    domain = name_key(partner.name).replace(" ", "") + ".example.org"
    for name, role in drawn.contacts:
        local = name.lower().replace(" ", ".")
        PartnerContact.objects.get_or_create(
            partner=partner,
            name=name,
            defaults={"role": role, "email": f"{local}@{domain}", "phone": "0121 496 0" + f"{len(name):03d}"},
        )


def _seed_interactions(partner: Partner, drawn: Drawn, officer: User | None) -> None:
    if officer is None:
        return
    for day, kind, summary in drawn.interactions:
        PartnerInteraction.objects.get_or_create(
            partner=partner, date=day, kind=kind, defaults={"summary": summary, "officer": officer}
        )


def _seed_pathways(partner: Partner, spec: DemoPartner, forces: dict, types: dict, today: date) -> None:
    for item in spec.pathways:
        kind = types.get(item.type_code)
        if kind is None:
            continue
        start = today - timedelta(days=500 if item.ended else 200)
        pathway, created = Pathway.objects.get_or_create(
            partner=partner,
            name=item.name,
            defaults={
                "intervention_type": kind,
                "description": item.description,
                "age_min": item.ages[0],
                "age_max": item.ages[1],
                "capacity": item.capacity,
                "delivery_mode": item.mode,
                "active_from": start,
                "active_to": today - timedelta(days=120) if item.ended else None,
            },
        )
        if created:
            served = item.forces or spec.forces
            pathway.forces.set([forces[code] for code in served if code in forces])


def _seed_agreements(partner: Partner, spec: DemoPartner, today: date) -> None:
    reference = f"DSA-{name_key(partner.name).replace(' ', '-')[:40].upper()}"
    if spec.agreement_expires_in is None:
        if spec.status == PartnerStatus.ACTIVE:
            DataSharingAgreement.objects.get_or_create(
                partner=partner, document_reference=f"{reference}-DRAFT", defaults={"status": AgreementStatus.DRAFT}
            )
        return
    expires = today + timedelta(days=spec.agreement_expires_in)
    status = AgreementStatus.SIGNED if expires >= today else AgreementStatus.EXPIRED
    agreement, created = DataSharingAgreement.objects.get_or_create(
        partner=partner,
        document_reference=reference,
        defaults={"status": status, "signed_on": expires - timedelta(days=730), "expires_on": expires},
    )
    if created:
        agreement_saved_send(agreement)  # its renewal follow-up, as saving it in the app would owe


def _link_demo_interventions(rng: random.Random) -> None:
    """Once: link about half of the demo interventions that fit a pathway to it, delivered by its partner."""
    if Intervention.objects.filter(pathway__isnull=False).exists():
        return
    pathways = list(Pathway.objects.select_related("partner").prefetch_related("forces").order_by("pk"))
    candidates = Intervention.objects.filter(pathway__isnull=True).select_related("case__subject").order_by("pk")
    for intervention in candidates:
        fitting = [p for p in pathways if _fits(p, intervention)]
        if fitting and rng.random() < 0.5:
            pathway = rng.choice(fitting)
            intervention.pathway = pathway
            intervention.delivered_by = pathway.partner.name
            intervention.save(update_fields=["pathway", "delivered_by"])


def _fits(pathway: Pathway, intervention: Intervention) -> bool:
    case = intervention.case
    age = age_on(case.subject.date_of_birth, case.referral_date)
    return (
        pathway.intervention_type_id == intervention.type_id
        and any(force.pk == case.force_id for force in pathway.forces.all())
        and age is not None
        and pathway.age_min <= age <= pathway.age_max
    )
