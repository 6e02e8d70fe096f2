"""vCard 4.0 and whole-account JSON exports: what goes out comes back in, nothing lost."""

import datetime
import io
import json

import pytest
from django.core.management import call_command

from contacts import account_json, exporting, vcard_export
from contacts.importing import ContactImportError, import_file
from contacts.importing.vcard import parse_vcards
from contacts.models import CircleCadence, Contact, ContactMethod, ImportantDate
from interactions import engine
from interactions.models import Interaction, InteractionContact, Nudge
from interactions.services import refresh_contact_figures
from tests.factories import (
    ContactFactory,
    ContactMethodFactory,
    ImportantDateFactory,
    InteractionFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def account(owner):
    owner.time_zone, owner.digest_hour, owner.nudge_cap, owner.digest_reasons = "Europe/Lisbon", 9, 3, ["overdue"]
    owner.save()
    CircleCadence.objects.create(owner=owner, circle="close", cadence_days=21)
    climbing = TagFactory(owner=owner, name="climbing")
    TagFactory(owner=owner, name="unused tag")
    ana = ContactFactory(
        owner=owner, display_name="Ana Lima", given_name="Ana", family_name="Lima", nickname="Aninha",
        company="=cmd|' /C calc'!A0", title="Engineer; lead", circle="close", cadence_days=14, uid="uid-ana",
        birthday_month=4, birthday_day=15, notes="Line one\nLine two, with a comma", met_on=datetime.date(2015, 5, 1),
        how_we_met="Climbing gym",
    )
    ana.tags.add(climbing)
    ContactMethodFactory(contact=ana, value="ana@example.com", label="home")
    ContactMethodFactory(contact=ana, kind="phone", value="+351 912 345 678", label="mobile")
    ContactMethodFactory(contact=ana, kind="social", value="@ana@mastodon.example")
    date = ImportantDateFactory(contact=ana, label="Anniversary", month=6, day=1, year=2019)
    ImportantDateFactory(contact=ana, label="Name day; in Lisbon", month=6, day=13, year=None)
    ben = ContactFactory(owner=owner, display_name="Ben Okafor", introduced_by=ana, archived=True, birthday_month=2,
                         birthday_day=29, birthday_year=1988)
    dinner = InteractionFactory(owner=owner, occurred_at=NOW - datetime.timedelta(days=3), channel="in_person",
                                direction="mutual", kind="celebration", note="Dinner", quality=5, duration_minutes=120)
    InteractionContact.objects.create(interaction=dinner, contact=ana)
    InteractionContact.objects.create(interaction=dinner, contact=ben)
    call = InteractionFactory(owner=owner, occurred_at=NOW - datetime.timedelta(days=40), note="Asked for help",
                              kind="favour_asked")
    InteractionContact.objects.create(interaction=call, contact=ana)
    Nudge.objects.create(owner=owner, contact=ana, reason="date", due_on=datetime.date(2026, 6, 1),
                         show_from=datetime.date(2026, 5, 25), message="Anniversary", important_date=date,
                         state="snoozed", snoozed_until=datetime.date(2026, 12, 1), priority=2.5)
    Nudge.objects.create(owner=owner, contact=ben, reason="overdue", due_on=datetime.date(2026, 10, 1),
                         show_from=datetime.date(2026, 10, 1), message="Talk", state="done", resolved_at=NOW)
    ContactFactory(owner=UserFactory(email="stranger@example.com"), display_name="Not Mine")
    return owner


def _snapshot(user) -> dict:
    """Everything a person entered, with ids replaced by names."""
    contacts = Contact.objects.for_user(user).order_by("display_name")
    name = {c.pk: c.display_name for c in contacts}
    return {
        "profile": {f: getattr(user, f) for f in account_json.PROFILE_FIELDS},
        "cadences": sorted(CircleCadence.objects.for_user(user).values_list("circle", "cadence_days")),
        "tags": sorted(user.tags.values_list("name", flat=True)),
        "contacts": [
            {**{f: getattr(c, f) for f in account_json.CONTACT_FIELDS}, "introduced_by": name.get(c.introduced_by_id),
             "tags": sorted(c.tags.values_list("name", flat=True)),
             "methods": sorted(c.methods.values_list("kind", "label", "value")),
             "dates": sorted(c.important_dates.values_list("label", "month", "day", "year"))}
            for c in contacts
        ],
        "interactions": sorted(
            (i.occurred_at, i.channel, i.direction, i.kind, i.note, i.quality, i.duration_minutes,
             tuple(sorted(name[c.pk] for c in i.contacts.all())))
            for i in Interaction.objects.for_user(user)
        ),
        "nudges": sorted(
            (name[n.contact_id], n.reason, n.due_on, n.show_from, n.level, n.message, n.priority, n.state,
             n.snoozed_until, n.resolved_at, n.important_date.label if n.important_date else None)
            for n in Nudge.objects.for_user(user)
        ),
    }


def test_json_round_trip_into_an_empty_account_loses_nothing(account, tmp_path):
    refresh_contact_figures(owner_id=account.pk)  # the factories wrote conversations directly
    engine.recompute_user(account.pk)
    path = tmp_path / "account.json"
    call_command("export_contacts", "--user", account.email, "--format", "json", "--output", str(path),
                 stdout=io.StringIO())
    assert "Not Mine" not in path.read_text()
    fresh = UserFactory(email="fresh@example.com")
    out = io.StringIO()
    call_command("import_contacts", "--user", fresh.email, str(path), stdout=out)
    assert "2 created" in out.getvalue()
    fresh.refresh_from_db()
    before, after = _snapshot(account), _snapshot(fresh)
    assert before["nudges"] and before["interactions"]
    assert after == before
    # The figures the engine works out come back too.
    figures = lambda u: sorted(Contact.objects.for_user(u).values_list("display_name", "last_interaction_at"))  # noqa: E731
    assert figures(fresh) == figures(account)


def test_json_goes_into_an_empty_account_only(account, other):
    data = "".join(account_json.json_chunks(account)).encode()
    ContactFactory(owner=other)
    with pytest.raises(ContactImportError, match="empty account"):
        import_file(other, data)
    assert Contact.objects.for_user(other).count() == 1


def test_damaged_json_writes_nothing(account, other):
    doc = json.loads("".join(account_json.json_chunks(account)))
    doc["interactions"][0]["contacts"] = [999999]
    with pytest.raises(ContactImportError, match="damaged"):
        import_file(other, json.dumps(doc).encode())
    assert not Contact.objects.for_user(other).exists() and not Interaction.objects.for_user(other).exists()
    other.refresh_from_db()
    assert other.time_zone == "UTC"


def test_vcard_export_reads_back(account):
    text = "".join(vcard_export.vcard_chunks(account))
    assert text.count("BEGIN:VCARD") == 2 and "VERSION:4.0" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    ana, ben = parse_vcards(text.encode())
    assert (ana.display_name, ana.company, ana.title, ana.uid) == ("Ana Lima", "=cmd|' /C calc'!A0", "Engineer; lead", "uid-ana")
    assert ana.notes == "Line one\nLine two, with a comma"
    assert (ana.birthday.month, ana.birthday.day, ana.birthday.year) == (4, 15, None)
    assert ana.emails == [("home", "ana@example.com")] and ana.phones == [("mobile", "+351 912 345 678")]
    assert ana.tags == ["climbing"] and [(label, d.month, d.day, d.year) for label, d in ana.dates] == [
        ("Anniversary", 6, 1, 2019), ("Name day; in Lisbon", 6, 13, None)
    ]
    assert (ben.birthday.month, ben.birthday.day, ben.birthday.year) == (2, 29, 1988)


def test_vcard_export_into_another_account_and_back_again(account, other):
    data = "".join(vcard_export.vcard_chunks(account)).encode()
    assert import_file(other, data).created == 2
    assert import_file(other, data).unchanged == 2
    assert ContactMethod.objects.for_user(other).count() == 2  # social handles are not in vCard
    assert ImportantDate.objects.for_user(other).count() == 2


def test_long_lines_fold_without_breaking_characters():
    line = "NOTE:" + "ção" * 60
    folded = vcard_export.fold(line)
    assert all(len(piece.encode()) <= 75 for piece in folded.split("\r\n"))
    assert folded.replace("\r\n ", "").rstrip("\r\n") == line


def test_csv_stream_is_rfc4180_and_neutralises_formulas(account):
    text = "".join(exporting.csv_chunks(account))
    assert text.endswith("\r\n") and "\r\n" in text
    assert "'=cmd|' /C calc'!A0" in text
    for start in ("+1", "-1", "@x", "\tx"):
        assert exporting.neutralise(start).startswith("'")
    assert '"Line one\nLine two, with a comma"' in text


def test_export_command_writes_vcf(account, tmp_path):
    path = tmp_path / "out.vcf"
    out = io.StringIO()
    call_command("export_contacts", "--user", account.email, "--format", "vcf", "--output", str(path), stdout=out)
    assert out.getvalue().startswith("Exported 2 contacts")
    assert path.read_bytes().startswith(b"BEGIN:VCARD\r\nVERSION:4.0\r\n")


def test_csv_export_imports_back_with_formulas_unquoted(account, other):
    data = "".join(exporting.csv_chunks(account)).encode()
    result = import_file(other, data)
    assert (result.source, result.created) == ("relcrm CSV", 2)
    ana = Contact.objects.get(owner=other, display_name="Ana Lima")
    assert ana.company == "=cmd|' /C calc'!A0" and ana.notes == "Line one\nLine two, with a comma"
    assert sorted(ana.methods.values_list("value", flat=True)) == ["+351 912 345 678", "ana@example.com"]
    assert (ana.birthday_month, ana.birthday_day, ana.birthday_year) == (4, 15, None)
    assert list(ana.tags.values_list("name", flat=True)) == ["climbing"]
    assert import_file(other, data).unchanged == 2
