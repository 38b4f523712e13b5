"""Merging a duplicate subject into the kept one: every linked record moves, nothing is lost, one combination logged.

A merged subject is NOT redirected: the selectors leave it out, so its page
answers 404 like any record the user cannot see; its cases live on under the
kept subject's reference.
"""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from audit.models import AccessEvent, Operation
from subjects.models import (
    Association,
    Attachment,
    BreakGlassAccess,
    Case,
    CaseStatus,
    CaseStatusChange,
    Engagement,
    OnlineIdentifier,
    Platform,
    Relationship,
    RiskLevel,
    Subject,
    VulnerabilityFlag,
)
from subjects.selectors.access import subject_get_visible
from subjects.services.cases import case_create, case_transition
from subjects.services.merging import merge_preview, subject_merge
from subjects.tests.factories import (
    AssociationFactory,
    AttachmentFactory,
    CaseFactory,
    ContactFactory,
    ContextFactory,
    EngagementFactory,
    OnlineIdentifierFactory,
    SubjectAliasFactory,
    SubjectFactory,
)

pytestmark = pytest.mark.django_db

REASON = "Same date of birth, same Discord handle and the school confirmed it is one pupil."


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _flags(*codes):
    return list(VulnerabilityFlag.objects.filter(code__in=codes))


@pytest.fixture
def pair(personas):
    """A kept subject and a duplicate with one of every kind of linked record."""
    officer = personas["officer_a"]
    keep = SubjectFactory(created_by=officer, first_name="Jordan", last_name="Smith")
    keep_case = CaseFactory(subject=keep, number=1)
    OnlineIdentifierFactory(
        subject=keep,
        platform=Platform.DISCORD,
        handle="jord_x",
        first_seen=date(2024, 3, 1),
        last_seen=date(2024, 6, 1),
    )
    SubjectAliasFactory(subject=keep, name="JS")
    keep.vulnerability_flags.set(_flags("adhd", "mental_health"))
    shared_context = ContextFactory(name="Booter Hub")
    AssociationFactory(subject=keep, context=shared_context, relationship=Relationship.MEMBER, notes="")

    duplicate = SubjectFactory(
        created_by=officer, first_name="Jordon", last_name="Smyth", postcode_district="B15", assigned_officer=None
    )
    dup_case = case_create(
        subject=duplicate, by=officer, fields={"referral_date": timezone.localdate(), "source": "school"}
    )
    case_transition(case=dup_case, by=officer, to_status=CaseStatus.TRIAGE, reason="Looking into it")
    case_transition(case=dup_case, by=officer, to_status=CaseStatus.ACTIVE, reason="Engaging")
    engagement = EngagementFactory(case=dup_case, created_by=officer)
    # The same handle written differently: one person, one identifier afterwards.
    OnlineIdentifierFactory(
        subject=duplicate,
        platform=Platform.DISCORD,
        handle="@JORD_X",
        first_seen=date(2023, 1, 1),
        last_seen=date(2024, 1, 1),
    )
    OnlineIdentifierFactory(subject=duplicate, platform=Platform.STEAM, handle="jordo")
    SubjectAliasFactory(subject=duplicate, name="Jord")
    SubjectAliasFactory(subject=duplicate, name="js")  # already an alias of the kept subject
    contact = ContactFactory(subject=duplicate, name="Pat Smyth")
    AssociationFactory(subject=duplicate, context=shared_context, relationship=Relationship.MEMBER, notes="Admin")
    other_context = ContextFactory(name="Cheat Forum")
    AssociationFactory(subject=duplicate, context=other_context)
    friend = SubjectFactory(created_by=officer)
    AssociationFactory(subject=duplicate, context=None, other_subject=friend, relationship=Relationship.ASSOCIATE)
    sibling = SubjectFactory(created_by=officer)
    AssociationFactory(subject=sibling, context=None, other_subject=duplicate, relationship=Relationship.SIBLING)
    AssociationFactory(subject=keep, context=None, other_subject=duplicate, relationship=Relationship.ASSOCIATE)
    attachment = AttachmentFactory(subject=duplicate, case=dup_case)
    duplicate.vulnerability_flags.set(_flags("mental_health", "social_isolation"))
    reader = UserFactory(role=Role.OFFICER)
    duplicate.need_to_know.add(reader)
    glass = BreakGlassAccess.objects.create(
        subject=duplicate, user=reader, reason="Safeguarding call", expires_at=timezone.now() + timedelta(hours=1)
    )
    return SimpleNamespace(
        keep=keep,
        keep_case=keep_case,
        duplicate=duplicate,
        dup_case=dup_case,
        engagement=engagement,
        contact=contact,
        shared_context=shared_context,
        other_context=other_context,
        friend=friend,
        sibling=sibling,
        attachment=attachment,
        reader=reader,
        glass=glass,
    )


def _merge(pair, by, reason=REASON):
    return subject_merge(keep=pair.keep, duplicate=pair.duplicate, by=by, reason=reason)


def _rows_pointing_at(subject) -> dict[str, int]:
    """Every row of every model (through tables included) whose foreign key names ``subject``."""
    found = {}
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Subject:
                count = model._base_manager.filter(**{field.name: subject}).count()
                if count:
                    found[f"{model._meta.label}.{field.name}"] = count
    return found


# ------------------------------------------------------------------------------
# The service
# ------------------------------------------------------------------------------
def test_afterwards_nothing_references_the_duplicate(pair, personas):
    assert len(_rows_pointing_at(pair.duplicate)) >= 8  # the fixture really links one of everything

    _merge(pair, personas["sergeant"])

    assert _rows_pointing_at(pair.duplicate) == {}
    pair.duplicate.refresh_from_db()
    assert pair.duplicate.merged_into == pair.keep


def test_cases_move_renumbered_after_the_kept_subjects_with_their_history(pair, personas):
    changes_before = CaseStatusChange.objects.filter(case=pair.dup_case).count()

    _merge(pair, personas["sergeant"])

    moved = Case.objects.get(pk=pair.dup_case.pk)
    assert (moved.subject, moved.number) == (pair.keep, 2)
    assert moved.reference == f"{pair.keep.reference}/2"
    assert moved.status == CaseStatus.ACTIVE
    assert Case.objects.get(pk=pair.keep_case.pk).number == 1
    assert Engagement.objects.get(pk=pair.engagement.pk).case == moved
    assert CaseStatusChange.objects.filter(case=moved).count() == changes_before == 3
    assert Attachment.objects.get(pk=pair.attachment.pk).case == moved


def test_identifiers_move_and_a_repeated_handle_keeps_the_widest_dates(pair, personas):
    _merge(pair, personas["sergeant"])

    identifiers = {(i.platform, i.handle_key): i for i in OnlineIdentifier.objects.filter(subject=pair.keep)}
    assert set(identifiers) == {(Platform.DISCORD, "jord_x"), (Platform.STEAM, "jordo")}
    discord = identifiers[(Platform.DISCORD, "jord_x")]
    assert (discord.first_seen, discord.last_seen) == (date(2023, 1, 1), date(2024, 6, 1))


def test_the_duplicates_name_and_aliases_become_aliases_once_each(pair, personas):
    _merge(pair, personas["sergeant"])

    assert sorted(pair.keep.aliases.values_list("name", flat=True)) == ["JS", "Jord", "Jordon Smyth"]


def test_associations_move_both_ways_without_self_links_or_repeats(pair, personas):
    _merge(pair, personas["sergeant"])

    rows = {
        (a.subject_id, a.other_subject_id, a.context_id, a.relationship, a.notes)
        for a in Association.objects.filter(subject=pair.keep) | Association.objects.filter(other_subject=pair.keep)
    }
    keep = pair.keep.pk
    assert rows == {
        (keep, None, pair.shared_context.pk, Relationship.MEMBER, "Admin"),  # one row; the duplicate's notes kept
        (keep, None, pair.other_context.pk, Relationship.MEMBER, ""),
        (keep, pair.friend.pk, None, Relationship.ASSOCIATE, ""),
        (pair.sibling.pk, keep, None, Relationship.SIBLING, ""),
    }


def test_contacts_attachments_flags_need_to_know_and_break_glass_move(pair, personas):
    _merge(pair, personas["sergeant"])

    assert pair.contact in pair.keep.contacts.all()
    assert Attachment.objects.get(pk=pair.attachment.pk).subject == pair.keep
    assert set(pair.keep.vulnerability_flags.values_list("code", flat=True)) == {
        "adhd",
        "mental_health",
        "social_isolation",
    }
    assert list(pair.keep.need_to_know.all()) == [pair.reader]
    assert BreakGlassAccess.objects.get(pk=pair.glass.pk).subject == pair.keep


def test_gaps_in_the_kept_record_are_filled_but_its_own_values_win(pair, personas):
    kept = _merge(pair, personas["sergeant"])

    assert kept.postcode_district == "B15"
    assert (kept.first_name, kept.last_name) == ("Jordan", "Smith")
    assert kept.assigned_officer == personas["officer_a"]


def test_a_restricted_or_higher_risk_duplicate_makes_the_kept_record_so(pair, personas):
    Subject.objects.filter(pk=pair.duplicate.pk).update(
        restricted=True, risk_level=RiskLevel.HIGH, safeguarding_notes="Known to CSE team."
    )
    pair.duplicate.refresh_from_db()

    kept = _merge(pair, personas["sergeant"])

    assert kept.restricted is True
    assert kept.risk_level == RiskLevel.HIGH
    assert f"From merged record {pair.duplicate.reference}:\nKnown to CSE team." in kept.safeguarding_notes


def test_the_merge_is_one_combination_event_naming_both_references(pair, personas):
    kept = _merge(pair, personas["sergeant"])

    event = AccessEvent.objects.get(operation=Operation.COMBINATION)
    assert (event.object_type, event.object_id, event.actor_username, event.force) == (
        "subject",
        str(kept.pk),
        "sergeant_a",
        "WM",
    )
    assert pair.duplicate.reference in event.justification
    assert pair.keep.reference in event.justification
    assert REASON in event.justification


def test_both_records_change_version_so_open_edit_forms_see_a_conflict(pair, personas):
    versions = (pair.keep.version, pair.duplicate.version)

    kept = _merge(pair, personas["sergeant"])

    pair.duplicate.refresh_from_db()
    assert (kept.version, pair.duplicate.version) == (versions[0] + 1, versions[1] + 1)


def test_the_merged_subject_is_not_found_any_more(pair, personas, client_for):
    _merge(pair, personas["sergeant"])

    with pytest.raises(Http404):
        subject_get_visible(personas["sergeant"], pair.duplicate.pk)
    assert client_for(personas["sergeant"]).get(reverse("subjects:detail", args=[pair.duplicate.pk])).status_code == 404


def test_a_reason_is_required_and_nothing_moves_without_one(pair, personas):
    with pytest.raises(ValidationError) as refused:
        _merge(pair, personas["sergeant"], reason="   ")

    assert "reason" in refused.value.message_dict
    pair.duplicate.refresh_from_db()
    assert pair.duplicate.merged_into is None
    assert Case.objects.get(pk=pair.dup_case.pk).subject == pair.duplicate


def test_a_subject_cannot_be_merged_into_itself(pair, personas):
    with pytest.raises(ValidationError):
        subject_merge(keep=pair.keep, duplicate=pair.keep, by=personas["sergeant"], reason=REASON)


def test_an_already_merged_subject_cannot_be_merged_again(pair, personas):
    _merge(pair, personas["sergeant"])
    third = SubjectFactory(created_by=personas["officer_a"])

    with pytest.raises(ValidationError):
        subject_merge(keep=third, duplicate=pair.duplicate, by=personas["sergeant"], reason=REASON)


def test_earlier_merges_into_the_duplicate_follow_it_to_the_kept_record(pair, personas):
    older = SubjectFactory(created_by=personas["officer_a"])
    subject_merge(keep=pair.duplicate, duplicate=older, by=personas["sergeant"], reason=REASON)

    _merge(pair, personas["sergeant"])

    older.refresh_from_db()
    assert older.merged_into == pair.keep


def test_the_service_refuses_an_officer_and_a_force_the_supervisor_does_not_cover(pair, personas, force_b):
    outsider = SubjectFactory(created_by=personas["officer_b"], force=force_b)

    with pytest.raises(PermissionDenied):
        _merge(pair, personas["officer_a"])
    with pytest.raises(PermissionDenied):
        subject_merge(keep=pair.keep, duplicate=outsider, by=personas["sergeant"], reason=REASON)


def test_the_preview_counts_what_will_move(pair, personas):
    preview = merge_preview(keep=pair.keep, duplicate=pair.duplicate, user=personas["sergeant"])

    assert (preview.cases, preview.engagements, preview.identifiers, preview.identifiers_already_known) == (1, 1, 1, 1)
    assert (preview.aliases, preview.contacts, preview.associations, preview.attachments) == (2, 1, 5, 1)
    assert (preview.vulnerability_flags, preview.need_to_know) == (2, 1)


# ------------------------------------------------------------------------------
# The pages
# ------------------------------------------------------------------------------
def _merge_url(subject) -> str:
    return reverse("subjects:merge", args=[subject.pk])


def test_a_sergeant_chooses_the_duplicate_then_sees_both_side_by_side(pair, personas, client_for):
    client = client_for(personas["sergeant"])

    first = client.get(_merge_url(pair.keep))
    second = client.get(_merge_url(pair.keep), {"duplicate": pair.duplicate.reference.lower()})

    assert first.status_code == 200
    assert b"Reference of the duplicate record" in first.content
    assert second.status_code == 200
    assert second.context["duplicate"] == pair.duplicate
    for text in (pair.keep.reference, pair.duplicate.reference, "Jordan Smith", "Jordon Smyth", "Attachments"):
        assert text.encode() in second.content
    assert AccessEvent.objects.filter(operation=Operation.CONSULTATION, object_id=str(pair.duplicate.pk)).exists()
    pair.duplicate.refresh_from_db()
    assert pair.duplicate.merged_into is None  # looking changes nothing


def test_confirming_with_a_reason_merges_and_goes_to_the_kept_record(pair, personas, client_for):
    response = client_for(personas["sergeant"]).post(
        _merge_url(pair.keep), {"duplicate": pair.duplicate.reference, "reason": REASON}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("subjects:detail", args=[pair.keep.pk])
    pair.duplicate.refresh_from_db()
    assert pair.duplicate.merged_into == pair.keep


def test_confirming_without_a_reason_shows_the_error_and_merges_nothing(pair, personas, client_for):
    response = client_for(personas["sergeant"]).post(
        _merge_url(pair.keep), {"duplicate": pair.duplicate.reference, "reason": ""}
    )

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    pair.duplicate.refresh_from_db()
    assert pair.duplicate.merged_into is None
    assert not AccessEvent.objects.filter(operation=Operation.COMBINATION).exists()


def test_choosing_the_same_record_is_refused_with_a_message(pair, personas, client_for):
    response = client_for(personas["sergeant"]).get(_merge_url(pair.keep), {"duplicate": pair.keep.reference})

    assert response.status_code == 200
    assert "cannot be merged into itself" in response.context["form"].errors["duplicate"][0]


def test_posting_the_same_record_is_refused_too(pair, personas, client_for):
    response = client_for(personas["sergeant"]).post(
        _merge_url(pair.keep), {"duplicate": pair.keep.reference, "reason": REASON}
    )

    assert response.status_code == 200
    assert not AccessEvent.objects.filter(operation=Operation.COMBINATION).exists()


def test_choosing_an_already_merged_record_says_so(pair, personas, client_for):
    _merge(pair, personas["sergeant"])
    third = SubjectFactory(created_by=personas["officer_a"])

    response = client_for(personas["sergeant"]).get(_merge_url(third), {"duplicate": pair.duplicate.reference})

    assert response.context["form"].errors["duplicate"] == ["That subject has already been merged into another record."]


def test_a_sergeant_cannot_reach_or_choose_another_forces_subject(pair, personas, client_for, force_b):
    outsider = SubjectFactory(created_by=personas["officer_b"], force=force_b)
    client = client_for(personas["sergeant"])

    page = client.get(_merge_url(outsider))
    chosen = client.get(_merge_url(pair.keep), {"duplicate": outsider.reference})
    posted = client.post(_merge_url(pair.keep), {"duplicate": outsider.reference, "reason": REASON})

    assert page.status_code == 404
    assert chosen.context["form"].errors["duplicate"] == [
        f"No subject you can see has the reference {outsider.reference}."
    ]
    assert posted.status_code == 200
    outsider.refresh_from_db()
    assert outsider.merged_into is None


def test_an_inspector_covering_both_forces_may_merge_across_them(pair, personas, client_for, force_b):
    outsider = SubjectFactory(created_by=personas["officer_b"], force=force_b)

    response = client_for(personas["inspector"]).post(
        _merge_url(pair.keep), {"duplicate": outsider.reference, "reason": REASON}
    )

    assert response.status_code == 302
    outsider.refresh_from_db()
    assert outsider.merged_into == pair.keep


@pytest.mark.parametrize("persona", ["officer_a", "analyst", "admin_support", "sysadmin"])
def test_other_roles_are_refused_the_merge(persona, pair, personas, client_for):
    client = client_for(personas[persona])

    statuses = (
        client.get(_merge_url(pair.keep)).status_code,
        client.post(_merge_url(pair.keep), {"duplicate": pair.duplicate.reference, "reason": REASON}).status_code,
    )

    assert statuses == (403, 403)
    pair.duplicate.refresh_from_db()
    assert pair.duplicate.merged_into is None


def test_a_guessed_id_is_not_found(personas, client_for):
    assert client_for(personas["sergeant"]).get(reverse("subjects:merge", args=[999999])).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in_from_the_merge_page(pair, client):
    response = client.get(_merge_url(pair.keep))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
