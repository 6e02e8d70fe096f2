"""The People list's bulk edit, archive with Undo, and delete."""

import pytest
from django.urls import reverse

from contacts.models import Contact, Tag
from interactions.models import Nudge
from tests.factories import ContactFactory, NudgeFactory, TagFactory

pytestmark = pytest.mark.django_db
URL = reverse("contact_bulk")
HX = {"HX-Request": "true"}


@pytest.fixture
def pair(owner):
    return (ContactFactory(owner=owner, display_name="Ana Lima", circle="friends"),
            ContactFactory(owner=owner, display_name="Ben Okafor", circle="friends"))


def ids(*contacts):
    return [c.pk for c in contacts]


def tags_of(contact):
    return sorted(contact.tags.values_list("name", flat=True))


class TestWithoutJs:
    def test_add_tag_and_back_to_the_same_list(self, owner_client, pair):
        back = reverse("contact_list") + "?circle=friends&sort=depth"
        response = owner_client.post(URL, {"ids": ids(*pair), "action": "add_tag", "tag": "climbing", "next": back})
        assert response.status_code == 302 and response["Location"] == back
        assert all(tags_of(c) == ["climbing"] for c in pair)
        html = owner_client.get(back).content.decode()
        assert "Tagged 2 people “climbing”." in html

    def test_remove_tag(self, owner_client, owner, pair):
        tag = TagFactory(owner=owner, name="Work")
        for contact in pair:
            contact.tags.add(tag)
        owner_client.post(URL, {"ids": ids(pair[0]), "action": "remove_tag", "tag": "work"})
        assert tags_of(pair[0]) == [] and tags_of(pair[1]) == ["Work"]

    def test_set_circle_and_cadence(self, owner_client, pair):
        owner_client.post(URL, {"ids": ids(*pair), "action": "set_circle", "circle": "inner"})
        owner_client.post(URL, {"ids": ids(*pair), "action": "set_cadence", "cadence": "14"})
        assert set(Contact.objects.values_list("circle", "cadence_days")) == {("inner", 14)}
        owner_client.post(URL, {"ids": ids(*pair), "action": "set_cadence", "cadence": ""})
        assert set(Contact.objects.values_list("cadence_days", flat=True)) == {None}

    def test_archive_then_undo(self, owner_client, owner, pair):
        nudge = NudgeFactory(owner=owner, contact=pair[0])
        owner_client.post(URL, {"ids": ids(*pair), "action": "archive"})
        assert Contact.objects.filter(archived=True).count() == 2
        assert not Nudge.objects.filter(pk=nudge.pk).exists()
        html = owner_client.get(reverse("contact_list")).content.decode()
        assert "Archived 2 people." in html and reverse("contact_undo_archive") in html
        response = owner_client.post(reverse("contact_undo_archive"), {"next": reverse("contact_list")})
        assert response["Location"] == reverse("contact_list")
        assert not Contact.objects.filter(archived=True).exists()

    def test_unarchive(self, owner_client, owner):
        gone = ContactFactory(owner=owner, archived=True)
        owner_client.post(URL, {"ids": ids(gone), "action": "unarchive"})
        assert not Contact.objects.get(pk=gone.pk).archived

    @pytest.mark.parametrize("data, message", [
        ({"action": "add_tag", "tag": "x"}, "Select at least one person first."),
        ({"action": "launch", "ids": ["1"]}, "Pick what to do with the selected people."),
        ({"action": "add_tag", "tag": "  ", "ids": ["1"]}, "Give the tag a name."),
        ({"action": "set_cadence", "cadence": "0", "ids": ["1"]}, "A cadence is between 1 and 3650 days."),
        ({"action": "set_circle", "circle": "moon", "ids": ["1"]}, "“moon” is not a circle"),
        ({"action": "archive", "ids": ["one"]}, "Select at least one person first."),
    ])
    def test_bad_input_is_a_clear_message(self, owner_client, pair, data, message):
        if data.get("ids") == ["1"]:
            data = {**data, "ids": ids(pair[0])}  # one of the user's own
        response = owner_client.post(URL, data, follow=True)
        assert message in response.content.decode()
        assert not Tag.objects.exists() and not Contact.objects.filter(archived=True).exists()

    def test_next_elsewhere_is_ignored(self, owner_client, pair):
        response = owner_client.post(URL, {"ids": ids(*pair), "action": "archive", "next": "//evil.example/"})
        assert response["Location"] == reverse("contact_list")


class TestWithHtmx:
    def test_rows_come_back_with_the_tag(self, owner_client, pair):
        back = reverse("contact_list") + "?q=a"
        response = owner_client.post(URL, {"ids": ids(*pair), "action": "add_tag", "tag": "book club", "next": back},
                                     headers=HX)
        html = response.content.decode()
        assert response.status_code == 200 and html.lstrip().startswith('<div id="people-results">')
        assert "Tagged 2 people “book club”." in html and html.count('<span class="tag">book club</span>') == 2

    def test_a_selection_gone_meanwhile_is_422_with_a_message(self, owner_client, pair):
        chosen = ids(*pair)
        Contact.objects.filter(pk__in=chosen).delete()  # in another tab
        response = owner_client.post(URL, {"ids": chosen, "action": "archive"}, headers=HX)
        assert response.status_code == 422
        assert "None of the selected people are in your list any more" in response.content.decode()

    def test_invalid_is_422(self, owner_client, pair):
        response = owner_client.post(URL, {"ids": ids(*pair), "action": "set_cadence", "cadence": "many"}, headers=HX)
        assert response.status_code == 422 and "“many” is not a number of days." in response.content.decode()


class TestOwner:
    def test_another_owners_id_is_not_touched(self, owner_client, other, pair):
        theirs = ContactFactory(owner=other, display_name="Not Mine", circle="friends")
        response = owner_client.post(URL, {"ids": [pair[0].pk, theirs.pk], "action": "set_circle", "circle": "inner"},
                                     follow=True)
        assert "Moved 1 person to Inner circle." in response.content.decode()
        assert Contact.objects.get(pk=theirs.pk).circle == "friends"

    @pytest.mark.parametrize("action", ["add_tag", "archive", "set_circle"])
    def test_only_someone_elses_ids_change_nothing(self, outsider_client, pair, action):
        before = list(Contact.objects.values().order_by("pk"))
        response = outsider_client.post(URL, {"ids": ids(*pair), "action": action, "tag": "x", "circle": "inner"},
                                        follow=True)
        assert response.status_code == 200
        assert "None of the selected people are in your list any more" in response.content.decode()
        assert list(Contact.objects.values().order_by("pk")) == before and not Tag.objects.exists()

    def test_undo_restores_only_own_contacts(self, client, owner, other):
        theirs = ContactFactory(owner=other, archived=True)
        client.force_login(owner)
        session = client.session
        session["undo_archive"] = [theirs.pk]
        session.save()
        response = client.post(reverse("contact_undo_archive"), follow=True)
        assert "Nothing to undo." in response.content.decode()
        assert Contact.objects.get(pk=theirs.pk).archived


class TestSingleContact:
    def test_archive_lands_on_the_list_with_undo(self, owner_client, pair):
        response = owner_client.post(reverse("contact_archive", args=[pair[0].pk]), follow=True)
        html = response.content.decode()
        assert "Archived Ana Lima." in html and "Undo" in html
        owner_client.post(reverse("contact_undo_archive"))
        assert not Contact.objects.get(pk=pair[0].pk).archived

    def test_delete_asks_then_deletes(self, owner_client, pair):
        url = reverse("contact_delete", args=[pair[0].pk])
        assert "This cannot be undone" in owner_client.get(url).content.decode()
        response = owner_client.post(url, follow=True)
        assert "Deleted Ana Lima." in response.content.decode()
        assert not Contact.objects.filter(pk=pair[0].pk).exists()

    def test_create_shows_errors_as_422(self, owner_client):
        response = owner_client.post(reverse("contact_create"), {"display_name": "", "circle": "inner"})
        assert response.status_code == 422 and not Contact.objects.exists()
