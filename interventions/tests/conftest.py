"""Fixtures for the interventions tests: a case in force A worked by officer_a, and one in force B."""

from datetime import date

import pytest

from subjects.models import CaseStatus
from subjects.tests.factories import CaseFactory, SubjectFactory

from .factories import DisposalFactory


@pytest.fixture
def officer(personas):
    return personas["officer_a"]


@pytest.fixture
def sergeant(personas):
    return personas["sergeant"]


@pytest.fixture
def inspector(personas):
    return personas["inspector"]


@pytest.fixture
def case(officer):
    """An active case of a 15-year-old in force A (WM), assigned to officer_a."""
    subject = SubjectFactory(created_by=officer, date_of_birth=date(2011, 3, 1))
    return CaseFactory(subject=subject, status=CaseStatus.ACTIVE)


@pytest.fixture
def adult_case(officer):
    subject = SubjectFactory(created_by=officer, date_of_birth=date(1990, 3, 1))
    return CaseFactory(subject=subject, status=CaseStatus.ACTIVE)


@pytest.fixture
def case_b(personas, force_b):
    """An active case in force B (ST): out of reach of officer_a and sergeant_a."""
    subject = SubjectFactory(created_by=personas["officer_b"], force=force_b)
    return CaseFactory(subject=subject, status=CaseStatus.ACTIVE)


@pytest.fixture
def draft(case):
    return DisposalFactory(case=case)
