"""Merging a duplicate subject into the one that is kept: every linked record moves, nothing is lost.

The duplicate row itself stays, marked ``merged_into`` the kept subject, so the
record of the merge survives; the selectors leave merged subjects out of every
list and page. The only rows deleted are exact duplicates that would otherwise
repeat on the kept subject: identifiers with the same (platform, normalised
handle), aliases with the same folded name, associations with the same target
and relationship, and associations that would link the kept subject to itself.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Q, QuerySet

from accounts.models import SUPERVISOR_ROLES, User
from accounts.selectors import force_ids_accessible
from audit.models import Operation
from audit.services import access_event_record, consultation_record
from subjects.models import (
    Association,
    Attachment,
    BreakGlassAccess,
    Case,
    Contact,
    Engagement,
    OnlineIdentifier,
    RiskLevel,
    Subject,
    SubjectAlias,
)
from subjects.selectors.access import subject_list_visible
from subjects.services.people import subject_alias_add

_RISK_ORDER = [RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH]
# Fields of the kept subject filled from the duplicate only where the kept one has nothing.
_FILL_IF_BLANK = (
    "date_of_birth",
    "gender_identity",
    "postcode_district",
    "school_or_employer",
    "assigned_officer",
    "restriction_contact",
    "retention_review_date",
)
# Relations to Subject that the merge moves itself; any other (added by a later app) is re-pointed as it is.
_HANDLED_RELATIONS = frozenset(
    {
        (Case, "subject"),
        (OnlineIdentifier, "subject"),
        (SubjectAlias, "subject"),
        (Contact, "subject"),
        (Association, "subject"),
        (Association, "other_subject"),
        (Attachment, "subject"),
        (BreakGlassAccess, "subject"),
        (Subject, "merged_into"),
    }
)


# ------------------------------------------------------------------------------
# Choosing the duplicate, and what will move
# ------------------------------------------------------------------------------
def merge_candidate_find(*, user: User, keep: Subject, reference: str) -> Subject:
    """The live subject with ``reference`` that ``user`` may merge into ``keep``; a ValidationError otherwise.

    Only subjects in the user's forces are found, so another force's record
    reads exactly like one that does not exist.
    """
    reference = reference.strip().upper()
    candidate = subject_list_visible(user).filter(reference=reference).first()
    if candidate is None:
        merged = Subject.objects.filter(
            reference=reference, force_id__in=force_ids_accessible(user), merged_into__isnull=False
        ).exists()
        message = "That subject has already been merged into another record." if merged else None
        raise ValidationError({"duplicate": message or f"No subject you can see has the reference {reference}."})
    if candidate.pk == keep.pk:
        raise ValidationError(
            {"duplicate": "A subject cannot be merged into itself. Give the other record's reference."}
        )
    return candidate


@dataclass(frozen=True)
class MergePreview:
    """How many records of the duplicate will move to the kept subject."""

    cases: int
    engagements: int
    identifiers: int
    identifiers_already_known: int
    aliases: int
    contacts: int
    associations: int
    attachments: int
    vulnerability_flags: int
    need_to_know: int

    def as_rows(self) -> list[tuple[str, int]]:
        return [
            ("Cases (renumbered after the kept record's)", self.cases),
            ("Engagements (with their cases)", self.engagements),
            ("Online identifiers", self.identifiers),
            ("Online identifiers already on the kept record (dates combined)", self.identifiers_already_known),
            ("Aliases (the duplicate's name becomes one too)", self.aliases),
            ("Contacts", self.contacts),
            ("Associations (both directions)", self.associations),
            ("Attachments", self.attachments),
            ("Vulnerability flags", self.vulnerability_flags),
            ("People on the need-to-know list", self.need_to_know),
        ]


def merge_preview(*, keep: Subject, duplicate: Subject, user: User, request=None) -> MergePreview:
    """What would move from ``duplicate`` to ``keep``; showing both side by side is logged as consulting them."""
    for subject in (keep, duplicate):
        consultation_record(
            request=request,
            actor=user,
            object_type="subject",
            object_id=subject.pk,
            force=subject.force.code,
            justification=f"Merge preview: {duplicate.reference} into {keep.reference}",
        )
    return _preview_count(keep=keep, duplicate=duplicate)


def _preview_count(*, keep: Subject, duplicate: Subject) -> MergePreview:
    known = OnlineIdentifier.objects.filter(subject=keep).values("platform", "handle_key")
    repeated = Q()
    for row in known:
        repeated |= Q(platform=row["platform"], handle_key=row["handle_key"])
    identifiers = duplicate.identifiers.all()
    already_known = identifiers.filter(repeated).count() if repeated else 0
    return MergePreview(
        cases=duplicate.cases.count(),
        engagements=Engagement.objects.filter(case__subject=duplicate).count(),
        identifiers=identifiers.count() - already_known,
        identifiers_already_known=already_known,
        aliases=duplicate.aliases.count(),
        contacts=duplicate.contacts.count(),
        associations=_associations_of(duplicate).count(),
        attachments=duplicate.attachments.count(),
        vulnerability_flags=duplicate.vulnerability_flags.count(),
        need_to_know=duplicate.need_to_know.count(),
    )


def _associations_of(subject: Subject) -> QuerySet[Association]:
    return Association.objects.filter(Q(subject=subject) | Q(other_subject=subject))


# ------------------------------------------------------------------------------
# The merge
# ------------------------------------------------------------------------------
@transaction.atomic
def subject_merge(*, keep: Subject, duplicate: Subject, by: User, reason: str, request=None) -> Subject:
    """Move everything linked to ``duplicate`` onto ``keep`` and mark ``duplicate`` merged, in one transaction.

    Both subject rows are locked in id order (two merges touching the same pair
    cannot deadlock). Logged as one ``combination`` naming both references.
    Returns the kept subject as saved.
    """
    _check_allowed(keep=keep, duplicate=duplicate, by=by, reason=reason)
    keep, duplicate = _lock_pair(keep.pk, duplicate.pk)
    if keep.merged_into_id or duplicate.merged_into_id:
        raise ValidationError({"duplicate": "One of these records has already been merged. Reload and try again."})
    _cases_move(keep=keep, duplicate=duplicate)
    _identifiers_move(keep=keep, duplicate=duplicate)
    _aliases_move(keep=keep, duplicate=duplicate)
    _associations_move(keep=keep, duplicate=duplicate)
    Contact.objects.filter(subject=duplicate).update(subject=keep)
    Attachment.objects.filter(subject=duplicate).update(subject=keep)
    BreakGlassAccess.objects.filter(subject=duplicate).update(subject=keep)
    # Earlier merges into the duplicate now point at the record that survives.
    Subject.objects.filter(merged_into=duplicate).update(merged_into=keep)
    _other_relations_move(keep=keep, duplicate=duplicate)
    changed = _details_combine(keep=keep, duplicate=duplicate)
    Subject.objects.filter(pk=duplicate.pk).update(merged_into=keep, version=F("version") + 1)
    access_event_record(
        request=request,
        actor=by,
        operation=Operation.COMBINATION,
        object_type="subject",
        object_id=keep.pk,
        force=keep.force.code,
        changed_fields=changed,
        justification=f"Merged {duplicate.reference} into {keep.reference}: {reason.strip()}",
    )
    keep.refresh_from_db()
    return keep


def _check_allowed(*, keep: Subject, duplicate: Subject, by: User, reason: str) -> None:
    if by.role not in SUPERVISOR_ROLES:
        raise PermissionDenied("Only a sergeant or inspector may merge subjects.")
    if not {keep.force_id, duplicate.force_id} <= force_ids_accessible(by):
        raise PermissionDenied("Both records must be in forces you cover.")
    if keep.pk == duplicate.pk:
        raise ValidationError({"duplicate": "A subject cannot be merged into itself."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why these two records are the same person."})


def _lock_pair(keep_pk: int, duplicate_pk: int) -> tuple[Subject, Subject]:
    locked = {
        pk: Subject.objects.select_for_update().select_related("force").get(pk=pk)
        for pk in sorted((keep_pk, duplicate_pk))
    }
    return locked[keep_pk], locked[duplicate_pk]


def _cases_move(*, keep: Subject, duplicate: Subject) -> None:
    """Cases continue the kept subject's numbering (WM-2026-00042/3, /4…); engagements and the rest come with them."""
    next_number = (Case.objects.filter(subject=keep).aggregate(top=Max("number"))["top"] or 0) + 1
    moving = Case.objects.filter(subject=duplicate).order_by("number", "pk").values_list("pk", flat=True)
    for offset, case_pk in enumerate(list(moving)):
        Case.objects.filter(pk=case_pk).update(subject=keep, number=next_number + offset, version=F("version") + 1)


def _identifiers_move(*, keep: Subject, duplicate: Subject) -> None:
    """Move identifiers; one the kept subject already has is dropped after widening the kept one's seen dates."""
    known = {(row.platform, row.handle_key): row for row in OnlineIdentifier.objects.filter(subject=keep)}
    for identifier in OnlineIdentifier.objects.filter(subject=duplicate):
        existing = known.get((identifier.platform, identifier.handle_key))
        if existing is None:
            OnlineIdentifier.objects.filter(pk=identifier.pk).update(subject=keep)
            continue
        first_seen = min(filter(None, [existing.first_seen, identifier.first_seen]), default=None)
        last_seen = max(filter(None, [existing.last_seen, identifier.last_seen]), default=None)
        OnlineIdentifier.objects.filter(pk=existing.pk).update(first_seen=first_seen, last_seen=last_seen)
        identifier.delete()


def _aliases_move(*, keep: Subject, duplicate: Subject) -> None:
    """The duplicate's name and aliases become aliases of the kept subject, one per folded name."""
    taken = {keep.name_key, *SubjectAlias.objects.filter(subject=keep).values_list("name_key", flat=True)}
    if duplicate.name_key not in taken:
        subject_alias_add(subject=keep, name=duplicate.full_name)
        taken.add(duplicate.name_key)
    for alias in SubjectAlias.objects.filter(subject=duplicate):
        if alias.name_key in taken:
            alias.delete()
        else:
            SubjectAlias.objects.filter(pk=alias.pk).update(subject=keep)
            taken.add(alias.name_key)


def _associations_move(*, keep: Subject, duplicate: Subject) -> None:
    """Re-point both directions; drop what would link the kept subject to itself or repeat one it has."""
    for association in _associations_of(duplicate).order_by("pk"):
        source = keep if association.subject_id == duplicate.pk else association.subject
        target = keep if association.other_subject_id == duplicate.pk else association.other_subject
        if target is not None and source.pk == target.pk:
            association.delete()
            continue
        same = Association.objects.filter(
            subject=source,
            other_subject=target,
            context_id=association.context_id,
            relationship=association.relationship,
        ).exclude(pk=association.pk)
        twin = same.first()
        if twin is None:
            Association.objects.filter(pk=association.pk).update(subject=source, other_subject=target)
            continue
        if association.notes and not twin.notes:
            Association.objects.filter(pk=twin.pk).update(notes=association.notes)
        association.delete()


def _other_relations_move(*, keep: Subject, duplicate: Subject) -> None:
    """Re-point links to subjects that later apps add, so a new relation can never be left behind."""
    for relation in Subject._meta.related_objects:
        if relation.many_to_many or (relation.related_model, relation.field.name) in _HANDLED_RELATIONS:
            continue
        manager = relation.related_model._base_manager
        manager.filter(**{relation.field.name: duplicate}).update(**{relation.field.name: keep})


def _details_combine(*, keep: Subject, duplicate: Subject) -> list[str]:
    """Union the many-to-many lists and fill the kept subject's gaps; return the names of what changed.

    Restriction and risk only ever go up: a restricted duplicate makes the
    kept subject restricted, so merging never exposes a covert record.
    """
    changed = []
    for relation in ("vulnerability_flags", "need_to_know"):
        incoming = set(getattr(duplicate, relation).values_list("pk", flat=True))
        if incoming - set(getattr(keep, relation).values_list("pk", flat=True)):
            changed.append(relation)
        getattr(keep, relation).add(*incoming)
        getattr(duplicate, relation).clear()
    for field in _FILL_IF_BLANK:
        attname = Subject._meta.get_field(field).attname
        if getattr(keep, attname) in (None, "") and getattr(duplicate, attname) not in (None, ""):
            setattr(keep, attname, getattr(duplicate, attname))
            changed.append(field)
    if duplicate.restricted and not keep.restricted:
        keep.restricted = True
        changed.append("restricted")
    if _RISK_ORDER.index(duplicate.risk_level) > _RISK_ORDER.index(keep.risk_level):
        keep.risk_level = duplicate.risk_level
        changed.append("risk_level")
    if duplicate.safeguarding_notes.strip():
        notes = f"From merged record {duplicate.reference}:\n{duplicate.safeguarding_notes.strip()}"
        keep.safeguarding_notes = "\n\n".join(filter(None, [keep.safeguarding_notes.strip(), notes]))
        changed.append("safeguarding_notes")
    keep.version = F("version") + 1
    keep.save()
    return changed
