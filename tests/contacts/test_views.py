import pytest
from django.urls import reverse

from contacts.models import Contact, Tag
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(owner):
    return ContactFactory(owner=owner, display_name="Ana Lima", company="Lisbon Labs")


class TestList:
    def test_lists_own_active_contacts(self, owner_client, owner, ana, other):
        ContactFactory(owner=other, display_name="Not Mine")
        ContactFactory(owner=owner, display_name="Old Friend", archived=True)
        html = owner_client.get(reverse("contact_list")).content.decode()
        assert "Ana Lima" in html
        assert "Not Mine" not in html and "Old Friend" not in html

    def test_search_and_circle_filter(self, owner_client, owner, ana):
        ContactFactory(owner=owner, display_name="Ben Okafor", circle="network")
        html = owner_client.get(reverse("contact_list"), {"q": "lisbon"}).content.decode()
        assert "Ana Lima" in html and "Ben Okafor" not in html
        html = owner_client.get(reverse("contact_list"), {"circle": "network"}).content.decode()
        assert "Ben Okafor" in html and "Ana Lima" not in html


class TestCreateEdit:
    def test_create_with_tags_and_birthday(self, owner_client, owner):
        response = owner_client.post(
            reverse("contact_create"),
            {"display_name": "Cleo Park", "circle": "close", "tags": "climbing, Book club, climbing",
             "birthday_day": "29", "birthday_month": "2"},
        )
        contact = Contact.objects.get(display_name="Cleo Park")
        assert response.status_code == 302 and response["Location"] == contact.get_absolute_url()
        assert contact.owner == owner
        assert sorted(t.name for t in contact.tags.all()) == ["Book club", "climbing"]
        assert contact.birthday_display == "29 February"

    def test_existing_tag_is_reused_ignoring_case(self, owner_client, owner, ana):
        Tag.objects.create(owner=owner, name="Climbing")
        owner_client.post(reverse("contact_edit", args=[ana.pk]), {"display_name": "Ana Lima", "circle": "inner", "tags": "climbing"})
        assert list(Tag.objects.for_user(owner).values_list("name", flat=True)) == ["Climbing"]
        assert ana.tags.get().name == "Climbing"

    def test_impossible_birthday_is_a_form_error(self, owner_client):
        response = owner_client.post(
            reverse("contact_create"), {"display_name": "X", "circle": "close", "birthday_day": "31", "birthday_month": "4"}
        )
        assert response.status_code == 422
        assert "That day does not exist." in response.content.decode()
        assert not Contact.objects.exists()

    def test_introduced_by_offers_only_own_contacts(self, owner_client, ana, other):
        theirs = ContactFactory(owner=other)
        response = owner_client.post(
            reverse("contact_create"), {"display_name": "New", "circle": "close", "introduced_by": theirs.pk}
        )
        assert response.status_code == 422
        assert not Contact.objects.filter(display_name="New").exists()


class TestArchiveDelete:
    def test_archive_and_restore(self, owner_client, ana):
        owner_client.post(reverse("contact_archive", args=[ana.pk]), {"archived": "1"})
        assert Contact.objects.get(pk=ana.pk).archived
        owner_client.post(reverse("contact_archive", args=[ana.pk]), {"archived": "0"})
        assert not Contact.objects.get(pk=ana.pk).archived

    def test_delete_asks_first(self, owner_client, ana):
        assert owner_client.get(reverse("contact_delete", args=[ana.pk])).status_code == 200
        assert Contact.objects.filter(pk=ana.pk).exists()
        owner_client.post(reverse("contact_delete", args=[ana.pk]))
        assert not Contact.objects.filter(pk=ana.pk).exists()


class TestOutsider:
    @pytest.mark.parametrize(
        "name, method",
        [
            ("contact_detail", "get"),
            ("contact_edit", "get"),
            ("contact_edit", "post"),
            ("contact_archive", "post"),
            ("contact_delete", "get"),
            ("contact_delete", "post"),
        ],
    )
    def test_someone_elses_contact_is_404_and_unchanged(self, outsider_client, ana, name, method):
        before = Contact.objects.values().get(pk=ana.pk)
        response = getattr(outsider_client, method)(reverse(name, args=[ana.pk]), {"display_name": "Hacked", "circle": "inner"})
        assert response.status_code == 404
        assert Contact.objects.values().get(pk=ana.pk) == before
