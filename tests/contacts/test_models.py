import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from contacts.models import Contact, ContactMethod, ImportantDate, Tag
from tests.factories import ContactFactory, ContactMethodFactory, TagFactory

pytestmark = pytest.mark.django_db


def _violates(**kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(**kwargs)


class TestConstraints:
    def test_tag_names_are_unique_per_owner_ignoring_case(self, owner, other):
        Tag.objects.create(owner=owner, name="Climbing")
        with pytest.raises(IntegrityError), transaction.atomic():
            Tag.objects.create(owner=owner, name="climbing")
        # another owner may use the same name
        assert Tag.objects.create(owner=other, name="climbing").pk

    def test_contact_needs_a_name(self, owner):
        _violates(owner=owner, display_name="")

    @pytest.mark.parametrize(
        "month, day, year",
        [(2, 30, None), (4, 31, None), (13, 1, None), (5, 0, None), (None, 5, None), (None, None, 1990)],
    )
    def test_impossible_birthdays_are_refused(self, owner, month, day, year):
        _violates(owner=owner, display_name="Ana", birthday_month=month, birthday_day=day, birthday_year=year)

    def test_29_february_without_a_year_is_a_birthday(self, owner):
        contact = Contact.objects.create(owner=owner, display_name="Leap", birthday_month=2, birthday_day=29)
        assert contact.birthday_display == "29 February"
        assert contact.birthday is None

    def test_29_february_in_a_common_year_fails_validation(self, owner):
        contact = Contact(owner=owner, display_name="Leap", birthday_month=2, birthday_day=29, birthday_year=2001)
        with pytest.raises(ValidationError, match="does not exist"):
            contact.full_clean()

    @pytest.mark.parametrize("cadence", [0, 3651])
    def test_cadence_out_of_range(self, owner, cadence):
        _violates(owner=owner, display_name="Ana", cadence_days=cadence)

    def test_nobody_is_introduced_by_themselves(self, owner):
        contact = ContactFactory(owner=owner)
        contact.introduced_by = contact
        with pytest.raises(IntegrityError), transaction.atomic():
            contact.save()

    def test_introduced_by_must_be_the_same_owners_contact(self, owner, other):
        stranger = ContactFactory(owner=other)
        contact = ContactFactory.build(owner=owner, introduced_by=stranger)
        with pytest.raises(ValidationError, match="your own contacts"):
            contact.full_clean()

    def test_contact_method_unique_per_contact_ignoring_case(self, owner):
        contact = ContactFactory(owner=owner)
        ContactMethodFactory(contact=contact, value="Ana@Example.org")
        with pytest.raises(IntegrityError), transaction.atomic():
            ContactMethod.objects.create(contact=contact, kind="email", value="ana@example.org ")
        assert ContactMethod.objects.get().value == "ana@example.org"

    def test_important_date_must_exist(self, owner):
        contact = ContactFactory(owner=owner)
        with pytest.raises(IntegrityError), transaction.atomic():
            ImportantDate.objects.create(contact=contact, label="Anniversary", month=6, day=31)


class TestScoping:
    def test_for_user_returns_only_own_rows(self, owner, other):
        mine = ContactFactory(owner=owner)
        ContactFactory(owner=other)
        TagFactory(owner=other)
        assert list(Contact.objects.for_user(owner)) == [mine]
        assert not Tag.objects.for_user(owner).exists()

    def test_contact_parts_are_scoped_through_their_contact(self, owner, other):
        from contacts.models import ContactMethod, ImportantDate
        from tests.factories import ContactMethodFactory, ImportantDateFactory

        mine = ContactMethodFactory(contact__owner=owner)
        ContactMethodFactory(contact__owner=other)
        date = ImportantDateFactory(contact__owner=owner)
        ImportantDateFactory(contact__owner=other)
        assert list(ContactMethod.objects.for_user(owner)) == [mine]
        assert list(ImportantDate.objects.for_user(owner)) == [date]
