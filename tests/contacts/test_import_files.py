"""import_contacts with broken files, limits, CSV flavours and the matching rules: all or nothing."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from contacts.importing import ContactImportError, import_file
from contacts.models import Contact, ContactMethod, ImportantDate, Tag
from tests.factories import ContactFactory, ContactMethodFactory

pytestmark = pytest.mark.django_db

VCARDS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "vcards"
GOOD = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nEMAIL:ana@example.com\r\nEND:VCARD\r\n"


def nothing_written(owner):
    assert not Contact.objects.filter(owner=owner).exists()
    assert not ContactMethod.objects.exists() and not Tag.objects.exists()


def refused(owner, data) -> str:
    with pytest.raises(ContactImportError) as caught:
        import_file(owner, data)
    nothing_written(owner)
    return str(caught.value)


def test_truncated_file(owner):
    data = (VCARDS / "gmail-list.vcf").read_bytes()
    message = refused(owner, data[: len(data) - 30])
    assert "card 3" in message and "cut short" in message


def test_latin1_text_without_a_charset_names_the_byte(owner):
    data = "BEGIN:VCARD\nVERSION:3.0\nFN:José Muñoz\nEND:VCARD\n".encode("latin-1")
    message = refused(owner, GOOD + data)
    assert "card 2" in message and "0xe9" in message and "UTF-8" in message


def test_latin1_with_its_charset_is_read(owner):
    data = "BEGIN:VCARD\nVERSION:2.1\nFN;CHARSET=ISO-8859-1:José Muñoz\nEND:VCARD\n".encode("latin-1")
    import_file(owner, data)
    assert Contact.objects.get().display_name == "José Muñoz"


def test_binary_junk(owner):
    assert "binary" in refused(owner, bytes(range(256)) * 10)
    message = refused(owner, b"\x89PNG\r\n\x1a\n" + b"junk" * 50)
    assert "not UTF-8" in message and "a vCard (.vcf) or a CSV saved in UTF-8" in message


def test_junk_in_the_middle_of_a_card(owner):
    data = GOOD + b"BEGIN:VCARD\nVERSION:3.0\nFN:Ben\nthis line is no property\nEND:VCARD\n"
    message = refused(owner, data)
    assert "card 2" in message and "not a vCard property" in message


def test_empty_and_oversized_and_too_many(owner, settings):
    assert "empty" in refused(owner, b"")
    assert "skipped" in import_file(owner, b"BEGIN:VCARD\nVERSION:3.0\nEND:VCARD\n").summary()
    nothing_written(owner)
    settings.CONTACT_IMPORT_MAX_BYTES = 100
    assert "largest accepted" in refused(owner, GOOD * 2)
    settings.CONTACT_IMPORT_MAX_BYTES = 5_000_000
    settings.CONTACT_IMPORT_MAX_CONTACTS = 2
    assert "more than 2 contacts" in refused(owner, GOOD * 3)


def test_unknown_csv_header_says_what_was_expected(owner):
    message = refused(owner, b"who,where\nAna,Lisbon\n")
    assert "Google Contacts" in message and "Outlook" in message and "LinkedIn" in message and "who,where" in message


def test_command_reports_errors_and_exits_non_zero(owner, tmp_path):
    path = tmp_path / "broken.vcf"
    path.write_bytes(GOOD[:40])
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_contacts", "--user", owner.email, str(path))
    with pytest.raises(CommandError, match="no user"):
        call_command("import_contacts", "--user", "nobody@example.com", str(path))
    with pytest.raises(CommandError, match="not found"):
        call_command("import_contacts", "--user", owner.email, str(tmp_path / "missing.vcf"))
    nothing_written(owner)


GOOGLE = (
    "Name,Given Name,Additional Name,Family Name,Nickname,Birthday,Notes,Group Membership,"
    "E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,Organization 1 - Name,Organization 1 - Title\n"
    "Ana Lima,Ana,,Lima,Aninha,--04-15,Met in Porto,* myContacts ::: Climbing,* Home,ana@example.com ::: ana@work.example,"
    "Mobile,+351 912 345 678,Acme,Engineer\n"
    "Ben Okafor,Ben,,Okafor,,1985-02-09,,* myContacts,,ben@example.com,,,,\n"
)
OUTLOOK = (
    "First Name,Middle Name,Last Name,Title,Suffix,Nickname,E-mail Address,E-mail 2 Address,Mobile Phone,"
    "Business Phone,Company,Job Title,Birthday,Notes,Categories\n"
    "Carla,,Souza,,,,carla@example.com,,555 0100,,Initech,Manager,4/15/1980,\"Two\nlines\",Work;Friends\n"
    "Dan,,Brown,,,,,,,,,,0/0/00,,\n"
)
LINKEDIN = (
    "Notes:\n"
    "\"When exporting your connection data, you may notice that some of the email addresses are missing.\"\n"
    "\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    "Eve,Adams,https://www.linkedin.com/in/eveadams,eve@example.com,Globex,CTO,15 Apr 2023\n"
    "Finn,Berg,https://www.linkedin.com/in/finnberg,,Hooli,Designer,01 Jan 2024\n"
)


def test_google_csv(owner):
    result = import_file(owner, GOOGLE.encode())
    assert result.source == "Google Contacts CSV" and result.created == 2
    ana = Contact.objects.get(display_name="Ana Lima")
    assert (ana.given_name, ana.family_name, ana.nickname, ana.company, ana.title) == ("Ana", "Lima", "Aninha", "Acme", "Engineer")
    assert (ana.birthday_month, ana.birthday_day, ana.birthday_year, ana.notes) == (4, 15, None, "Met in Porto")
    assert sorted(ana.methods.values_list("kind", "value")) == [
        ("email", "ana@example.com"), ("email", "ana@work.example"), ("phone", "+351 912 345 678")
    ]
    assert [t.name for t in ana.tags.all()] == ["Climbing"]  # myContacts is Google's, not a tag
    assert Contact.objects.get(display_name="Ben Okafor").birthday == datetime.date(1985, 2, 9)


def test_outlook_csv(owner):
    result = import_file(owner, OUTLOOK.encode("utf-8-sig"))
    assert result.source == "Outlook CSV" and result.created == 2
    carla = Contact.objects.get(display_name="Carla Souza")
    assert (carla.company, carla.title, carla.notes) == ("Initech", "Manager", "Two\nlines")
    assert carla.birthday == datetime.date(1980, 4, 15)
    assert sorted(carla.tags.values_list("name", flat=True)) == ["Friends", "Work"]
    assert carla.methods.get(kind="phone").label == "mobile"
    assert Contact.objects.get(display_name="Dan Brown").birthday_month is None


def test_linkedin_csv_with_notes_before_the_header(owner):
    result = import_file(owner, LINKEDIN.encode())
    assert result.source == "LinkedIn CSV" and result.created == 2
    eve = Contact.objects.get(display_name="Eve Adams")
    assert (eve.company, eve.title, eve.how_we_met) == ("Globex", "CTO", "Connected on LinkedIn on 15 Apr 2023.")
    assert sorted(eve.methods.values_list("kind", "value")) == [
        ("email", "eve@example.com"), ("website", "https://www.linkedin.com/in/eveadams")
    ]


@pytest.mark.parametrize("text", [GOOGLE, OUTLOOK, LINKEDIN])
def test_csv_reimport_is_unchanged(owner, text):
    first = import_file(owner, text.encode())
    again = import_file(owner, text.encode())
    assert (again.created, again.updated, again.unchanged) == (0, 0, first.created)


def test_matching_order_uid_email_phone_name(owner):
    by_uid = ContactFactory(owner=owner, display_name="Someone Else", uid="abc-1")
    by_email = ContactFactory(owner=owner, display_name="Ana L.")
    ContactMethodFactory(contact=by_email, value="ana@example.com")
    by_phone = ContactFactory(owner=owner, display_name="Ben Okafor")
    ContactMethodFactory(contact=by_phone, kind="phone", value="+44 20 7946 0018")
    by_name = ContactFactory(owner=owner, display_name="Carla Souza")
    cards = (
        b"BEGIN:VCARD\nVERSION:4.0\nUID:abc-1\nFN:Renamed Person\nEND:VCARD\n"
        b"BEGIN:VCARD\nVERSION:4.0\nFN:Ana Lima\nEMAIL:ANA@example.com\nNOTE:from the file\nEND:VCARD\n"
        b"BEGIN:VCARD\nVERSION:4.0\nFN:Ben O.\nTEL:020 7946 0018\nEND:VCARD\n"
        b"BEGIN:VCARD\nVERSION:4.0\nFN:souza carla\nORG:Initech\nEND:VCARD\n"
        b"BEGIN:VCARD\nVERSION:4.0\nFN:Greg Hall\nTEL:+44 20 7946 0018\nEND:VCARD\n"
        b"BEGIN:VCARD\nVERSION:4.0\nEMAIL:nobody-at-all\nEND:VCARD\n"
    )
    result = import_file(owner, cards)
    # Renamed Person and Ben O. (the same number written another way) add nothing; the last card
    # has no name and no valid address.
    assert result.counts == {"created": 1, "updated": 2, "unchanged": 2, "skipped": 1}
    assert Contact.objects.filter(owner=owner).count() == 5  # Greg shares Ben's phone but not his name
    by_uid.refresh_from_db()
    by_email.refresh_from_db()
    by_name.refresh_from_db()
    assert by_uid.display_name == "Someone Else"
    assert (by_email.display_name, by_email.notes) == ("Ana L.", "from the file")  # completed, not renamed
    assert by_name.company == "Initech"
    assert "nobody-at-all" in " ".join(result.warnings)


def test_a_file_never_touches_another_users_contacts(owner, other):
    theirs = ContactFactory(owner=other, display_name="Ana Lima", uid="same-uid")
    import_file(owner, b"BEGIN:VCARD\nVERSION:3.0\nUID:same-uid\nFN:Ana Lima\nNOTE:mine\nEND:VCARD\n")
    theirs.refresh_from_db()
    assert theirs.notes == "" and Contact.objects.filter(owner=owner).count() == 1


def test_dates_and_tags_are_added_once(owner):
    card = b"BEGIN:VCARD\nVERSION:4.0\nFN:Ana\nANNIVERSARY:--0601\nCATEGORIES:a,b,A\nEND:VCARD\n"
    import_file(owner, card + card)
    assert ImportantDate.objects.count() == 1 and Tag.objects.count() == 2


def test_output_of_dry_run_writes_nothing(owner):
    out = io.StringIO()
    call_command("import_contacts", "--user", owner.email, "--dry-run", str(VCARDS / "gmail-list.vcf"), stdout=out)
    assert "Nothing was written" in out.getvalue()
    nothing_written(owner)
