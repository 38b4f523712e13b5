"""Partnership figures: active and new partners, pathways, agreements expiring next quarter."""

from django.db.models import Q

from partners.models import AgreementStatus, DataSharingAgreement, Partner, PartnerStatus, Pathway, Sector

from ..figures import Cell, Kind, Scope, counts_by, measure
from .prevent import intervention_type_labels


def _partners(scope: Scope):
    return Partner.objects.filter(forces__in=scope.force_ids)


@measure(
    "active_partners_by_sector",
    "Active partners, by sector",
    "Partnerships",
    """Partners with status active covering at least one force of the scope, as
    the directory stands when the return is generated, by sector. A partner
    covering several forces counts once in the regional figure.""",
)
def active_partners_by_sector(scope: Scope) -> list[Cell]:
    return counts_by(_partners(scope).filter(status=PartnerStatus.ACTIVE), "sector", Sector.choices)


@measure(
    "new_partners",
    "New partners",
    "Partnerships",
    "Partners added to the directory in the quarter (London time).",
    kind=Kind.SET,
)
def new_partners(scope: Scope) -> list[Cell]:
    added = _partners(scope).filter(created_at__gte=scope.start, created_at__lt=scope.end)
    return [Cell("New partners", added.distinct().count())]


@measure(
    "pathways_by_type",
    "Pathways available, by intervention type",
    "Partnerships",
    """Diversion pathways serving a force of the scope that were available on any
    day of the quarter (active from on or before its last day, and no end date or
    one on or after its first day), by the intervention type they provide.""",
)
def pathways_by_type(scope: Scope) -> list[Cell]:
    available = Pathway.objects.filter(
        Q(active_to__isnull=True) | Q(active_to__gte=scope.quarter.start),
        forces__in=scope.force_ids,
        active_from__lte=scope.quarter.end,
    )
    return counts_by(available, "intervention_type__code", intervention_type_labels())


@measure(
    "agreements_expiring",
    "Data sharing agreements expiring next quarter",
    "Partnerships",
    "Signed data sharing agreements with partners covering a force of the scope that expire in the following quarter.",
    kind=Kind.SET,
)
def agreements_expiring(scope: Scope) -> list[Cell]:
    following = scope.quarter.next()
    expiring = DataSharingAgreement.objects.filter(
        partner__forces__in=scope.force_ids,
        status=AgreementStatus.SIGNED,
        expires_on__gte=following.start,
        expires_on__lte=following.end,
    )
    return [Cell("Expiring next quarter", expiring.values("pk").distinct().count())]
