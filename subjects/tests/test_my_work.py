"""My work on the dashboard: my open cases, first contacts due or overdue, cases gone quiet."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from subjects.models import Case, CaseStatus
from subjects.selectors.work import my_work

from .factories import CaseFactory, SubjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_a(personas):
    return personas["officer_a"]


def my_case(officer, **fields) -> Case:
    subject = SubjectFactory(assigned_officer=officer)
    fields.setdefault("status", CaseStatus.ACTIVE)
    fields.setdefault("first_contact_at", timezone.now() - timedelta(days=1))
    fields.setdefault("last_engagement_at", timezone.now() - timedelta(days=1))
    return CaseFactory(subject=subject, assigned_officer=officer, **fields)


def created_days_ago(case: Case, days: int) -> Case:
    Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - timedelta(days=days))
    return case


def fresh(user: User) -> User:
    """The user as a new request would load it (no cached force access)."""
    return User.objects.get(pk=user.pk)


def test_my_open_cases_are_listed_and_others_are_not(officer_a, personas):
    new = my_case(officer_a, status=CaseStatus.NEW)
    active = my_case(officer_a)
    closed = my_case(officer_a, status=CaseStatus.CLOSED)
    declined = my_case(officer_a, status=CaseStatus.DECLINED)
    colleagues = my_case(personas["sergeant"])

    work = my_work(fresh(officer_a))

    assert set(work["active_cases"]) == {new, active}
    assert closed not in work["active_cases"]
    assert declined not in work["active_cases"]
    assert colleagues not in work["active_cases"]


def test_first_contacts_due_within_5_working_days_or_overdue_are_listed(officer_a):
    today = timezone.localdate()
    overdue = my_case(officer_a, first_contact_at=None, first_contact_due=today - timedelta(days=2))
    due_soon = my_case(officer_a, first_contact_at=None, first_contact_due=today + timedelta(days=1))
    due_later = my_case(officer_a, first_contact_at=None, first_contact_due=today + timedelta(days=30))
    made = my_case(officer_a, first_contact_due=today - timedelta(days=2))

    work = my_work(fresh(officer_a))

    assert work["first_contacts"] == [overdue, due_soon]
    assert work["first_contacts"][0].overdue
    assert not work["first_contacts"][1].overdue
    assert due_later not in work["first_contacts"]
    assert made not in work["first_contacts"]


def test_cases_with_no_engagement_for_28_days_are_listed(officer_a):
    now = timezone.now()
    quiet = my_case(officer_a, last_engagement_at=now - timedelta(days=29))
    recent = my_case(officer_a, last_engagement_at=now - timedelta(days=27))
    never_and_old = created_days_ago(my_case(officer_a, last_engagement_at=None), 40)
    never_and_new = created_days_ago(my_case(officer_a, last_engagement_at=None), 3)
    closed_quiet = my_case(officer_a, status=CaseStatus.CLOSED, last_engagement_at=now - timedelta(days=60))

    work = my_work(fresh(officer_a))

    assert work["quiet_cases"] == [never_and_old, quiet]
    assert recent not in work["quiet_cases"]
    assert never_and_new not in work["quiet_cases"]
    assert closed_quiet not in work["quiet_cases"]


def test_another_forces_case_assigned_to_me_is_not_shown(officer_a, force_b):
    theirs = CaseFactory(subject__force=force_b, subject__assigned_officer=officer_a, assigned_officer=officer_a)

    assert theirs not in my_work(fresh(officer_a))["active_cases"]


@pytest.mark.parametrize("persona", ["analyst", "admin_support", "sysadmin"])
def test_roles_without_casework_have_no_my_work(personas, persona):
    work = my_work(personas[persona])

    assert work == {"show": False}
    assert render_to_string("subjects/_my_work.html", {"my_work": work}).strip() == ""


def test_the_partial_lists_each_case_with_links(officer_a):
    case = my_case(officer_a, first_contact_at=None, first_contact_due=timezone.localdate() - timedelta(days=1))

    html = render_to_string("subjects/_my_work.html", {"my_work": my_work(fresh(officer_a))})

    assert "My work" in html
    assert reverse("subjects:detail", args=[case.subject_id]) in html
    assert reverse("subjects:case_detail", args=[case.pk]) in html
    assert "Overdue" in html
    assert f"{reverse('subjects:list')}?officer={officer_a.pk}" in html


@pytest.mark.parametrize("rows", [5, 50])
def test_my_work_costs_the_same_queries_for_5_and_50_cases(officer_a, rows, django_assert_num_queries):
    now = timezone.now()
    for index in range(rows):
        quiet = index % 2 == 0
        my_case(
            officer_a,
            first_contact_at=None if index % 3 == 0 else now,
            last_engagement_at=now - timedelta(days=40 if quiet else 1),
        )
    officer = fresh(officer_a)

    # the officer's forces; the open cases with their people
    with django_assert_num_queries(2):
        html = render_to_string("subjects/_my_work.html", {"my_work": my_work(officer)})

    assert html.count(reverse("subjects:case_detail", args=[1]).replace("1/", "")) >= rows
