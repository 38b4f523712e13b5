"""Synthetic people and cases for tests (never real people)."""

from datetime import date, timedelta

import factory
from django.utils import timezone

from accounts.models import Force
from accounts.tests.factories import PlainName, UserFactory
from subjects.matching import identifier_key, name_key
from subjects.models import (
    Association,
    Attachment,
    Case,
    CaseStatus,
    Contact,
    Context,
    ContextKind,
    Engagement,
    EngagementOutcome,
    EngagementType,
    OnlineIdentifier,
    Platform,
    ReferralSource,
    Relationship,
    Subject,
    SubjectAlias,
)
from subjects.workdays import add_working_days


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subject
        skip_postgeneration_save = True

    force = factory.LazyFunction(lambda: Force.objects.get(code="WM"))
    reference = factory.Sequence(lambda n: f"TS-2026-{n:05d}")
    first_name = PlainName("first_name", locale="en_GB")
    last_name = PlainName("last_name", locale="en_GB")
    name_key = factory.LazyAttribute(lambda o: name_key(f"{o.first_name} {o.last_name}"))
    date_of_birth = factory.LazyFunction(lambda: date(2010, 5, 17))
    created_by = factory.SubFactory(UserFactory)
    assigned_officer = factory.LazyAttribute(lambda o: o.created_by)


class SubjectAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubjectAlias

    subject = factory.SubFactory(SubjectFactory)
    # Not Faker: a random alias can come close to a name a matching test searches for (it did once, in CI).
    name = factory.Sequence(lambda n: f"Alias Known{n}")
    name_key = factory.LazyAttribute(lambda o: name_key(o.name))


class OnlineIdentifierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OnlineIdentifier

    subject = factory.SubFactory(SubjectFactory)
    platform = Platform.DISCORD
    handle = factory.Sequence(lambda n: f"player_{n}")
    handle_key = factory.LazyAttribute(lambda o: identifier_key(o.platform, o.handle))


class ContextFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Context

    kind = ContextKind.DISCORD_SERVER
    name = factory.Sequence(lambda n: f"Server {n}")
    name_key = factory.LazyAttribute(lambda o: name_key(o.name))


class AssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Association

    subject = factory.SubFactory(SubjectFactory)
    context = factory.SubFactory(ContextFactory)
    relationship = Relationship.MEMBER


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    subject = factory.SubFactory(SubjectFactory)
    name = PlainName("name", locale="en_GB")
    relationship = "parent"
    phone = "07700 900123"


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case
        skip_postgeneration_save = True

    subject = factory.SubFactory(SubjectFactory)
    force = factory.LazyAttribute(lambda o: o.subject.force)
    number = factory.Sequence(lambda n: n + 1)
    referral_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))
    source = ReferralSource.SCHOOL
    status = CaseStatus.NEW
    narrative = "Synthetic referral narrative."
    assigned_officer = factory.LazyAttribute(lambda o: o.subject.assigned_officer)
    created_by = factory.LazyAttribute(lambda o: o.subject.created_by)
    first_contact_due = factory.LazyAttribute(lambda o: add_working_days(o.referral_date, 5))


class EngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Engagement
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory, status=CaseStatus.ACTIVE)
    occurred_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    type = EngagementType.PHONE
    outcome = EngagementOutcome.ENGAGED
    narrative = "Synthetic engagement notes."
    created_by = factory.LazyAttribute(lambda o: o.case.assigned_officer)

    @factory.post_generation
    def officers(self, create, extracted, **kwargs):
        if create:
            self.officers.set(extracted or [self.created_by])


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    subject = factory.SubFactory(SubjectFactory)
    kind = "letter"
    file = factory.django.FileField(filename="generated.pdf", data=b"%PDF-1.4 synthetic")
    original_name = "letter.pdf"
    content_type = "application/pdf"
    size = 18
    sha256 = "0" * 64
    uploaded_by = factory.LazyAttribute(lambda o: o.subject.created_by)
