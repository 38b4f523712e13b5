"""The reminder sweep over 20,000 due follow-ups, then a second sweep that must create nothing.

The issue's target: the first sweep within 2 s on the project's machine.
"""

import sys
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from benchmarks.scratch import analyze, scratch_database

FOLLOW_UPS = 20_000
CASES_PER_SUBJECT = 10
OFFICERS = 50
# A working Wednesday after the digest hour, so the sweep does everything: reminders, escalations, digests.
NOW = datetime(2026, 12, 2, 8, 0, tzinfo=ZoneInfo("Europe/London"))


def main() -> None:
    with scratch_database() as label:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        seed()
        warm_up()
        first, result = timed_sweep()
        second, again = timed_sweep()
        sys.stdout.write(
            f"reminder sweep on {label}, {FOLLOW_UPS:,} due follow-ups:\n"
            f"  first sweep:  {first:6.2f} s  {result}\n"
            f"  second sweep: {second:6.2f} s  {again}\n"
        )
        if again.reminders or again.escalations or again.notifications or again.digests:
            sys.exit("the second sweep created something: reminders are not idempotent")


def seed() -> None:
    """Officers and sergeants in four forces, 20,000 cases each owing one check: half due today, half overdue."""
    from accounts.models import Force, Role, User
    from followups.models import FollowUp, FollowUpKind, FollowUpStatus
    from subjects.models import Case, CaseStatus, ReferralSource, Subject

    forces = list(Force.objects.order_by("code"))
    officers = User.objects.bulk_create(
        User(
            username=f"bench-officer-{n}",
            email=f"bench{n}@example.police.uk",
            role=Role.OFFICER,
            home_force=forces[n % len(forces)],
        )
        for n in range(OFFICERS)
    )
    sergeants = User.objects.bulk_create(
        User(
            username=f"bench-sergeant-{f.code}",
            email=f"sgt-{f.code}@example.police.uk",
            role=Role.SERGEANT,
            home_force=f,
        )
        for f in forces
    )
    User.forces.through.objects.bulk_create(
        User.forces.through(user_id=user.pk, force_id=user.home_force_id) for user in [*officers, *sergeants]
    )
    subjects = Subject.objects.bulk_create(
        (
            Subject(
                reference=f"BN-2026-{n:05d}",
                force_id=officers[n % OFFICERS].home_force_id,
                first_name="Synthetic",
                last_name=f"Person{n}",
                name_key=f"synthetic person{n}",
                created_by=officers[n % OFFICERS],
                assigned_officer=officers[n % OFFICERS],
            )
            for n in range(FOLLOW_UPS // CASES_PER_SUBJECT)
        ),
        batch_size=2000,
    )
    today = NOW.date()
    cases = Case.objects.bulk_create(
        (
            Case(
                subject=subject,
                force_id=subject.force_id,
                number=number + 1,
                referral_date=today - timedelta(days=30),
                source=ReferralSource.SCHOOL,
                status=CaseStatus.ACTIVE,
                assigned_officer_id=subject.assigned_officer_id,
                created_by_id=subject.created_by_id,
            )
            for subject in subjects
            for number in range(CASES_PER_SUBJECT)
        ),
        batch_size=2000,
    )
    FollowUp.objects.bulk_create(
        (
            FollowUp(
                case=case,
                kind=FollowUpKind.FIRST_CONTACT,
                due_date=today - timedelta(days=10 * (n % 2)),
                assignee_id=case.assigned_officer_id,
                status=FollowUpStatus.DUE,
            )
            for n, case in enumerate(cases)
        ),
        batch_size=2000,
    )


def warm_up() -> None:
    """Put the process where a running worker is: URLconf loaded (a one-off ~2 s) and tables analysed."""
    from django.urls import reverse

    reverse("followups:list")
    analyze()


def timed_sweep():
    from followups.reminders import reminders_sweep

    start = time.perf_counter()
    result = reminders_sweep(now=NOW)
    return time.perf_counter() - start, result
