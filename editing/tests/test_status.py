"""The status machine: an explicit map refuses other moves; a move saves one version up with one history row."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from editing.status import Transitions, status_history_start, status_move
from subjects.models import Case, CaseStatus, CaseStatusChange
from subjects.tests.factories import CaseFactory

CASES = Transitions(
    statuses=CaseStatus,
    moves={CaseStatus.NEW: frozenset({CaseStatus.TRIAGE}), CaseStatus.TRIAGE: frozenset()},
    refusal="A case that is {current} cannot move to {target}.",
)


def test_it_allows_only_the_moves_in_the_map():
    assert CASES.allowed(CaseStatus.NEW) == {CaseStatus.TRIAGE}
    assert CASES.allowed(CaseStatus.TRIAGE) == frozenset()
    assert CASES.allowed(CaseStatus.CLOSED) == frozenset()
    CASES.check(CaseStatus.NEW, CaseStatus.TRIAGE)


def test_a_move_outside_the_map_is_refused_with_the_lower_case_labels():
    with pytest.raises(ValidationError) as raised:
        CASES.check(CaseStatus.NEW, CaseStatus.CLOSED)

    assert raised.value.messages == ["A case that is new cannot move to closed."]


def test_an_unknown_status_is_quoted_in_the_refusal():
    with pytest.raises(ValidationError) as raised:
        CASES.check(CaseStatus.NEW, "archived")

    assert raised.value.messages == ["A case that is new cannot move to 'archived'."]


@pytest.mark.django_db
class TestStatusMove:
    @pytest.fixture
    def case(self):
        return CaseFactory(status=CaseStatus.NEW)

    def _move(self, case, **kwargs):
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            return status_move(locked, transitions=CASES, by=case.created_by, **kwargs)

    def test_it_saves_one_version_up_and_writes_one_history_row(self, case):
        moved = self._move(case, to_status=CaseStatus.TRIAGE, reason="  Looked at it.  ")

        assert moved.version == case.version + 1
        saved = Case.objects.get(pk=case.pk)
        assert (saved.status, saved.version) == (CaseStatus.TRIAGE, case.version + 1)
        change = CaseStatusChange.objects.get(case=case)
        assert (change.from_status, change.to_status, change.by, change.reason) == (
            CaseStatus.NEW,
            CaseStatus.TRIAGE,
            case.created_by,
            "Looked at it.",
        )
        assert (change.get_from_status_display(), change.get_to_status_display()) == ("New", "In triage")

    def test_apply_runs_on_the_moved_record_and_may_refuse(self, case):
        seen = []

        def refuse(record):
            seen.append(record.status)
            raise ValidationError("Say why.")

        with pytest.raises(ValidationError, match=r"Say why\."):
            self._move(case, to_status=CaseStatus.TRIAGE, apply=refuse)

        assert seen == [CaseStatus.TRIAGE]
        saved = Case.objects.get(pk=case.pk)
        assert (saved.status, saved.version) == (CaseStatus.NEW, case.version)
        assert not CaseStatusChange.objects.filter(case=case).exists()

    def test_a_refused_move_writes_nothing(self, case):
        with pytest.raises(ValidationError, match=r"A case that is new cannot move to closed\."):
            self._move(case, to_status=CaseStatus.CLOSED)

        saved = Case.objects.get(pk=case.pk)
        assert (saved.status, saved.version) == (CaseStatus.NEW, case.version)
        assert not CaseStatusChange.objects.filter(case=case).exists()

    def test_the_first_history_row_has_no_from_status(self, case):
        status_history_start(case, by=case.created_by, reason=" Referral recorded ")

        change = CaseStatusChange.objects.get(case=case)
        assert (change.from_status, change.to_status, change.reason) == ("", CaseStatus.NEW, "Referral recorded")
        assert change.get_from_status_display() == ""
