import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from contacts.models import Contact
from contacts.services import delete_contact
from interactions import services
from interactions.models import Channel, Interaction
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def days_ago(n):
    return NOW - datetime.timedelta(days=n)


def log(owner, contacts, when, **extra):
    return services.log_interaction(owner, contacts=contacts, occurred_at=when, channel=Channel.CALL, **extra)


def last(contact):
    return Contact.objects.get(pk=contact.pk).last_interaction_at


class TestLastInteraction:
    def test_logging_moves_it_forward_never_back(self, owner):
        ana = ContactFactory(owner=owner)
        log(owner, [ana], days_ago(10))
        assert last(ana) == days_ago(10)
        log(owner, [ana], days_ago(3))
        assert last(ana) == days_ago(3)
        log(owner, [ana], days_ago(20))  # an old conversation logged late
        assert last(ana) == days_ago(3)

    def test_a_group_conversation_counts_for_everyone(self, owner):
        people = ContactFactory.create_batch(3, owner=owner)
        interaction = log(owner, people, days_ago(2))
        assert interaction.contacts.count() == 3
        assert {last(p) for p in people} == {days_ago(2)}

    def test_editing_the_date_moves_it_back(self, owner):
        ana = ContactFactory(owner=owner)
        log(owner, [ana], days_ago(30))
        recent = log(owner, [ana], days_ago(1))
        services.update_interaction(recent, occurred_at=days_ago(40))
        assert last(ana) == days_ago(30)

    def test_editing_the_people_updates_old_and_new(self, owner):
        ana, ben = ContactFactory.create_batch(2, owner=owner)
        interaction = log(owner, [ana], days_ago(5))
        services.update_interaction(interaction, contacts=[ben])
        assert last(ana) is None
        assert last(ben) == days_ago(5)

    def test_deleting_falls_back_to_the_previous_one(self, owner):
        ana = ContactFactory(owner=owner)
        log(owner, [ana], days_ago(8))
        latest = log(owner, [ana], days_ago(2))
        services.delete_interaction(latest)
        assert last(ana) == days_ago(8)
        services.delete_interaction(Interaction.objects.get())
        assert last(ana) is None

    def test_bulk_delete_refreshes_everyone_involved(self, owner):
        ana, ben = ContactFactory.create_batch(2, owner=owner)
        log(owner, [ana, ben], days_ago(2))
        log(owner, [ben], days_ago(9))
        assert services.delete_interactions(Interaction.objects.filter(occurred_at=days_ago(2))) == 1
        assert (last(ana), last(ben)) == (None, days_ago(9))

    def test_refresh_repairs_drift_and_is_idempotent(self, owner, other):
        ana = ContactFactory(owner=owner)
        log(owner, [ana], days_ago(4))
        Contact.objects.filter(pk=ana.pk).update(last_interaction_at=days_ago(400))
        assert services.refresh_last_interaction(owner_id=owner.pk) == 1
        assert last(ana) == days_ago(4)
        assert services.refresh_last_interaction(owner_id=owner.pk) == 0


class TestRules:
    def test_someone_elses_contact_is_refused(self, owner, other):
        theirs = ContactFactory(owner=other)
        with pytest.raises(ValidationError, match="your own contacts"):
            log(owner, [theirs], days_ago(1))
        assert not Interaction.objects.exists()

    def test_an_interaction_needs_someone(self, owner):
        with pytest.raises(ValidationError):
            log(owner, [], days_ago(1))

    def test_quality_is_one_to_five(self, owner):
        ana = ContactFactory(owner=owner)
        with pytest.raises(ValidationError):
            log(owner, [ana], days_ago(1), quality=6)
        assert not Interaction.objects.exists()

    def test_deleting_a_contact_keeps_group_conversations(self, owner):
        ana, ben = ContactFactory.create_batch(2, owner=owner)
        group = log(owner, [ana, ben], days_ago(3))
        log(owner, [ana], days_ago(1))
        delete_contact(ana)
        assert list(Interaction.objects.all()) == [group]
        assert list(group.contacts.all()) == [ben]
