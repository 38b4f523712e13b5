import factory
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Force, Role, User

TEST_PASSWORD = "correct-horse-battery-staple"


class PlainName(factory.Faker):
    """A British name from Faker without apostrophes ("O'Brien" -> "OBrien").

    Tests look for names in rendered pages, where Django escapes an apostrophe;
    a random apostrophe would make such a test fail one run in a hundred.
    """

    def evaluate(self, instance, step, extra):
        return super().evaluate(instance, step, extra).replace("'", "")


class ForceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Force
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"F{n}")
    name = factory.LazyAttribute(lambda o: f"{o.code} Police")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = PlainName("first_name", locale="en_GB")
    last_name = PlainName("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.police.uk")
    role = Role.OFFICER
    home_force = factory.LazyFunction(lambda: Force.objects.get(code="WM"))
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def forces(self, create, extracted, **kwargs):
        if not create:
            return
        self.forces.set(extracted if extracted is not None else ([self.home_force] if self.home_force else []))


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Authenticator app"
    confirmed = True


class StaticDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaticDevice

    user = factory.SubFactory(UserFactory)
    name = "Backup codes"
    confirmed = True
