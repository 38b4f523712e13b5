"""Writing partners, their contacts, interactions, pathways and agreements, referring a case to a pathway, and
handing the partner its referral summary (a logged disclosure).

Every write is one transaction, validates with ``full_clean()`` before saving,
logs an access event (field names only), and refuses a stale edit with
``ConflictError`` (the version travels with the form). Rules across rows live
here: a partner's name is unique within each force it covers, and a pathway
serves only forces its partner covers.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Force, User
from audit.models import Operation
from audit.services import access_event_record, disclosure_record
from editing.versions import version_check, versioned_update
from interventions.models import Intervention
from interventions.services import intervention_plan
from subjects import hooks
from subjects.hooks import AgreementSaved
from subjects.matching import name_key
from subjects.models import Case, age_on

from .models import (
    AgreementStatus,
    DataSharingAgreement,
    Partner,
    PartnerContact,
    PartnerInteraction,
    PartnerStatus,
    Pathway,
)
from .pdf import referral_summary_build, referral_summary_pdf


# ------------------------------------------------------------------------------
# Partners
# ------------------------------------------------------------------------------
@transaction.atomic
def partner_create(*, by: User, fields: dict, forces: Iterable[Force], request=None) -> Partner:
    """Add a partner covering ``forces``; a name already used in one of them is refused at ``name``."""
    forces = list(forces)
    partner = Partner(**fields)
    partner.name = " ".join(partner.name.split())
    partner.name_key = name_key(partner.name)
    _check_forces_given(forces)
    partner.full_clean()
    _check_name_free(partner, forces)
    partner.save()
    partner.forces.set(forces)
    _log(request, by, Operation.COLLECTION, "partner", partner.pk, forces)
    return partner


@transaction.atomic
def partner_update(
    *, partner: Partner, by: User, expected_version: int, changes: dict, forces: Iterable[Force], request=None
) -> Partner:
    """Edit a partner. Dropping a force that one of its pathways still serves is refused at ``forces``."""
    current = Partner.objects.select_for_update().get(pk=partner.pk)
    forces = list(forces)
    if "name" in changes:
        changes = {**changes, "name": " ".join(changes["name"].split())}
    changed = versioned_update(
        current,
        expected_version=expected_version,
        changes={**changes, "forces": forces},
        many_to_many=("forces",),
        before_save=lambda edited, _changed: _check_partner_edit(edited, forces),
    )
    if changed:
        _log(request, by, Operation.ALTERATION, "partner", current.pk, forces, changed)
    if "relationship_owner" in changed:
        for agreement in current.agreements.all():  # their renewal checks go to the new owner
            agreement_saved_send(agreement)
    return current


def _check_partner_edit(partner: Partner, forces: list[Force]) -> None:
    _check_forces_given(forces)
    partner.name_key = name_key(partner.name)
    _check_name_free(partner, forces)
    _check_pathways_still_covered(partner, forces)


def _check_forces_given(forces: list[Force]) -> None:
    if not forces:
        raise ValidationError({"forces": "Choose at least one force the partner covers."})


def _check_name_free(partner: Partner, forces: list[Force]) -> None:
    """No other partner covering one of ``forces`` has the same normalised name.

    Locks the forces' rows first, so two people adding the same name at once
    are serialised and the second is refused (SQLite serialises writes anyway).
    """
    force_ids = sorted(f.pk for f in forces)
    list(Force.objects.select_for_update().filter(pk__in=force_ids).order_by("pk").values_list("pk", flat=True))
    clash = (
        Partner.objects.filter(name_key=partner.name_key, forces__in=force_ids)
        .exclude(pk=partner.pk)
        .prefetch_related("forces")
        .first()
    )
    if clash is not None:
        shared = ", ".join(sorted(f.name for f in clash.forces.all() if f.pk in force_ids))
        raise ValidationError(
            {"name": f"“{clash.name}” is already a partner in {shared}. Open that record instead of adding it again."}
        )


def _check_pathways_still_covered(partner: Partner, forces: list[Force]) -> None:
    keep = {f.pk for f in forces}
    orphaned = (
        Pathway.forces.through.objects.filter(pathway__partner=partner)
        .exclude(force_id__in=keep)
        .select_related("pathway", "force")
        .order_by("pathway__name", "force__name")
        .first()
    )
    if orphaned is not None:
        raise ValidationError(
            {
                "forces": f"The pathway “{orphaned.pathway.name}” still serves {orphaned.force.name}: "
                f"take that force off the pathway first."
            }
        )


# ------------------------------------------------------------------------------
# Contacts and interactions
# ------------------------------------------------------------------------------
@transaction.atomic
def contact_add(*, partner: Partner, by: User, fields: dict, request=None) -> PartnerContact:
    contact = PartnerContact(partner=partner, **fields)
    contact.full_clean()
    contact.save()
    _log(request, by, Operation.COLLECTION, "partner_contact", contact.pk, partner.forces.all())
    return contact


@transaction.atomic
def contact_update(
    *, contact: PartnerContact, by: User, expected_version: int, changes: dict, request=None
) -> PartnerContact:
    current = PartnerContact.objects.select_for_update().get(pk=contact.pk)
    changed = versioned_update(current, expected_version=expected_version, changes=changes)
    if changed:
        _log(request, by, Operation.ALTERATION, "partner_contact", current.pk, current.partner.forces.all(), changed)
    return current


@transaction.atomic
def interaction_add(*, partner: Partner, by: User, fields: dict, request=None) -> PartnerInteraction:
    interaction = PartnerInteraction(partner=partner, **fields)
    _check_not_future(interaction.date, "date")
    interaction.full_clean()
    interaction.save()
    _log(request, by, Operation.COLLECTION, "partner_interaction", interaction.pk, partner.forces.all())
    return interaction


@transaction.atomic
def interaction_update(
    *, interaction: PartnerInteraction, by: User, expected_version: int, changes: dict, request=None
) -> PartnerInteraction:
    current = PartnerInteraction.objects.select_for_update().get(pk=interaction.pk)
    version_check(current, expected_version)
    _check_not_future(changes.get("date"), "date")
    changed = versioned_update(current, expected_version=expected_version, changes=changes)
    if changed:
        forces = current.partner.forces.all()
        _log(request, by, Operation.ALTERATION, "partner_interaction", current.pk, forces, changed)
    return current


def _check_not_future(day: date | None, field: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: "Record an interaction once it has happened: the date cannot be in the future."})


# ------------------------------------------------------------------------------
# Pathways
# ------------------------------------------------------------------------------
@transaction.atomic
def pathway_add(*, partner: Partner, by: User, fields: dict, forces: Iterable[Force], request=None) -> Pathway:
    """Add a pathway serving ``forces``, which must be among the partner's."""
    forces = list(forces)
    pathway = Pathway(partner=partner, **fields)
    pathway.full_clean()
    _check_pathway_forces(partner, forces)
    pathway.save()
    pathway.forces.set(forces)
    _log(request, by, Operation.COLLECTION, "pathway", pathway.pk, forces)
    return pathway


@transaction.atomic
def pathway_update(
    *, pathway: Pathway, by: User, expected_version: int, changes: dict, forces: Iterable[Force], request=None
) -> Pathway:
    current = Pathway.objects.select_for_update().get(pk=pathway.pk)
    forces = list(forces)
    changed = versioned_update(
        current,
        expected_version=expected_version,
        changes={**changes, "forces": forces},
        many_to_many=("forces",),
        before_save=lambda edited, _changed: _check_pathway_forces(edited.partner, forces),
    )
    if changed:
        _log(request, by, Operation.ALTERATION, "pathway", current.pk, forces, changed)
    return current


def _check_pathway_forces(partner: Partner, forces: list[Force]) -> None:
    if not forces:
        raise ValidationError({"forces": "Choose at least one force the pathway serves."})
    covered = set(partner.forces.values_list("pk", flat=True))
    outside = sorted(f.name for f in forces if f.pk not in covered)
    if outside:
        raise ValidationError(
            {
                "forces": f"{partner.name} does not cover {', '.join(outside)}: "
                "a pathway serves only the partner's forces."
            }
        )


# ------------------------------------------------------------------------------
# Data sharing agreements
# ------------------------------------------------------------------------------
@transaction.atomic
def agreement_add(*, partner: Partner, by: User, fields: dict, request=None) -> DataSharingAgreement:
    agreement = DataSharingAgreement(partner=partner, **fields)
    agreement.full_clean()
    agreement.save()
    agreement_saved_send(agreement)
    _log(request, by, Operation.COLLECTION, "data_sharing_agreement", agreement.pk, partner.forces.all())
    return agreement


@transaction.atomic
def agreement_update(
    *, agreement: DataSharingAgreement, by: User, expected_version: int, changes: dict, request=None
) -> DataSharingAgreement:
    current = DataSharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    changed = versioned_update(current, expected_version=expected_version, changes=changes)
    if changed:
        forces = current.partner.forces.all()
        _log(request, by, Operation.ALTERATION, "data_sharing_agreement", current.pk, forces, changed)
    agreement_saved_send(current)
    return current


def agreement_saved_send(agreement: DataSharingAgreement) -> None:
    """Tell the apps below that ``agreement`` was saved (followups owes, moves or cancels its renewal check)."""
    saved = AgreementSaved(
        agreement_id=agreement.pk,
        signed=agreement.status == AgreementStatus.SIGNED,
        expires_on=agreement.expires_on,
        owner_id=agreement.partner.relationship_owner_id,
    )
    hooks.agreement_saved.send(saved)


# ------------------------------------------------------------------------------
# Referring a case to a pathway
# ------------------------------------------------------------------------------
def pathway_check_offered(*, pathway: Pathway, case: Case, on: date) -> None:
    """Refuse (at ``pathway``) a pathway that is not open to this case's subject on ``on``.

    Open means: the partner is active, the pathway runs on that day, serves the
    case's force, and its age range includes the subject's age that day.
    """
    age = age_on(case.subject.date_of_birth, on)
    if age is None:
        raise ValidationError({"pathway": "Record the subject's date of birth first: pathways are chosen by age."})
    if pathway.partner.status != PartnerStatus.ACTIVE:
        raise ValidationError({"pathway": f"{pathway.partner.name} is not an active partner."})
    if pathway.active_from > on or (pathway.active_to is not None and pathway.active_to < on):
        raise ValidationError({"pathway": f"“{pathway.name}” is not running on {on:%d %B %Y}."})
    if not pathway.forces.filter(pk=case.force_id).exists():
        raise ValidationError({"pathway": f"“{pathway.name}” is not offered in {case.force.name}."})
    if not pathway.age_min <= age <= pathway.age_max:
        raise ValidationError({"pathway": f"“{pathway.name}” is for ages {pathway.age_range}; the subject is {age}."})


@transaction.atomic
def pathway_refer(*, case: Case, pathway: Pathway, by: User, fields: dict, request=None) -> Intervention:
    """Plan an intervention on ``case`` delivered through ``pathway``, delivered by the partner.

    ``fields`` may hold ``planned_start`` and ``notes``. The intervention's type
    is the pathway's; ``interventions.services.intervention_plan`` does the
    rest (open case only, status-change row, collection logged).
    """
    pathway_check_offered(pathway=pathway, case=case, on=timezone.localdate())
    return intervention_plan(
        case=case,
        by=by,
        fields={
            **fields,
            "type": pathway.intervention_type,
            "pathway": pathway,
            "delivered_by": pathway.partner.name,
        },
        request=request,
    )


def referral_summary_disclose(*, intervention: Intervention, by: User, reason: str, on: date, request=None) -> bytes:
    """The referral summary PDF, logged as a disclosure to the pathway's partner.

    Precondition: ``intervention`` came from ``selectors.referral_get_visible``.
    ``by`` is the officer downloading it, printed as the partner's point of
    contact; ``reason`` is printed on the summary and neither stored nor logged.
    """
    summary = referral_summary_build(intervention=intervention, officer=by, reason=reason, on=on)
    pdf = referral_summary_pdf(summary)
    disclosure_record(
        request=request,
        actor=by,
        object_type="intervention",
        object_id=intervention.pk,
        force=intervention.case.force.code,
        recipient=intervention.pathway.partner.name,
        justification=f"Referral summary for the pathway “{intervention.pathway.name}”.",
    )
    return pdf


# ------------------------------------------------------------------------------
# Shared
# ------------------------------------------------------------------------------
def _log(request, by: User, operation: str, object_type: str, object_id: int, forces, changed=()) -> None:
    """One access event. A partner spans forces: the log names the first of them by code (the field holds one)."""
    codes = sorted(f.code for f in forces)
    access_event_record(
        request=request,
        actor=by,
        operation=operation,
        object_type=object_type,
        object_id=object_id,
        force=codes[0] if codes else "",
        changed_fields=changed,
    )
