"""A person's page: score and why, trend, rhythm, timeline, notes, edit in place, ways to reach them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts import profile
from contacts.models import CadenceSource, Contact, ContactMethod, ScoreSnapshot
from interactions import services
from interactions.models import Interaction
from tests.factories import ContactFactory, ContactMethodFactory, ImportantDateFactory, TagFactory

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def ana(owner):
    return ContactFactory(
        owner=owner, display_name="Ana Lima", company="Lisbon Labs", depth_score=64,
        depth_components={"recency": 40, "frequency": 12, "reciprocity": 6, "duration": 2, "richness": 4},
        effective_cadence_days=21, cadence_source=CadenceSource.LEARNED, cadence_sample=12,
    )


def page(client, contact, **params):
    return client.get(contact.get_absolute_url(), params)


class TestShows:
    def test_score_components_rhythm_and_trend(self, owner_client, ana):
        monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
        for weeks_ago, score in [(2, 40), (1, 55), (0, 64)]:
            ScoreSnapshot.objects.create(contact=ana, week=monday - datetime.timedelta(weeks=weeks_ago), score=score)
        html = page(owner_client, ana).content.decode()
        assert "Why this score?" in html and "Give and take" in html and "40 / 50" in html
        assert "About every 3 weeks — learned from 12 conversations" in html
        assert '<polyline class="spark-line" points="4.0,28.0 120.0,22.0 236.0,18.4"' in html
        assert "between 40 and 55" not in html and "between 40 and 64" in html

    def test_introductions_dates_and_tags(self, owner_client, owner, ana):
        cleo = ContactFactory(owner=owner, display_name="Cleo Park", introduced_by=ana)
        ana.tags.add(TagFactory(owner=owner, name="climbing"))
        ImportantDateFactory(contact=ana, label="Name day", month=7, day=26)
        html = page(owner_client, ana).content.decode()
        assert "Introduced you to" in html and cleo.get_absolute_url() in html
        assert "Name day: 26 July" in html and "?tag=climbing" in html
        assert "Introduced by" in page(owner_client, cleo).content.decode()

    def test_notes_are_markdown_without_scripts(self, owner_client, ana):
        ana.notes = ("**Kind** and [site](https://ana.example)\n\n<script>alert('x')</script>"
                     "<img src=x onerror=alert(1)> [bad](javascript:alert(2))")
        ana.save()
        html = page(owner_client, ana).content.decode()
        assert "<strong>Kind</strong>" in html
        assert '<a href="https://ana.example" rel="noopener noreferrer nofollow">site</a>' in html
        assert "alert" not in html and "onerror" not in html and "javascript:" not in html

    def test_nav_marks_people_current(self, owner_client, ana):
        html = page(owner_client, ana).content.decode()
        assert f'<a href="{reverse("contact_list")}" aria-current="page">People</a>' in html


class TestTimeline:
    def _log(self, owner, contact, count):
        now = timezone.now()
        for day in range(count):
            services.log_interaction(owner, contacts=[contact], occurred_at=now - datetime.timedelta(days=day + 1),
                                     channel="call", direction="outgoing", note=f"talk {day}")

    def test_paged_with_more(self, owner_client, owner, ana, monkeypatch):
        monkeypatch.setattr(profile, "TIMELINE_PAGE", 3)
        self._log(owner, ana, 5)
        html = page(owner_client, ana).content.decode()
        assert "talk 2" in html and "talk 3" not in html and "More conversations" in html
        more = owner_client.get(ana.get_absolute_url(), {"page": 2}, headers=HX).content.decode()
        assert "talk 3" in more and "talk 4" in more and "<html" not in more and "More conversations" not in more

    def test_delete_from_the_timeline_returns_to_the_person(self, owner_client, owner, ana):
        self._log(owner, ana, 1)
        interaction = Interaction.objects.get()
        delete_url = reverse("interaction_delete", args=[interaction.pk])
        html = page(owner_client, ana).content.decode()
        assert f'{delete_url}?next=/contacts/{ana.pk}/' in html
        confirm = owner_client.get(delete_url, {"next": ana.get_absolute_url()}).content.decode()
        assert f'name="next" value="{ana.get_absolute_url()}"' in confirm
        response = owner_client.post(delete_url, {"next": ana.get_absolute_url()})
        assert response.status_code == 302 and response["Location"] == ana.get_absolute_url()
        assert not Interaction.objects.exists()

    def test_delete_with_htmx_from_the_person_only_says_so(self, owner_client, owner, ana):
        self._log(owner, ana, 1)
        interaction = Interaction.objects.get()
        response = owner_client.post(reverse("interaction_delete", args=[interaction.pk]),
                                     {"next": ana.get_absolute_url()}, headers=HX)
        html = response.content.decode()
        assert 'id="dash-status"' in html and "Deleted the call" in html and "nudge-list" not in html

    def test_edit_from_the_timeline_returns_to_the_person(self, owner_client, owner, ana):
        self._log(owner, ana, 1)
        interaction = Interaction.objects.get()
        url = reverse("interaction_edit", args=[interaction.pk])
        data = {"contacts": "Ana Lima", "channel": "video", "occurred_at": "2026-11-02T10:00", "kind": "catch_up",
                "direction": "mutual", "note": "Long call", "next": ana.get_absolute_url()}
        form = owner_client.get(url, {"next": ana.get_absolute_url()}).content.decode()
        assert f'name="next" value="{ana.get_absolute_url()}"' in form
        response = owner_client.post(url, data)
        assert response.status_code == 302 and response["Location"] == ana.get_absolute_url()
        inline = owner_client.post(url, {**data, "note": "Longer call"}, headers=HX).content.decode()
        assert "Longer call" in inline and "Saved." in inline and "nudge-list" not in inline
        assert f"?next=/contacts/{ana.pk}/" in inline

    def test_next_elsewhere_is_ignored(self, owner_client, owner, ana):
        self._log(owner, ana, 1)
        interaction = Interaction.objects.get()
        response = owner_client.post(reverse("interaction_delete", args=[interaction.pk]),
                                     {"next": "https://evil.example/"})
        assert response["Location"] == reverse("dashboard")


class TestEditInPlace:
    def test_htmx_form_then_saved_card(self, owner_client, ana):
        url = reverse("contact_edit", args=[ana.pk])
        form = owner_client.get(url, headers=HX)
        assert form.status_code == 200 and 'hx-post="' + url + '"' in form.content.decode()
        assert "<html" not in form.content.decode()
        saved = owner_client.post(url, {"display_name": "Ana Lima Souza", "circle": "close", "nickname": "Nana"},
                                  headers=HX)
        html = saved.content.decode()
        assert saved.status_code == 200 and 'id="about"' in html and "Saved Ana Lima Souza." in html
        assert 'id="person-head" hx-swap-oob="true"' in html
        assert Contact.objects.get(pk=ana.pk).nickname == "Nana"

    def test_invalid_is_422_with_the_form(self, owner_client, ana):
        response = owner_client.post(reverse("contact_edit", args=[ana.pk]), {"display_name": "", "circle": "x"},
                                     headers=HX)
        assert response.status_code == 422 and "This field is required." in response.content.decode()
        assert Contact.objects.get(pk=ana.pk).display_name == "Ana Lima"

    def test_cancel_gives_the_card_back(self, owner_client, ana):
        html = owner_client.get(ana.get_absolute_url(), {"part": "about"}, headers=HX).content.decode()
        assert html.lstrip().startswith('<section class="card" id="about"')

    def test_without_js_a_page_and_a_redirect(self, owner_client, ana):
        url = reverse("contact_edit", args=[ana.pk])
        assert "<html" in owner_client.get(url).content.decode()
        response = owner_client.post(url, {"display_name": "Ana L.", "circle": "close"})
        assert response.status_code == 302 and response["Location"] == ana.get_absolute_url()


class TestMethods:
    def test_add_edit_remove_with_htmx(self, owner_client, ana):
        add = reverse("contact_method_add", args=[ana.pk])
        assert 'aria-label="Add a way to reach them"' in owner_client.get(add, headers=HX).content.decode()
        response = owner_client.post(add, {"kind": "email", "value": " Ana@Example.org "}, headers=HX)
        assert response.status_code == 200 and "Added email ana@example.org." in response.content.decode()
        method = ContactMethod.objects.get(contact=ana)
        edit = reverse("contact_method_edit", args=[ana.pk, method.pk])
        owner_client.post(edit, {"kind": "email", "value": "ana@lisbon.example", "label": "work"}, headers=HX)
        method.refresh_from_db()
        assert (method.value, method.label) == ("ana@lisbon.example", "work")
        removed = owner_client.post(reverse("contact_method_delete", args=[ana.pk, method.pk]), headers=HX)
        assert "Removed email ana@lisbon.example." in removed.content.decode()
        assert not ContactMethod.objects.exists()

    def test_a_removal_can_be_undone(self, owner_client, ana):
        method = ContactMethodFactory(contact=ana, kind="social", value="@ana@social.example", label="Mastodon")
        removed = owner_client.post(reverse("contact_method_delete", args=[ana.pk, method.pk]), headers=HX)
        html = removed.content.decode()
        assert "Removed social handle @ana@social.example." in html
        assert 'aria-label="Undo: add @ana@social.example back"' in html
        undo = {"kind": "social", "value": "@ana@social.example", "label": "Mastodon"}
        for name, value in undo.items():  # the Undo form carries what was removed
            assert f'name="{name}" value="{value}"' in html
        back = owner_client.post(reverse("contact_method_add", args=[ana.pk]), undo, headers=HX)
        assert "Added social handle @ana@social.example." in back.content.decode()
        assert ContactMethod.objects.filter(contact=ana).values("kind", "value", "label").get() == undo

    def test_duplicate_is_422(self, owner_client, ana):
        ContactMethodFactory(contact=ana, kind="phone", value="+351 900")
        response = owner_client.post(reverse("contact_method_add", args=[ana.pk]),
                                     {"kind": "phone", "value": "+351 900"}, headers=HX)
        assert response.status_code == 422 and "already has that one" in response.content.decode()
        assert ContactMethod.objects.count() == 1

    def test_without_js(self, owner_client, ana):
        add = reverse("contact_method_add", args=[ana.pk])
        assert "<html" in owner_client.get(add).content.decode()
        response = owner_client.post(add, {"kind": "social", "value": "@ana@mastodon.social"})
        assert response.status_code == 302 and response["Location"].startswith(ana.get_absolute_url())


class TestOutsider:
    @pytest.mark.parametrize("name, method, extra", [
        ("contact_detail", "get", {}),
        ("contact_edit", "get", {}),
        ("contact_edit", "post", {}),
        ("contact_methods", "get", {}),
        ("contact_method_add", "get", {}),
        ("contact_method_add", "post", {}),
        ("contact_method_edit", "post", {"method": True}),
        ("contact_method_delete", "post", {"method": True}),
    ])
    def test_404_and_unchanged(self, outsider_client, ana, name, method, extra):
        item = ContactMethodFactory(contact=ana, value="ana@example.org")
        args = [ana.pk, item.pk] if extra else [ana.pk]
        before = (Contact.objects.values().get(pk=ana.pk), list(ContactMethod.objects.values()))
        response = getattr(outsider_client, method)(reverse(name, args=args),
                                                    {"display_name": "X", "circle": "inner", "kind": "email",
                                                     "value": "x@example.org"}, headers=HX)
        assert response.status_code == 404
        assert (Contact.objects.values().get(pk=ana.pk), list(ContactMethod.objects.values())) == before

    def test_method_of_another_contact_is_404(self, owner_client, owner, other, ana):
        theirs = ContactMethodFactory(contact=ContactFactory(owner=other))
        url = reverse("contact_method_delete", args=[ana.pk, theirs.pk])
        assert owner_client.post(url).status_code == 404
        assert ContactMethod.objects.filter(pk=theirs.pk).exists()


class TestQueryCount:
    def _fill(self, owner, contact, count):
        for n in range(count):
            ContactMethodFactory(contact=contact)
            ContactFactory(owner=owner, introduced_by=contact)
            ScoreSnapshot.objects.create(contact=contact, week=datetime.date(2026, 1, 5) + datetime.timedelta(weeks=n),
                                         score=n)
            other_person = ContactFactory(owner=owner)
            services.log_interaction(owner, contacts=[contact, other_person],
                                     occurred_at=timezone.now() - datetime.timedelta(days=n + 1),
                                     channel="call", direction="outgoing")
            contact.tags.add(TagFactory(owner=owner))

    @pytest.mark.parametrize("count", [3, 30])
    def test_constant(self, owner_client, owner, ana, count, django_assert_num_queries):
        self._fill(owner, ana, count)
        # session, user, contact (+ who introduced them), tags, introduced, dates,
        # snapshots, methods, timeline, the timeline's people
        with django_assert_num_queries(10):
            assert page(owner_client, ana).status_code == 200
