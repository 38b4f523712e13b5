"""Synthetic interventions, disposals and supervisory reviews on the demo cases, in every state.

Rows are written directly, with their status-change rows, as if the workflow
had run (no notifications, no access events: nothing here happened). Proposals
are the case officer's; decisions are the demo sergeant's, or the demo
inspector's for the types local policy reserves to an inspector. Idempotent: a
case that already has an intervention or a disposal is left alone.
"""

import random
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import Role, User
from followups.demo import CaseWork, seed_followups
from subjects.models import Case, CaseStatus, age_on

from .models import (
    Attendance,
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

# subjects.demo writes this narrative on every case it makes: only those get workflow history.
DEMO_NARRATIVE = "Synthetic referral"
# Outcome codes for types that have no usual one.
FALLBACK_OUTCOMES = {"no_further_action": "21", "refer_to_investigation": "1"}
TYPE_WEIGHTS = {"outcome_22": 10, "community_resolution": 4, "youth_caution": 2, "no_further_action": 2}
RATIONALE = {
    "rationale_information": "Synthetic: came to notice on a booter service's user list; engaged with parent present.",
    "rationale_threat_risk": "Synthetic: low risk of harm to others; risk of escalation without diversion.",
    "rationale_powers_policy": "Synthetic: Computer Misuse Act 1990 s.1; force out-of-court resolution policy.",
    "rationale_options": "Synthetic: considered no further action and a youth caution; diversion fits best.",
    "rationale_action_review": "Synthetic: Cyber Choices workshop within a month; checks at 3, 6, 12 months.",
}
# What happens on an active case's disposal, and how often (None: nothing proposed yet).
ACTIVE_SCENARIOS = [
    (None, 4),
    (DisposalStatus.DRAFT, 2),
    (DisposalStatus.SUBMITTED, 3),
    (DisposalStatus.RETURNED, 1),
    (DisposalStatus.REJECTED, 1),
    (DisposalStatus.APPROVED, 2),
]
OPEN_INTERVENTIONS = [
    InterventionStatus.PLANNED,
    InterventionStatus.ACTIVE,
    InterventionStatus.COMPLETED,
    InterventionStatus.WITHDRAWN,
    InterventionStatus.DECLINED,
]
# Office hours for the first, second and third move of one record, so same-day moves stay in order.
STEP_HOURS = ((8, 10), (11, 13), (14, 17))
ENDED_INTERVENTIONS = [InterventionStatus.COMPLETED, InterventionStatus.WITHDRAWN, InterventionStatus.DECLINED]


def seed(*, rng: random.Random, scale: int = 1) -> None:
    """Interventions and disposals for every demo case that has none (``scale`` is met by the number of cases)."""
    sergeant = User.objects.filter(username="sergeant", role=Role.SERGEANT).first()
    inspector = User.objects.filter(username="inspector", role=Role.INSPECTOR).first()
    intervention_types = list(InterventionType.objects.filter(active=True))
    if not sergeant or not inspector or not intervention_types:
        return
    demo = _Demo(rng, sergeant, inspector, intervention_types)
    with transaction.atomic():
        for case in _untouched_demo_cases():
            demo.case(case)
        seed_followups(rng=rng, narrative_prefix=DEMO_NARRATIVE, work=_followup_work())


def _followup_work() -> dict[int, CaseWork]:
    """What the follow-up rules would have looked at on each demo case: its approval and running interventions."""
    demo = Case.objects.filter(narrative__startswith=DEMO_NARRATIVE)
    approved = {
        d.case_id: timezone.localdate(d.decided_at)
        for d in Disposal.objects.filter(status=DisposalStatus.APPROVED, decided_at__isnull=False, case__in=demo)
    }
    started: dict[int, list[date]] = {}
    running = Intervention.objects.filter(status=InterventionStatus.ACTIVE, started_on__isnull=False, case__in=demo)
    for case_id, day in running.values_list("case_id", "started_on"):
        started.setdefault(case_id, []).append(day)
    return {
        pk: CaseWork(decided_on=approved.get(pk), interventions_started=tuple(started.get(pk, ())))
        for pk in approved.keys() | started.keys()
    }


def _untouched_demo_cases():
    return (
        Case.objects.filter(
            narrative__startswith=DEMO_NARRATIVE,
            status__in=[CaseStatus.ACTIVE, CaseStatus.CLOSED],
            assigned_officer__isnull=False,
        )
        .exclude(Exists(Intervention.objects.filter(case=OuterRef("pk"))))
        .exclude(Exists(Disposal.objects.filter(case=OuterRef("pk"))))
        .select_related("subject", "assigned_officer")
        .order_by("pk")
    )


class _Demo:
    def __init__(self, rng: random.Random, sergeant: User, inspector: User, intervention_types: list) -> None:
        self.rng = rng
        self.sergeant = sergeant
        self.inspector = inspector
        self.intervention_types = intervention_types
        self.types = list(DisposalType.objects.filter(active=True).select_related("default_outcome"))
        self.outcomes = {outcome.code: outcome for outcome in HomeOfficeOutcome.objects.all()}
        self.today = timezone.localdate()
        self.now = timezone.now()

    # --------------------------------------------------------------------------
    def case(self, case: Case) -> None:
        officer = case.assigned_officer
        start = case.referral_date + timedelta(days=self.rng.randint(5, 20))
        closed = case.status == CaseStatus.CLOSED
        for _ in range(self.rng.randint(1, 3)):
            statuses = ENDED_INTERVENTIONS if closed else OPEN_INTERVENTIONS
            self.intervention(case, officer, self.rng.choice(statuses), start)
        if closed:
            self.disposal(case, officer, DisposalStatus.APPROVED, start)
            return
        scenario = self.rng.choices([s for s, _ in ACTIVE_SCENARIOS], weights=[w for _, w in ACTIVE_SCENARIOS])[0]
        if scenario is not None:
            self.disposal(case, officer, scenario, start)
        if self.rng.random() < 0.5:
            self.review(case)

    # --------------------------------------------------------------------------
    def intervention(self, case: Case, officer: User, status: str, start: date) -> None:
        planned = min(start + timedelta(days=self.rng.randint(0, 20)), self.today)
        kind = self.rng.choice(self.intervention_types)
        intervention = Intervention.objects.create(
            case=case,
            type=kind,
            status=status,
            planned_start=planned,
            delivered_by=self.rng.choice(
                ["Synthetic Cyber Club", "Example University outreach", officer.get_full_name()]
            ),
            notes="Synthetic plan.",
            created_by=officer,
        )
        path = [InterventionStatus.PLANNED]
        if status in {InterventionStatus.ACTIVE, InterventionStatus.COMPLETED}:
            path.append(InterventionStatus.ACTIVE)
        if status != InterventionStatus.PLANNED and status not in path:
            path.append(status)
        day = self._day(start)
        previous = ""
        for step, to_status in enumerate(path):
            reason = (
                "Synthetic reason." if to_status in {InterventionStatus.WITHDRAWN, InterventionStatus.DECLINED} else ""
            )
            self._dated(
                InterventionStatusChange,
                self._at(day, step),
                intervention=intervention,
                from_status=previous,
                to_status=to_status,
                by=officer,
                reason=reason,
            )
            previous = to_status
            day = min(day + timedelta(days=self.rng.randint(3, 30)), self.today)
        self._intervention_dates(intervention, path)

    def _intervention_dates(self, intervention: Intervention, path: list[str]) -> None:
        changes = list(intervention.status_changes.order_by("at"))
        started = next((c.at for c in changes if c.to_status == InterventionStatus.ACTIVE), None)
        ended = (
            changes[-1].at
            if intervention.status in {InterventionStatus.COMPLETED, InterventionStatus.WITHDRAWN}
            else None
        )
        attendance = Attendance.FULL if intervention.status == InterventionStatus.COMPLETED else ""
        Intervention.objects.filter(pk=intervention.pk).update(
            started_on=timezone.localtime(started).date() if started else None,
            ended_on=timezone.localtime(ended).date() if ended else None,
            attendance=attendance,
            outcome="Synthetic: completed and engaged well." if attendance else "",
        )

    # --------------------------------------------------------------------------
    def disposal(self, case: Case, officer: User, status: str, start: date) -> None:
        disposal_type = self._type_for(case)
        decider = self.inspector if disposal_type.approver_role == Role.INSPECTOR else self.sergeant
        if decider.pk == officer.pk:
            decider = self.inspector
        proposed = self._day(start)
        submitted = proposed + timedelta(days=self.rng.randint(0, 5))
        if status == DisposalStatus.SUBMITTED:
            # Some wait past the approval limit, so the queue shows late ones.
            submitted = self.today - timedelta(days=self.rng.randint(0, 15))
        submitted = min(max(submitted, proposed), self.today)
        decided = min(submitted + timedelta(days=self.rng.randint(0, 4)), self.today)
        rationale = dict(RATIONALE)
        if status == DisposalStatus.DRAFT and self.rng.random() < 0.5:
            rationale["rationale_action_review"] = ""  # a draft still being written
        disposal = Disposal.objects.create(
            case=case,
            type=disposal_type,
            outcome=disposal_type.default_outcome or self.outcomes[FALLBACK_OUTCOMES.get(disposal_type.code, "22")],
            status=status,
            proposed_by=officer,
            **rationale,
        )
        proposed_at, submitted_at, decided_at = self._at(proposed, 0), self._at(submitted, 1), self._at(decided, 2)
        history = [("", DisposalStatus.DRAFT, officer, proposed_at, "")]
        if status != DisposalStatus.DRAFT:
            history.append((DisposalStatus.DRAFT, DisposalStatus.SUBMITTED, officer, submitted_at, ""))
        comment = {
            DisposalStatus.APPROVED: "Synthetic: proportionate and well reasoned.",
            DisposalStatus.RETURNED: "Synthetic: say more about the options considered.",
            DisposalStatus.REJECTED: "Synthetic: refer to investigation instead.",
        }.get(status, "")
        if comment:
            history.append((DisposalStatus.SUBMITTED, status, decider, decided_at, comment))
        for from_status, to_status, by, at, reason in history:
            self._dated(
                DisposalStatusChange,
                at,
                disposal=disposal,
                from_status=from_status,
                to_status=to_status,
                by=by,
                reason=reason,
            )
        Disposal.objects.filter(pk=disposal.pk).update(
            created_at=proposed_at,
            submitted_at=submitted_at if status != DisposalStatus.DRAFT else None,
            decided_by=decider if comment else None,
            decided_at=decided_at if comment else None,
            decision_comment=comment,
        )

    def _type_for(self, case: Case) -> DisposalType:
        age = age_on(case.subject.date_of_birth, case.referral_date)
        offered = [
            t
            for t in self.types
            if (settings.TWO_TIER_CAUTIONS or not t.two_tier)
            and not (age is not None and age < 18 and t.adults_only)
            and not (age is not None and age >= 18 and t.youth_only)
        ]
        weights = [TYPE_WEIGHTS.get(t.code, 1) for t in offered]
        return self.rng.choices(offered, weights=weights)[0]

    # --------------------------------------------------------------------------
    def review(self, case: Case) -> None:
        reviewed = self.today - timedelta(days=self.rng.randint(1, 45))
        next_review = reviewed + timedelta(days=28)  # some are due again already
        review = SupervisoryReview.objects.create(
            case=case,
            reviewer=self.sergeant,
            notes="Synthetic review: progress discussed with the officer.",
            actions=self.rng.choice(["", "Synthetic: book the workshop.", "Synthetic: speak to the school DSL."]),
            next_review_date=next_review,
        )
        SupervisoryReview.objects.filter(pk=review.pk).update(reviewed_at=self._at(reviewed, 0))
        Case.objects.filter(pk=case.pk).update(next_review_date=next_review)

    # --------------------------------------------------------------------------
    def _day(self, start: date) -> date:
        return min(start, self.today)

    def _at(self, day: date, step: int) -> datetime:
        """A time on ``day`` for the ``step``-th move (0-2): later steps are later, and nothing is in the future."""
        hour = self.rng.randint(*STEP_HOURS[step])
        at = timezone.make_aware(datetime.combine(day, time(hour=hour, minute=self.rng.randint(0, 59))))
        return min(at, self.now - timedelta(minutes=10 * (len(STEP_HOURS) - step)))

    def _dated(self, model, at: datetime, **fields):
        """Create a row whose ``at`` is ``auto_now_add``, then back-date it."""
        row = model.objects.create(**fields)
        model.objects.filter(pk=row.pk).update(at=at)
        return row
