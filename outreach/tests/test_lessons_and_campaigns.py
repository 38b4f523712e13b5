"""The lessons learnt register and campaigns."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from outreach.models import Campaign, LessonLearnt, LessonStatus
from outreach.tests.factories import CampaignFactory, LessonLearntFactory

pytestmark = pytest.mark.django_db


def _lesson_data(force, **overrides) -> dict:
    data = {
        "force": force.pk,
        "source_operation": "Op Tollgate",
        "theme": "Booter services",
        "finding": "Booters advertised in game-cheat servers.",
        "recommendation": "Brief schools.",
        "status": "draft",
        "shared_with": "",
        "date_shared": "",
    }
    data.update(overrides)
    return data


def test_an_officer_records_a_lesson(personas, client_for, force_a):
    officer = personas["officer_a"]

    response = client_for(officer).post(reverse("outreach:lesson_new"), _lesson_data(force_a))

    lesson = LessonLearnt.objects.get()
    assert response.status_code == 302
    assert (lesson.force, lesson.recorded_by, lesson.status) == (force_a, officer, LessonStatus.DRAFT)


def test_a_shared_lesson_needs_whom_and_when(personas, client_for, force_a):
    response = client_for(personas["officer_a"]).post(
        reverse("outreach:lesson_new"), _lesson_data(force_a, status="shared")
    )

    errors = response.context["form"].errors
    assert errors["date_shared"] == ["Give the date the lesson was shared."]
    assert errors["shared_with"] == ["Say who the lesson was shared with."]
    assert LessonLearnt.objects.count() == 0


def test_a_lesson_cannot_be_shared_in_the_future(personas, client_for, force_a):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    data = _lesson_data(force_a, status="shared", shared_with="NCA", date_shared=tomorrow)

    response = client_for(personas["officer_a"]).post(reverse("outreach:lesson_new"), data)

    assert response.context["form"].errors["date_shared"] == ["The date shared cannot be in the future."]


def test_a_lesson_edit_conflict_keeps_the_input(personas, client_for, force_a):
    lesson = LessonLearntFactory(force=force_a)
    url = reverse("outreach:lesson_edit", args=[lesson.pk])
    client = client_for(personas["sergeant"])
    data = _lesson_data(force_a, version="1", status="shared", shared_with="National network", date_shared="2026-05-01")

    first = client.post(url, data)
    second = client.post(url, {**data, "theme": "Account takeover"})

    lesson.refresh_from_db()
    assert first.status_code == 302
    assert (lesson.status, lesson.theme, lesson.version) == ("shared", "Booter services", 2)
    assert "Someone else saved this record" in second.content.decode()
    assert 'value="Account takeover"' in second.content.decode()


def test_lessons_are_scoped_to_the_users_forces(personas, client_for, force_a, force_b):
    ours = LessonLearntFactory(force=force_b)
    theirs = LessonLearntFactory(force=force_a)
    client = client_for(personas["officer_b"])

    listed = client.get(reverse("outreach:lesson_list")).context["page"].object_list

    assert list(listed) == [ours]
    assert client.get(reverse("outreach:lesson_edit", args=[theirs.pk])).status_code == 404


def test_the_lesson_list_filters_by_status(personas, client_for, force_a):
    LessonLearntFactory(force=force_a)
    actioned = LessonLearntFactory(force=force_a, status="actioned", shared_with="NCA", date_shared=date(2026, 1, 5))

    response = client_for(personas["analyst"]).get(reverse("outreach:lesson_list"), {"status": "actioned"})

    assert list(response.context["page"].object_list) == [actioned]


def test_an_officer_adds_a_campaign(personas, client_for):
    data = {"name": "Safer gaming", "scope": "local", "start_date": "2026-10-01", "end_date": "2026-12-15"}

    response = client_for(personas["officer_a"]).post(reverse("outreach:campaign_new"), data)

    assert response.status_code == 302
    assert Campaign.objects.get().name == "Safer gaming"


def test_a_campaign_cannot_end_before_it_starts(personas, client_for):
    data = {"name": "Backwards", "scope": "national", "start_date": "2026-10-01", "end_date": "2026-09-30"}

    response = client_for(personas["officer_a"]).post(reverse("outreach:campaign_new"), data)

    assert response.context["form"].errors["end_date"] == ["The campaign cannot end before it starts."]
    assert Campaign.objects.count() == 0


def test_the_database_refuses_a_campaign_that_ends_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.create(name="x", start_date=date(2026, 5, 2), end_date=date(2026, 5, 1))


def test_campaigns_are_listed_for_analysts(personas, client_for):
    CampaignFactory(name="Winter scams")

    assert "Winter scams" in client_for(personas["analyst"]).get(reverse("outreach:campaign_list")).content.decode()
