"""Editing a subject: checked input, supervisor-only restriction, no lost updates, field names in the access log."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from audit.models import AccessEvent, Operation
from subjects.models import PersonCategory, RiskLevel, Subject, VulnerabilityFlag

from .factories import SubjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_a(personas):
    return personas["officer_a"]


@pytest.fixture
def subject(officer_a):
    return SubjectFactory(
        created_by=officer_a,
        first_name="Kai",
        last_name="Marsh",
        postcode_district="B15",
        school_or_employer="Oak Academy",
    )


def edit_url(subject):
    return reverse("subjects:edit", args=[subject.pk])


def edit_data(subject, **overrides):
    data = {
        "version": subject.version,
        "first_name": subject.first_name,
        "last_name": subject.last_name,
        "date_of_birth": subject.date_of_birth.isoformat() if subject.date_of_birth else "",
        "sex": subject.sex,
        "gender_identity": subject.gender_identity,
        "postcode_district": subject.postcode_district,
        "school_or_employer": subject.school_or_employer,
        "category": subject.category,
        "vulnerability_flags": [flag.pk for flag in subject.vulnerability_flags.all()],
        "safeguarding_notes": subject.safeguarding_notes,
        "risk_level": subject.risk_level,
        "consent_subject": subject.consent_subject,
        "consent_parent": subject.consent_parent,
        "assigned_officer": subject.assigned_officer_id or "",
        "retention_review_date": "",
    }
    data.update(overrides)
    return data


def years_ago(years: int, days: int = 0) -> str:
    today = timezone.localdate()
    return (today.replace(year=today.year - years) + timedelta(days=days)).isoformat()


# ------------------------------------------------------------------------------
# Saving
# ------------------------------------------------------------------------------
def test_the_form_shows_the_subjects_values_and_version(client_for, officer_a, subject):
    html = client_for(officer_a).get(edit_url(subject)).content.decode()

    assert 'value="Kai"' in html
    assert 'value="Oak Academy"' in html
    assert f'name="version" value="{subject.version}"' in html


def test_saving_changes_the_subject_and_logs_only_the_names_of_changed_fields(client_for, officer_a, subject):
    flag = VulnerabilityFlag.objects.get(code="adhd")

    response = client_for(officer_a).post(
        edit_url(subject),
        edit_data(
            subject,
            last_name="Marsh-Holt",
            risk_level=RiskLevel.HIGH,
            safeguarding_notes="Sister at risk of exploitation",
            vulnerability_flags=[flag.pk],
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("subjects:detail", args=[subject.pk])
    subject.refresh_from_db()
    assert (subject.last_name, subject.risk_level, subject.version) == ("Marsh-Holt", RiskLevel.HIGH, 2)
    assert list(subject.vulnerability_flags.all()) == [flag]
    event = AccessEvent.objects.get(operation=Operation.ALTERATION, object_type="subject")
    assert event.changed_fields == ["last_name", "risk_level", "safeguarding_notes", "vulnerability_flags"]
    logged = " ".join([*event.changed_fields, event.justification, event.recipient, event.object_id])
    for value in ["Marsh-Holt", "high", "Sister", "adhd"]:
        assert value not in logged


def test_saving_with_nothing_changed_writes_nothing(client_for, officer_a, subject):
    response = client_for(officer_a).post(edit_url(subject), edit_data(subject))

    assert response.status_code == 302
    subject.refresh_from_db()
    assert subject.version == 1
    assert not AccessEvent.objects.filter(operation=Operation.ALTERATION).exists()


def test_the_postcode_district_is_tidied_to_the_outward_code(client_for, officer_a, subject):
    client_for(officer_a).post(edit_url(subject), edit_data(subject, postcode_district=" ws1 "))

    subject.refresh_from_db()
    assert subject.postcode_district == "WS1"


# ------------------------------------------------------------------------------
# Bad input: a message at the field, the input kept, nothing saved
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_of_birth", (timezone.localdate() + timedelta(days=1)).isoformat(), "cannot be in the future"),
        ("date_of_birth", years_ago(4), "under 5"),
        ("date_of_birth", years_ago(101, days=-1), "over 100"),
        ("first_name", "   ", "required"),
        ("last_name", "", "required"),
        ("postcode_district", "B15 2TT", "first part of the postcode"),
        ("postcode_district", "15B", "first part of the postcode"),
        ("category", "celebrity", "valid choice"),
    ],
)
def test_bad_input_is_refused_at_the_field_and_the_input_is_kept(client_for, officer_a, subject, field, value, message):
    response = client_for(officer_a).post(
        edit_url(subject), edit_data(subject, school_or_employer="Elm College", **{field: value})
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors[field])
    html = response.content.decode()
    assert 'value="Elm College"' in html
    assert "There is a problem" in html
    subject.refresh_from_db()
    assert (subject.school_or_employer, subject.version) == ("Oak Academy", 1)
    assert not AccessEvent.objects.filter(operation=Operation.ALTERATION).exists()


def test_ages_5_and_100_are_accepted(client_for, officer_a, subject):
    client = client_for(officer_a)

    assert client.post(edit_url(subject), edit_data(subject, date_of_birth=years_ago(5))).status_code == 302
    subject.refresh_from_db()
    assert client.post(edit_url(subject), edit_data(subject, date_of_birth=years_ago(100))).status_code == 302


def test_an_officer_of_another_force_cannot_be_assigned(client_for, officer_a, personas, subject):
    response = client_for(officer_a).post(
        edit_url(subject), edit_data(subject, assigned_officer=personas["officer_b"].pk)
    )

    assert "assigned_officer" in response.context["form"].errors
    subject.refresh_from_db()
    assert subject.assigned_officer == officer_a


def test_only_active_officers_and_sergeants_of_the_force_are_offered(client_for, officer_a, personas, subject):
    leaver = UserFactory(role=Role.OFFICER, is_active=False)
    analyst = personas["analyst"]

    choices = client_for(officer_a).get(edit_url(subject)).context["form"].fields["assigned_officer"].queryset

    assert {officer_a, personas["sergeant"]} <= set(choices)
    assert not {leaver, analyst, personas["officer_b"], personas["inspector"]} & set(choices)


# ------------------------------------------------------------------------------
# Restriction: supervisors only
# ------------------------------------------------------------------------------
def test_an_officer_is_not_offered_the_restriction_fields(client_for, officer_a, subject):
    fields = client_for(officer_a).get(edit_url(subject)).context["form"].fields

    assert not {"restricted", "need_to_know", "restriction_contact"} & set(fields)


def test_an_officer_cannot_restrict_a_record_by_posting_the_fields(client_for, officer_a, subject):
    client_for(officer_a).post(
        edit_url(subject), edit_data(subject, restricted="on", restriction_contact=officer_a.pk, risk_level="medium")
    )

    subject.refresh_from_db()
    assert subject.risk_level == "medium"
    assert subject.restricted is False


def test_a_sergeant_restricts_a_record_with_a_need_to_know_list_and_a_contact(client_for, personas, subject):
    sergeant, officer = personas["sergeant"], personas["officer_a"]

    response = client_for(sergeant).post(
        edit_url(subject),
        edit_data(subject, restricted="on", need_to_know=[officer.pk], restriction_contact=sergeant.pk),
    )

    assert response.status_code == 302
    subject.refresh_from_db()
    assert subject.restricted is True
    assert list(subject.need_to_know.all()) == [officer]
    assert subject.restriction_contact == sergeant
    event = AccessEvent.objects.get(operation=Operation.ALTERATION, object_type="subject")
    assert event.changed_fields == ["need_to_know", "restricted", "restriction_contact"]


def test_a_restricted_record_needs_a_contact(client_for, personas, subject):
    response = client_for(personas["sergeant"]).post(edit_url(subject), edit_data(subject, restricted="on"))

    assert "restriction_contact" in response.context["form"].errors
    subject.refresh_from_db()
    assert subject.restricted is False


# ------------------------------------------------------------------------------
# No lost updates
# ------------------------------------------------------------------------------
def test_two_people_editing_a_subject_never_overwrite_each_other(client_for, officer_a, personas, subject):
    first, second = client_for(officer_a), client_for(personas["sergeant"])
    opened_at = first.get(edit_url(subject)).context["form"].initial["version"]
    assert second.get(edit_url(subject)).context["form"].initial["version"] == opened_at

    saved = first.post(edit_url(subject), edit_data(subject, version=opened_at, school_or_employer="Elm College"))
    clash = second.post(
        edit_url(subject),
        edit_data(subject, version=opened_at, school_or_employer="Birch School", risk_level=RiskLevel.MEDIUM),
    )

    assert saved.status_code == 302
    assert clash.status_code == 200
    subject.refresh_from_db()
    assert (subject.school_or_employer, subject.risk_level, subject.version) == ("Elm College", RiskLevel.LOW, 2)
    html = clash.content.decode()
    assert "Someone else saved this record while you were editing" in html
    assert 'value="Birch School"' in html
    assert '<option value="medium" selected>' in html
    rows = {row.field: (row.yours, row.saved) for row in clash.context["conflict"].rows}
    assert rows == {
        "school_or_employer": ("Birch School", "Elm College"),
        "risk_level": ("Medium", "Low"),
    }
    assert clash.context["conflict"].saved_by == str(officer_a)
    assert f'name="version" value="{subject.version}"' in html


def test_saving_again_after_seeing_the_conflict_keeps_the_second_persons_version(
    client_for, officer_a, personas, subject
):
    first, second = client_for(officer_a), client_for(personas["sergeant"])
    first.post(edit_url(subject), edit_data(subject, school_or_employer="Elm College"))
    clash = second.post(edit_url(subject), edit_data(subject, school_or_employer="Birch School"))

    again = second.post(edit_url(subject), dict(clash.context["form"].data.lists()))

    assert again.status_code == 302
    subject.refresh_from_db()
    assert (subject.school_or_employer, subject.version) == ("Birch School", 3)


def test_a_stale_form_with_bad_input_shows_the_field_error_and_saves_nothing(client_for, officer_a, personas, subject):
    client_for(officer_a).post(edit_url(subject), edit_data(subject, school_or_employer="Elm College"))

    response = client_for(personas["sergeant"]).post(edit_url(subject), edit_data(subject, first_name=""))

    assert "first_name" in response.context["form"].errors
    subject.refresh_from_db()
    assert (subject.first_name, subject.school_or_employer) == ("Kai", "Elm College")


def test_the_conflict_lists_vulnerability_flags_by_their_labels(client_for, officer_a, personas, subject):
    adhd, isolation = VulnerabilityFlag.objects.get(code="adhd"), VulnerabilityFlag.objects.get(code="social_isolation")
    client_for(officer_a).post(edit_url(subject), edit_data(subject, vulnerability_flags=[adhd.pk]))

    clash = client_for(personas["sergeant"]).post(
        edit_url(subject), edit_data(subject, vulnerability_flags=[adhd.pk, isolation.pk])
    )

    rows = {row.field: (row.yours, row.saved) for row in clash.context["conflict"].rows}
    assert rows == {"vulnerability_flags": ("ADHD, Social isolation", "ADHD")}


# ------------------------------------------------------------------------------
# Who may edit
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["officer_a", "sergeant", "inspector"])
def test_caseworkers_of_the_force_may_edit(client_for, personas, persona, subject):
    response = client_for(personas[persona]).post(edit_url(subject), edit_data(subject, category=PersonCategory.VICTIM))

    assert response.status_code == 302
    subject.refresh_from_db()
    assert subject.category == PersonCategory.VICTIM


@pytest.mark.parametrize("persona", ["analyst", "admin_support", "sysadmin"])
def test_roles_without_case_access_are_refused(client_for, personas, persona, subject):
    client = client_for(personas[persona])

    assert client.get(edit_url(subject)).status_code == 403
    assert client.post(edit_url(subject), edit_data(subject, first_name="X")).status_code == 403
    subject.refresh_from_db()
    assert subject.first_name == "Kai"


def test_an_officer_of_another_force_gets_not_found_for_the_subject_and_guessed_ids(client_for, personas, subject):
    client = client_for(personas["officer_b"])

    assert client.get(edit_url(subject)).status_code == 404
    assert client.post(edit_url(subject), edit_data(subject, first_name="X")).status_code == 404
    assert client.get(reverse("subjects:edit", args=[subject.pk + 1000])).status_code == 404
    subject.refresh_from_db()
    assert subject.first_name == "Kai"


def test_a_restricted_subject_is_not_found_for_editing_without_access(client_for, personas):
    restricted = SubjectFactory(created_by=personas["sergeant"], restricted=True)

    assert client_for(personas["officer_a"]).get(edit_url(restricted)).status_code == 404


def test_a_merged_away_record_cannot_be_edited(client_for, officer_a, subject):
    survivor = SubjectFactory(created_by=officer_a)
    Subject.objects.filter(pk=subject.pk).update(merged_into=survivor)

    assert client_for(officer_a).get(edit_url(subject)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client, subject):
    response = client.get(edit_url(subject))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_date_of_birth_of_29_february_is_accepted(client_for, officer_a, subject):
    response = client_for(officer_a).post(edit_url(subject), edit_data(subject, date_of_birth=date(2012, 2, 29)))

    assert response.status_code == 302
