import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from outreach.quarters import FinancialQuarter
from reporting.models import ReturnFrozen, ReturnStatus
from reporting.services import return_diff, return_request, return_submit, return_submitted_before
from subjects.tests.factories import CaseFactory, SubjectFactory

from .factories import QuarterlyReturnFactory

pytestmark = pytest.mark.django_db
Q1 = FinancialQuarter(2026, 1)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def generate(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = return_request(quarter=Q1, scope_code="WM", external=False, by=user)
    made.refresh_from_db()
    return made


def test_a_submitted_return_cannot_be_changed_or_submitted_again(personas, django_capture_on_commit_callbacks):
    made = generate(personas["admin_support"], django_capture_on_commit_callbacks)
    submitted = return_submit(quarterly_return=made, by=personas["admin_support"])

    submitted.figures = {"rows": []}
    with pytest.raises(ReturnFrozen):
        submitted.save()
    with pytest.raises(ReturnFrozen):
        submitted.delete()
    with pytest.raises(ValidationError):
        return_submit(quarterly_return=submitted, by=personas["admin_support"])


def test_regenerating_makes_a_new_version_and_a_diff_against_the_submitted_one(
    personas, force_a, django_capture_on_commit_callbacks
):
    first = generate(personas["admin_support"], django_capture_on_commit_callbacks)
    return_submit(quarterly_return=first, by=personas["admin_support"])
    CaseFactory(subject=SubjectFactory(force=force_a), number=1, referral_date=Q1.start)

    second = generate(personas["admin_support"], django_capture_on_commit_callbacks)

    assert (first.version, second.version) == (1, 2)
    assert second.status == ReturnStatus.DRAFT
    assert return_submitted_before(second).pk == first.pk
    changes = return_diff(old=return_submitted_before(second), new=second)
    referral_total = next(
        c for c in changes if c["measure"] == "Referrals received, by source" and c["breakdown"] == "Total"
    )
    assert (referral_total["old"], referral_total["new"]) == (0, 1)


def test_an_external_return_suppresses_small_numbers(personas, force_a, django_capture_on_commit_callbacks):
    CaseFactory(subject=SubjectFactory(force=force_a), number=1, referral_date=Q1.start)
    with django_capture_on_commit_callbacks(execute=True):
        made = return_request(quarter=Q1, scope_code="WM", external=True, by=personas["admin_support"])
    made.refresh_from_db()

    rows = {(r["measure"], r["breakdown"]): r for r in made.figures["rows"]}
    assert rows[("referrals_by_source", "Total")]["suppressed"]
    assert made.figures["threshold"] == 5


@pytest.mark.parametrize("scope", ["region", "force"])
def test_the_database_refuses_a_second_return_with_the_same_version(scope, force_a):
    force = force_a if scope == "force" else None
    QuarterlyReturnFactory(force=force, version=3)
    QuarterlyReturnFactory(force=force, version=3, external=True)  # the external version is another series

    with pytest.raises(IntegrityError), transaction.atomic():
        QuarterlyReturnFactory(force=force, version=3)
