"""Every real vCard export in ../shared/data/vcards imports with the right fields, and re-imports as unchanged."""

from pathlib import Path

import pytest
from django.core.management import call_command

from contacts.importing import import_file
from contacts.models import Contact

pytestmark = pytest.mark.django_db

VCARDS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "vcards"
N = "Ñ"
IBM_NOTE = "THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS"


def person(name, *, emails=(), phones=(), birthday=None, company="", title="", notes="", nickname="", uid="",
           given="", family=""):
    return {"name": name, "emails": list(emails), "phones": list(phones), "birthday": birthday, "company": company,
            "title": title, "notes": notes, "nickname": nickname, "uid": uid, "given": given, "family": family}


# Written down from the files themselves: FN, N, EMAIL, TEL, BDAY, ORG (first part), TITLE, NOTE.
EXPECTED = {
    "John_Doe_ANDROID.vcf": [
        person("john.doe", emails=["john.doe@company.com"]),
        person("jane.doe", emails=["jane.doe@company.com"]),
        person(" ".join([N] * 5), phones=["123456789"], family=" ".join([N] * 4)),
        person(" ".join([N] * 11), phones=["123456", "234567", "3456789", "45678901"], family=" ".join([N] * 11),
               notes=" ".join([N] * 8)),
        # The second EMAIL is quoted-printable Ñs, not an address: left out.
        # The same number three times (cell, work, work fax) is kept once.
        person(" ".join([N] * 4), emails=["bob@company.com"], phones=["123456"],
               family=f"{N} {N}", given=f"{N} {N} {N}", company=N * 12),
        person(N * 4, emails=["henry@company.com"], phones=["55556666"], family=N * 4, company=N * 44),
    ],
    "John_Doe_BLACK_BERRY.vcf": [
        person("John Doe", phones=["+96123456789"], company="Acme Solutions", given="john", family="Doe"),
    ],
    "John_Doe_EVOLUTION.vcf": [
        person("Mr. John Richter, James Doe Sr.", emails=["john.doe@ibm.com"], phones=["905-666-1234", "905-555-1234"],
               birthday=(3, 22, 1980), company="IBM", title="Money Counter", notes=IBM_NOTE, nickname="Johny",
               uid="477343c8e6bf375a9bac1f96a5000837", given="John", family="Doe"),
    ],
    "John_Doe_GMAIL.vcf": [
        person("Mr. John Richter, James Doe Sr.", emails=["john.doe@ibm.com"], phones=["905-555-1234", "905-666-1234"],
               birthday=(3, 22, 1980), company="IBM", title="Money Counter", notes=IBM_NOTE, given="John", family="Doe"),
    ],
    "John_Doe_IPHONE.vcf": [
        person("Mr. John Richter James Doe Sr.", emails=["john.doe@ibm.com"],
               phones=["905-555-1234", "905-666-1234", "905-777-1234", "905-888-1234", "905-999-1234",
                       "905-111-1234", "905-222-1234"],
               birthday=(6, 6, 2012), company="IBM", title="Money Counter", nickname="Johny", given="John", family="Doe"),
    ],
    "John_Doe_LOTUS_NOTES.vcf": [
        person("Mr. Doe John I Johny", emails=["john.doe@ibm.com", "billy_bob@gmail.com"],
               phones=["+1 (212) 204-34456", "00-1-212-555-7777"], birthday=(5, 21, 1980), company="IBM",
               title="Generic Accountant", notes=IBM_NOTE, nickname="Johny,JayJay",
               uid="0e7602cc-443e-4b82-b4b1-90f62f99a199", given="John", family="Doe"),
    ],
    "John_Doe_MAC_ADDRESS_BOOK.vcf": [
        person("Mr. John Richter,James Doe Sr.", emails=["john.doe@ibm.com"],
               phones=["905-777-1234", "905-666-1234", "905-555-1234", "905-888-1234", "905-999-1234",
                       "905-111-1234", "905-222-1234"],
               birthday=(6, 6, 2012), company="IBM", title="Money Counter", notes=IBM_NOTE, nickname="Johny",
               given="John", family="Doe"),
    ],
    "John_Doe_MS_OUTLOOK.vcf": [
        person("Mr. John Richter James Doe Sr.", emails=["john.doe@ibm.cm"], phones=["(905) 555-1234", "(905) 666-1234"],
               birthday=(3, 22, 1980), company="IBM", title="Money Counter",
               notes="THIS SOFTWARE IS PROVIDED BY GEORGE EL-HADDAD ''AS IS''", nickname="Johny",
               given="John", family="Doe"),
    ],
    "fullcontact.vcf": [
        person("Prefix FirstName MiddleName LastName Suffix",
               emails=["home@example.com", "work@example.com", "school@example.com", "other@example.com",
                       "custom@example.com"],
               phones=[f"555-555-111{i}" for i in range(1, 10)], birthday=(8, 1, 2016), company="Organization1",
               title="Title1", notes="Notes line 1\nNotes line 2", nickname="NickName", given="FirstName",
               family="LastName"),
    ],
    "gmail-list.vcf": [
        person("Arnold Smith", emails=["asmithk@gmail.com"], given="Arnold", family="Smith"),
        person("Chris Beatle", emails=["chrisy55d@yahoo.com"], given="Chris", family="Beatle"),
        person("Doug White", emails=["dwhite@gmail.com"], given="Doug", family="White"),
    ],
    "gmail-single.vcf": [
        person("Greg Dartmouth", emails=["gdartmouth@hotmail.com"], phones=["555 555 1111", "555 555 2222"],
               birthday=(9, 10, 1960), company="TheCompany", title="TheJobTitle",
               notes="This is GMail's note field.\nIt should be added as a NOTE type.\nACustomField: CustomField",
               nickname="Gman", given="Greg", family="Dartmouth"),
    ],
    "gmail-single2.vcf": [
        person("VCard Test",
               emails=["email@example.com", "homeemail@example.com", "workemail@example.com", "otheremail@example.com",
                       "customcategory@example.com"],
               phones=[f"55555511{i:02d}" for i in range(11, 22)], birthday=(6, 23, 1912), company="TheCompany",
               title="TheJobTitle", notes="note line 1\nnote line 2\nCustomField: field value", nickname="TheNickname",
               given="VCard", family="Test"),
    ],
    "issue114.vcf": [
        person("Dummy, Dummy", emails=["dummy.dummy@dummy.com"], phones=["+49 1234 56789", "+49 9876 54321"],
               company="Dummy GmbH", uid="8b574c60-fd7f-4e99-b584-c5db131ae687", given="Dummy", family="Dummy"),
    ],
    "outlook-2003.vcf": [
        # The phones are the placeholders "BusinessPhone", "HomePhone"…: no digits, left out.
        person("John Doe III", emails=["jdoe@hotmail.com"], birthday=(3, 21, 1980), company="Company, The",
               title="The Job Title", notes="This is the note field!!\nSecond line\n\nThird line is empty",
               nickname="Joey", given="John", family="Doe"),
    ],
    "outlook-2007.vcf": [
        person("Mr. Michael Angstadt Jr.", emails=["mike.angstadt@gmail.com"],
               phones=["(111) 555-1111", "(111) 555-2222", "(111) 555-4444", "(111) 555-3333"],
               birthday=(3, 10, 1922), company="TheCompany", title="TheJobTitle",
               notes="This is the NOTE field\t\nI assume it encodes this text inside a NOTE vCard type.\n"
                     "But I'm not sure because there's text formatting going on here.\nIt does not preserve the formatting",
               nickname="Mike", given="Michael", family="Angstadt"),
    ],
    "rfc2426-example.vcf": [
        person("Frank Dawson", emails=["frank_dawson@lotus.com", "fdawson@earthlink.net"],
               phones=["+1-919-676-9515", "+1-919-676-9564"], company="Lotus Development Corporation"),
        person("Tim Howes", emails=["howes@netscape.com"], phones=["+1-415-937-3419", "+1-415-528-4164"],
               company="Netscape Communications Corp."),
    ],
    "rfc6350-example.vcf": [
        person("Simon Perreault", emails=["simon.perreault@viagenie.ca"],
               phones=["+1-418-656-9254 ext. 102", "+1-418-262-6501"], birthday=(2, 3, None), company="Viagenie",
               given="Simon", family="Perreault"),
    ],
    "thunderbird-MoreFunctionsForAddressBook-extension.vcf": [
        person("John Doe",
               emails=["doe.john@hotmail.com", "additional-email@company.com", "additional-email1@company.com",
                       "additional-email2@company.com", "additional-email3@company.com"],
               phones=["555-555-1111", "555-555-2222", "555-555-5555", "555-555-3333", "555-555-4444"],
               birthday=(9, 21, 1970), company="TheOrganization", title="TheTitle",
               notes="This is the notes field.\nSecond Line\n\nFourth Line\nYou can put anything in the \"note\" field; even curse words.",
               nickname="Johnny", given="John", family="Doe"),
    ],
}


def test_every_file_in_the_folder_has_expectations():
    assert sorted(p.name for p in VCARDS.glob("*.vcf")) == sorted(EXPECTED)


def _as_found(contact):
    methods = list(contact.methods.order_by("pk"))
    born = (contact.birthday_month, contact.birthday_day, contact.birthday_year) if contact.birthday_month else None
    return {
        "name": contact.display_name, "emails": [m.value for m in methods if m.kind == "email"],
        "phones": [m.value for m in methods if m.kind == "phone"], "birthday": born, "company": contact.company,
        "title": contact.title, "notes": contact.notes, "nickname": contact.nickname, "uid": contact.uid,
        "given": contact.given_name, "family": contact.family_name,
    }


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_file_imports_with_the_right_fields(owner, name):
    result = import_file(owner, (VCARDS / name).read_bytes())
    assert result.created == len(EXPECTED[name])
    found = [_as_found(c) for c in Contact.objects.for_user(owner).order_by("pk")]
    for got, want in zip(found, EXPECTED[name], strict=True):
        notes = want.pop("notes")
        got_notes = got.pop("notes")
        assert got_notes.startswith(notes) and bool(got_notes) == bool(notes)
        assert got == want


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_importing_a_file_again_changes_nothing(owner, name):
    data = (VCARDS / name).read_bytes()
    import_file(owner, data)
    before = [_as_found(c) for c in Contact.objects.for_user(owner).order_by("pk")]
    again = import_file(owner, data)
    assert (again.created, again.updated, again.skipped) == (0, 0, 0)
    assert again.unchanged == len(EXPECTED[name])
    assert [_as_found(c) for c in Contact.objects.for_user(owner).order_by("pk")] == before


def test_all_files_into_one_account_find_the_same_people(owner):
    """Eight programs' exports of John Doe: matched by UID, email, phone or name, not made eight times."""
    for path in sorted(VCARDS.glob("*.vcf")):
        import_file(owner, path.read_bytes())
    emails = Contact.objects.for_user(owner).filter(methods__value="john.doe@ibm.com").distinct()
    assert emails.count() == 1


def test_extra_details_tags_anniversaries_and_apple_labels(owner):
    import_file(owner, (VCARDS / "thunderbird-MoreFunctionsForAddressBook-extension.vcf").read_bytes())
    contact = Contact.objects.get(owner=owner)
    assert sorted(t.name for t in contact.tags.all()) == ["category1", "category2", "category3"]
    assert [(d.label, d.month, d.day, d.year) for d in contact.important_dates.all()] == [("Anniversary", 4, 30, 1990)]
    import_file(owner, (VCARDS / "gmail-single.vcf").read_bytes())
    labels = dict(Contact.objects.get(display_name="Greg Dartmouth").methods.values_list("value", "label"))
    assert labels["555 555 1111"] == "mobile"


def test_google_and_apple_dates_take_their_labels(owner):
    import_file(owner, (VCARDS / "gmail-single2.vcf").read_bytes())
    dates = Contact.objects.get(owner=owner).important_dates.order_by("month", "day")
    # Its 1776 falls outside the years relcrm keeps (1900–2100): the day stays, the year goes.
    assert [(d.label, d.month, d.day, d.year) for d in dates] == [
        ("Anniversary", 3, 20, 1930), ("Date", 7, 4, None), ("CustomDateCategory", 9, 12, 2000),
    ]


def test_birthday_without_a_year(owner):
    card = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nBDAY:--0415\r\nEND:VCARD\r\n"
    import_file(owner, card)
    card4 = b"BEGIN:VCARD\nVERSION:4.0\nFN:Ben Okafor\nBDAY:--04-16\nEND:VCARD\n"
    import_file(owner, card4)
    days = dict(Contact.objects.values_list("display_name", "birthday_day"))
    assert days == {"Ana Lima": 15, "Ben Okafor": 16}
    assert set(Contact.objects.values_list("birthday_month", "birthday_year")) == {(4, None)}


def test_command_prints_one_line(owner, capsys):
    call_command("import_contacts", "--user", owner.email, str(VCARDS / "gmail-list.vcf"))
    out = capsys.readouterr().out
    assert out.strip() == (
        "Imported 3 contacts for owner@example.com from vCard: 3 created, 0 updated, 0 unchanged, 0 skipped."
    )
    call_command("import_contacts", "--user", owner.email, "--dry-run", str(VCARDS / "rfc2426-example.vcf"))
    assert "Dry run: would import 2 contacts" in capsys.readouterr().out
    assert Contact.objects.count() == 3
