import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from interactions import services
from interactions.models import Interaction
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(owner):
    return ContactFactory(owner=owner, display_name="Ana Lima", circle="inner")


@pytest.fixture
def chat(owner, ana):
    return services.log_interaction(
        owner, contacts=[ana], occurred_at=timezone.now() - datetime.timedelta(days=2), channel="call", note="Moving to Lisbon"
    )


def when(minutes_ago=5):
    return timezone.localtime(timezone.now() - datetime.timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M")


class TestDashboard:
    def test_anonymous_visitors_are_sent_to_sign_in(self, client):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))

    def test_shows_counts_recent_and_the_form(self, owner_client, chat, other):
        ContactFactory(owner=other, display_name="Not Mine")
        response = owner_client.get("/")
        html = response.content.decode()
        assert response.status_code == 200
        assert 'aria-label="Log a conversation"' in html
        assert "Moving to Lisbon" in html
        assert "Not Mine" not in html
        assert response.context["contact_count"] == 1
        assert response.context["talked_30"] == 1
        assert response.context["interactions_30"] == 1

    def test_query_count_does_not_grow_with_data(self, owner_client, owner, django_assert_max_num_queries):
        for _ in range(30):
            person = ContactFactory(owner=owner)
            services.log_interaction(owner, contacts=[person], occurred_at=timezone.now(), channel="email")
        with django_assert_max_num_queries(10):
            owner_client.get("/")


class TestLog:
    def test_logs_with_several_people_and_redirects(self, owner_client, owner, ana):
        ben = ContactFactory(owner=owner, display_name="Ben Okafor")
        response = owner_client.post(
            reverse("interaction_log"),
            {"contacts": "ana lima, Ben Okafor", "channel": "in_person", "occurred_at": when(), "direction": "mutual",
             "kind": "catch_up", "note": "Dinner"},
        )
        assert response.status_code == 302
        interaction = Interaction.objects.get()
        assert set(interaction.contacts.all()) == {ana, ben}
        assert Contact.objects.get(pk=ana.pk).last_interaction_at == interaction.occurred_at

    def test_unknown_name_is_explained_and_nothing_is_saved(self, owner_client, ana):
        response = owner_client.post(
            reverse("interaction_log"),
            {"contacts": "Ana Lima, Nobody Here", "channel": "call", "occurred_at": when(), "direction": "mutual",
             "kind": "catch_up"},
        )
        assert response.status_code == 422
        assert "No contact is named “Nobody Here”" in response.content.decode()
        assert not Interaction.objects.exists()

    def test_future_dates_are_refused(self, owner_client, ana):
        response = owner_client.post(
            reverse("interaction_log"),
            {"contacts": "Ana Lima", "channel": "call", "occurred_at": when(-24 * 60), "direction": "mutual",
             "kind": "catch_up"},
        )
        assert response.status_code == 422
        assert "in the future" in response.content.decode()

    def test_someone_elses_contact_name_does_not_resolve(self, outsider_client, ana):
        response = outsider_client.post(
            reverse("interaction_log"),
            {"contacts": "Ana Lima", "channel": "call", "occurred_at": when(), "direction": "mutual", "kind": "catch_up"},
        )
        assert response.status_code == 422
        assert not Interaction.objects.exists()

    def test_when_is_read_in_the_users_time_zone(self, owner_client, owner, ana):
        owner.time_zone = "Pacific/Auckland"
        owner.save()
        owner_client.post(
            reverse("interaction_log"),
            {"contacts": "Ana Lima", "channel": "call", "occurred_at": "2026-01-01T09:00", "direction": "mutual",
             "kind": "catch_up"},
        )
        occurred = Interaction.objects.get().occurred_at
        assert occurred == datetime.datetime(2025, 12, 31, 20, 0, tzinfo=datetime.UTC)


class TestEditDelete:
    def test_edit_changes_the_interaction(self, owner_client, chat):
        response = owner_client.post(
            reverse("interaction_edit", args=[chat.pk]),
            {"contacts": "Ana Lima", "channel": "video", "occurred_at": when(60), "direction": "incoming",
             "kind": "support", "note": "Changed"},
        )
        assert response.status_code == 302
        chat.refresh_from_db()
        assert (chat.channel, chat.note) == ("video", "Changed")

    def test_delete_removes_it(self, owner_client, chat, ana):
        assert owner_client.post(reverse("interaction_delete", args=[chat.pk])).status_code == 302
        assert not Interaction.objects.exists()
        assert Contact.objects.get(pk=ana.pk).last_interaction_at is None


class TestOutsider:
    @pytest.mark.parametrize("name, method", [("interaction_edit", "get"), ("interaction_edit", "post"), ("interaction_delete", "post")])
    def test_someone_elses_interaction_is_404_and_unchanged(self, outsider_client, chat, name, method):
        before = Interaction.objects.values().get(pk=chat.pk)
        response = getattr(outsider_client, method)(reverse(name, args=[chat.pk]), {"contacts": "x", "channel": "call"})
        assert response.status_code == 404
        assert Interaction.objects.values().get(pk=chat.pk) == before
