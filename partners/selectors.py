"""Who may see which partners, and the reads of the partner pages, with their query shapes fixed.

A partner is visible to a user when it covers at least one force the user may
access; its contacts, interactions, pathways and agreements go with it. Other
partners are simply absent, so views answer 404.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from accounts.models import Force, User
from accounts.selectors import force_ids_accessible, force_list_accessible
from interventions.models import Intervention, InterventionStatus, InterventionType
from subjects.models import Case, age_on
from subjects.selectors.access import case_list_visible

from .models import (
    AgreementStatus,
    DataSharingAgreement,
    Partner,
    PartnerContact,
    PartnerInteraction,
    PartnerStatus,
    Pathway,
)

# An agreement expiring within this many days is flagged "expires soon".
EXPIRES_SOON_DAYS = 60


# ------------------------------------------------------------------------------
# Partners
# ------------------------------------------------------------------------------
def _covering(force_ids) -> Q:
    """Partners covering one of ``force_ids``: a subquery, so a partner covering two of them appears once."""
    return Q(pk__in=Partner.forces.through.objects.filter(force_id__in=force_ids).values("partner_id"))


def partner_list_visible(user: User) -> QuerySet[Partner]:
    return Partner.objects.filter(_covering(force_ids_accessible(user)))


def partner_get_visible(user: User, pk: int) -> Partner:
    """The partner with what its page shows about itself, or 404 outside the user's forces."""
    partners = partner_list_visible(user).select_related("relationship_owner").prefetch_related(_forces_by_name())
    return get_object_or_404(partners, pk=pk)


def followups_visible(user: User) -> Q:
    """A ``followups.hooks.visibility`` receiver: an agreement's follow-up is seen by those who see its partner."""
    return Q(agreement__partner__in=partner_list_visible(user).values("pk"))


def user_owns_partners(user: User) -> str:
    """A deactivation guard: nobody is deactivated while they are still a partner's relationship owner."""
    owned = list(Partner.objects.filter(relationship_owner=user).order_by("name", "id").values_list("pk", "name"))
    if not owned:
        return ""
    names = ", ".join(name for _, name in owned)
    where = reverse("partners:partner_detail", args=[owned[0][0]]) if len(owned) == 1 else reverse("partners:directory")
    return (
        f"{user} is still the relationship owner of {len(owned)} partner(s) ({names}): "
        f"give each another owner first ({where})."
    )


def _forces_by_name() -> Prefetch:
    return Prefetch("forces", queryset=Force.objects.order_by("name"))


@dataclass(frozen=True)
class PartnerFilters:
    """What the directory may be narrowed by (empty means "any")."""

    search: str = ""
    sector: str = ""
    type: str = ""
    status: str = ""
    force: Force | None = None
    pathway_type: InterventionType | None = None

    def as_query(self) -> Q:
        query = Q(**{name: getattr(self, name) for name in ("sector", "type", "status") if getattr(self, name)})
        if self.search.strip():
            query &= Q(name__icontains=" ".join(self.search.split()))
        if self.force is not None:
            query &= _covering([self.force.pk])
        if self.pathway_type is not None:
            query &= Q(pk__in=Pathway.objects.filter(intervention_type=self.pathway_type).values("partner_id"))
        return query


def partner_list_filtered(user: User, filters: PartnerFilters) -> QuerySet[Partner]:
    """The directory: visible partners matching ``filters``, with their forces, owner and pathway count."""
    pathway_count = (
        Pathway.objects.filter(partner=OuterRef("pk")).order_by().values("partner").annotate(n=Count("pk")).values("n")
    )
    return (
        partner_list_visible(user)
        .filter(filters.as_query())
        .select_related("relationship_owner")
        .prefetch_related(_forces_by_name())
        .annotate(pathway_count=Coalesce(Subquery(pathway_count), 0))
        .order_by("name", "id")
    )


# ------------------------------------------------------------------------------
# A partner's records (each found through its partner's visibility)
# ------------------------------------------------------------------------------
def contact_get_visible(user: User, pk: int) -> PartnerContact:
    return get_object_or_404(
        PartnerContact.objects.filter(partner__in=partner_list_visible(user)).select_related("partner"), pk=pk
    )


def interaction_get_visible(user: User, pk: int) -> PartnerInteraction:
    return get_object_or_404(
        PartnerInteraction.objects.filter(partner__in=partner_list_visible(user)).select_related("partner"), pk=pk
    )


def pathway_get_visible(user: User, pk: int) -> Pathway:
    pathways = Pathway.objects.filter(partner__in=partner_list_visible(user)).select_related(
        "partner", "intervention_type"
    )
    return get_object_or_404(pathways.prefetch_related(_forces_by_name()), pk=pk)


def agreement_get_visible(user: User, pk: int) -> DataSharingAgreement:
    return get_object_or_404(
        DataSharingAgreement.objects.filter(partner__in=partner_list_visible(user)).select_related("partner"), pk=pk
    )


# ------------------------------------------------------------------------------
# The partner page
# ------------------------------------------------------------------------------
@dataclass
class PathwayReferrals:
    """Referrals made to one pathway: counts by intervention status, and those the viewer may open."""

    pathway: Pathway
    counts: Counter = field(default_factory=Counter)
    visible: list[Intervention] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count_rows(self) -> list[tuple[str, int]]:
        return [(label, self.counts[value]) for value, label in InterventionStatus.choices if self.counts[value]]


@dataclass(frozen=True)
class PartnerPage:
    contacts: list[PartnerContact]
    interactions: list[PartnerInteraction]
    pathways: list[PathwayReferrals]
    agreements: list[DataSharingAgreement]


def partner_page(user: User, partner: Partner) -> PartnerPage:
    """Everything the partner page lists, in a fixed number of queries whatever the number of rows.

    Referral counts cover cases in the viewer's forces; the cases themselves are
    listed only where ``case_list_visible`` lets the viewer open them (never for
    roles without case access, nor restricted records they may not see).
    """
    pathways = list(
        partner.pathways.select_related("intervention_type").prefetch_related(_forces_by_name()).order_by("name")
    )
    by_pathway = {pathway.pk: PathwayReferrals(pathway) for pathway in pathways}
    referrals = Intervention.objects.filter(pathway__partner=partner, case__force_id__in=force_ids_accessible(user))
    for row in referrals.order_by().values("pathway", "status").annotate(n=Count("pk")):
        by_pathway[row["pathway"]].counts[row["status"]] = row["n"]
    visible = (
        referrals.filter(case__in=case_list_visible(user))
        .select_related("case__subject", "case__force", "type")
        .order_by("-created_at", "-id")
    )
    for intervention in visible:
        by_pathway[intervention.pathway_id].visible.append(intervention)
    return PartnerPage(
        contacts=list(partner.contacts.order_by("name", "id")),
        interactions=list(partner.interactions.select_related("officer").order_by("-date", "-id")),
        pathways=list(by_pathway.values()),
        agreements=list(partner.agreements.order_by("-expires_on", "-id")),
    )


def agreement_expires_soon(agreement: DataSharingAgreement, *, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        agreement.status == AgreementStatus.SIGNED
        and agreement.expires_on is not None
        and today <= agreement.expires_on <= today + timedelta(days=EXPIRES_SOON_DAYS)
    )


def agreements_expiring(
    within_days: int, *, user: User | None = None, today: date | None = None
) -> QuerySet[DataSharingAgreement]:
    """Signed agreements that expire between today and ``within_days`` from now, soonest first.

    With ``user``, only agreements of partners the user may see (the directory);
    without, every partner's (the follow-ups rule that will remind owners).
    """
    today = today or timezone.localdate()
    agreements = DataSharingAgreement.objects.filter(
        status=AgreementStatus.SIGNED, expires_on__gte=today, expires_on__lte=today + timedelta(days=within_days)
    )
    if user is not None:
        agreements = agreements.filter(partner__in=partner_list_visible(user))
    return agreements.select_related("partner", "partner__relationship_owner").order_by("expires_on", "id")


# ------------------------------------------------------------------------------
# Referrals
# ------------------------------------------------------------------------------
def pathway_list_active(*, on: date) -> QuerySet[Pathway]:
    """Pathways running on ``on`` of active partners."""
    return Pathway.objects.filter(
        Q(active_to__isnull=True) | Q(active_to__gte=on),
        partner__status=PartnerStatus.ACTIVE,
        active_from__lte=on,
    )


def pathway_list_for_case(case: Case, *, on: date) -> QuerySet[Pathway]:
    """Pathways the case's subject may be referred to on ``on``: running, in the case's force, fitting their age.

    Precondition: ``case`` came from ``case_get_visible``. Empty when the subject's date of birth is unknown.
    """
    age = age_on(case.subject.date_of_birth, on)
    if age is None:
        return Pathway.objects.none()
    return (
        pathway_list_active(on=on)
        .filter(forces=case.force_id, age_min__lte=age, age_max__gte=age)
        .select_related("partner", "intervention_type")
        .order_by("intervention_type__position", "partner__name", "name")
    )


def referral_get_visible(user: User, pk: int) -> Intervention:
    """An intervention made through a pathway, if its case is visible to the user; else 404."""
    referrals = Intervention.objects.filter(pathway__isnull=False, case__in=case_list_visible(user)).select_related(
        "pathway__partner", "type", "case__subject", "case__force"
    )
    return get_object_or_404(referrals, pk=pk)


# ------------------------------------------------------------------------------
# Coverage
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class AgeBand:
    code: str
    label: str
    youngest: int
    oldest: int


AGE_BANDS = (
    AgeBand("under_14", "Under 14 (10 to 13)", 10, 13),
    AgeBand("14_15", "14 to 15", 14, 15),
    AgeBand("16_17", "16 to 17", 16, 17),
    AgeBand("18_24", "18 to 24", 18, 24),
    AgeBand("25_plus", "25 and over (25 to 100)", 25, 100),
)


@dataclass(frozen=True)
class Coverage:
    forces: list[Force]
    types: list[InterventionType]
    # (force id, type id) -> the active pathways there, by name
    cells: dict[tuple[int, int], list[Pathway]]

    def rows(self) -> list[tuple[Force, list[list[Pathway]]]]:
        return [(force, [self.cells.get((force.pk, t.pk), []) for t in self.types]) for force in self.forces]


def coverage(user: User, *, band: AgeBand | None = None, on: date | None = None) -> Coverage:
    """For each of the user's forces and each active intervention type, the pathways running there.

    With ``band``, only pathways open to every age in the band count. Four
    queries, whatever the number of forces, types and pathways.
    """
    on = on or timezone.localdate()
    forces = list(force_list_accessible(user))
    types = list(InterventionType.objects.filter(active=True).order_by("position", "label"))
    pathways = pathway_list_active(on=on).filter(intervention_type__active=True)
    if band is not None:
        pathways = pathways.filter(age_min__lte=band.youngest, age_max__gte=band.oldest)
    served = (
        Pathway.forces.through.objects.filter(force_id__in=[f.pk for f in forces], pathway__in=pathways)
        .select_related("pathway__partner")
        .order_by("pathway__name", "pathway__id")
    )
    cells: dict[tuple[int, int], list[Pathway]] = {}
    for row in served:
        cells.setdefault((row.force_id, row.pathway.intervention_type_id), []).append(row.pathway)
    return Coverage(forces=forces, types=types, cells=cells)
