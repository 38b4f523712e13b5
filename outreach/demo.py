"""A financial year of synthetic outreach: about 120 events, campaigns, quarterly targets and lessons learnt.

Every organisation and operation named here is invented. The year is the
current financial year, so the dashboard's quarter has figures; events dated
up to today are delivered (a few cancelled), later ones planned. Idempotent:
rows are found by natural keys (event: force, date, type, host; target: its
unique key; campaign: name; lesson: force, operation, theme), so a second run
adds nothing; the same ``rng`` gives the same rows.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Force, User

from .models import (
    Audience,
    Campaign,
    CampaignScope,
    EventStatus,
    EventType,
    LessonLearnt,
    LessonStatus,
    Measure,
    OutreachEvent,
    OutreachEventStatusChange,
    Product,
    Strand,
    Target,
    TargetScope,
)
from .quarters import FinancialQuarter, quarters_of_year

EVENTS_PER_FORCE = 30
FORCE_CODES = ("WM", "ST", "WR", "WK")
PRESENTERS = {"WM": "officer.wm", "ST": "officer.st", "WR": "officer.wr", "WK": "officer.wk"}
SUPERVISOR = "sergeant"


@dataclass(frozen=True)
class Kind:
    event_type: str
    audience: str
    strand: str
    hosts: tuple[str, ...]
    sectors: tuple[str, ...]
    attendees: tuple[int, int]
    products: tuple[str, ...]


KINDS = (
    Kind(
        EventType.PRESENTATION,
        Audience.BUSINESS,
        Strand.PROTECT,
        ("Brindley Precision Engineering", "Canal Quarter Traders' Association", "Hollybank Logistics"),
        ("Manufacturing", "Logistics", "Retail"),
        (12, 60),
        ("police_cyberalarm", "cyber_essentials", "report_fraud"),
    ),
    Kind(
        EventType.EXERCISE_IN_A_BOX,
        Audience.BUSINESS,
        Strand.PROTECT,
        ("Severnside Accountants LLP", "Marlow & Finch Solicitors", "Kingfisher Dental Group"),
        ("Professional services", "Legal", "Health"),
        (6, 20),
        ("cyber_essentials", "police_cyberalarm"),
    ),
    Kind(
        EventType.DECISIONS_AND_DISRUPTIONS,
        Audience.PUBLIC_SECTOR,
        Strand.PROTECT,
        ("Riverside District Council", "Northfield Housing Trust"),
        ("Local government", "Housing"),
        (8, 24),
        ("cyber_essentials", "cisp"),
    ),
    Kind(
        EventType.WEBINAR,
        Audience.CHARITY,
        Strand.PROTECT,
        ("Heartlands Community Trust", "Lickey Hills Animal Rescue", "Meadowbrook Carers' Network"),
        ("Charity",),
        (15, 90),
        ("little_book_of_cyber_scams", "phishing_reporting", "report_fraud"),
    ),
    Kind(
        EventType.PRESENTATION,
        Audience.PUBLIC,
        Strand.PROTECT,
        ("Old Mill Library", "Ashgrove Community Centre", "Sutton Park U3A"),
        ("Community",),
        (10, 45),
        ("little_book_of_cyber_scams", "cyber_aware", "phishing_reporting", "report_fraud"),
    ),
    Kind(
        EventType.STAND_AT_EVENT,
        Audience.PUBLIC,
        Strand.PROTECT,
        ("County Show", "Small Business Expo", "Freshers' Fair, Westbridge University"),
        ("Community", "Education"),
        (40, 220),
        ("cyber_aware", "phishing_reporting", "police_cyberalarm"),
    ),
    Kind(
        EventType.CYBER_CHOICES_TALK,
        Audience.PUPILS,
        Strand.PREVENT,
        ("Oakfield Academy", "St Chad's High School", "Greenway College"),
        ("Education",),
        (30, 180),
        ("cyber_aware",),
    ),
    Kind(
        EventType.WORKSHOP,
        Audience.SCHOOL_STAFF,
        Strand.PREVENT,
        ("Oakfield Academy", "Lyndon Multi-Academy Trust", "Greenway College"),
        ("Education",),
        (8, 35),
        ("cyber_aware", "cyber_essentials"),
    ),
    Kind(
        EventType.PRESENTATION,
        Audience.PARENTS,
        Strand.PREVENT,
        ("St Chad's High School", "Brookfield Primary PTA"),
        ("Education",),
        (10, 50),
        ("cyber_aware", "little_book_of_cyber_scams"),
    ),
    Kind(
        EventType.VICTIM_CALLBACK,
        Audience.BUSINESS,
        Strand.PROTECT,
        ("", "Victim callback (Report Fraud referral)"),
        ("Retail", "Hospitality"),
        (1, 3),
        ("report_fraud", "police_cyberalarm"),
    ),
)

CAMPAIGNS = (
    # (name, scope, start month offset from 1 April, length in days, description)
    (
        "Stop, Check, Report (spring)",
        CampaignScope.NATIONAL,
        0,
        45,
        "National fraud-awareness push around Report Fraud.",
    ),
    ("Cyber Essentials for SMEs", CampaignScope.NATIONAL, 5, 60, "Encourage small firms to certify."),
    ("Safer gaming", CampaignScope.LOCAL, 6, 75, "Cyber Choices messages for gamers, parents and schools."),
    ("Winter scams", CampaignScope.NATIONAL, 8, 50, "Online shopping and delivery scams before Christmas."),
    ("Charity resilience", CampaignScope.LOCAL, 10, 55, "Exercise in a Box and CyberAlarm for local charities."),
)

LESSONS = (
    (
        "Op Tollgate",
        "Booter services",
        "Subjects found a booter service through a game-cheat Discord server.",
        "Brief schools and youth workers on booter adverts in game-cheat communities.",
    ),
    (
        "Op Harrier",
        "Account takeover",
        "Stolen game accounts were resold through a marketplace popular with teens.",
        "Add account-takeover examples to Cyber Choices talks for pupils aged 12 to 15.",
    ),
    (
        "Op Kestrel",
        "Ransomware at SMEs",
        "Victim firms had no offline backups and no incident plan.",
        "Offer Exercise in a Box with every Police CyberAlarm sign-up.",
    ),
    (
        "Op Wren",
        "Invoice fraud",
        "Mandate-change emails followed a compromised supplier mailbox.",
        "Add payment-verification advice to business presentations.",
    ),
    (
        "Op Larch",
        "School network intrusion",
        "Pupils used staff credentials seen on a classroom screen.",
        "Include password hygiene in the school-staff workshop.",
    ),
)


@transaction.atomic
def seed(*, rng: random.Random, scale: int = 1) -> None:
    year = FinancialQuarter.current().year
    forces = {force.code: force for force in Force.objects.filter(code__in=FORCE_CODES)}
    products = {product.code: product for product in Product.objects.all()}
    campaigns = _seed_campaigns(year)
    for code in FORCE_CODES:
        force = forces.get(code)
        presenters = list(User.objects.filter(username__in=[PRESENTERS[code], SUPERVISOR]).order_by("username"))
        plan = [_draw_event(rng, year) for _ in range(EVENTS_PER_FORCE * scale)]
        _seed_targets(rng, force, year)
        if force is not None:
            for drawn in plan:
                _upsert_event(force, drawn, presenters, products, campaigns)
    _seed_lessons(rng, forces, year)


# ------------------------------------------------------------------------------
# Events
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class DrawnEvent:
    kind: Kind
    day: date
    host: str
    sector: str
    attendees: int
    sign_up_rate: float
    products: tuple[str, ...]
    feedback: int | None
    cancel_roll: float
    two_presenters: bool


def _draw_event(rng: random.Random, year: int) -> DrawnEvent:
    """Every random choice for one event, drawn whatever today is (so the same seed gives the same rows)."""
    kind = rng.choice(KINDS)
    start = date(year, 4, 1)
    day = start + timedelta(days=rng.randrange(365))
    if day.weekday() >= 5 and kind.event_type != EventType.STAND_AT_EVENT:
        friday = day - timedelta(days=day.weekday() - 4)
        day = friday if friday >= start else friday + timedelta(days=3)  # else the Monday after
    return DrawnEvent(
        kind=kind,
        day=day,
        host=rng.choice(kind.hosts),
        sector=rng.choice(kind.sectors),
        attendees=rng.randint(*kind.attendees),
        sign_up_rate=rng.uniform(0.0, 0.3),
        products=tuple(sorted(rng.sample(kind.products, k=rng.randint(1, len(kind.products))))),
        feedback=rng.choice([None, 3, 4, 4, 5, 5]),
        cancel_roll=rng.random(),
        two_presenters=rng.random() < 0.2,
    )


def _upsert_event(force, drawn: DrawnEvent, presenters, products, campaigns) -> None:
    kind = drawn.kind
    event, created = OutreachEvent.objects.get_or_create(
        force=force,
        date=drawn.day,
        event_type=kind.event_type,
        host_organisation=drawn.host,
        defaults=_event_fields(drawn, campaigns),
    )
    if not created:
        return
    event.products.set([products[code] for code in drawn.products if code in products])
    lead = [p for p in presenters if p.username == PRESENTERS[force.code]]
    event.presenters.set(presenters if drawn.two_presenters else lead)
    reason = "Logged as delivered" if event.status == EventStatus.DELIVERED else "Planned"
    OutreachEventStatusChange.objects.create(
        event=event, from_status="", to_status=event.status, by=lead[0] if lead else _any_user(), reason=reason
    )


def _event_fields(drawn: DrawnEvent, campaigns: list[Campaign]) -> dict:
    kind = drawn.kind
    today = timezone.localdate()
    if drawn.day > today:
        status = EventStatus.PLANNED
    else:
        status = EventStatus.CANCELLED if drawn.cancel_roll < 0.05 else EventStatus.DELIVERED
    delivered = status == EventStatus.DELIVERED
    return {
        "status": status,
        "strand": kind.strand,
        "audience": kind.audience,
        "sector": drawn.sector,
        "attendees": drawn.attendees if delivered else 0,
        "sign_ups": round(drawn.attendees * drawn.sign_up_rate) if delivered else 0,
        "feedback_score": drawn.feedback if delivered else None,
        "survey_code": f"TCP-{kind.audience[:3].upper()}-{drawn.day:%y%m}" if delivered else "",
        "campaign": next((c for c in campaigns if c.start_date <= drawn.day <= c.end_date), None),
    }


def _any_user() -> User:
    return User.objects.order_by("pk").first()


# ------------------------------------------------------------------------------
# Campaigns, targets, lessons
# ------------------------------------------------------------------------------
def _seed_campaigns(year: int) -> list[Campaign]:
    campaigns = []
    for name, scope, month_offset, days, description in CAMPAIGNS:
        start = _add_months(date(year, 4, 1), month_offset)
        campaign, _ = Campaign.objects.get_or_create(
            name=f"{name} {year}",
            defaults={
                "scope": scope,
                "start_date": start,
                "end_date": start + timedelta(days=days),
                "description": description,
            },
        )
        campaigns.append(campaign)
    return campaigns


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    return day.replace(year=day.year + index // 12, month=index % 12 + 1)


TARGET_RANGES = {
    (Measure.EVENTS, TargetScope.NATIONAL): (6, 8),
    (Measure.EVENTS, TargetScope.LOCAL): (8, 10),
    (Measure.ATTENDEES, TargetScope.NATIONAL): (250, 400),
    (Measure.SIGN_UPS, TargetScope.NATIONAL): (25, 45),
    (Measure.REFERRALS_RECEIVED, TargetScope.NATIONAL): (8, 15),
    (Measure.INTERVENTIONS_COMPLETED, TargetScope.LOCAL): (5, 10),
}


def _seed_targets(rng: random.Random, force, year: int) -> None:
    for quarter in quarters_of_year(year):
        for (measure, scope), (low, high) in TARGET_RANGES.items():
            value = rng.randint(low, high)
            if force is not None:
                Target.objects.get_or_create(
                    force=force,
                    financial_year=quarter.year,
                    quarter=quarter.quarter,
                    measure=measure,
                    scope=scope,
                    defaults={"value": value},
                )


def _seed_lessons(rng: random.Random, forces: dict, year: int) -> None:
    start = date(year, 4, 1)
    for index, (operation, theme, finding, recommendation) in enumerate(LESSONS):
        force = forces.get(FORCE_CODES[index % len(FORCE_CODES)])
        status = rng.choice([LessonStatus.DRAFT, LessonStatus.SHARED, LessonStatus.ACTIONED])
        shared_days_ago = rng.randint(10, 200)
        if force is None:
            continue
        shared = status != LessonStatus.DRAFT
        LessonLearnt.objects.get_or_create(
            force=force,
            source_operation=operation,
            theme=theme,
            defaults={
                "finding": finding,
                "recommendation": recommendation,
                "status": status,
                "shared_with": "National Cyber Protect network; regional Prevent leads" if shared else "",
                "date_shared": start - timedelta(days=shared_days_ago) if shared else None,
            },
        )
