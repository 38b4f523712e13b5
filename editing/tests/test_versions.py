"""The no-lost-update core: only what differs is written, a stale version writes nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from editing.versions import ConflictError, versioned_update
from subjects.models import ActivityType, Case
from subjects.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    return CaseFactory(narrative="First account.", referrer="School DSL")


@pytest.fixture
def activities():
    return [ActivityType.objects.create(code=f"editing-test-{n}", label=f"Test activity {n}") for n in range(2)]


def _update(case, **kwargs):
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case.pk)
        return current, versioned_update(current, **kwargs)


def test_it_writes_the_fields_that_differ_and_returns_their_names(case):
    changes = {"narrative": "Second account.", "referrer": "School DSL"}

    current, changed = _update(case, expected_version=case.version, changes=changes)

    assert changed == ["narrative"]
    assert current.version == case.version + 1
    saved = Case.objects.get(pk=case.pk)
    assert (saved.narrative, saved.referrer, saved.version) == ("Second account.", "School DSL", case.version + 1)


def test_it_writes_nothing_when_nothing_differs(case, django_assert_num_queries):
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case.pk)
        # Nothing to compare in the database and nothing to save: no query at all.
        with django_assert_num_queries(0):
            changed = versioned_update(current, expected_version=case.version, changes={"narrative": case.narrative})

    assert changed == []
    assert Case.objects.get(pk=case.pk).version == case.version


def test_a_stale_version_raises_a_conflict_and_writes_nothing(case):
    Case.objects.filter(pk=case.pk).update(version=case.version + 1)

    with pytest.raises(ConflictError) as raised:
        _update(case, expected_version=case.version, changes={"narrative": "Lost edit."})

    assert raised.value.current.pk == case.pk
    assert raised.value.current.version == case.version + 1
    saved = Case.objects.get(pk=case.pk)
    assert (saved.narrative, saved.version) == ("First account.", case.version + 1)


def test_many_to_many_fields_are_compared_as_sets(case, activities):
    first, second = activities
    case.activity_types.set([first, second])

    relation = {"expected_version": case.version, "many_to_many": ["activity_types"]}

    _, same = _update(case, changes={"activity_types": [second, first]}, **relation)
    current, fewer = _update(case, changes={"activity_types": [first]}, **relation)

    assert same == []
    assert fewer == ["activity_types"]
    assert current.version == case.version + 1
    assert set(Case.objects.get(pk=case.pk).activity_types.all()) == {first}


def test_before_save_sees_the_changed_names_and_may_refuse(case):
    seen = []

    def refuse(current, changed):
        seen.append((current.narrative, list(changed)))
        raise ValidationError("Not today.")

    with pytest.raises(ValidationError, match=r"Not today\."):
        _update(case, expected_version=case.version, changes={"narrative": "Refused."}, before_save=refuse)

    assert seen == [("Refused.", ["narrative"])]
    saved = Case.objects.get(pk=case.pk)
    assert (saved.narrative, saved.version) == ("First account.", case.version)
