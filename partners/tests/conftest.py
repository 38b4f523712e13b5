"""Fixtures for the partners tests: a partner in force A (WM), one in force B (ST) only, and a case to refer."""

from datetime import date

import pytest

from subjects.models import CaseStatus
from subjects.tests.factories import CaseFactory, SubjectFactory

from .factories import partner_in


@pytest.fixture
def officer(personas):
    return personas["officer_a"]


@pytest.fixture
def partner_a(force_a):
    return partner_in(force_a, name="Oakfield Academy")


@pytest.fixture
def partner_b(force_b):
    """A partner covering force B only: out of reach of officer_a and sergeant_a."""
    return partner_in(force_b, name="Trentside College")


@pytest.fixture
def case(officer):
    """An active case in force A of a 15-year-old (born 1 March 2011, referred 3 days ago), assigned to officer_a."""
    subject = SubjectFactory(
        created_by=officer, first_name="Kai", last_name="Pemberton-Whitlock", date_of_birth=date(2011, 3, 1)
    )
    return CaseFactory(subject=subject, status=CaseStatus.ACTIVE)
