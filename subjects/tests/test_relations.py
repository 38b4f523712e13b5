"""What links a person to others: online identifiers, contacts, associations, and the contexts people share."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AccessEvent, Operation
from subjects.models import Association, Contact, Context, ContextKind, OnlineIdentifier, Platform, Relationship
from subjects.services import relations

from .factories import AssociationFactory, ContactFactory, ContextFactory, OnlineIdentifierFactory, SubjectFactory

pytestmark = pytest.mark.django_db

ADD_VIEWS = ["subjects:identifier_add", "subjects:contact_add", "subjects:association_add"]


@pytest.fixture
def officer_a(personas):
    return personas["officer_a"]


@pytest.fixture
def subject(officer_a):
    return SubjectFactory(created_by=officer_a, first_name="Kai", last_name="Marsh")


@pytest.fixture
def subject_b(personas, force_b):
    return SubjectFactory(created_by=personas["officer_b"], force=force_b, first_name="Remy", last_name="Stone")


def url(name, obj):
    return reverse(name, args=[obj.pk])


def collections(object_type):
    return AccessEvent.objects.filter(operation=Operation.COLLECTION, object_type=object_type)


# ------------------------------------------------------------------------------
# Online identifiers
# ------------------------------------------------------------------------------
def test_an_identifier_is_added_and_its_collection_logged(client_for, officer_a, subject):
    response = client_for(officer_a).post(
        url("subjects:identifier_add", subject), {"platform": Platform.DISCORD, "handle": "@Kai_Plays"}
    )

    assert response.status_code == 302
    assert response["Location"] == url("subjects:detail", subject)
    identifier = OnlineIdentifier.objects.get(subject=subject)
    assert (identifier.handle, identifier.handle_key) == ("@Kai_Plays", "kai_plays")
    event = collections("online_identifier").get()
    assert (event.object_id, event.actor, event.force) == (str(identifier.pk), officer_a, "WM")


def test_the_same_handle_written_differently_is_refused_at_the_handle(client_for, officer_a, subject):
    OnlineIdentifierFactory(subject=subject, platform=Platform.DISCORD, handle="kai_plays")

    response = client_for(officer_a).post(
        url("subjects:identifier_add", subject), {"platform": Platform.DISCORD, "handle": " @KAI_plays "}
    )

    assert response.status_code == 200
    assert "already has this identifier" in response.context["form"].errors["handle"][0]
    assert "@KAI_plays" in response.content.decode()
    assert OnlineIdentifier.objects.filter(subject=subject).count() == 1
    assert not collections("online_identifier").exists()


def test_the_same_handle_on_another_platform_is_a_new_identifier(officer_a, subject):
    OnlineIdentifierFactory(subject=subject, platform=Platform.DISCORD, handle="kai_plays")

    relations.identifier_record(subject=subject, by=officer_a, platform=Platform.STEAM, handle="kai_plays")

    assert OnlineIdentifier.objects.filter(subject=subject).count() == 2


def test_the_service_names_the_handle_when_refusing_a_duplicate(officer_a, subject):
    OnlineIdentifierFactory(subject=subject, platform=Platform.GMAIL, handle="kai.marsh@gmail.com")

    with pytest.raises(ValidationError) as refused:
        relations.identifier_record(
            subject=subject, by=officer_a, platform=Platform.GMAIL, handle="KaiMarsh+games@googlemail.com"
        )

    assert list(refused.value.message_dict) == ["handle"]


def test_seen_dates_out_of_order_are_refused_at_the_field(client_for, officer_a, subject):
    response = client_for(officer_a).post(
        url("subjects:identifier_add", subject),
        {"platform": Platform.STEAM, "handle": "kai", "first_seen": "2026-03-01", "last_seen": "2026-01-01"},
    )

    assert "last_seen" in response.context["form"].errors
    assert not OnlineIdentifier.objects.exists()


def test_an_empty_handle_is_refused(client_for, officer_a, subject):
    response = client_for(officer_a).post(
        url("subjects:identifier_add", subject), {"platform": "discord", "handle": " "}
    )

    assert "handle" in response.context["form"].errors
    assert not OnlineIdentifier.objects.exists()


# ------------------------------------------------------------------------------
# Contacts
# ------------------------------------------------------------------------------
def test_a_contact_is_added_and_its_collection_logged(client_for, officer_a, subject):
    response = client_for(officer_a).post(
        url("subjects:contact_add", subject),
        {"name": "Jo  Marsh", "relationship": "parent", "phone": "07700 900456", "email": "jo@example.org"},
    )

    assert response.status_code == 302
    contact = Contact.objects.get(subject=subject)
    assert (contact.name, contact.phone) == ("Jo Marsh", "07700 900456")
    assert collections("contact").get().object_id == str(contact.pk)


def test_a_new_main_contact_takes_over_from_the_previous_one(officer_a, subject):
    previous = ContactFactory(subject=subject, is_primary=True)

    relations.contact_add(
        subject=subject, by=officer_a, fields={"name": "Sam Marsh", "relationship": "carer", "is_primary": True}
    )

    previous.refresh_from_db()
    assert previous.is_primary is False
    assert Contact.objects.get(subject=subject, is_primary=True).name == "Sam Marsh"


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "  "), ("phone", "call me maybe"), ("email", "not-an-email"), ("relationship", "boss")],
)
def test_bad_contact_details_are_refused_at_the_field_and_kept(client_for, officer_a, subject, field, value):
    data = {"name": "Jo Marsh", "relationship": "parent", "phone": "07700 900456", "notes": "Evenings only"}
    data[field] = value

    response = client_for(officer_a).post(url("subjects:contact_add", subject), data)

    assert field in response.context["form"].errors
    assert "Evenings only" in response.content.decode()
    assert not Contact.objects.exists()


# ------------------------------------------------------------------------------
# Associations with people
# ------------------------------------------------------------------------------
def link_person(reference, relationship=Relationship.CO_OFFENDER):
    return {"target": "person", "relationship": relationship, "other_reference": reference, "notes": ""}


def test_two_people_of_the_same_force_are_linked_by_reference(client_for, officer_a, subject):
    other = SubjectFactory(created_by=officer_a)

    response = client_for(officer_a).post(
        url("subjects:association_add", subject), link_person(other.reference.lower())
    )

    assert response.status_code == 302
    link = Association.objects.get(subject=subject)
    assert (link.other_subject, link.relationship, link.context) == (other, Relationship.CO_OFFENDER, None)
    assert collections("association").get().object_id == str(link.pk)


def test_a_person_in_a_force_the_viewer_cannot_see_cannot_be_linked(client_for, officer_a, subject, subject_b):
    response = client_for(officer_a).post(url("subjects:association_add", subject), link_person(subject_b.reference))

    assert response.status_code == 200
    assert "No one you can see" in response.context["form"].errors["other_reference"][0]
    assert "Remy" not in response.content.decode()
    assert not Association.objects.exists()


def test_a_guessed_id_is_not_a_reference(client_for, officer_a, subject, subject_b):
    response = client_for(officer_a).post(url("subjects:association_add", subject), link_person(str(subject_b.pk)))

    assert "other_reference" in response.context["form"].errors
    assert not Association.objects.exists()


def test_a_user_of_both_forces_may_link_people_across_them(client_for, personas, subject, subject_b):
    response = client_for(personas["inspector"]).post(
        url("subjects:association_add", subject), link_person(subject_b.reference, Relationship.ASSOCIATE)
    )

    assert response.status_code == 302
    assert Association.objects.get(subject=subject).other_subject == subject_b


def test_a_restricted_person_the_viewer_may_not_see_cannot_be_linked(client_for, officer_a, personas, subject):
    hidden = SubjectFactory(created_by=personas["sergeant"], restricted=True)

    response = client_for(officer_a).post(url("subjects:association_add", subject), link_person(hidden.reference))

    assert "other_reference" in response.context["form"].errors
    assert not Association.objects.exists()


def test_a_person_cannot_be_linked_to_themselves(client_for, officer_a, subject):
    response = client_for(officer_a).post(url("subjects:association_add", subject), link_person(subject.reference))

    assert "themselves" in response.context["form"].errors["other_reference"][0]
    assert not Association.objects.exists()


def test_the_same_link_twice_is_refused(client_for, officer_a, subject):
    other = SubjectFactory(created_by=officer_a)
    AssociationFactory(subject=subject, other_subject=other, context=None, relationship=Relationship.SIBLING)

    response = client_for(officer_a).post(
        url("subjects:association_add", subject), link_person(other.reference, Relationship.SIBLING)
    )

    assert "already linked" in response.context["form"].errors["other_reference"][0]
    assert Association.objects.count() == 1


def test_a_person_is_not_a_member_of_a_person(client_for, officer_a, subject):
    other = SubjectFactory(created_by=officer_a)

    response = client_for(officer_a).post(
        url("subjects:association_add", subject), link_person(other.reference, Relationship.MEMBER)
    )

    assert "relationship" in response.context["form"].errors
    assert not Association.objects.exists()


def test_linking_a_person_needs_their_reference(client_for, officer_a, subject):
    response = client_for(officer_a).post(url("subjects:association_add", subject), link_person(""))

    assert "other_reference" in response.context["form"].errors


# ------------------------------------------------------------------------------
# Contexts people share
# ------------------------------------------------------------------------------
def link_place(name, kind=ContextKind.DISCORD_SERVER, relationship=Relationship.MEMBER):
    return {"target": "context", "relationship": relationship, "context_kind": kind, "context_name": name}


def test_linking_to_a_new_context_creates_it(client_for, officer_a, subject):
    response = client_for(officer_a).post(url("subjects:association_add", subject), link_place("The Cheaters' Den"))

    assert response.status_code == 302
    context = Context.objects.get()
    assert (context.name, context.kind, context.name_key) == ("The Cheaters' Den", "discord_server", "the cheaters den")
    assert Association.objects.get(subject=subject).context == context


def test_the_same_context_written_differently_is_reused(officer_a, subject):
    other = SubjectFactory(created_by=officer_a)
    first = relations.association_add_context(
        subject=subject, kind=ContextKind.FORUM, name="Hack Forums", relationship=Relationship.MEMBER, by=officer_a
    )

    second = relations.association_add_context(
        subject=other, kind=ContextKind.FORUM, name="  hack   FORUMS ", relationship=Relationship.MEMBER, by=officer_a
    )

    assert first.context == second.context
    assert Context.objects.count() == 1


def test_the_same_name_of_another_kind_is_another_context(officer_a):
    forum = relations.context_get_or_create(kind=ContextKind.FORUM, name="Nexus")
    school = relations.context_get_or_create(kind=ContextKind.SCHOOL, name="Nexus")

    assert forum != school


def test_a_context_needs_a_name_and_a_kind(client_for, officer_a, subject):
    response = client_for(officer_a).post(url("subjects:association_add", subject), link_place(" ", kind=""))

    assert {"context_name", "context_kind"} <= set(response.context["form"].errors)
    assert not Context.objects.exists()


def test_a_person_is_not_the_sibling_of_a_place(client_for, officer_a, subject):
    response = client_for(officer_a).post(
        url("subjects:association_add", subject), link_place("Nexus", relationship=Relationship.SIBLING)
    )

    assert "relationship" in response.context["form"].errors
    assert not Association.objects.exists()


def test_linking_to_the_same_context_twice_is_refused(officer_a, subject):
    relations.association_add_context(
        subject=subject, kind=ContextKind.FORUM, name="Nexus", relationship=Relationship.MEMBER, by=officer_a
    )

    with pytest.raises(ValidationError) as refused:
        relations.association_add_context(
            subject=subject, kind=ContextKind.FORUM, name="nexus", relationship=Relationship.ASSOCIATE, by=officer_a
        )

    assert "context_name" in refused.value.message_dict


def test_members_visible_are_the_people_of_the_viewers_forces_with_restricted_ones_marked(personas, subject_b):
    context = ContextFactory()
    officer = personas["officer_a"]
    open_record = SubjectFactory(created_by=officer)
    restricted = SubjectFactory(created_by=personas["sergeant"], restricted=True)
    for person in [open_record, restricted, subject_b]:
        AssociationFactory(subject=person, context=context)

    for_officer = {s: s.details_hidden for s in relations.context_members_visible(officer, context)}
    for_sergeant = {s: s.details_hidden for s in relations.context_members_visible(personas["sergeant"], context)}
    for_inspector = {s: s.details_hidden for s in relations.context_members_visible(personas["inspector"], context)}

    assert for_officer == {open_record: False, restricted: True}
    assert for_sergeant == {open_record: False, restricted: False}
    assert for_inspector == {open_record: False, restricted: False, subject_b: False}


# ------------------------------------------------------------------------------
# The context page
# ------------------------------------------------------------------------------
def test_unrelated_people_who_share_a_context_are_seen_together(client_for, officer_a, personas):
    context = ContextFactory(name="Booter Hub")
    kai = SubjectFactory(created_by=officer_a, first_name="Kai", last_name="Marsh")
    lena = SubjectFactory(created_by=personas["sergeant"], first_name="Lena", last_name="Okafor")
    AssociationFactory(subject=kai, context=context)
    AssociationFactory(subject=lena, context=context)

    response = client_for(officer_a).get(url("subjects:context_detail", context))

    html = response.content.decode()
    assert "Booter Hub" in html
    assert "Kai Marsh" in html
    assert "Lena Okafor" in html
    assert url("subjects:detail", lena) in html


def test_a_restricted_member_is_shown_only_as_a_restricted_record(client_for, officer_a, personas):
    context = ContextFactory()
    hidden = SubjectFactory(
        created_by=personas["sergeant"],
        first_name="Secret",
        last_name="Person",
        restricted=True,
        restriction_contact=personas["sergeant"],
    )
    AssociationFactory(subject=hidden, context=context)
    AssociationFactory(subject=SubjectFactory(created_by=officer_a), context=context)

    html = client_for(officer_a).get(url("subjects:context_detail", context)).content.decode()

    assert "Secret" not in html
    assert "Restricted record" in html
    assert str(personas["sergeant"]) in html
    for_sergeant = client_for(personas["sergeant"]).get(url("subjects:context_detail", context)).content.decode()
    assert "Secret Person" in for_sergeant


def test_members_in_forces_the_viewer_cannot_see_are_left_out(client_for, officer_a, subject, subject_b):
    context = ContextFactory()
    AssociationFactory(subject=subject, context=context)
    AssociationFactory(subject=subject_b, context=context)

    html = client_for(officer_a).get(url("subjects:context_detail", context)).content.decode()

    assert "Kai Marsh" in html
    assert "Remy" not in html
    assert subject_b.reference not in html


def test_a_context_with_nobody_the_viewer_can_see_is_not_found(client_for, personas, subject):
    context = ContextFactory()
    AssociationFactory(subject=subject, context=context)
    client = client_for(personas["officer_b"])

    assert client.get(url("subjects:context_detail", context)).status_code == 404
    assert client.get(reverse("subjects:context_detail", args=[context.pk + 1000])).status_code == 404


def test_viewing_a_context_is_logged(client_for, officer_a, subject):
    context = ContextFactory()
    AssociationFactory(subject=subject, context=context)

    client_for(officer_a).get(url("subjects:context_detail", context))

    event = AccessEvent.objects.get(operation=Operation.CONSULTATION)
    assert (event.object_type, event.object_id) == ("context", str(context.pk))
    assert event.justification == f"Shown: {subject.reference}"  # the people listed on the page


@pytest.mark.parametrize("rows", [5, 50])
def test_the_context_page_costs_the_same_queries_for_5_and_50_people(
    client_for, officer_a, personas, rows, django_assert_num_queries
):
    context = ContextFactory()
    for n in range(rows):
        restricted = n % 5 == 0
        person = SubjectFactory(created_by=personas["sergeant"] if restricted else officer_a, restricted=restricted)
        AssociationFactory(subject=person, context=context)
    client = client_for(officer_a)
    client.get(url("subjects:context_detail", context))  # the first request of a session writes the session once

    # session, user, OTP device, the officer's forces, the context, the count, the page of people, the access event
    with django_assert_num_queries(8):
        response = client.get(url("subjects:context_detail", context))

    assert response.status_code == 200
    assert response.context["page"].paginator.count == rows


@pytest.mark.parametrize("persona", ["analyst", "admin_support", "sysadmin"])
def test_roles_without_case_access_are_refused_the_context(client_for, personas, persona, subject):
    context = ContextFactory()
    AssociationFactory(subject=subject, context=context)

    assert client_for(personas[persona]).get(url("subjects:context_detail", context)).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in_from_the_context(client, subject):
    context = ContextFactory()
    AssociationFactory(subject=subject, context=context)

    response = client.get(url("subjects:context_detail", context))

    assert response["Location"].startswith(reverse("accounts:login"))


# ------------------------------------------------------------------------------
# Who may add identifiers, contacts and links
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("view", ADD_VIEWS)
@pytest.mark.parametrize("persona", ["officer_a", "sergeant", "inspector"])
def test_caseworkers_of_the_force_get_the_add_forms(client_for, personas, subject, view, persona):
    assert client_for(personas[persona]).get(url(view, subject)).status_code == 200


@pytest.mark.parametrize("view", ADD_VIEWS)
@pytest.mark.parametrize("persona", ["analyst", "admin_support", "sysadmin"])
def test_roles_without_case_access_are_refused_the_add_forms(client_for, personas, subject, view, persona):
    client = client_for(personas[persona])

    assert client.get(url(view, subject)).status_code == 403
    assert client.post(url(view, subject), {"name": "X", "relationship": "parent"}).status_code == 403


@pytest.mark.parametrize("view", ADD_VIEWS)
def test_an_officer_of_another_force_gets_not_found_on_the_add_forms(client_for, personas, subject, view):
    client = client_for(personas["officer_b"])

    assert client.get(url(view, subject)).status_code == 404
    assert client.post(url(view, subject), {"platform": "discord", "handle": "x"}).status_code == 404
    assert client.get(reverse(view, args=[subject.pk + 1000])).status_code == 404


def test_nothing_is_added_through_a_crafted_post_from_another_force(client_for, personas, subject):
    client = client_for(personas["officer_b"])

    client.post(url("subjects:identifier_add", subject), {"platform": "discord", "handle": "x"})
    client.post(url("subjects:contact_add", subject), {"name": "X", "relationship": "parent"})
    client.post(url("subjects:association_add", subject), link_place("Nexus"))

    assert not OnlineIdentifier.objects.exists()
    assert not Contact.objects.exists()
    assert not Association.objects.exists()


@pytest.mark.parametrize("view", ADD_VIEWS)
def test_a_restricted_subject_is_not_found_on_the_add_forms_without_access(client_for, personas, view):
    hidden = SubjectFactory(created_by=personas["sergeant"], restricted=True)

    assert client_for(personas["officer_a"]).get(url(view, hidden)).status_code == 404


@pytest.mark.parametrize("view", ADD_VIEWS)
def test_an_anonymous_visitor_is_sent_to_sign_in_from_the_add_forms(client, subject, view):
    response = client.get(url(view, subject))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
