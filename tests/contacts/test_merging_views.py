"""Possible duplicates: found by email, phone and name; merged after the user confirms; others' rows out of reach."""

import pytest
from django.urls import reverse

from contacts.duplicates import find_duplicates, normalise_name, phone_key
from contacts.models import Contact
from tests.factories import ContactFactory, ContactMethodFactory, InteractionFactory

pytestmark = pytest.mark.django_db


def names(groups):
    return [sorted(c.display_name for c in g.contacts) for g in groups]


class TestFinding:
    def test_by_email_phone_and_name(self, owner):
        ana, ana2 = ContactFactory(owner=owner, display_name="Ana Lima"), ContactFactory(owner=owner, display_name="A.")
        ContactMethodFactory(contact=ana, kind="email", value="ana@example.org")
        ContactMethodFactory(contact=ana2, kind="email", value="Ana@Example.org")
        ben, benny = ContactFactory(owner=owner, display_name="Ben O"), ContactFactory(owner=owner, display_name="Benny")
        ContactMethodFactory(contact=ben, kind="phone", value="+44 7700 900123")
        ContactMethodFactory(contact=benny, kind="phone", value="07700 900123")
        ContactFactory(owner=owner, display_name="José Álvarez")
        ContactFactory(owner=owner, display_name="alvarez, jose")
        ContactFactory(owner=owner, display_name="Zoe Ng")  # alone
        groups = find_duplicates(owner)
        assert names(groups) == [["A.", "Ana Lima"], ["José Álvarez", "alvarez, jose"], ["Ben O", "Benny"]]
        assert [g.reasons for g in groups] == [["the same email"], ["the same name"], ["the same phone"]]

    def test_a_middle_name_matches_only_someone_called_just_first_and_last(self, owner):
        ContactFactory(owner=owner, display_name="Ana Maria Lima")
        ContactFactory(owner=owner, display_name="Ana Sofia Lima")
        assert find_duplicates(owner) == []
        ContactFactory(owner=owner, display_name="Ana Lima")
        assert names(find_duplicates(owner)) == [["Ana Lima", "Ana Maria Lima", "Ana Sofia Lima"]]

    def test_a_chain_of_matches_is_one_group_and_other_owners_are_never_in_it(self, owner, other):
        a, b, c = (ContactFactory(owner=owner, display_name=n) for n in ("Kim", "K. Park", "Kim Park"))
        ContactMethodFactory(contact=a, kind="email", value="kim@example.org")
        ContactMethodFactory(contact=b, kind="email", value="kim@example.org")
        ContactMethodFactory(contact=b, kind="phone", value="555 123 4567")
        ContactMethodFactory(contact=c, kind="phone", value="(555) 123-4567")
        theirs = ContactFactory(owner=other, display_name="Kim")
        ContactMethodFactory(contact=theirs, kind="email", value="kim@example.org")
        groups = find_duplicates(owner)
        assert names(groups) == [["K. Park", "Kim", "Kim Park"]]
        assert find_duplicates(other) == []

    def test_two_queries(self, owner, django_assert_num_queries):
        for n in range(20):
            ContactMethodFactory(contact=ContactFactory(owner=owner, display_name=f"Person {n % 10}"))
        with django_assert_num_queries(2):
            assert len(find_duplicates(owner)) == 10

    def test_normalising(self):
        assert normalise_name("  Lima,  ÁNA ") == "ana lima"
        assert phone_key("+1 (555) 123-4567") == phone_key("555.123.4567") == "551234567"
        assert phone_key("12 34") is None


@pytest.fixture
def twins(owner):
    ana = ContactFactory(owner=owner, display_name="Ana Lima", company="")
    dup = ContactFactory(owner=owner, display_name="Ana Lima", company="Acme")
    ContactMethodFactory(contact=dup, kind="email", value="ana@example.org")
    interaction = InteractionFactory(owner=owner)
    interaction.contacts.add(dup)
    return ana, dup


class TestPages:
    def test_duplicates_page_suggests_keeping_the_one_with_history(self, owner_client, twins):
        ana, dup = twins
        response = owner_client.get(reverse("contact_duplicates"))
        page = response.content.decode()
        assert response.status_code == 200
        assert "Same name." in page
        assert f'value="{dup.pk}" checked' in page and f'value="{ana.pk}" checked' not in page
        assert 'aria-label="Keep Ana Lima"' in page

    def test_confirm_then_merge(self, owner_client, twins):
        ana, dup = twins
        url = reverse("contact_merge")
        confirm = owner_client.get(url, {"ids": [ana.pk, dup.pk], "keep": ana.pk})
        assert confirm.status_code == 200
        assert "Merge 2 contacts" in confirm.content.decode()
        assert Contact.objects.filter(pk=dup.pk).exists()  # nothing happens before the POST
        response = owner_client.post(url, {"ids": [ana.pk, dup.pk], "keep": ana.pk}, follow=True)
        assert response.redirect_chain[-1][0] == ana.get_absolute_url()
        assert "Merged 2 contacts into Ana Lima" in response.content.decode()
        ana.refresh_from_db()
        assert ana.company == "Acme" and ana.methods.get().value == "ana@example.org"
        assert ana.interactions.count() == 1
        assert not Contact.objects.filter(pk=dup.pk).exists()

    def test_merging_without_picking_one_to_keep_asks_again(self, owner_client, twins):
        ana, dup = twins
        response = owner_client.post(reverse("contact_merge"), {"ids": [ana.pk, dup.pk]})
        assert response.status_code == 200
        assert "Pick the contact to keep." in response.content.decode()
        assert Contact.objects.count() == 2

    def test_one_contact_is_not_a_merge(self, owner_client, twins):
        ana, _ = twins
        response = owner_client.post(reverse("contact_merge"), {"ids": [ana.pk], "keep": ana.pk}, follow=True)
        assert "Pick at least two contacts" in response.content.decode()
        assert Contact.objects.count() == 2

    @pytest.mark.parametrize("query", [{"ids": "x"}, {"ids": ["1", "2"], "keep": "nope"}, {}])
    def test_nonsense_is_not_found(self, owner_client, twins, query):
        assert owner_client.get(reverse("contact_merge"), query).status_code == 404

    def test_the_outsider_gets_404_and_nothing_changes(self, client, outsider, twins):
        ana, dup = twins
        client.force_login(outsider)
        assert client.get(reverse("contact_merge"), {"ids": [ana.pk, dup.pk], "keep": ana.pk}).status_code == 404
        response = client.post(reverse("contact_merge"), {"ids": [ana.pk, dup.pk], "keep": ana.pk})
        assert response.status_code == 404
        assert Contact.objects.count() == 2 and Contact.objects.get(pk=ana.pk).company == ""
        assert "Ana Lima" not in client.get(reverse("contact_duplicates")).content.decode()

    def test_one_of_someone_elses_contacts_mixed_in_is_404(self, owner_client, twins, other):
        ana, _ = twins
        theirs = ContactFactory(owner=other, display_name="Ana Lima")
        response = owner_client.post(reverse("contact_merge"), {"ids": [ana.pk, theirs.pk], "keep": ana.pk})
        assert response.status_code == 404
        assert Contact.objects.filter(pk=theirs.pk).exists()

    def test_signed_out_visitors_are_sent_to_sign_in(self, client):
        response = client.get(reverse("contact_duplicates"))
        assert response.status_code == 302 and "login" in response["Location"]
