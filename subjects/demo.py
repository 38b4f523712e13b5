"""A few hundred synthetic subjects with cases, engagements, identifiers and shared contexts.

Every person here is invented. Idempotent: rows are keyed on their reference
(subjects) or natural keys, so a second run adds nothing.
"""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Force, Role, User

from .matching import identifier_key, name_key
from .models import (
    ActivityType,
    Association,
    Case,
    CaseStatus,
    CaseStatusChange,
    ClosureReason,
    Contact,
    Context,
    ContextKind,
    Engagement,
    EngagementOutcome,
    EngagementType,
    OnlineIdentifier,
    ParentPresent,
    PersonCategory,
    Platform,
    ReferenceCounter,
    ReferralSource,
    RiskLevel,
    Sex,
    Subject,
    VulnerabilityFlag,
)
from .workdays import add_working_days

SUBJECTS_PER_FORCE = 75
FIRST_NAMES = [
    "Oliver",
    "Jack",
    "Harry",
    "Jacob",
    "Charlie",
    "Thomas",
    "George",
    "Oscar",
    "James",
    "William",
    "Noah",
    "Alfie",
    "Joshua",
    "Muhammad",
    "Leo",
    "Archie",
    "Ethan",
    "Joseph",
    "Freddie",
    "Samuel",
    "Amelia",
    "Olivia",
    "Isla",
    "Ava",
    "Mia",
    "Emily",
    "Sophia",
    "Grace",
    "Lily",
    "Ruby",
    "Aarav",
    "Kacper",
    "Ibrahim",
    "Tyler",
    "Kai",
    "Reece",
    "Callum",
]
LAST_NAMES = [
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Robinson",
    "Thompson",
    "Wright",
    "Walker",
    "White",
    "Edwards",
    "Hughes",
    "Green",
    "Hall",
    "Lewis",
    "Harris",
    "Clarke",
    "Patel",
    "Jackson",
    "Wood",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Khan",
    "Begum",
]
HANDLE_WORDS = ["shadow", "byte", "n0va", "ghost", "pixel", "venom", "crypt", "zer0", "hex", "void", "blitz", "frost"]
CONTEXTS = [
    (ContextKind.DISCORD_SERVER, "Booter Central"),
    (ContextKind.DISCORD_SERVER, "Midlands Modding Crew"),
    (ContextKind.DISCORD_SERVER, "FortCheats Hub"),
    (ContextKind.FORUM, "Cracked.example forum"),
    (ContextKind.FORUM, "Stresser talk board"),
    (ContextKind.GAME_COMMUNITY, "Minecraft anarchy server"),
    (ContextKind.GAME_COMMUNITY, "Roblox exploit group"),
    (ContextKind.SCHOOL, "Synthetic Academy, Coventry"),
    (ContextKind.SCHOOL, "Example High School, Stoke"),
    (ContextKind.SCHOOL, "Sample College, Worcester"),
]
POSTCODES = {
    "WM": ["B15", "B23", "WV10", "CV1", "DY4"],
    "ST": ["ST4", "WS11", "DE13"],
    "WR": ["WR5", "HR1", "SY3", "TF2"],
    "WK": ["CV34", "CV10", "B49"],
}


def seed(*, rng: random.Random, scale: int = 1) -> None:
    forces = list(Force.objects.filter(code__in=POSTCODES).order_by("code"))
    officers = {force.code: list(User.objects.filter(role=Role.OFFICER, home_force=force)) for force in forces}
    sergeant = User.objects.filter(role=Role.SERGEANT).first()
    if not forces or not sergeant:
        return
    contexts = _contexts()
    flags = list(VulnerabilityFlag.objects.filter(active=True))
    activities = list(ActivityType.objects.filter(active=True))
    today = timezone.localdate()
    with transaction.atomic():
        for force in forces:
            staff = officers[force.code] or [sergeant]
            for n in range(1, SUBJECTS_PER_FORCE * scale + 1):
                _subject(rng, force, n, staff, sergeant, contexts, flags, activities, today)
            _bump_counter(force)


def _contexts() -> list[Context]:
    return [
        Context.objects.get_or_create(kind=kind, name_key=name_key(name), defaults={"name": name})[0]
        for kind, name in CONTEXTS
    ]


def _subject(rng, force, n, staff, sergeant, contexts, flags, activities, today):
    reference = f"{force.code}-{today.year - 1}-{n:05d}"
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    age = rng.choices(
        [11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 24, 30], weights=[2, 4, 6, 9, 11, 12, 11, 8, 6, 4, 3, 1]
    )[0]
    officer = rng.choice(staff)
    subject, created = Subject.objects.get_or_create(
        reference=reference,
        defaults={
            "force": force,
            "first_name": first,
            "last_name": last,
            "name_key": name_key(f"{first} {last}"),
            "date_of_birth": today - timedelta(days=age * 365 + rng.randint(0, 364)),
            "sex": rng.choices([Sex.MALE, Sex.FEMALE, Sex.NOT_KNOWN], weights=[85, 13, 2])[0],
            "postcode_district": rng.choice(POSTCODES[force.code]),
            "category": rng.choices([PersonCategory.SUSPECT, PersonCategory.AT_RISK], weights=[6, 4])[0],
            "risk_level": rng.choices(RiskLevel.values, weights=[6, 3, 1])[0],
            "assigned_officer": officer,
            "created_by": officer,
            "restricted": n % 37 == 0,
            "restriction_contact": sergeant if n % 37 == 0 else None,
            "school_or_employer": rng.choice(["", "Synthetic Academy", "Example College", "Sample Ltd"]),
        },
    )
    if not created:
        return
    subject.vulnerability_flags.set(rng.sample(flags, k=rng.choice([0, 0, 1, 1, 2, 3])))
    _identifiers(rng, subject)
    if rng.random() < 0.6:
        Association.objects.create(subject=subject, context=rng.choice(contexts), relationship="member")
    if age < 18:
        Contact.objects.create(
            subject=subject,
            name=f"{rng.choice(FIRST_NAMES)} {last}",
            relationship="parent",
            phone=f"07700 900{rng.randint(100, 999)}",
            is_primary=True,
        )
    _cases(rng, subject, officer, activities, today)


def _identifiers(rng, subject):
    for platform in rng.sample(
        [Platform.DISCORD, Platform.STEAM, Platform.MINECRAFT, Platform.EMAIL], k=rng.randint(1, 3)
    ):
        handle = f"{rng.choice(HANDLE_WORDS)}{rng.choice(HANDLE_WORDS)}{rng.randint(1, 999)}"
        if platform == Platform.EMAIL:
            handle = f"{handle}@example.com"
        OnlineIdentifier.objects.get_or_create(
            subject=subject, platform=platform, handle_key=identifier_key(platform, handle), defaults={"handle": handle}
        )


def _cases(rng, subject, officer, activities, today):
    referral = today - timedelta(days=rng.randint(3, 400))
    status = rng.choices(
        [CaseStatus.NEW, CaseStatus.TRIAGE, CaseStatus.ACTIVE, CaseStatus.CLOSED, CaseStatus.DECLINED],
        weights=[1, 1, 5, 3, 1],
    )[0]
    case = Case.objects.create(
        subject=subject,
        force=subject.force,
        number=1,
        referral_date=referral,
        source=rng.choice(ReferralSource.values),
        status=status,
        assigned_officer=officer,
        created_by=officer,
        narrative="Synthetic referral: came to notice through a booter service's user list.",
        first_contact_due=add_working_days(referral, 5),
        operation=rng.choice(["", "Op Synthetic", "PowerOFF (demo)"]),
        cma_sections=rng.sample(["s1", "s3", "s3A"], k=rng.randint(1, 2)),
    )
    case.activity_types.set(rng.sample(activities, k=rng.randint(1, 2)))
    _history(rng, case, officer, status, referral)
    if status in (CaseStatus.ACTIVE, CaseStatus.CLOSED):
        _engagements(rng, case, officer, referral, today)


_PATHS = {
    CaseStatus.NEW: [],
    CaseStatus.TRIAGE: [CaseStatus.TRIAGE],
    CaseStatus.ACTIVE: [CaseStatus.TRIAGE, CaseStatus.ACTIVE],
    CaseStatus.CLOSED: [CaseStatus.TRIAGE, CaseStatus.ACTIVE, CaseStatus.CLOSED],
    CaseStatus.DECLINED: [CaseStatus.TRIAGE, CaseStatus.DECLINED],
}


# Days after the previous move that each move of a demo case's history happens.
_STEP_DAYS = {
    CaseStatus.NEW: (0, 0),
    CaseStatus.TRIAGE: (1, 3),
    CaseStatus.ACTIVE: (2, 8),
    CaseStatus.DECLINED: (2, 8),
    CaseStatus.CLOSED: (30, 150),
}


def _history(rng, case, officer, status, referral):
    """The case's moves, dated from its referral (never after now), so that returns count them in their quarters."""
    previous, day, now = "", referral, timezone.now()
    at = now
    for to_status in [CaseStatus.NEW, *_PATHS[status]]:
        day += timedelta(days=rng.randint(*_STEP_DAYS[to_status]))
        at = min(timezone.make_aware(datetime.combine(day, time(hour=rng.randint(9, 16)))), now)
        change = CaseStatusChange.objects.create(
            case=case, from_status=previous, to_status=to_status, by=officer, reason="Synthetic demo history"
        )
        CaseStatusChange.objects.filter(pk=change.pk).update(at=at)  # ``at`` is set on insert: backdate it
        previous = to_status
    if status == CaseStatus.CLOSED:
        Case.objects.filter(pk=case.pk).update(
            closure_reason=ClosureReason.DIVERSION_COMPLETED,
            closure_rationale="Completed the programme (demo).",
            triage_rationale="Suitable for diversion (demo).",
            closed_at=at,
        )
    elif status in (CaseStatus.ACTIVE, CaseStatus.DECLINED):
        Case.objects.filter(pk=case.pk).update(triage_rationale="Triage decision (demo).")


def _engagements(rng, case, officer, referral, today):
    when = referral
    first = last = None
    for visit in range(rng.randint(1, 6)):
        # Most first contacts are made within the 5 working days; later visits are weeks apart.
        gap = rng.choices([(1, 6), (7, 14)], weights=[4, 1])[0] if visit == 0 else (2, 30)
        when = min(when + timedelta(days=rng.randint(*gap)), today - timedelta(days=1))
        at = timezone.make_aware(datetime.combine(when, time(hour=rng.randint(9, 17))))
        kind = rng.choice(EngagementType.values)
        engagement = Engagement.objects.create(
            case=case,
            occurred_at=at,
            type=kind,
            outcome=rng.choices(EngagementOutcome.values, weights=[7, 1, 1, 1])[0],
            parent_present=ParentPresent.YES if kind == EngagementType.HOME_VISIT else ParentPresent.NOT_APPLICABLE,
            duration_minutes=rng.choice([15, 30, 45, 60, 90]),
            narrative="Synthetic engagement notes.",
            created_by=officer,
        )
        engagement.officers.set([officer])
        first = first or at
        last = at
    if last:
        Case.objects.filter(pk=case.pk).update(first_contact_at=first, last_engagement_at=last)


def _bump_counter(force):
    year = timezone.localdate().year - 1
    top = Subject.objects.filter(force=force, reference__startswith=f"{force.code}-{year}-").aggregate(
        m=Max("reference")
    )["m"]
    if top:
        counter, _ = ReferenceCounter.objects.get_or_create(force=force, year=year)
        number = int(top.rsplit("-", 1)[1])
        if counter.last_number < number:
            ReferenceCounter.objects.filter(pk=counter.pk).update(last_number=number)
