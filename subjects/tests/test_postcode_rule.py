"""The postcode-district rule sits on the model field, so every writer obeys it, not only the forms."""

import pytest
from django.core.exceptions import ValidationError

from subjects.models import Subject

from .factories import SubjectFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("typed", "stored"), [("b15", "B15"), (" ws 1 ", "WS1"), ("sw1a", "SW1A"), ("", "")])
def test_a_subject_saved_without_a_form_keeps_the_outward_code_in_capitals(typed, stored):
    subject = SubjectFactory(postcode_district=typed)

    subject.full_clean()
    subject.save()

    assert Subject.objects.values_list("postcode_district", flat=True).get(pk=subject.pk) == stored


@pytest.mark.parametrize("typed", ["B15 2TT", "15B", "BB", "ABC1"])
def test_full_clean_refuses_anything_but_the_first_part_of_a_postcode(typed):
    subject = SubjectFactory.build(postcode_district=typed)

    with pytest.raises(ValidationError) as refused:
        subject.full_clean(exclude=["reference", "created_by", "force", "name_key"])

    assert "postcode_district" in refused.value.error_dict
