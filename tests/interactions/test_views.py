import datetime
import json
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from interactions import services
from interactions.models import Interaction, Nudge
from tests.factories import ContactFactory, NudgeFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


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


def entry(contacts="Ana Lima", **fields):
    return {"contacts": contacts, "channel": "call", "occurred_at": when(), "direction": "mutual", "kind": "catch_up",
            **fields}


def focus_of(response):
    return json.loads(response["HX-Trigger"])["relcrm:focus"]["selector"]


class TestDashboard:
    def test_anonymous_visitors_are_sent_to_sign_in(self, client):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))

    def test_shows_counts_recent_nudges_and_the_form(self, owner_client, owner, chat, other):
        ContactFactory(owner=other, display_name="Not Mine")
        NudgeFactory(owner=other, contact__display_name="Their Nudge")
        NudgeFactory(owner=owner, contact__display_name="Ben Okafor")
        response = owner_client.get("/")
        html = response.content.decode()
        assert response.status_code == 200
        assert 'aria-label="Log a conversation"' in html
        assert "Moving to Lisbon" in html
        assert "Ben Okafor" in html
        assert "Not Mine" not in html and "Their Nudge" not in html
        dash = response.context["dash"]
        assert (dash.contact_count, dash.talked_30, dash.interactions_30) == (2, 1, 1)
        assert 'role="img"' in html
        assert "Vary" in response and "HX-Request" in response["Vary"]

    def test_the_when_field_defaults_to_now_in_the_users_time_zone(self, owner_client, owner):
        owner.time_zone = "Pacific/Auckland"
        owner.save()
        before = timezone.now().astimezone(zoneinfo.ZoneInfo("Pacific/Auckland"))
        html = owner_client.get("/").content.decode()
        after = timezone.now().astimezone(zoneinfo.ZoneInfo("Pacific/Auckland"))
        shown = {f'value="{moment:%Y-%m-%dT%H:%M}"' for moment in (before, after)}
        assert any(value in html for value in shown)

    def test_done_link_prefills_the_form(self, owner_client, ana):
        response = owner_client.get("/?contact=Ana+Lima&kind=celebration")
        form = response.context["form"]
        assert form["contacts"].value() == "Ana Lima"
        assert form["kind"].value() == "celebration"


class TestLog:
    def test_logs_with_several_people_and_redirects(self, owner_client, owner, ana):
        ben = ContactFactory(owner=owner, display_name="Ben Okafor")
        response = owner_client.post(reverse("interaction_log"), entry("ana lima, Ben Okafor", note="Dinner",
                                                                        channel="in_person"))
        assert response.status_code == 302
        interaction = Interaction.objects.get()
        assert set(interaction.contacts.all()) == {ana, ben}
        assert Contact.objects.get(pk=ana.pk).last_interaction_at == interaction.occurred_at

    def test_unknown_name_is_explained_and_nothing_is_saved(self, owner_client, ana):
        response = owner_client.post(reverse("interaction_log"), entry("Ana Lima, Nobody Here"))
        assert response.status_code == 422
        html = response.content.decode()
        assert "No contact is named “Nobody Here”" in html
        assert "Add names not yet in relcrm as new people" in html
        assert not Interaction.objects.exists()
        assert Contact.objects.count() == 1

    def test_new_people_are_created_inline_when_asked(self, owner_client, owner, ana):
        response = owner_client.post(reverse("interaction_log"), entry("Ana Lima, Carla Dias", new_people="on"))
        assert response.status_code == 302
        carla = Contact.objects.get(display_name="Carla Dias")
        assert carla.owner == owner
        assert set(Interaction.objects.get().contacts.all()) == {ana, carla}

    def test_a_bad_entry_with_new_people_creates_nobody(self, owner_client, ana):
        response = owner_client.post(
            reverse("interaction_log"), entry("Carla Dias", new_people="on", occurred_at=when(-24 * 60))
        )
        assert response.status_code == 422
        assert not Contact.objects.filter(display_name="Carla Dias").exists()

    def test_future_dates_are_refused(self, owner_client, ana):
        response = owner_client.post(reverse("interaction_log"), entry(occurred_at=when(-24 * 60)))
        assert response.status_code == 422
        assert "in the future" in response.content.decode()

    def test_someone_elses_contact_name_does_not_resolve(self, outsider_client, ana):
        response = outsider_client.post(reverse("interaction_log"), entry())
        assert response.status_code == 422
        assert not Interaction.objects.exists()

    def test_when_is_read_in_the_users_time_zone(self, owner_client, owner, ana):
        owner.time_zone = "Pacific/Auckland"
        owner.save()
        owner_client.post(reverse("interaction_log"), entry(occurred_at="2026-01-01T09:00"))
        occurred = Interaction.objects.get().occurred_at
        assert occurred == datetime.datetime(2025, 12, 31, 20, 0, tzinfo=datetime.UTC)

    def test_htmx_answers_with_the_form_recent_nudges_and_message(self, owner_client, owner, ana):
        nudge = NudgeFactory(owner=owner, contact=ana)
        other_nudge = NudgeFactory(owner=owner, contact__display_name="Ben Okafor")
        response = owner_client.post(reverse("interaction_log"), entry(note="Coffee at the market"), **HTMX)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="log-form"' in html and 'id="recent" hx-swap-oob="true"' in html
        assert "Coffee at the market" in html
        assert "Logged: call with Ana Lima." in html
        # Talking to Ana answers her nudge; Ben's stays.
        assert f'id="nudge-{nudge.pk}"' not in html and f'id="nudge-{other_nudge.pk}"' in html
        assert Nudge.objects.get(pk=nudge.pk).state == "done"
        assert focus_of(response) == "#id_contacts"
        assert "HX-Request" in response["Vary"]

    def test_htmx_invalid_form_is_a_422_fragment(self, owner_client, ana):
        response = owner_client.post(reverse("interaction_log"), entry("Nobody"), **HTMX)
        assert response.status_code == 422
        html = response.content.decode()
        assert html.lstrip().startswith('<div id="log-form"')
        assert "No contact is named “Nobody”" in html
        assert not Interaction.objects.exists()

    def test_get_is_not_allowed(self, owner_client):
        assert owner_client.get(reverse("interaction_log")).status_code == 405


class TestContactSearch:
    def test_names_starting_with_the_term_come_first(self, owner_client, owner, other):
        for name in ("Bruno Ana", "Ana Lima", "Anabel Cruz", "Carl Berg"):
            ContactFactory(owner=owner, display_name=name)
        ContactFactory(owner=other, display_name="Ana Other")
        ContactFactory(owner=owner, display_name="Ana Archived", archived=True)
        response = owner_client.get(reverse("contact_search"), {"contacts": "Ben Okafor, an"}, **HTMX)
        assert response.status_code == 200
        assert [c.display_name for c in response.context["matches"]] == ["Ana Lima", "Anabel Cruz", "Bruno Ana"]
        html = response.content.decode()
        assert 'data-pick="Ana Lima"' in html
        assert "Add “an” as a new person" in html
        assert "<html" not in html

    def test_an_exact_match_offers_no_new_person(self, owner_client, ana):
        response = owner_client.get(reverse("contact_search"), {"contacts": "ana lima"}, **HTMX)
        assert "as a new person" not in response.content.decode()

    def test_empty_term_gives_nothing(self, owner_client, ana):
        response = owner_client.get(reverse("contact_search"), {"contacts": "Ana Lima, "}, **HTMX)
        assert response.context["matches"] == []

    def test_works_as_a_full_page(self, owner_client, ana):
        response = owner_client.get(reverse("contact_search"), {"q": "lim"})
        html = response.content.decode()
        assert "<html" in html and reverse("contact_detail", args=[ana.pk]) in html
        assert "HX-Request" in response["Vary"]

    def test_outsider_finds_nothing(self, outsider_client, ana):
        response = outsider_client.get(reverse("contact_search"), {"q": "Ana"}, **HTMX)
        assert response.context["matches"] == []
        assert "Ana Lima" not in response.content.decode()


class TestEditDelete:
    def test_edit_changes_the_interaction(self, owner_client, chat):
        response = owner_client.post(
            reverse("interaction_edit", args=[chat.pk]),
            entry(channel="video", occurred_at=when(60), direction="incoming", kind="support", note="Changed"),
        )
        assert response.status_code == 302
        chat.refresh_from_db()
        assert (chat.channel, chat.note) == ("video", "Changed")

    def test_edit_page_and_inline_form(self, owner_client, chat):
        page = owner_client.get(reverse("interaction_edit", args=[chat.pk]))
        assert page.status_code == 200 and "<html" in page.content.decode()
        fragment = owner_client.get(reverse("interaction_edit", args=[chat.pk]), **HTMX).content.decode()
        assert fragment.lstrip().startswith(f'<li class="timeline-item timeline-editing" id="interaction-{chat.pk}"')
        assert 'hx-target="closest li"' in fragment

    def test_htmx_edit_answers_with_the_row(self, owner_client, chat):
        response = owner_client.post(reverse("interaction_edit", args=[chat.pk]), entry(note="Now in Porto"), **HTMX)
        assert response.status_code == 200
        html = response.content.decode()
        assert html.lstrip().startswith(f'<li class="timeline-item" id="interaction-{chat.pk}"')
        assert "Now in Porto" in html and "Saved." in html
        assert focus_of(response) == f"#interaction-{chat.pk} .timeline-edit"
        assert Interaction.objects.get(pk=chat.pk).note == "Now in Porto"

    def test_htmx_edit_with_errors_is_422_and_unchanged(self, owner_client, chat):
        response = owner_client.post(reverse("interaction_edit", args=[chat.pk]), entry("", note="x"), **HTMX)
        assert response.status_code == 422
        assert "Type the name of at least one contact." in response.content.decode()
        assert Interaction.objects.get(pk=chat.pk).note == "Moving to Lisbon"

    def test_delete_asks_first(self, owner_client, chat):
        page = owner_client.get(reverse("interaction_delete", args=[chat.pk]))
        assert page.status_code == 200
        assert "Delete this conversation?" in page.content.decode()
        fragment = owner_client.get(reverse("interaction_delete", args=[chat.pk]), **HTMX).content.decode()
        assert "Delete the call with Ana Lima on" in fragment and "<html" not in fragment
        assert Interaction.objects.filter(pk=chat.pk).exists()

    def test_delete_removes_it(self, owner_client, chat, ana):
        assert owner_client.post(reverse("interaction_delete", args=[chat.pk])).status_code == 302
        assert not Interaction.objects.exists()
        assert Contact.objects.get(pk=ana.pk).last_interaction_at is None

    def test_htmx_delete_removes_the_row(self, owner_client, chat):
        response = owner_client.post(reverse("interaction_delete", args=[chat.pk]), **HTMX)
        assert response.status_code == 200
        html = response.content.decode()
        assert f'id="interaction-{chat.pk}"' not in html
        assert "Deleted the call with Ana Lima" in html
        assert not Interaction.objects.exists()

    def test_detail_as_page_and_fragment(self, owner_client, chat):
        assert "<html" in owner_client.get(reverse("interaction_detail", args=[chat.pk])).content.decode()
        fragment = owner_client.get(reverse("interaction_detail", args=[chat.pk]), **HTMX).content.decode()
        assert "Moving to Lisbon" in fragment and "<html" not in fragment


class TestNudges:
    def test_done_without_javascript_redirects_to_a_prefilled_form(self, owner_client, owner):
        nudge = NudgeFactory(owner=owner, contact__display_name="Ana Lima")
        response = owner_client.post(reverse("nudge_done", args=[nudge.pk]))
        assert response.status_code == 302
        assert response["Location"] == "/?contact=Ana+Lima#log-heading"
        assert Nudge.objects.get(pk=nudge.pk).state == "done"

    def test_birthday_done_prefills_a_celebration(self, owner_client, owner):
        nudge = NudgeFactory(owner=owner, contact__display_name="Ana Lima", reason="birthday", level="info")
        response = owner_client.post(reverse("nudge_done", args=[nudge.pk]))
        assert "kind=celebration" in response["Location"]

    @pytest.mark.parametrize("action, state", [("snooze", "snoozed"), ("dismiss", "dismissed")])
    def test_htmx_snooze_and_dismiss_remove_the_row(self, owner_client, owner, action, state):
        nudge = NudgeFactory(owner=owner, contact__display_name="Ana Lima")
        stays = NudgeFactory(owner=owner, contact__display_name="Ben Okafor")
        response = owner_client.post(reverse(f"nudge_{action}", args=[nudge.pk]), **HTMX)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="dash-status"' in html and "Ana Lima" in html
        # The row itself is replaced by nothing; the list stays as it is.
        assert 'id="nudge-list"' not in html and f"nudge-{stays.pk}" not in html
        assert Nudge.objects.get(pk=nudge.pk).state == state
        assert focus_of(response) == "#reach-heading"

    def test_htmx_done_offers_the_form_for_that_person(self, owner_client, owner):
        nudge = NudgeFactory(owner=owner, contact__display_name="Ana Lima")
        response = owner_client.post(reverse("nudge_done", args=[nudge.pk]), **HTMX)
        html = response.content.decode()
        assert '<div id="log-form" hx-swap-oob="true">' in html
        assert 'value="Ana Lima"' in html
        assert "Done: Ana Lima. Log how it went?" in html
        # That was the last one: the list says so.
        assert "Nobody is waiting on you today" in html
        assert focus_of(response) == "#id_note"

    def test_acting_twice_acts_once(self, owner_client, owner):
        nudge = NudgeFactory(owner=owner, contact__display_name="Ana Lima")
        owner_client.post(reverse("nudge_dismiss", args=[nudge.pk]), **HTMX)
        response = owner_client.post(reverse("nudge_snooze", args=[nudge.pk]), **HTMX)
        assert "already taken care of" in response.content.decode()
        assert Nudge.objects.get(pk=nudge.pk).state == "dismissed"


class TestOutsider:
    @pytest.mark.parametrize(
        "name, method",
        [("interaction_detail", "get"), ("interaction_edit", "get"), ("interaction_edit", "post"),
         ("interaction_delete", "get"), ("interaction_delete", "post")],
    )
    @pytest.mark.parametrize("htmx", [False, True])
    def test_someone_elses_interaction_is_404_and_unchanged(self, outsider_client, chat, name, method, htmx):
        before = Interaction.objects.values().get(pk=chat.pk)
        response = getattr(outsider_client, method)(
            reverse(name, args=[chat.pk]), entry("Ana Lima"), **(HTMX if htmx else {})
        )
        assert response.status_code == 404
        assert Interaction.objects.values().get(pk=chat.pk) == before

    @pytest.mark.parametrize("action", ["done", "snooze", "dismiss"])
    @pytest.mark.parametrize("htmx", [False, True])
    def test_someone_elses_nudge_is_404_and_unchanged(self, outsider_client, owner, action, htmx):
        nudge = NudgeFactory(owner=owner)
        response = outsider_client.post(reverse(f"nudge_{action}", args=[nudge.pk]), **(HTMX if htmx else {}))
        assert response.status_code == 404
        assert Nudge.objects.get(pk=nudge.pk).state == "open"
