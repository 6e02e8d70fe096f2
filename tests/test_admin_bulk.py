"""The contact admin's bulk actions: each one, on one owner's contacts only."""

import csv
import io

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact, Tag
from interactions.models import Nudge
from tests.factories import ContactFactory, ContactMethodFactory, NudgeFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:contacts_contact_changelist")


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def mine(owner):
    return [
        ContactFactory(owner=owner, display_name=name, circle="friends")
        for name in ("Ana Lima", "Ben Okafor", "Chloé Martin")
    ]


@pytest.fixture
def theirs(other):
    return ContactFactory(owner=other, display_name="Dan Other", circle="friends")


def act(client, action, contacts, follow=True, **data):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [c.pk for c in contacts], **data}, follow=follow
    )


def said(response):
    return [str(m) for m in get_messages(response.wsgi_request)] or [
        str(m) for m in response.context.get("messages", [])
    ]


def fresh(contact):
    return Contact.objects.get(pk=contact.pk)


class TestFormActions:
    def test_add_tag_asks_which_then_tags(self, staff_client, owner, mine):
        asked = act(staff_client, "add_tag", mine[:2])
        assert asked.status_code == 200
        assert asked.templates[0].name == "admin/contacts/contact/bulk_action.html"
        page = asked.content.decode()
        assert "2 contacts selected" in page and "Ana Lima" in page and 'name="tag"' in page
        done = act(staff_client, "add_tag", mine[:2], tag="climbing", apply="1")
        assert done.redirect_chain[-1][0] == CHANGELIST
        assert "Add a tag: 2 contacts changed." in said(done)
        assert set(Tag.objects.get(owner=owner, name="climbing").contacts.all()) == set(mine[:2])

    def test_an_empty_tag_shows_the_form_again(self, staff_client, mine):
        response = act(staff_client, "add_tag", mine, tag="  ", apply="1")
        assert response.status_code == 200
        assert "This field is required." in response.content.decode()
        assert not Tag.objects.exists()

    def test_remove_tag_offers_the_selections_tags(self, staff_client, owner, mine):
        family = TagFactory(owner=owner, name="family")
        TagFactory(owner=owner, name="unused")
        mine[0].tags.add(family)
        asked = act(staff_client, "remove_tag", mine)
        choices = [value for value, _ in asked.context["form"].fields["tag"].choices]
        assert choices == ["family"]
        done = act(staff_client, "remove_tag", mine, tag="family", apply="1")
        assert "Remove a tag: 1 contact changed." in said(done)
        assert not family.contacts.exists()

    def test_remove_tag_when_nobody_has_one(self, staff_client, mine):
        response = act(staff_client, "remove_tag", mine)
        assert "None of the selected contacts has a tag." in said(response)

    def test_set_circle(self, staff_client, mine, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            done = act(staff_client, "set_circle", mine[:2], circle="inner", apply="1")
        assert "Set the circle: 2 contacts changed." in said(done)
        assert [fresh(c).circle for c in mine] == ["inner", "inner", "friends"]
        assert fresh(mine[0]).effective_cadence_days == 7

    def test_set_and_clear_cadence(self, staff_client, mine):
        act(staff_client, "set_cadence", mine, cadence_days="10", apply="1")
        assert {fresh(c).cadence_days for c in mine} == {10}
        done = act(staff_client, "set_cadence", mine[:1], cadence_days="", apply="1")
        assert "Set the cadence: 1 contact changed." in said(done)
        assert fresh(mine[0]).cadence_days is None

    def test_an_out_of_range_cadence_is_refused_by_the_form(self, staff_client, mine):
        response = act(staff_client, "set_cadence", mine, cadence_days="0", apply="1")
        assert response.status_code == 200 and response.context["form"].errors
        assert {fresh(c).cadence_days for c in mine} == {None}

    def test_merge_selected_asks_which_to_keep(self, staff_client, owner, mine):
        ContactMethodFactory(contact=mine[1], kind="email", value="ben@example.org")
        asked = act(staff_client, "merge_selected", mine[:2])
        assert [k for k, _ in asked.context["form"].fields["keep"].choices] == [mine[0].pk, mine[1].pk]
        done = act(staff_client, "merge_selected", mine[:2], keep=str(mine[0].pk), apply="1")
        assert "Merged 2 contacts into Ana Lima." in said(done)
        assert not Contact.objects.filter(pk=mine[1].pk).exists()
        assert fresh(mine[0]).methods.get().value == "ben@example.org"

    def test_merge_needs_two(self, staff_client, mine):
        assert "Select at least two contacts to merge." in said(act(staff_client, "merge_selected", mine[:1]))

    def test_select_across_every_page(self, staff_client, owner, mine, theirs):
        response = staff_client.post(
            f"{CHANGELIST}?owner__id__exact={owner.pk}",
            {"action": "set_circle", "_selected_action": [mine[0].pk], "select_across": "1", "circle": "close",
             "apply": "1"},
            follow=True,
        )
        assert "Set the circle: 3 contacts changed." in said(response)
        assert fresh(theirs).circle == "friends"


class TestPlainActions:
    def test_archive_and_unarchive(self, staff_client, owner, mine):
        nudge = NudgeFactory(owner=owner, contact=mine[0])
        response = act(staff_client, "archive", mine[:2])
        assert "Archived: 2 contacts changed." in said(response)
        assert [fresh(c).archived for c in mine] == [True, True, False]
        assert not Nudge.objects.filter(pk=nudge.pk).exists()
        response = act(staff_client, "unarchive", mine)
        assert "Unarchived: 2 contacts changed." in said(response)
        assert not any(fresh(c).archived for c in mine)

    def test_export_selected_is_formula_safe(self, staff_client, owner, mine):
        Contact.objects.filter(pk=mine[0].pk).update(display_name='=HYPERLINK("http://evil.example","x")')
        ContactMethodFactory(contact=mine[0], kind="phone", value="+44 7700 900123")
        response = act(staff_client, "export_selected_csv", mine[:2], follow=False)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        assert sorted(r["name"] for r in rows) == sorted(["'=HYPERLINK(\"http://evil.example\",\"x\")", "Ben Okafor"])
        assert [r["phones"] for r in rows if r["phones"]] == ["'+44 7700 900123"]


ACTIONS = [
    ("add_tag", {"tag": "x", "apply": "1"}),
    ("remove_tag", {"tag": "x", "apply": "1"}),
    ("set_circle", {"circle": "inner", "apply": "1"}),
    ("set_cadence", {"cadence_days": "5", "apply": "1"}),
    ("archive", {}),
    ("unarchive", {}),
    ("merge_selected", {"apply": "1"}),
    ("export_selected_csv", {}),
]


@pytest.mark.parametrize("action, data", ACTIONS, ids=[a for a, _ in ACTIONS])
def test_every_action_refuses_a_selection_across_owners(staff_client, owner, mine, theirs, action, data):
    tag = TagFactory(owner=owner, name="x")
    mine[0].tags.add(tag)
    if action == "merge_selected":
        data = {**data, "keep": str(mine[0].pk)}
    before = list(Contact.objects.order_by("pk").values())
    response = act(staff_client, action, [mine[0], theirs], **data)
    assert response.redirect_chain[-1][0] == CHANGELIST
    assert response["Content-Type"].startswith("text/html")
    assert "The selection holds contacts of 2 different users" in " ".join(said(response))
    assert list(Contact.objects.order_by("pk").values()) == before
    assert list(tag.contacts.all()) == [mine[0]]
    assert Tag.objects.count() == 1


def test_the_changelist_filters(staff_client, owner, other, mine, theirs):
    family = TagFactory(owner=owner, name="family")
    mine[0].tags.add(family)
    TagFactory(owner=other, name="family")
    Contact.objects.filter(pk=mine[1].pk).update(next_due_on=timezone.localdate().replace(year=2000))
    Contact.objects.filter(pk=mine[2].pk).update(archived=True, next_due_on=timezone.localdate().replace(year=2000))

    def names(**params):
        return sorted(c.display_name for c in staff_client.get(CHANGELIST, params).context["cl"].result_list)

    assert names(tag=family.pk) == ["Ana Lima"]
    assert names(overdue="yes") == ["Ben Okafor"]
    assert names(overdue="no") == ["Ana Lima", "Chloé Martin", "Dan Other"]
    assert names(archived__exact="1") == ["Chloé Martin"]
    assert names(owner__id__exact=other.pk) == ["Dan Other"]
    assert names(q="okafor") == ["Ben Okafor"]
    # Narrowed to one owner, the tag filter lists that owner's tags by bare name.
    page = staff_client.get(CHANGELIST, {"owner__id__exact": owner.pk}).content.decode()
    assert "family (owner@example.com)" not in page and "family" in page
    assert "family (other@example.com)" in staff_client.get(CHANGELIST).content.decode()


def test_non_staff_cannot_run_actions(owner_client, mine):
    response = act(owner_client, "archive", mine, follow=False)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not any(fresh(c).archived for c in mine)
