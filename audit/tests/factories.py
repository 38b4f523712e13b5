import factory

from audit.models import AccessEvent, Operation


class AccessEventFactory(factory.django.DjangoModelFactory):
    """An unsealed access event, as ``access_event_record`` would write it."""

    class Meta:
        model = AccessEvent

    actor = None
    actor_username = factory.Sequence(lambda n: f"officer{n}")
    role = "officer"
    force = "WM"
    operation = Operation.CONSULTATION
    object_type = "subject"
    object_id = factory.Sequence(str)
    changed_fields = factory.LazyFunction(list)
    request_id = factory.Faker("hexify", text="^" * 32)
    ip_address = "10.0.0.1"
