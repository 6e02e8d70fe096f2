import datetime

import factory
from django.utils import timezone

from accounts.models import User
from contacts.models import Circle, Contact, ContactMethod, ImportantDate, Tag
from interactions.models import Channel, Direction, Interaction, Kind, Nudge

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"tag {n}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    owner = factory.SubFactory(UserFactory)
    display_name = factory.Faker("name")
    circle = Circle.FRIENDS


class ContactMethodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactMethod

    contact = factory.SubFactory(ContactFactory)
    kind = ContactMethod.Kind.EMAIL
    value = factory.Sequence(lambda n: f"person{n}@example.org")


class ImportantDateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportantDate

    contact = factory.SubFactory(ContactFactory)
    label = "Anniversary"
    month = 6
    day = 1


class InteractionFactory(factory.django.DjangoModelFactory):
    """An interaction row only; use interactions.services to log one with contacts."""

    class Meta:
        model = Interaction

    owner = factory.SubFactory(UserFactory)
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    channel = Channel.CALL
    direction = Direction.OUTGOING
    kind = Kind.CATCH_UP


class NudgeFactory(factory.django.DjangoModelFactory):
    """An open nudge about a new contact of ``owner``, showing today; ``contact__display_name`` names them."""

    class Meta:
        model = Nudge

    owner = factory.SubFactory(UserFactory)
    contact = factory.SubFactory(ContactFactory, owner=factory.SelfAttribute("..owner"))
    reason = "overdue"
    level = "yellow"
    due_on = factory.LazyFunction(timezone.localdate)
    show_from = factory.SelfAttribute("due_on")
    message = "Last talked 47 days ago; about every 3 weeks — learned from 12 conversations"
