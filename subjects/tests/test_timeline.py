"""The timeline: one chronological list from every registered source, at a fixed query cost."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from subjects import hooks, timeline
from subjects.models import CaseStatus, CaseStatusChange, EngagementType
from subjects.timeline import TimelineEntry, register_timeline_source, subject_timeline, timeline_sources

from .factories import AttachmentFactory, CaseFactory, EngagementFactory, SubjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_a(personas):
    return personas["officer_a"]


@pytest.fixture
def subject(force_a, officer_a):
    return SubjectFactory(force=force_a, assigned_officer=officer_a)


SUBJECT_SOURCES = [
    timeline.case_opened_entries,
    timeline.case_status_entries,
    timeline.engagement_entries,
    timeline.attachment_entries,
]


@pytest.fixture(autouse=True)
def subject_sources_only(monkeypatch):
    """The subjects app's own sources only: other apps register theirs too, and test them themselves."""
    monkeypatch.setattr(hooks.timeline_sources, "_receivers", list(SUBJECT_SOURCES))


@pytest.fixture
def extra_source():
    return register_timeline_source


def backdate(model, obj, field, when):
    model.objects.filter(pk=obj.pk).update(**{field: when})


def test_the_subjects_app_registers_its_sources_at_start_up(monkeypatch):
    monkeypatch.undo()  # the registry as the apps left it

    assert set(timeline_sources()) >= set(SUBJECT_SOURCES)


def test_registering_a_source_twice_adds_it_once(extra_source):
    def source(subject, viewer):
        return []

    extra_source(source)
    register_timeline_source(source)

    assert timeline_sources().count(source) == 1


def test_the_timeline_merges_cases_status_changes_and_engagements_newest_first(subject, officer_a):
    now = timezone.now()
    case = CaseFactory(subject=subject, status=CaseStatus.TRIAGE)
    backdate(type(case), case, "created_at", now - timedelta(days=10))
    change = CaseStatusChange.objects.create(
        case=case, from_status=CaseStatus.NEW, to_status=CaseStatus.TRIAGE, by=officer_a, reason="Known to school"
    )
    backdate(CaseStatusChange, change, "at", now - timedelta(days=8))
    CaseStatusChange.objects.create(case=case, from_status="", to_status=CaseStatus.NEW, by=officer_a)
    EngagementFactory(
        case=case,
        occurred_at=now - timedelta(days=2),
        type=EngagementType.HOME_VISIT,
        parent_present="yes",
        duration_minutes=45,
        narrative="Talked about booters.",
        officers=[officer_a],
    )

    entries = subject_timeline(subject, officer_a)

    assert [entry.kind for entry in entries] == ["engagement", "status_change", "case_opened"]
    engagement, status, opened = entries
    assert engagement.title == "Home visit: engaged (45 min)"
    assert "Talked about booters." in engagement.detail
    assert "Parent or carer present: yes." in engagement.detail
    assert engagement.actor == officer_a.get_full_name()
    assert engagement.case_reference == f"{subject.reference}/{case.number}"
    assert engagement.url == reverse("subjects:case_detail", args=[case.pk])
    assert status.title == "Case status: new → in triage"
    assert status.detail == "Known to school"
    assert status.actor == officer_a.get_full_name()
    assert opened.title == "Case opened: referral from school"


def test_an_attachment_appears_with_its_download_link(subject, officer_a):
    attachment = AttachmentFactory(subject=subject, original_name="consent.pdf", description="Signed by mum")

    (entry,) = subject_timeline(subject, officer_a)

    assert entry.kind == "attachment"
    assert "consent.pdf" in entry.title
    assert entry.detail == "Signed by mum"
    assert entry.url == reverse("subjects:attachment_download", args=[attachment.pk])


def test_a_registered_source_joins_the_same_timeline_in_order(subject, officer_a, extra_source):
    now = timezone.now()
    EngagementFactory(case__subject=subject, occurred_at=now - timedelta(days=3))

    def follow_ups(subj, viewer):
        yield TimelineEntry(at=now - timedelta(days=1), kind="follow_up", title="3-month check done")
        yield TimelineEntry(at=now - timedelta(days=5), kind="follow_up", title="Check planned")

    extra_source(follow_ups)

    kinds = [entry.kind for entry in subject_timeline(subject, officer_a) if entry.kind != "case_opened"]

    assert kinds == ["follow_up", "engagement", "follow_up"]


def test_the_timeline_is_cut_to_its_limit(subject, officer_a):
    EngagementFactory.create_batch(5, case__subject=subject)

    assert len(subject_timeline(subject, officer_a, limit=3)) == 3


def test_narratives_are_left_out_for_a_viewer_who_may_not_see_details(force_a, officer_a):
    restricted = SubjectFactory(force=force_a, restricted=True, assigned_officer=UserFactory())
    EngagementFactory(case__subject=restricted, narrative="Covert detail")

    entries = subject_timeline(restricted, officer_a)

    assert entries
    assert all("Covert detail" not in entry.detail for entry in entries)


def test_narratives_are_shown_to_the_need_to_know_list(force_a, officer_a):
    restricted = SubjectFactory(force=force_a, restricted=True, assigned_officer=UserFactory())
    restricted.need_to_know.add(officer_a)
    EngagementFactory(case__subject=restricted, narrative="Covert detail")

    entries = subject_timeline(restricted, officer_a)

    assert any("Covert detail" in entry.detail for entry in entries)


@pytest.mark.parametrize("rows", [5, 50])
def test_the_timeline_costs_the_same_queries_for_5_and_50_entries(subject, officer_a, rows, django_assert_num_queries):
    case = CaseFactory(subject=subject, status=CaseStatus.ACTIVE)
    EngagementFactory.create_batch(rows, case=case)
    AttachmentFactory.create_batch(rows, subject=subject, case=case)
    for _ in range(rows):
        CaseStatusChange.objects.create(case=case, from_status="new", to_status="triage", by=officer_a)

    # cases opened, status changes, engagements, engagement officers, attachments
    with django_assert_num_queries(5):
        entries = subject_timeline(subject, officer_a)

    assert len(entries) == 1 + 3 * rows
