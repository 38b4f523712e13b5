"""Every figure of a return against counts worked out by hand, across quarter boundaries.

Quarter under test: 2026/27 Q1 (1 April to 30 June 2026, all in BST). Records
sit on both sides of each edge: 31 March / 1 April (the financial-year turn,
two days after the clocks went forward), 30 June 23:59:59 / 1 July 00:00
London time, UTC instants whose London date differs from their UTC date, and
records of another force.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from followups.models import FollowUp, FollowUpKind, FollowUpStatus
from interventions.models import DisposalStatus, InterventionStatus, InterventionType
from interventions.tests.factories import DisposalFactory, InterventionFactory, disposal_type, intervention_type
from outreach.models import Audience, EventStatus, EventType, LessonStatus, Measure, Product
from outreach.quarters import FinancialQuarter
from outreach.tests.factories import LessonLearntFactory, OutreachEventFactory, TargetFactory
from partners.models import Sector
from partners.tests.factories import DataSharingAgreementFactory, PartnerFactory, PathwayFactory
from reporting.figures import CHANGE, MEASURES, TOTAL, Kind, figures_for_return
from subjects.models import CaseStatus, CaseStatusChange, ReferralSource, Sex, VulnerabilityFlag
from subjects.tests.factories import CaseFactory, SubjectFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")
Q1 = FinancialQuarter(2026, 1)


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def case(force, referral, *, source=ReferralSource.SCHOOL, dob=None, sex=Sex.NOT_KNOWN, number=1, **fields):
    subject = SubjectFactory(force=force, date_of_birth=dob, sex=sex)
    return CaseFactory(subject=subject, force=force, number=number, referral_date=referral, source=source, **fields)


def status_at(the_case, to_status, at):
    change = CaseStatusChange.objects.create(case=the_case, to_status=to_status, by=the_case.created_by)
    CaseStatusChange.objects.filter(pk=change.pk).update(at=at)


@pytest.fixture
def records(force_a, force_b):
    sergeant = UserFactory()
    # Referrals and new subjects (WM): two on the quarter's first and last day, one in May; one each side outside.
    first = case(force_a, date(2026, 4, 1), dob=date(2012, 4, 1), sex=Sex.FEMALE)  # 14 on the day
    last = case(force_a, date(2026, 6, 30), dob=date(2012, 7, 1), sex=Sex.MALE)  # 13: birthday is tomorrow
    may = case(force_a, date(2026, 5, 10), source=ReferralSource.SELF)  # age not known
    case(force_a, date(2026, 3, 31), first_contact_due=None)  # previous quarter (and financial year)
    case(force_a, date(2026, 7, 1), source=ReferralSource.SELF)  # next quarter
    second_case = CaseFactory(
        subject=first.subject, number=2, referral_date=date(2026, 6, 1), source=ReferralSource.SCHOOL
    )
    other_force = case(force_b, date(2026, 5, 1), dob=date(2000, 1, 1), sex=Sex.FEMALE)  # 26
    first.subject.vulnerability_flags.set(VulnerabilityFlag.objects.filter(code="asd_diagnosed"))
    last.subject.vulnerability_flags.set(VulnerabilityFlag.objects.filter(code__in=["asd_suspected", "adhd"]))
    # Case status history: opened on the last second of Q1, opened on the first second of Q2, closed in Q1.
    status_at(first, CaseStatus.ACTIVE, london(2026, 6, 30, 23, 59, 59))
    status_at(last, CaseStatus.NEW, london(2026, 6, 1, 9))
    status_at(last, CaseStatus.ACTIVE, london(2026, 7, 1, 0, 0, 0))
    status_at(may, CaseStatus.ACTIVE, london(2026, 3, 31, 23, 30))  # 22:30 UTC: still Q4 in London
    status_at(may, CaseStatus.CLOSED, london(2026, 5, 5, 10))
    status_at(other_force, CaseStatus.ACTIVE, london(2026, 5, 2, 10))
    # First contact: due 30 June, made 23:30 London that day (on time); due 4 May, made 00:30 London 5 May (late).
    first.first_contact_due, first.first_contact_at = date(2026, 6, 30), london(2026, 6, 30, 23, 30)
    first.save()
    may.first_contact_due, may.first_contact_at = date(2026, 5, 4), utc(2026, 5, 4, 23, 30)
    may.save()
    last.first_contact_due = date(2026, 7, 1)  # due next quarter
    last.save()
    second_case.first_contact_due = None
    second_case.save()
    other_force.first_contact_due = date(2026, 5, 8)
    other_force.save()
    # Interventions (case of WM): started 1 April and 31 March; completed 30 June; completed but ended 1 July.
    mentoring = intervention_type("mentoring")
    other_type = InterventionType.objects.exclude(code="mentoring").order_by("position").first()
    InterventionFactory(case=first, type=mentoring, status=InterventionStatus.ACTIVE, started_on=date(2026, 4, 1))
    InterventionFactory(case=first, type=mentoring, status=InterventionStatus.ACTIVE, started_on=date(2026, 3, 31))
    InterventionFactory(
        case=may,
        type=other_type,
        status=InterventionStatus.COMPLETED,
        started_on=date(2026, 3, 1),
        ended_on=date(2026, 6, 30),
    )
    InterventionFactory(
        case=may,
        type=other_type,
        status=InterventionStatus.COMPLETED,
        started_on=date(2026, 3, 1),
        ended_on=date(2026, 7, 1),
    )
    # Disposals: approved 23:30 UTC on 31 March = 00:30 BST 1 April (Q1); 23:30 UTC 30 June = Q2; submitted only.
    kind = disposal_type()
    for decided in [utc(2026, 3, 31, 23, 30), utc(2026, 6, 30, 23, 30)]:
        DisposalFactory(case=first, type=kind, status=DisposalStatus.APPROVED, decided_by=sergeant, decided_at=decided)
    DisposalFactory(case=first, type=kind, status=DisposalStatus.SUBMITTED)
    # Re-offending checks: done in May; done 00:10 London 1 July; due but not done.
    for completed in [london(2026, 5, 1, 12), london(2026, 7, 1, 0, 10)]:
        FollowUp.objects.create(
            case=may,
            kind=FollowUpKind.REOFFENDING_3M,
            due_date=completed.date(),
            status=FollowUpStatus.DONE,
            result="no_further_concern",
            completed_at=completed,
        )
    FollowUp.objects.create(case=may, kind=FollowUpKind.REOFFENDING_6M, due_date=date(2026, 5, 2))
    # Protect: two delivered WM events on the edges, one outside, one planned, one in ST.
    product = Product.objects.order_by("name").first()
    OutreachEventFactory(
        force=force_a,
        date=date(2026, 4, 1),
        event_type=EventType.PRESENTATION,
        audience=Audience.BUSINESS,
        attendees=20,
        sign_ups=3,
        feedback_score=4,
        products=[product],
    )
    OutreachEventFactory(
        force=force_a,
        date=date(2026, 6, 30),
        event_type=EventType.WORKSHOP,
        audience=Audience.PUPILS,
        attendees=30,
        sign_ups=0,
        feedback_score=5,
    )
    OutreachEventFactory(force=force_a, date=date(2026, 7, 1), attendees=99)
    OutreachEventFactory(force=force_a, date=date(2026, 5, 1), status=EventStatus.PLANNED, attendees=99)
    OutreachEventFactory(force=force_b, date=date(2026, 5, 2), attendees=7, sign_ups=1)
    LessonLearntFactory(force=force_a, status=LessonStatus.SHARED, shared_with="NCA", date_shared=date(2026, 4, 15))
    LessonLearntFactory(force=force_a, status=LessonStatus.DRAFT)
    TargetFactory(force=force_a, financial_year=2026, quarter=1, measure=Measure.EVENTS, value=4)
    # Partnerships: an active WM partner with a running pathway, one ended before Q1, agreements expiring in Q2 and Q3.
    partner = PartnerFactory(forces=[force_a], sector=Sector.EDUCATION)
    PathwayFactory(partner=partner, intervention_type=mentoring, active_from=date(2026, 1, 1))
    PathwayFactory(
        partner=partner, intervention_type=mentoring, active_from=date(2025, 1, 1), active_to=date(2026, 3, 31)
    )
    DataSharingAgreementFactory(partner=partner, signed_on=date(2025, 8, 15), expires_on=date(2026, 8, 15))
    DataSharingAgreementFactory(partner=partner, signed_on=date(2025, 10, 1), expires_on=date(2026, 10, 1))
    return {"product": product, "mentoring": mentoring, "other_type": other_type, "kind": kind}


def expected_counts(records, scope):
    """Hand-counted figures; everything not listed is 0."""
    wm = scope == "WM"
    both = scope == "region"
    mentoring, other_type, kind = records["mentoring"].label, records["other_type"].label, records["kind"]
    found = {
        ("referrals_by_source", "School"): 3 if wm else 4,  # first, last, second case (+ ST)
        ("referrals_by_source", "Self-referral"): 1,
        ("referrals_by_source", TOTAL): 4 if wm else 5,
        ("new_subjects_by_age_and_sex", "14-17 / Female"): 1,
        ("new_subjects_by_age_and_sex", "10-13 / Male"): 1,
        ("new_subjects_by_age_and_sex", "Age not known / Not known"): 1,
        ("new_subjects_by_age_and_sex", "14-17 / Total"): 1,
        ("new_subjects_by_age_and_sex", "10-13 / Total"): 1,
        ("new_subjects_by_age_and_sex", "Age not known / Total"): 1,
        ("new_subjects_by_age_and_sex", "Total / Female"): 1 if wm else 2,
        ("new_subjects_by_age_and_sex", "Total / Male"): 1,
        ("new_subjects_by_age_and_sex", "Total / Not known"): 1,
        ("new_subjects_by_age_and_sex", "Total / Total"): 3 if wm else 4,
        ("new_subjects_by_vulnerability", "Autism (diagnosed)"): 1,
        ("new_subjects_by_vulnerability", "Autism (suspected)"): 1,
        ("new_subjects_by_vulnerability", "ADHD"): 1,
        ("cases", "Opened"): 1 if wm else 2,
        ("cases", "Active at quarter end"): 1 if wm else 2,
        ("cases", "Closed"): 1,
        ("first_contact", "Due in the quarter"): 2 if wm else 3,
        ("first_contact", "Made within 5 working days"): 1,
        ("interventions_started", mentoring): 1,
        ("interventions_started", TOTAL): 1,
        ("interventions_completed", other_type): 1,
        ("interventions_completed", TOTAL): 1,
        ("disposals_approved", f"{kind.label} / outcome {kind.default_outcome.code}"): 1,
        ("disposals_approved", TOTAL): 1,
        ("reoffending_checks", "No further concern"): 1,
        ("reoffending_checks", TOTAL): 1,
        ("events_by_type", "Presentation"): 1 if wm else 2,
        ("events_by_type", "Workshop"): 1,
        ("events_by_type", TOTAL): 2 if wm else 3,
        ("events_by_audience", "Business"): 1 if wm else 2,
        ("events_by_audience", "Pupils"): 1,
        ("events_by_audience", TOTAL): 2 if wm else 3,
        ("attendees_by_audience", "Business"): 20 if wm else 27,
        ("attendees_by_audience", "Pupils"): 30,
        ("attendees_by_audience", TOTAL): 50 if wm else 57,
        ("products_promoted", records["product"].name): 1,
        ("sign_ups_and_feedback", "Sign-ups"): 3 if wm else 4,
        ("sign_ups_and_feedback", "Events with a feedback score"): 2,
        ("lessons_shared", "Lessons shared"): 1,
        ("active_partners_by_sector", "Education"): 1,
        ("active_partners_by_sector", TOTAL): 1,
        ("pathways_by_type", mentoring): 1,
        ("pathways_by_type", TOTAL): 1,
        ("agreements_expiring", "Expiring next quarter"): 1,
    }
    if both:
        found[("new_subjects_by_age_and_sex", "25 and over / Female")] = 1
        found[("new_subjects_by_age_and_sex", "25 and over / Total")] = 1
    return found


@pytest.mark.parametrize("scope", ["WM", "region"])
def test_every_count_of_the_return_matches_the_records(records, scope):
    rows = [row for row in figures_for_return(Q1, scope) if row["scope"] == scope]
    expected = expected_counts(records, scope)
    counted = [r for r in rows if r["measure"] != CHANGE and isinstance(r["value"], int) and r["measure"] != "targets"]
    actual = {(r["measure"], r["breakdown"]): r["value"] for r in counted}

    assert {key: value for key, value in actual.items() if value} == expected


def test_the_rates_averages_and_targets_are_computed_from_the_same_records(records):
    rows = {(r["measure"], r["breakdown"]): r["value"] for r in figures_for_return(Q1, "WM")}

    assert rows[("first_contact", "Percent within 5 working days")] == 50.0
    assert rows[("sign_ups_and_feedback", "Average feedback score")] == 4.5
    assert rows[("targets", "Events delivered (national): target")] == 4
    assert rows[("targets", "Events delivered (national): actual")] == 2
    assert rows[("targets", "Events delivered (national): percent of target")] == 50.0


def test_the_change_against_the_previous_quarter_subtracts_its_figures(records):
    rows = {(r["measure"], r["breakdown"]): r["value"] for r in figures_for_return(Q1, "WM")}

    # 2025/26 Q4 had one WM referral (31 March) and one case opened (23:30 London, 31 March).
    assert rows[(CHANGE, "Referrals received, by source: Total")] == 4 - 1
    assert rows[(CHANGE, "Cases opened, active at quarter end, and closed: Opened")] == 1 - 1


def test_the_regional_return_has_a_section_per_force_and_the_region(records):
    scopes = {row["scope"] for row in figures_for_return(Q1, "region")}

    assert scopes == {"WM", "ST", "WR", "WK", "region"} or ("region" in scopes and "WM" in scopes and "ST" in scopes)


def test_every_measure_has_a_definition():
    from reporting.figures import measures_in_order

    assert all(m.definition and m.label for m in measures_in_order())
    assert {m.kind for m in MEASURES.values()} <= {Kind.COUNT, Kind.SET}


def _queries_of(call) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        call()
    return [query["sql"] for query in captured.captured_queries]


def test_the_regional_figures_cost_the_same_queries_whatever_the_records_and_read_labels_once(records, force_b):
    before = _queries_of(lambda: figures_for_return(Q1, "region"))
    for day in [date(2026, 4, 2), date(2026, 5, 2), date(2026, 6, 2)]:
        CaseFactory(subject=SubjectFactory(force=force_b), number=1, referral_date=day)
        InterventionFactory(case__subject__force=force_b, started_on=day)

    after = _queries_of(lambda: figures_for_return(Q1, "region"))

    assert len(after) == len(before)
    assert sum('FROM "interventions_interventiontype"' in sql for sql in after) == 1
    assert sum('FROM "subjects_vulnerabilityflag"' in sql for sql in after) == 1


def test_an_additive_measure_counted_for_the_region_gives_each_force_what_counting_it_alone_gives(records):
    from accounts.models import Force
    from reporting.figures import measures_in_order, scope_for

    additive = [m for m in measures_in_order() if m.additive]
    assert len(additive) >= 10
    forces = list(Force.objects.filter(active=True).values_list("pk", "code"))
    for quarter in (Q1, Q1.previous()):
        region = scope_for(quarter, "region")
        for m in additive:
            grouped = m.compute(region)
            assert set(grouped) == set(region.force_ids), m.code
            for pk, code in forces:
                assert grouped[pk] == m.compute(scope_for(quarter, code))[pk], (m.code, code)


def test_summing_forces_keeps_each_breakdown_once_in_order_and_the_total_last():
    from reporting.figures import Cell, _summed

    wm = [Cell("School", 2), Cell("Parent", 0), Cell(TOTAL, 2)]
    st = [Cell("School", 1), Cell("Parent", 3), Cell("retired-code", 1), Cell(TOTAL, 5)]

    assert _summed([wm, st]) == [Cell("School", 3), Cell("Parent", 3), Cell("retired-code", 1), Cell(TOTAL, 7)]
