import importlib
from datetime import date, timedelta

import factory
from django.utils import timezone

from accounts.models import Force
from outreach.models import (
    Audience,
    Campaign,
    CampaignScope,
    EventStatus,
    EventType,
    LessonLearnt,
    LessonStatus,
    Measure,
    OutreachEvent,
    Product,
    Strand,
    Target,
    TargetScope,
)


def _force_wm() -> Force:
    return Force.objects.get(code="WM")


def products_seed() -> None:
    """The products the data migration seeds, for transactional tests that start from a flushed database."""
    for code, name, active in importlib.import_module("outreach.migrations.0002_products").PRODUCTS:
        Product.objects.get_or_create(code=code, defaults={"name": name, "active": active})


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"product_{n}")
    name = factory.Sequence(lambda n: f"Product {n}")
    active = True


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Campaign {n}")
    scope = CampaignScope.NATIONAL
    start_date = date(2026, 4, 1)
    end_date = date(2027, 3, 31)


class OutreachEventFactory(factory.django.DjangoModelFactory):
    """A delivered Protect presentation a week ago in West Midlands, unless told otherwise."""

    class Meta:
        model = OutreachEvent
        skip_postgeneration_save = True

    date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=7))
    force = factory.LazyFunction(_force_wm)
    status = EventStatus.DELIVERED
    strand = Strand.PROTECT
    event_type = EventType.PRESENTATION
    audience = Audience.BUSINESS
    sector = "Manufacturing"
    host_organisation = factory.Sequence(lambda n: f"Acme Widgets {n} Ltd")
    attendees = 20
    sign_ups = 3

    @factory.post_generation
    def presenters(self, create, extracted, **kwargs):
        if create and extracted:
            self.presenters.set(extracted)

    @factory.post_generation
    def products(self, create, extracted, **kwargs):
        if create and extracted:
            self.products.set(extracted)


class LessonLearntFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LessonLearnt

    force = factory.LazyFunction(_force_wm)
    source_operation = factory.Sequence(lambda n: f"Op Lantern {n}")
    theme = "Booter services"
    finding = "Young gamers found booter services through game-cheat forums."
    recommendation = "Target Cyber Choices messages at game-cheat communities."
    status = LessonStatus.DRAFT


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target
        django_get_or_create = ("force", "financial_year", "quarter", "measure", "scope")

    force = factory.LazyFunction(_force_wm)
    financial_year = 2026
    quarter = 1
    measure = Measure.EVENTS
    scope = TargetScope.NATIONAL
    value = 10
