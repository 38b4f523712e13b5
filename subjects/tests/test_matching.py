"""Possible duplicates: same date of birth and a similar name, or the same normalised online identifier."""

from datetime import date

import pytest

from accounts.tests.factories import UserFactory
from subjects.matching import edit_distance, identifier_key, name_key, names_similar, possible_matches
from subjects.models import Platform
from subjects.tests.factories import OnlineIdentifierFactory, SubjectAliasFactory, SubjectFactory

pytestmark = pytest.mark.django_db

DOB = date(2010, 5, 17)


@pytest.fixture
def officer(personas):
    return personas["officer_a"]


def find(viewer, first_name="", last_name="", date_of_birth=DOB, identifiers=(), aliases=()):
    return possible_matches(
        viewer=viewer,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        identifiers=list(identifiers),
        aliases=list(aliases),
    )


def subjects_of(matches):
    return [match.subject for match in matches]


# ------------------------------------------------------------------------------
# Names, with the same date of birth
# ------------------------------------------------------------------------------
def test_a_typo_in_the_first_name_still_matches(officer):
    known = SubjectFactory(first_name="Jonathan", last_name="Smith", date_of_birth=DOB)

    matches = find(officer, "Jonathon", "Smith")

    assert subjects_of(matches) == [known]
    assert matches[0].why == "same date of birth and a similar name"


def test_transposed_letters_still_match(officer):
    known = SubjectFactory(first_name="John", last_name="Smith", date_of_birth=DOB)

    assert subjects_of(find(officer, "Jonh", "Smith")) == [known]


def test_two_typos_across_the_whole_name_still_match(officer):
    known = SubjectFactory(first_name="Jonathan", last_name="Smith", date_of_birth=DOB)

    assert subjects_of(find(officer, "Jonathon", "Smyth")) == [known]


def test_accents_are_ignored(officer):
    known = SubjectFactory(first_name="Zoë", last_name="Okafor", date_of_birth=DOB)

    assert subjects_of(find(officer, "Zoe", "Okafor")) == [known]


def test_case_and_spacing_are_ignored(officer):
    known = SubjectFactory(first_name="Amy", last_name="McKenzie", date_of_birth=DOB)

    assert subjects_of(find(officer, " amy", "  mcKENZIE ")) == [known]
    assert subjects_of(find(officer, "Amy", "Mc Kenzie")) == [known]


def test_punctuation_is_ignored(officer):
    known = SubjectFactory(first_name="Liam", last_name="O'Neill", date_of_birth=DOB)

    assert subjects_of(find(officer, "Liam", "ONeill")) == [known]


def test_first_and_family_names_swapped_still_match(officer):
    known = SubjectFactory(first_name="Kai", last_name="Thompson", date_of_birth=DOB)

    assert subjects_of(find(officer, "Thompson", "Kai")) == [known]


def test_a_known_alias_matches_the_typed_name(officer):
    known = SubjectFactory(first_name="Robert", last_name="Hughes", date_of_birth=DOB)
    SubjectAliasFactory(subject=known, name="Bobby Hughes")

    matches = find(officer, "Bobby", "Hughes")

    assert subjects_of(matches) == [known]
    assert "alias “Bobby Hughes”" in matches[0].why


def test_an_alias_typed_on_the_referral_matches_the_known_name(officer):
    known = SubjectFactory(first_name="Robert", last_name="Hughes", date_of_birth=DOB)

    matches = find(officer, "Bobby", "Hughes", aliases=["Robert Hughes"])

    assert subjects_of(matches) == [known]
    assert "alias you entered" in matches[0].why


def test_a_common_surname_with_another_date_of_birth_does_not_match(officer):
    SubjectFactory(first_name="John", last_name="Smith", date_of_birth=date(2011, 3, 4))

    assert find(officer, "John", "Smith", date_of_birth=date(2010, 1, 1)) == []


def test_another_name_with_the_same_date_of_birth_does_not_match(officer):
    SubjectFactory(first_name="Jane", last_name="Smith", date_of_birth=DOB)
    SubjectFactory(first_name="Jonathan", last_name="Pryce", date_of_birth=DOB)

    assert find(officer, "John", "Smith") == []


def test_without_a_date_of_birth_only_identifiers_can_match(officer):
    SubjectFactory(first_name="John", last_name="Smith", date_of_birth=DOB)

    assert find(officer, "John", "Smith", date_of_birth=None) == []


# ------------------------------------------------------------------------------
# Online identifiers
# ------------------------------------------------------------------------------
def test_a_handle_matches_whatever_its_case_spaces_or_leading_at(officer):
    known = SubjectFactory(date_of_birth=date(2009, 1, 1))
    OnlineIdentifierFactory(subject=known, platform=Platform.DISCORD, handle="@Sk1dd13")

    matches = find(officer, "Someone", "Else", identifiers=[(Platform.DISCORD, " sk1dd13 ")])

    assert subjects_of(matches) == [known]
    assert matches[0].why == "same Discord handle (@Sk1dd13)"


def test_gmail_addresses_match_ignoring_dots_and_plus_tags(officer):
    known = SubjectFactory(date_of_birth=date(2009, 1, 1))
    OnlineIdentifierFactory(subject=known, platform=Platform.EMAIL, handle="jsmith@gmail.com")

    matches = find(officer, "Someone", "Else", identifiers=[(Platform.EMAIL, "J.Smith+x@gmail.com")])

    assert subjects_of(matches) == [known]
    assert matches[0].why == "same email address (jsmith@gmail.com)"


def test_a_gmail_address_typed_as_email_matches_one_recorded_as_gmail(officer):
    known = SubjectFactory(date_of_birth=date(2009, 1, 1))
    OnlineIdentifierFactory(subject=known, platform=Platform.GMAIL, handle="j.smith@googlemail.com")

    assert subjects_of(find(officer, "A", "B", identifiers=[(Platform.EMAIL, "jsmith@gmail.com")])) == [known]


def test_dots_still_matter_for_other_email_providers(officer):
    known = SubjectFactory(date_of_birth=date(2009, 1, 1))
    OnlineIdentifierFactory(subject=known, platform=Platform.EMAIL, handle="j.smith@example.org")

    assert find(officer, "A", "B", identifiers=[(Platform.EMAIL, "jsmith@example.org")]) == []


def test_the_same_handle_on_another_platform_does_not_match(officer):
    known = SubjectFactory(date_of_birth=date(2009, 1, 1))
    OnlineIdentifierFactory(subject=known, platform=Platform.STEAM, handle="sk1dd13")

    assert find(officer, "A", "B", identifiers=[(Platform.DISCORD, "sk1dd13")]) == []


def test_a_common_name_with_another_date_of_birth_matches_when_an_identifier_matches(officer):
    known = SubjectFactory(first_name="John", last_name="Smith", date_of_birth=date(2011, 3, 4))
    OnlineIdentifierFactory(subject=known, platform=Platform.DISCORD, handle="smithy")

    matches = find(officer, "John", "Smith", date_of_birth=date(2010, 1, 1), identifiers=[("discord", "Smithy")])

    assert subjects_of(matches) == [known]


def test_a_subject_matching_on_name_and_handle_is_listed_once_with_both_reasons(officer):
    known = SubjectFactory(first_name="John", last_name="Smith", date_of_birth=DOB)
    OnlineIdentifierFactory(subject=known, platform=Platform.DISCORD, handle="smithy")

    matches = find(officer, "John", "Smith", identifiers=[("discord", "smithy")])

    assert subjects_of(matches) == [known]
    assert matches[0].reasons == ["same date of birth and a similar name", "same Discord handle (smithy)"]


# ------------------------------------------------------------------------------
# Scoping and restriction
# ------------------------------------------------------------------------------
def test_subjects_of_another_force_are_never_matched(personas, force_b):
    other_force = SubjectFactory(first_name="John", last_name="Smith", date_of_birth=DOB, force=force_b)
    OnlineIdentifierFactory(subject=other_force, platform=Platform.DISCORD, handle="smithy")

    assert find(personas["officer_a"], "John", "Smith", identifiers=[("discord", "smithy")]) == []
    assert subjects_of(find(personas["officer_b"], "John", "Smith")) == [other_force]


def test_merged_records_are_not_matched(officer):
    survivor = SubjectFactory(first_name="John", last_name="Smith", date_of_birth=date(2001, 1, 1))
    SubjectFactory(first_name="John", last_name="Smith", date_of_birth=DOB, merged_into=survivor)

    assert find(officer, "John", "Smith") == []


def test_a_restricted_match_is_reported_without_its_details(personas):
    contact = UserFactory(first_name="Dana", last_name="Reeve", role="sergeant")
    SubjectFactory(
        first_name="John", last_name="Smith", date_of_birth=DOB, restricted=True, restriction_contact=contact
    )

    [match] = find(personas["officer_a"], "John", "Smith")

    assert match.details_visible is False
    assert match.contact_name == "Dana Reeve"
    assert match.why == "matches the details entered"


def test_a_restricted_match_does_not_quote_its_aliases_or_handles(personas):
    restricted = SubjectFactory(first_name="Robert", last_name="Hughes", date_of_birth=DOB, restricted=True)
    SubjectAliasFactory(subject=restricted, name="Bobby Hughes")
    OnlineIdentifierFactory(subject=restricted, platform=Platform.DISCORD, handle="B0bbyH")

    [match] = find(personas["officer_a"], "Bobby", "Hughes", identifiers=[("discord", "@b0bbyh ")])

    assert "Bobby" not in match.why
    assert "B0bbyH" not in match.why


def test_a_restricted_match_is_shown_in_full_to_a_supervisor(personas):
    SubjectFactory(first_name="John", last_name="Smith", date_of_birth=DOB, restricted=True)

    [match] = find(personas["sergeant"], "John", "Smith")

    assert match.details_visible is True


def test_a_restricted_match_is_shown_in_full_to_the_need_to_know_list(personas):
    officer = personas["officer_a"]
    restricted = SubjectFactory(first_name="John", last_name="Smith", date_of_birth=DOB, restricted=True)
    restricted.need_to_know.add(officer)

    [match] = find(officer, "John", "Smith")

    assert match.details_visible is True


def test_analysts_never_get_matches(personas):
    SubjectFactory(first_name="John", last_name="Smith", date_of_birth=DOB)

    assert find(personas["analyst"], "John", "Smith") == []


# ------------------------------------------------------------------------------
# Scale: the database narrows, Python compares a handful
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("candidates", [5, 50])
def test_matching_asks_the_database_the_same_number_of_queries_however_many_candidates(
    officer, candidates, django_assert_num_queries
):
    for number in range(candidates):
        subject = SubjectFactory(first_name=f"Person{number}", last_name="Smith", date_of_birth=DOB)
        SubjectAliasFactory(subject=subject)
        OnlineIdentifierFactory(subject=subject, platform=Platform.DISCORD, handle=f"handle{number}")
    SubjectFactory(first_name="John", last_name="Smith", date_of_birth=DOB)
    find(officer, "warm", "up")  # caches the officer's forces

    # 1 subjects with this date of birth, 2 their aliases, 3 subjects with these identifiers.
    with django_assert_num_queries(3):
        matches = find(officer, "John", "Smith", identifiers=[("discord", "handle1"), ("discord", "handle2")])

    assert len(matches) == 3


# ------------------------------------------------------------------------------
# The building blocks
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("john", "john", 0), ("jonh", "john", 1), ("jonathon", "jonathan", 1), ("ca", "abc", 3), ("", "ab", 2)],
)
def test_edit_distance_counts_a_transposition_as_one_edit(a, b, distance):
    assert edit_distance(a, b) == distance


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        ("john smith", "jonh smith", True),
        ("john smith", "smith john", True),
        ("jonathon smyth", "jonathan smith", True),
        ("john smith", "jane smith", False),
        ("al li", "bo li", False),
        ("john smith", "john smithson", False),
    ],
)
def test_names_similar(a, b, similar):
    assert names_similar(tuple(a.split()), tuple(b.split())) is similar


def test_name_key_folds_case_accents_punctuation_and_spaces():
    assert name_key("  Zoë  O'Neill ") == "zoe oneill"


@pytest.mark.parametrize(
    ("platform", "handle", "key"),
    [
        (Platform.DISCORD, "@Sk1dd13", "sk1dd13"),
        (Platform.DISCORD, " sk1dd13 ", "sk1dd13"),
        (Platform.EMAIL, "J.Smith+x@gmail.com", "jsmith@gmail.com"),
        (Platform.EMAIL, "J.Smith+x@example.org", "j.smith@example.org"),
        (Platform.GMAIL, "j.smith@googlemail.com", "jsmith@gmail.com"),
    ],
)
def test_identifier_key_normalises_handles(platform, handle, key):
    assert identifier_key(platform, handle) == key
