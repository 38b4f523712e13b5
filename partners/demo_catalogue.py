"""The demo partners: invented organisations across the four forces, what they offer, and who works there.

Pathways cover most intervention types in most forces, not all: warning and
cease-and-desist visits are police work, and some forces lack an offer for
some ages, so the coverage view has gaps to show. ``partners.demo`` writes them.
"""

from dataclasses import dataclass

from .models import DeliveryMode, InteractionKind, PartnerStatus, PartnerType, Sector

ALL = ("WM", "ST", "WR", "WK")
OWNERS = {"WM": "officer.wm", "ST": "officer.st", "WR": "officer.wr", "WK": "officer.wk"}


@dataclass(frozen=True)
class DemoPathway:
    name: str
    type_code: str
    description: str
    ages: tuple[int, int]
    mode: str
    capacity: int | None
    forces: tuple[str, ...] | None = None  # None: all the partner's forces
    ended: bool = False


@dataclass(frozen=True)
class DemoPartner:
    name: str
    sector: str
    type: str
    forces: tuple[str, ...]
    status: str
    notes: str
    pathways: tuple[DemoPathway, ...] = ()
    # Days from today to the expiry of its current agreement; None: none signed (a draft, if any)
    agreement_expires_in: int | None = 400


PARTNERS = (
    DemoPartner(
        "Oakfield Academy",
        Sector.EDUCATION,
        PartnerType.SCHOOL,
        ("WM",),
        PartnerStatus.ACTIVE,
        "Hosts the after-school coding club; the computing lead refers pupils of concern.",
        (
            DemoPathway(
                "Oakfield after-school coding club",
                "coding_club",
                "A weekly club after school building games and web apps in Python, with older pupils as helpers.",
                (11, 16),
                DeliveryMode.IN_PERSON,
                20,
            ),
        ),
        agreement_expires_in=38,
    ),
    DemoPartner(
        "St Chad's High School",
        Sector.EDUCATION,
        PartnerType.SCHOOL,
        ("WM",),
        PartnerStatus.ACTIVE,
        "Cyber Choices talks each autumn term for Years 8 and 9.",
        (
            DemoPathway(
                "St Chad's Cyber Choices sessions",
                "cyber_choices_workshop",
                "Small-group sessions on the law, online choices and where skills can lead, run with the school.",
                (12, 16),
                DeliveryMode.IN_PERSON,
                12,
            ),
        ),
    ),
    DemoPartner(
        "Greenway College",
        Sector.EDUCATION,
        PartnerType.FE_COLLEGE,
        ("WM", "WK"),
        PartnerStatus.ACTIVE,
        "Level 3 cyber security course; places for referred students at the start of each term.",
        (
            DemoPathway(
                "Greenway ethical hacking taster",
                "ethical_hacking_course",
                "A six-week evening course in ethical hacking in a safe lab, with a college certificate at the end.",
                (16, 19),
                DeliveryMode.IN_PERSON,
                15,
            ),
        ),
        agreement_expires_in=52,
    ),
    DemoPartner(
        "Trentside College",
        Sector.EDUCATION,
        PartnerType.FE_COLLEGE,
        ("ST",),
        PartnerStatus.ACTIVE,
        "Runs CyberFirst-style summer days for local schools.",
        (
            DemoPathway(
                "Trentside cyber summer days",
                "cyberfirst",
                "Three summer days of cyber security activities and careers talks on the college campus.",
                (14, 17),
                DeliveryMode.IN_PERSON,
                30,
            ),
            DemoPathway(
                "Trentside mentoring for young coders",
                "mentoring",
                "A student mentor meets the young person fortnightly for a term to build a portfolio project.",
                (15, 18),
                DeliveryMode.BLENDED,
                8,
            ),
        ),
    ),
    DemoPartner(
        "Severn Valley College",
        Sector.EDUCATION,
        PartnerType.FE_COLLEGE,
        ("WR",),
        PartnerStatus.ACTIVE,
        "New partner; agreement being drafted by the college's data protection officer.",
        (
            DemoPathway(
                "Severn Valley online cyber course",
                "online_training",
                "A self-paced online course in networking and security basics, with a tutor check-in each week.",
                (16, 24),
                DeliveryMode.ONLINE,
                None,
            ),
        ),
        agreement_expires_in=None,
    ),
    DemoPartner(
        "Westbridge University",
        Sector.EDUCATION,
        PartnerType.UNIVERSITY,
        ALL,
        PartnerStatus.ACTIVE,
        "The School of Computing hosts capture-the-flag events and a student-led mentoring scheme.",
        (
            DemoPathway(
                "Westbridge capture-the-flag challenge",
                "cyber_security_challenge",
                "A supervised capture-the-flag competition on campus, solving security puzzles in teams.",
                (14, 25),
                DeliveryMode.IN_PERSON,
                40,
            ),
            DemoPathway(
                "Westbridge student mentors",
                "mentoring",
                "A computing undergraduate mentors the young person for a term, online or on campus.",
                (14, 21),
                DeliveryMode.BLENDED,
                25,
                forces=("WM", "ST", "WK"),
            ),
            DemoPathway(
                "Westbridge summer school 2025",
                "ethical_hacking_course",
                "Last year's week-long summer school in ethical hacking.",
                (16, 18),
                DeliveryMode.IN_PERSON,
                20,
                ended=True,
            ),
        ),
    ),
    DemoPartner(
        "Heartlands Youth Justice Service",
        Sector.PUBLIC,
        PartnerType.YOUTH_JUSTICE,
        ("WM",),
        PartnerStatus.ACTIVE,
        "Joint visits for young people already known to the service.",
        (
            DemoPathway(
                "Heartlands YJS educational visits",
                "educational_visit",
                "A youth justice worker and a Prevent officer visit together to talk through online choices.",
                (10, 17),
                DeliveryMode.IN_PERSON,
                None,
            ),
        ),
    ),
    DemoPartner(
        "Moorlands Youth Justice Service",
        Sector.PUBLIC,
        PartnerType.YOUTH_JUSTICE,
        ("ST",),
        PartnerStatus.ACTIVE,
        "Monthly case discussion with the Prevent team.",
        agreement_expires_in=21,
    ),
    DemoPartner(
        "Teme Valley Youth Justice Service",
        Sector.PUBLIC,
        PartnerType.YOUTH_JUSTICE,
        ("WR",),
        PartnerStatus.ACTIVE,
        "Referrals both ways; contact through the duty manager.",
    ),
    DemoPartner(
        "Avonside Youth Justice Service",
        Sector.PUBLIC,
        PartnerType.YOUTH_JUSTICE,
        ("WK",),
        PartnerStatus.PROSPECT,
        "First meeting held; agreement not yet started.",
        agreement_expires_in=None,
    ),
    DemoPartner(
        "Code Forward Trust",
        Sector.THIRD_SECTOR,
        PartnerType.CHARITY,
        ALL,
        PartnerStatus.ACTIVE,
        "Charity running volunteer mentoring and coding clubs for young people at risk.",
        (
            DemoPathway(
                "Code Forward mentoring",
                "mentoring",
                "A trained volunteer from the tech industry meets the young person weekly for twelve weeks.",
                (11, 18),
                DeliveryMode.IN_PERSON,
                12,
                forces=("WM", "ST", "WK"),
            ),
            DemoPathway(
                "Code Forward online coding club",
                "coding_club",
                "A weekly online club building projects together, with a moderator in every session.",
                (12, 18),
                DeliveryMode.ONLINE,
                30,
            ),
        ),
        agreement_expires_in=14,
    ),
    DemoPartner(
        "Sentinel Grid Security Ltd",
        Sector.PRIVATE,
        PartnerType.CYBER_SECURITY_FIRM,
        ("WM", "ST"),
        PartnerStatus.ACTIVE,
        "Penetration-testing firm offering work placements and its training platform.",
        (
            DemoPathway(
                "Sentinel Grid work placement",
                "careers_work_placement",
                "Two weeks with the security testing team, shadowing real (authorised) work.",
                (16, 25),
                DeliveryMode.IN_PERSON,
                4,
            ),
            DemoPathway(
                "Sentinel Grid skills platform",
                "skills_platform",
                "Free access to the firm's online training labs for six months, with progress shared back.",
                (14, 25),
                DeliveryMode.ONLINE,
                50,
            ),
        ),
    ),
    DemoPartner(
        "Northgate Cyber Labs",
        Sector.PRIVATE,
        PartnerType.CYBER_SECURITY_FIRM,
        ("WR", "WK"),
        PartnerStatus.ACTIVE,
        "Security consultancy; careers talks and placements for over-16s.",
        (
            DemoPathway(
                "Northgate careers placement",
                "careers_work_placement",
                "A week's placement with the consultancy's analysts, ending with a short presentation.",
                (16, 24),
                DeliveryMode.IN_PERSON,
                3,
            ),
        ),
    ),
    DemoPartner(
        "Pixel Forge Studios",
        Sector.PRIVATE,
        PartnerType.GAMES_COMPANY,
        ("WM", "WK"),
        PartnerStatus.ACTIVE,
        "Games studio; its developers talk about careers in games and run a modding club.",
        (
            DemoPathway(
                "Pixel Forge game modding club",
                "coding_club",
                "A monthly Saturday club making legitimate game mods with the studio's developers.",
                (13, 18),
                DeliveryMode.IN_PERSON,
                16,
            ),
        ),
    ),
    DemoPartner(
        "Riverside District Council",
        Sector.PUBLIC,
        PartnerType.LOCAL_AUTHORITY,
        ("ST",),
        PartnerStatus.PROSPECT,
        "Early help team interested in joint work.",
        agreement_expires_in=None,
    ),
    DemoPartner(
        "Lyndon Multi-Academy Trust",
        Sector.EDUCATION,
        PartnerType.SCHOOL,
        ("WM",),
        PartnerStatus.DORMANT,
        "No contact since the trust's IT lead left.",
        agreement_expires_in=-30,
    ),
)

CONTACT_ROLES = (
    "Designated safeguarding lead",
    "Head of computing",
    "Partnerships manager",
    "Youth justice officer",
    "Volunteer coordinator",
)
FIRST_NAMES = ("Amira", "Ben", "Chloe", "Dev", "Ellie", "Farid", "Grace", "Harvey", "Isla", "Jonah", "Kiran", "Lucy")
LAST_NAMES = ("Ashdown", "Brereton", "Calloway", "Dunmore", "Ellery", "Fairbrook", "Galloway", "Hartwell", "Ingram")
INTERACTIONS = (
    (InteractionKind.MEETING, "Met to review places for next term and the referral route."),
    (InteractionKind.CALL, "Call about a young person's progress; agreed a review date."),
    (InteractionKind.EMAIL, "Sent the Cyber Choices leaflet pack and the referral form."),
    (InteractionKind.JOINT_EVENT, "Joint session with the partner's staff for parents and carers."),
)
