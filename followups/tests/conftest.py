"""Fixtures for the follow-up tests: those of the interventions tests (a case in force A worked by officer_a, and
one in force B), so both apps' tests speak of the same people and cases."""

from interventions.tests.conftest import adult_case, case, case_b, draft, inspector, officer, sergeant

__all__ = ["adult_case", "case", "case_b", "draft", "inspector", "officer", "sergeant"]
