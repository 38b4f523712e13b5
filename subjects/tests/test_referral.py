"""Referral intake: one form that checks for people already known, then links the referral or creates a person."""

import re
import threading
from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from audit.models import AccessEvent, Operation
from subjects.models import (
    ActivityType,
    Case,
    CaseStatus,
    CaseStatusChange,
    OnlineIdentifier,
    Platform,
    Subject,
    SubjectAlias,
    VulnerabilityFlag,
)
from subjects.services.intake import referral_record
from subjects.tests.factories import CaseFactory, OnlineIdentifierFactory, SubjectFactory
from subjects.workdays import add_working_days

pytestmark = pytest.mark.django_db

URL = reverse("subjects:referral_new")
DOB = date(2010, 5, 17)


def years_ago(years: int, days: int = 0) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - timedelta(days=days)


def referral_data(force, **overrides) -> dict:
    """A complete, valid referral as the browser posts it."""
    data = {
        "first_name": "Jordan",
        "last_name": "Ashworth",
        "date_of_birth": DOB.isoformat(),
        "sex": "male",
        "force": force.pk,
        "postcode_district": "b15",
        "school_or_employer": "Synthetic Academy",
        "category": "at_risk",
        "vulnerability_flags": [VulnerabilityFlag.objects.get(code="adhd").pk],
        "risk_level": "medium",
        "platform_1": Platform.DISCORD,
        "handle_1": "@Gl1tchK1ng",
        "platform_2": Platform.EMAIL,
        "handle_2": "jordan.a+games@gmail.com",
        "platform_3": "",
        "handle_3": "",
        "platform_4": "",
        "handle_4": "",
        "aliases": "Jordy\n\n  GlitchKing  \n",
        "referral_date": timezone.localdate().isoformat(),
        "source": "school",
        "referrer": "Designated safeguarding lead",
        "operation": "",
        "activity_types": [ActivityType.objects.get(code="booter_ddos").pk],
        "cma_sections": ["s1", "s3"],
        "narrative": "Synthetic: booter use reported by the school.",
    }
    data.update(overrides)
    return data


def row_counts() -> tuple[int, int, int]:
    """People, cases and logged changes; showing possible matches is a consultation, and is counted apart."""
    changes = AccessEvent.objects.exclude(operation=Operation.CONSULTATION)
    return Subject.objects.count(), Case.objects.count(), changes.count()


@pytest.fixture
def officer(personas):
    return personas["officer_a"]


@pytest.fixture
def client(client_for, officer):
    return client_for(officer)


@pytest.fixture
def known(officer, force_a):
    """Someone already recorded who looks like the Jordan Ashworth of ``referral_data``."""
    subject = SubjectFactory(
        reference="WM-2025-00007", first_name="Jordon", last_name="Ashworth", date_of_birth=DOB, force=force_a
    )
    CaseFactory(subject=subject, number=1, status=CaseStatus.CLOSED)
    return subject


def show_matches(client, data: dict) -> str:
    """Post once and return the confirmation token the possible-match panel carries."""
    response = client.post(URL, data)
    assert response.status_code == 200
    return re.search(r'name="match_check" value="([0-9a-f]+)"', response.content.decode()).group(1)


# ------------------------------------------------------------------------------
# The form
# ------------------------------------------------------------------------------
def test_an_officer_gets_an_empty_referral_form_dated_today(client):
    response = client.get(URL)

    assert response.status_code == 200
    assert "Record a referral" in response.content.decode()
    assert response.context["form"]["referral_date"].value() == timezone.localdate()
    assert "Possible matches" not in response.content.decode()


def test_the_force_area_offers_only_the_forces_the_officer_can_access(client, force_a):
    form = client.get(URL).context["form"]

    assert list(form.fields["force"].queryset) == [force_a]


def test_the_form_has_rows_for_at_least_three_online_identifiers(client):
    html = client.get(URL).content.decode()

    for row in (1, 2, 3):
        assert f'name="platform_{row}"' in html
        assert f'name="handle_{row}"' in html


def test_only_active_vulnerability_flags_are_offered(client):
    VulnerabilityFlag.objects.filter(code="adhd").update(active=False)

    form = client.get(URL).context["form"]

    assert not form.fields["vulnerability_flags"].queryset.filter(code="adhd").exists()


# ------------------------------------------------------------------------------
# A new person, no matches: saved at once
# ------------------------------------------------------------------------------
def test_a_referral_for_someone_unknown_creates_the_subject_and_a_new_case(client, officer, force_a):
    response = client.post(URL, referral_data(force_a))

    subject = Subject.objects.get()
    case = Case.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("subjects:case_detail", args=[case.pk])
    assert re.fullmatch(rf"WM-{timezone.localdate().year}-\d{{5}}", subject.reference)
    assert (subject.first_name, subject.last_name, subject.force) == ("Jordan", "Ashworth", force_a)
    assert subject.postcode_district == "B15"
    assert subject.assigned_officer == officer
    assert [flag.code for flag in subject.vulnerability_flags.all()] == ["adhd"]
    assert case.subject == subject
    assert case.status == CaseStatus.NEW
    assert case.number == 1
    assert case.cma_sections == ["s1", "s3"]
    assert [activity.code for activity in case.activity_types.all()] == ["booter_ddos"]
    assert case.first_contact_due == add_working_days(timezone.localdate(), 5)
    assert CaseStatusChange.objects.filter(case=case, to_status=CaseStatus.NEW).count() == 1


def test_the_new_subject_keeps_the_typed_identifiers_and_aliases(client, force_a):
    client.post(URL, referral_data(force_a))

    subject = Subject.objects.get()
    assert sorted(subject.identifiers.values_list("platform", "handle_key")) == [
        ("discord", "gl1tchk1ng"),
        ("email", "jordana@gmail.com"),
    ]
    assert sorted(subject.aliases.values_list("name", flat=True)) == ["GlitchKing", "Jordy"]


def test_saving_says_so_with_the_case_reference(client, force_a):
    response = client.post(URL, referral_data(force_a))

    case = Case.objects.get()
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        f"Referral recorded as case {case.reference}."
    ]


def test_a_referral_logs_the_collection_of_the_subject_and_the_case(client, officer, force_a):
    client.post(URL, referral_data(force_a))

    subject, case = Subject.objects.get(), Case.objects.get()
    events = AccessEvent.objects.filter(operation=Operation.COLLECTION, actor=officer)
    assert sorted(events.values_list("object_type", "object_id", "force")) == [
        ("case", str(case.pk), "WM"),
        ("subject", str(subject.pk), "WM"),
    ]


def test_a_full_postcode_is_refused_to_keep_only_the_district(client, force_a):
    response = client.post(URL, referral_data(force_a, postcode_district="B15 2TT"))

    assert "Enter the first part of the postcode only" in response.content.decode()
    assert Subject.objects.count() == 0


@pytest.mark.parametrize("district", ["b15", "WS1", "cv10", "DY11", "SW1A", " ws 1 "])
def test_postcode_districts_are_accepted_and_uppercased(client, force_a, district):
    client.post(URL, referral_data(force_a, postcode_district=district))

    assert Subject.objects.get().postcode_district == "".join(district.split()).upper()


# ------------------------------------------------------------------------------
# Possible matches
# ------------------------------------------------------------------------------
def test_possible_matches_are_shown_before_anything_is_saved(client, known, force_a):
    before = row_counts()

    response = client.post(URL, referral_data(force_a))

    html = response.content.decode()
    assert response.status_code == 200
    assert row_counts() == before
    assert 'role="alert"' in html
    assert "Possible matches" in html
    assert "Link this referral to WM-2025-00007" in html
    assert "Jordon Ashworth" in html
    assert "17 May 2010" in html
    assert "West Midlands Police" in html
    assert "Same date of birth and a similar name" in html
    assert "None of these — create a new person" in html


def test_showing_possible_matches_is_one_consultation_naming_them(client, known, force_a):
    client.post(URL, referral_data(force_a))

    event = AccessEvent.objects.get(operation=Operation.CONSULTATION)
    assert (event.object_type, event.object_id, event.force) == ("possible_matches", "", "WM")
    assert event.justification == "Shown: WM-2025-00007"


def test_the_possible_match_step_keeps_everything_typed(client, known, force_a):
    response = client.post(URL, referral_data(force_a))

    html = response.content.decode()
    for typed in ("Jordan", "@Gl1tchK1ng", "jordan.a+games@gmail.com", "GlitchKing", "booter use reported"):
        assert typed in html


def test_saving_after_the_matches_are_shown_requires_a_choice(client, known, force_a):
    token = show_matches(client, referral_data(force_a))
    before = row_counts()

    response = client.post(URL, referral_data(force_a, match_check=token))

    assert response.status_code == 200
    assert "Choose the person to link this referral to" in response.content.decode()
    assert row_counts() == before


def test_an_officer_links_the_referral_to_the_person_already_known(client, officer, known, force_a):
    token = show_matches(client, referral_data(force_a))

    response = client.post(URL, referral_data(force_a, match_check=token, link_to=known.pk))

    case = Case.objects.get(subject=known, number=2)
    assert response.status_code == 302
    assert response.url == reverse("subjects:case_detail", args=[case.pk])
    assert Subject.objects.count() == 1
    assert case.status == CaseStatus.NEW
    assert case.force == known.force


def test_linking_adds_the_new_identifiers_aliases_and_flags_to_the_known_person(client, officer, known, force_a):
    OnlineIdentifierFactory(subject=known, platform=Platform.DISCORD, handle="gl1tchk1ng")
    token = show_matches(client, referral_data(force_a))

    client.post(URL, referral_data(force_a, match_check=token, link_to=known.pk))

    known.refresh_from_db()
    assert known.identifiers.count() == 2
    assert sorted(known.aliases.values_list("name", flat=True)) == ["GlitchKing", "Jordy"]
    assert [flag.code for flag in known.vulnerability_flags.all()] == ["adhd"]
    assert known.version == 2
    alteration = AccessEvent.objects.get(operation=Operation.ALTERATION, object_type="subject")
    assert alteration.changed_fields == ["aliases", "identifiers", "vulnerability_flags"]


def test_linking_logs_the_collection_of_the_case(client, officer, known, force_a):
    token = show_matches(client, referral_data(force_a))

    client.post(URL, referral_data(force_a, match_check=token, link_to=known.pk))

    case = Case.objects.get(subject=known, number=2)
    assert AccessEvent.objects.filter(
        operation=Operation.COLLECTION, object_type="case", object_id=str(case.pk), actor=officer
    ).exists()


def test_an_officer_confirms_a_new_person_despite_the_matches(client, known, force_a):
    token = show_matches(client, referral_data(force_a))

    response = client.post(URL, referral_data(force_a, match_check=token, link_to="new"))

    assert response.status_code == 302
    new = Subject.objects.exclude(pk=known.pk).get()
    assert new.cases.get().status == CaseStatus.NEW
    assert known.cases.count() == 1


def test_changing_the_name_after_the_matches_were_shown_shows_them_again(client, known, force_a):
    token = show_matches(client, referral_data(force_a))
    before = row_counts()

    response = client.post(URL, referral_data(force_a, first_name="Jordann", match_check=token, link_to="new"))

    assert response.status_code == 200
    assert "Possible matches" in response.content.decode()
    assert row_counts() == before


def test_a_matching_handle_is_enough_to_show_a_possible_match(client, force_a):
    other = SubjectFactory(first_name="Someone", last_name="Else", date_of_birth=date(2008, 1, 1), force=force_a)
    OnlineIdentifierFactory(subject=other, platform=Platform.EMAIL, handle="jordana@gmail.com")

    response = client.post(URL, referral_data(force_a))

    assert "Same email address (jordana@gmail.com)" in response.content.decode()
    assert Case.objects.count() == 0


def test_a_restricted_match_shows_only_whom_to_contact_and_cannot_be_linked(client, force_a, personas):
    contact = personas["sergeant"]
    SubjectFactory(
        reference="WM-2025-00099",
        first_name="Jordan",
        last_name="Ashworth",
        date_of_birth=DOB,
        force=force_a,
        restricted=True,
        restriction_contact=contact,
    )

    html = client.post(URL, referral_data(force_a)).content.decode()

    assert "A restricted record exists" in html
    assert contact.get_full_name() in html
    assert "Link this referral to WM-2025-00099" not in html
    assert 'value="new"' in html


# ------------------------------------------------------------------------------
# Bad input: a clear message at the field, input kept, nothing saved
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date_of_birth": (timezone.localdate() + timedelta(days=1)).isoformat()}, "date_of_birth", "future"),
        ({"date_of_birth": years_ago(5, days=-1).isoformat()}, "date_of_birth", "between 5 and 100"),
        ({"date_of_birth": years_ago(101).isoformat()}, "date_of_birth", "between 5 and 100"),
        ({"referral_date": (timezone.localdate() + timedelta(days=1)).isoformat()}, "referral_date", "future"),
        ({"first_name": "  "}, "first_name", "required"),
        ({"last_name": ""}, "last_name", "required"),
        ({"first_name": "?!"}, "first_name", "letters"),
        ({"postcode_district": "123"}, "postcode_district", "first part of the postcode"),
        ({"date_of_birth": "31/02/2010"}, "date_of_birth", "valid date"),
        ({"source": ""}, "source", "required"),
        ({"handle_3": "someone", "platform_3": ""}, "platform_3", "Choose the platform"),
    ],
)
def test_bad_input_is_refused_at_the_field_keeping_the_input_and_saving_nothing(
    client, force_a, overrides, field, message
):
    before = row_counts()

    response = client.post(URL, referral_data(force_a, **overrides))

    form = response.context["form"]
    assert response.status_code == 200
    assert message in " ".join(form.errors[field])
    assert "There is a problem" in response.content.decode()
    assert 'value="@Gl1tchK1ng"' in response.content.decode()
    assert "booter use reported by the school" in response.content.decode()
    assert row_counts() == before


def test_the_age_message_says_the_age_the_date_of_birth_implies(client, force_a):
    response = client.post(URL, referral_data(force_a, date_of_birth=years_ago(3).isoformat()))

    assert "makes the person 3 at referral" in response.context["form"].errors["date_of_birth"][0]


@pytest.mark.parametrize("age", [5, 100])
def test_ages_5_and_100_at_referral_are_accepted(client, force_a, age):
    response = client.post(URL, referral_data(force_a, date_of_birth=years_ago(age).isoformat()))

    assert response.status_code == 302


def test_the_age_is_taken_at_the_referral_date(client, force_a):
    # Five today, but only four on the referral date a month ago.
    data = referral_data(
        force_a,
        date_of_birth=years_ago(5, days=10).isoformat(),
        referral_date=(timezone.localdate() - timedelta(days=40)).isoformat(),
    )

    response = client.post(URL, data)

    assert "between 5 and 100" in response.context["form"].errors["date_of_birth"][0]
    assert Subject.objects.count() == 0


# ------------------------------------------------------------------------------
# Scoping and roles
# ------------------------------------------------------------------------------
def test_an_officer_of_another_force_cannot_link_to_a_subject_by_a_crafted_post(client_for, personas, known, force_b):
    client = client_for(personas["officer_b"])
    before = row_counts()

    response = client.post(URL, referral_data(force_b, match_check="0" * 32, link_to=known.pk))

    assert response.status_code == 200
    assert "not one of the possible matches" in response.content.decode()
    assert row_counts() == before


def test_an_officer_cannot_create_a_person_in_a_force_they_cannot_access(client, force_b):
    before = row_counts()

    response = client.post(URL, referral_data(force_b))

    assert response.status_code == 200
    assert "force" in response.context["form"].errors
    assert row_counts() == before


def test_an_officer_cannot_link_to_a_restricted_subject_by_a_crafted_post(client, force_a):
    restricted = SubjectFactory(first_name="Jordan", last_name="Ashworth", date_of_birth=DOB, restricted=True)
    token = show_matches(client, referral_data(force_a))
    before = row_counts()

    response = client.post(URL, referral_data(force_a, match_check=token, link_to=restricted.pk))

    assert response.status_code == 200
    assert row_counts() == before


@pytest.mark.parametrize("persona", ["sergeant", "inspector"])
def test_supervisors_can_record_referrals(client_for, personas, force_a, persona):
    response = client_for(personas[persona]).post(URL, referral_data(force_a))

    assert response.status_code == 302


@pytest.mark.parametrize("persona", ["analyst", "admin_support", "sysadmin"])
def test_roles_without_casework_are_forbidden(client_for, personas, force_a, persona):
    client = client_for(personas[persona])

    assert client.get(URL).status_code == 403
    assert client.post(URL, referral_data(force_a)).status_code == 403
    assert Subject.objects.count() == 0


def test_an_anonymous_visitor_is_sent_to_sign_in(client_for, force_a):
    client = client_for(None)

    response = client.post(URL, referral_data(force_a))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert Subject.objects.count() == 0


# ------------------------------------------------------------------------------
# The service
# ------------------------------------------------------------------------------
def new_person(force, **overrides) -> dict:
    fields = {"first_name": "Riley", "last_name": "Stone", "date_of_birth": DOB, "force": force}
    fields.update(overrides)
    return fields


def case_fields(**overrides) -> dict:
    fields = {"referral_date": timezone.localdate(), "source": "parent_carer"}
    fields.update(overrides)
    return fields


def test_the_service_refuses_to_link_to_a_subject_of_another_force(personas, force_b):
    outside = SubjectFactory(force=force_b)

    with pytest.raises(ValidationError):
        referral_record(by=personas["officer_a"], subject=outside, case_fields=case_fields())

    assert outside.cases.count() == 0


def test_the_service_refuses_a_link_and_a_new_person_together(officer, force_a):
    subject = SubjectFactory(force=force_a)

    with pytest.raises(ValidationError):
        referral_record(by=officer, subject=subject, new_subject=new_person(force_a), case_fields=case_fields())


def test_the_service_saves_nothing_when_the_case_is_invalid(officer, force_a):
    before = row_counts()

    with pytest.raises(ValidationError):
        referral_record(
            by=officer,
            new_subject=new_person(force_a),
            case_fields=case_fields(source="carrier_pigeon"),
            identifiers=[("discord", "someone")],
        )

    assert row_counts() == before
    assert OnlineIdentifier.objects.count() == 0


def test_the_service_ignores_a_handle_typed_twice(officer, force_a):
    case = referral_record(
        by=officer,
        new_subject=new_person(force_a),
        case_fields=case_fields(),
        identifiers=[("discord", "@Riley"), ("discord", " riley ")],
        aliases=["Ri", "ri"],
    )

    assert case.subject.identifiers.count() == 1
    assert SubjectAlias.objects.filter(subject=case.subject).count() == 1


def test_two_referrals_in_the_same_force_and_year_get_consecutive_references(officer, force_a):
    first = referral_record(by=officer, new_subject=new_person(force_a), case_fields=case_fields())
    second = referral_record(by=officer, new_subject=new_person(force_a, first_name="Sam"), case_fields=case_fields())

    prefix = f"WM-{timezone.localdate().year}-"
    assert first.subject.reference.startswith(prefix)
    assert second.subject.reference.startswith(prefix)
    assert int(second.subject.reference[-5:]) == int(first.subject.reference[-5:]) + 1


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; the race needs PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_referrals_saved_at_the_same_moment_get_distinct_references(force_a):
    officer = UserFactory(username="racing_officer", home_force=force_a)
    start = threading.Barrier(2)
    references, errors = [], []

    def record(first_name: str) -> None:
        try:
            start.wait(timeout=10)
            case = referral_record(
                by=officer, new_subject=new_person(force_a, first_name=first_name), case_fields=case_fields()
            )
            references.append(case.subject.reference)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(name,)) for name in ("Ada", "Bo")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(references) == 2
    assert len(set(references)) == 2
