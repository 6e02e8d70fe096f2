"""import_interactions: tolerant of how files look, strict about what they say, all or nothing."""

import csv
import datetime
import io
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.utils import timezone

from contacts.models import Circle, Contact, ContactMethod
from interactions import engine, importing, services
from interactions.importing import InteractionImportError, import_interactions
from interactions.models import Channel, Direction, Interaction, InteractionContact
from tests.factories import ContactFactory, ContactMethodFactory, UserFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
COLLEGE_MSG = DATA / "interactions" / "CollegeMsg.txt"
HEADER = "occurred_at,contact,channel,direction,note"
UTC = datetime.UTC


def at(*args, tz=UTC):
    return datetime.datetime(*args, tzinfo=tz)


def csv_file(tmp_path, content: str | bytes, name="log.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def run(email, path, *args) -> str:
    out = io.StringIO()
    call_command("import_interactions", "--user", email, str(path), *args, stdout=out)
    return out.getvalue()


def counts():
    return (Contact.objects.count(), ContactMethod.objects.count(), Interaction.objects.count(),
            InteractionContact.objects.count())


def only(owner, name):
    return Interaction.objects.get(owner=owner, contacts__display_name=name)


@pytest.fixture
def ana(owner):
    """An existing contact with an email address and one conversation already logged."""
    ana = ContactFactory(owner=owner, display_name="Ana Silva", circle=Circle.CLOSE)
    ContactMethodFactory(contact=ana, value="ana.silva@example.org")
    services.log_interaction(owner, contacts=[ana], occurred_at=at(2024, 1, 5, 12), channel=Channel.CALL)
    return ana


class TestTimestamps:
    def test_iso_with_offset_utc_and_unix_seconds(self, owner, tmp_path):
        path = csv_file(tmp_path, "\n".join([
            HEADER,
            "2024-03-01T10:00:00+02:00,Ana,call,outgoing,",
            "2024-03-02T08:15:00Z,Ben,call,outgoing,",
            "1709280000,Cleo,message,incoming,",  # 2024-03-01T08:00:00Z
            "1709280000.25,Dev,message,incoming,",
        ]))
        run(owner.email, path)
        assert only(owner, "Ana").occurred_at == at(2024, 3, 1, 8)
        assert only(owner, "Ben").occurred_at == at(2024, 3, 2, 8, 15)
        assert only(owner, "Cleo").occurred_at == at(2024, 3, 1, 8)
        assert only(owner, "Dev").occurred_at == at(2024, 3, 1, 8, 0, 0, 250_000)

    def test_naive_times_are_in_the_users_time_zone(self, owner, tmp_path):
        owner.time_zone = "America/New_York"
        owner.save()
        path = csv_file(tmp_path, "\n".join([
            HEADER,
            "2024-03-01 09:30,Ana,call,outgoing,",  # EST, UTC-5
            "2024-07-01T09:30:00,Ben,call,outgoing,",  # EDT, UTC-4
            "2024-07-02,Cleo,in_person,mutual,",  # a bare date: noon there
        ]))
        run(owner.email, path)
        assert only(owner, "Ana").occurred_at == at(2024, 3, 1, 14, 30)
        assert only(owner, "Ben").occurred_at == at(2024, 7, 1, 13, 30)
        assert only(owner, "Cleo").occurred_at == at(2024, 7, 2, 16)

    def test_parse_occurred_at(self):
        tz = datetime.timezone(datetime.timedelta(hours=3))
        assert importing.parse_occurred_at("0", tz) == at(1970, 1, 1)
        assert importing.parse_occurred_at("-86400", tz) == at(1969, 12, 31)
        assert importing.parse_occurred_at("2024-05-17T18:30:00.5", tz) == at(2024, 5, 17, 15, 30, 0, 500_000)
        with pytest.raises(ValueError, match="milliseconds"):
            importing.parse_occurred_at("1709280000000", tz)
        for junk in ("yesterday", "2024-13-01", "17/05/2024", "2024-05-17T25:00", "1e9"):
            with pytest.raises(ValueError, match="not an ISO 8601 date or time"):
                importing.parse_occurred_at(junk, tz)


class TestContacts:
    def test_missing_people_are_created_by_name_and_by_email(self, owner, tmp_path):
        path = csv_file(tmp_path, "\n".join([
            HEADER,
            "2024-03-01T10:00:00Z,Ben Okafor,call,outgoing,",
            "2024-03-02T10:00:00Z,  ben   OKAFOR ,video,incoming,",  # the same new person
            "2024-03-03T10:00:00Z,Chloe.Martin@Example.COM,email,incoming,Re: the trip",
            "2024-03-04T10:00:00Z,chloe.martin@example.com,email,outgoing,",
        ]))
        output = run(owner.email, path)
        assert output == f"Imported 4 interactions with 2 people (2 new) for {owner.email}.\n"
        ben = Contact.objects.get(owner=owner, display_name="Ben Okafor")
        chloe = Contact.objects.get(owner=owner, display_name="chloe.martin")
        assert ben.circle == chloe.circle == Circle.NETWORK  # the default circle
        assert list(chloe.methods.values_list("kind", "value")) == [("email", "chloe.martin@example.com")]
        assert not ben.methods.exists()
        assert ben.interactions.count() == chloe.interactions.count() == 2
        assert chloe.interactions.get(direction="incoming").note == "Re: the trip"

    def test_existing_people_are_matched_by_email_and_name_ignoring_case(self, owner, ana, tmp_path):
        path = csv_file(tmp_path, "\n".join([
            HEADER,
            "2024-03-01T10:00:00Z,ANA.SILVA@example.org,email,outgoing,",
            "2024-03-02T10:00:00Z,ana silva,in_person,mutual,",
        ]))
        before = Contact.objects.count()
        output = run(owner.email, path)
        assert output == f"Imported 2 interactions with 1 person (0 new) for {owner.email}.\n"
        assert Contact.objects.count() == before
        assert ana.interactions.count() == 3

    def test_other_users_contacts_are_never_matched(self, owner, other, tmp_path):
        theirs = ContactFactory(owner=other, display_name="Ana Silva")
        ContactMethodFactory(contact=theirs, value="ana@example.org")
        rows = "2024-03-01,Ana Silva,call,outgoing,\n2024-03-01,ana@example.org,call,outgoing,"
        path = csv_file(tmp_path, f"{HEADER}\n{rows}")
        run(owner.email, path)
        assert Contact.objects.filter(owner=owner).count() == 2
        assert not theirs.interactions.exists()
        assert not Interaction.objects.filter(owner=other).exists()

    def test_an_email_address_on_two_contacts_is_an_error(self, owner, tmp_path):
        for contact in ContactFactory.create_batch(2, owner=owner):
            ContactMethodFactory(contact=contact, value="family@example.org")
        path = csv_file(tmp_path, f"{HEADER}\n2024-03-02,Family@example.org,email,incoming,")
        before = counts()
        with pytest.raises(CommandError, match="line 2: 2 of your contacts have the email address 'Family@exam"):
            run(owner.email, path)
        assert counts() == before

    def test_the_exact_spelling_settles_a_tie(self, owner, tmp_path):
        ben, _ = ContactFactory(owner=owner, display_name="Ben"), ContactFactory(owner=owner, display_name="ben")
        run(owner.email, csv_file(tmp_path, f"{HEADER}\n2024-03-02,Ben,call,outgoing,"))
        assert ben.interactions.count() == 1

    def test_a_name_shared_by_two_contacts_is_an_error(self, owner, tmp_path):
        ContactFactory.create_batch(2, owner=owner, display_name="Sam Lee")
        path = csv_file(tmp_path, f"{HEADER}\n2024-03-01,Ana,call,outgoing,\n2024-03-02,sam lee,call,outgoing,")
        before = counts()
        with pytest.raises(CommandError, match="line 3: 2 of your contacts are named 'sam lee'"):
            run(owner.email, path)
        assert counts() == before


class TestReimport:
    ROWS = "\n".join([
        HEADER,
        "2024-03-01T10:00:00Z,Ana Silva,call,outgoing,",
        "2024-03-02T10:00:00Z,Ben,message,incoming,hi",
        "2024-03-03T10:00:00Z,ben@example.com,email,outgoing,",
    ])

    def test_importing_the_same_file_again_adds_nothing(self, owner, ana, tmp_path):
        path = csv_file(tmp_path, self.ROWS)
        assert run(owner.email, path) == f"Imported 3 interactions with 3 people (2 new) for {owner.email}.\n"
        before = counts()
        assert run(owner.email, path) == (
            f"Imported 0 interactions with 0 people (0 new) for {owner.email}; skipped 3 already there.\n"
        )
        assert counts() == before

    def test_a_longer_file_adds_only_the_new_rows(self, owner, ana, tmp_path):
        run(owner.email, csv_file(tmp_path, self.ROWS))
        longer = csv_file(tmp_path, self.ROWS + "\n2024-03-04T10:00:00Z,Ana Silva,call,incoming,", "longer.csv")
        assert run(owner.email, longer) == (
            f"Imported 1 interaction with 1 person (0 new) for {owner.email}; skipped 3 already there.\n"
        )
        assert ana.interactions.count() == 3

    def test_rows_logged_by_hand_count_as_already_there(self, owner, ana, tmp_path):
        existing = ana.interactions.get()
        when = existing.occurred_at.isoformat()
        path = csv_file(tmp_path, f"{HEADER}\n{when},ana.silva@example.org,call,{existing.direction},\n"
                                  f"{when},ana.silva@example.org,video,{existing.direction},")
        output = run(owner.email, path)
        assert output.endswith("; skipped 1 already there.\n")
        assert ana.interactions.count() == 2

    def test_a_row_repeated_in_the_file_is_written_once(self, owner, tmp_path):
        row = "2024-03-01T10:00:00Z,Ben,call,outgoing,"
        path = csv_file(tmp_path, f"{HEADER}\n{row}\n{row}\n2024-03-01T10:00:00Z,Ben,call,incoming,")
        assert run(owner.email, path) == (
            f"Imported 2 interactions with 1 person (1 new) for {owner.email}; skipped 1 repeated in the file.\n"
        )


class TestTolerance:
    def test_bom_crlf_whitespace_case_order_quotes_and_blank_lines(self, owner, tmp_path):
        content = (
            "\ufeff Contact , OCCURRED_AT ,Channel,Direction,Note\r\n"
            "\r\n"
            ' Ana ,  2024-03-01T10:00:00Z , Call , OUTGOING ,"Lunch, then a walk\r\nby the river"\r\n'
            "Ben,2024-03-02T10:00:00Z,In-Person,Mutual,\r\n"
            ",,,,\r\n"
        )
        path = csv_file(tmp_path, content.encode("utf-8"))
        assert run(owner.email, path).startswith("Imported 2 interactions with 2 people (2 new)")
        lunch = only(owner, "Ana")
        assert (lunch.channel, lunch.direction) == (Channel.CALL, Direction.OUTGOING)
        assert lunch.note == "Lunch, then a walk\r\nby the river"
        assert only(owner, "Ben").channel == Channel.IN_PERSON

    def test_the_note_column_is_optional(self, owner, tmp_path):
        path = csv_file(tmp_path, "occurred_at,contact,channel,direction\n2024-03-01,Ana,letter,outgoing\n")
        run(owner.email, path)
        assert only(owner, "Ana").note == ""

    def test_dry_run_checks_and_counts_but_writes_nothing(self, owner, ana, tmp_path):
        path = csv_file(tmp_path, TestReimport.ROWS)
        before = counts()
        assert run(owner.email, path, "--dry-run") == (
            f"Dry run: would import 3 interactions with 3 people (2 new) for {owner.email}. Nothing was written.\n"
        )
        assert counts() == before


class TestBadInput:
    GOOD = "2024-03-01T10:00:00Z,Ana Silva,call,outgoing,fine"

    @pytest.fixture(autouse=True)
    def _existing(self, ana):
        self.before = counts()

    def refused(self, owner, path, *messages):
        with pytest.raises(CommandError) as raised:
            run(owner.email, path)
        for message in messages:
            assert message in str(raised.value)
        assert counts() == self.before
        return str(raised.value)

    @pytest.mark.parametrize(
        ("row", "message"),
        [
            ("2024-03-01,Ana,sms,outgoing,",
             "line 3: channel 'sms' is not one of in_person, call, video, message, email, social, letter, other"),
            ("2024-03-01,Ana,call,sideways,", "line 3: direction 'sideways' is not one of outgoing, incoming, mutual"),
            ("2024-03-01,Ana,,outgoing,", "line 3: channel is empty; it must be one of in_person"),
            ("31/12/2023,Ana,call,outgoing,", "line 3: occurred_at '31/12/2023' is not an ISO 8601 date or time"),
            ("2024-02-30,Ana,call,outgoing,", "line 3: occurred_at '2024-02-30' is not an ISO 8601"),
            (",Ana,call,outgoing,", "line 3: occurred_at is empty"),
            ("1709280000000,Ana,call,outgoing,", "line 3: occurred_at '1709280000000' is too large for Unix seconds"),
            ("2024-03-01,,call,outgoing,", "line 3: contact is empty"),
            ("2024-03-01,ana@,call,outgoing,", "line 3: contact 'ana@' is not a valid email address"),
            ("2024-03-01,Ana,call,outgoing,note,extra", "line 3: 6 cells but the header has 5"),
        ],
    )
    def test_a_bad_row_refuses_the_whole_file(self, owner, tmp_path, row, message):
        path = csv_file(tmp_path, f"{HEADER}\n{self.GOOD}\n{row}\n")
        error = self.refused(owner, path, message)
        assert error.startswith(f"{path}: 1 bad row; nothing was imported.")

    def test_a_date_more_than_a_day_ahead(self, owner, tmp_path):
        soon = timezone.now() + datetime.timedelta(hours=20)
        later = timezone.now() + datetime.timedelta(days=3)
        rows = f"{soon.isoformat()},Ana,call,outgoing,\n{later.isoformat()},Ana,call,outgoing,"
        path = csv_file(tmp_path, f"{HEADER}\n{rows}")
        self.refused(owner, path, f"line 3: occurred_at '{later.isoformat()}' is in the future", "1 bad row")

    def test_every_bad_row_is_reported_with_its_reasons(self, owner, tmp_path):
        rows = [self.GOOD] + [f"2024-03-{n:02d},Ana,sms,outgoing," for n in range(1, 26)]
        rows[3] = "someday,,fax,up,"
        path = csv_file(tmp_path, "\n".join([HEADER, *rows]))
        error = self.refused(owner, path, "25 bad rows; nothing was imported.", "… and 5 more bad rows.")
        assert "line 5: occurred_at 'someday' is not an ISO 8601" in error
        assert "contact is empty; give a name or an email address; channel 'fax' is not one of" in error
        assert error.count("\nline ") == 20

    def test_unknown_user(self, tmp_path):
        path = csv_file(tmp_path, f"{HEADER}\n{self.GOOD}")
        with pytest.raises(CommandError, match="There is no user with the email address 'nobody@example.com'"):
            run("nobody@example.com", path)
        assert counts() == self.before

    def test_missing_file_and_directory(self, owner, tmp_path):
        self.refused(owner, tmp_path / "nope.csv", f"File not found: {tmp_path / 'nope.csv'}")
        self.refused(owner, tmp_path, "is a directory")

    def test_binary_junk(self, owner, tmp_path):
        junk = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256))
        self.refused(owner, csv_file(tmp_path, junk), "is not UTF-8 text (byte 0x89 on line 1)")

    def test_nul_bytes(self, owner, tmp_path):
        self.refused(owner, csv_file(tmp_path, f"{HEADER}\n{self.GOOD}\x00\x00".encode()), "binary")

    def test_bad_bytes_after_a_bom(self, owner, tmp_path):
        bom, bad = b"\xef\xbb\xbf", b"2024-03-01,Zo\xeb,call,outgoing,"
        path = csv_file(tmp_path, bom + f"{HEADER}\n{self.GOOD}\n".encode() + bad)
        self.refused(owner, path, "is not UTF-8 text (byte 0xeb on line 3)")

    def test_latin_1(self, owner, tmp_path):
        path = csv_file(tmp_path, f"{HEADER}\n2024-03-01,Zoë,call,outgoing,".encode("latin-1"))
        self.refused(owner, path, "is not UTF-8 text (byte 0xeb on line 2)")

    @pytest.mark.parametrize(
        ("header", "message"),
        [
            ("date,name,channel,direction,note", "missing occurred_at, contact; unknown 'date', 'name'"),
            ("occurred_at,contact,channel", "missing direction"),
            ("occurred_at,contact,channel,direction,note,duration", "unknown 'duration'"),
            ("occurred_at,contact,contact,channel,direction", "repeated contact"),
            ("First Name,Last Name,E-mail Address", "missing occurred_at"),
        ],
    )
    def test_wrong_header(self, owner, tmp_path, header, message):
        path = csv_file(tmp_path, f"{header}\n{self.GOOD}")
        error = self.refused(owner, path, f"The first line must be the header {HEADER} (note is optional)")
        assert message in error

    @pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\r\n\r\n  \n"])
    def test_empty_file(self, owner, tmp_path, content):
        self.refused(owner, csv_file(tmp_path, content), f"{tmp_path / 'log.csv'}: The file is empty.")

    def test_only_a_header(self, owner, tmp_path):
        self.refused(owner, csv_file(tmp_path, HEADER + "\r\n"), "The file has a header but no interactions.")

    def test_the_service_raises_with_the_list_of_errors(self, owner):
        with pytest.raises(InteractionImportError) as raised:
            import_interactions(owner, f"{HEADER}\n{self.GOOD}\n2024-03-01,Ana,sms,outgoing,".encode())
        assert raised.value.errors == [
            (3, "channel 'sms' is not one of in_person, call, video, message, email, social, letter, other")
        ]
        assert counts() == self.before


class TestAfterImport:
    def test_last_interaction_at_is_right_at_once(self, owner, ana, tmp_path):
        path = csv_file(tmp_path, "\n".join([
            HEADER,
            "2023-12-01T10:00:00Z,Ana Silva,call,outgoing,",  # older than what ana had
            "2024-02-01T10:00:00Z,Ben,call,outgoing,",
            "2024-02-09T10:00:00Z,Ben,call,incoming,",
            "2024-02-05T10:00:00Z,Ben,call,outgoing,",
        ]))
        run(owner.email, path)
        ana.refresh_from_db()
        assert ana.last_interaction_at == at(2024, 1, 5, 12)
        assert Contact.objects.get(display_name="Ben").last_interaction_at == at(2024, 2, 9, 10)

    def test_scores_are_recomputed_once_the_import_commits(self, owner, tmp_path,
                                                           django_capture_on_commit_callbacks):
        now = timezone.now()
        rows = [f"{(now - datetime.timedelta(days=d)).isoformat()},Ben,message,outgoing," for d in (3, 20, 40)]
        path = csv_file(tmp_path, "\n".join([HEADER, *rows]))
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            run(owner.email, path)
        assert len(callbacks) == 1
        ben = Contact.objects.get(owner=owner, display_name="Ben")
        assert ben.scored_at is not None and ben.depth_score is not None
        assert ben.score_history.exists()

    def test_history_is_rebuilt_for_the_imported_people_from_the_earliest_week(
        self, owner, ana, tmp_path, django_capture_on_commit_callbacks
    ):
        now = timezone.now()
        services.log_interaction(owner, contacts=[ana], occurred_at=now - datetime.timedelta(days=300))
        rows = [f"{(now - datetime.timedelta(days=d)).isoformat()},Ben,message,outgoing," for d in (3, 20, 40)]
        path = csv_file(tmp_path, "\n".join([HEADER, *rows]))
        with django_capture_on_commit_callbacks(execute=True):
            run(owner.email, path)
        ben = Contact.objects.get(owner=owner, display_name="Ben")
        weeks = list(ben.score_history.values_list("week", flat=True))
        assert weeks[0] == engine.week_of((now - datetime.timedelta(days=40)).astimezone(datetime.UTC).date())
        assert weeks[-1] == engine.week_of(now.date())
        # Ana's past did not change: only the present week is scored.
        assert list(ana.score_history.values_list("week", flat=True)) == [engine.week_of(now.date())]

    def test_nothing_new_means_no_recompute(self, owner, ana, tmp_path, django_capture_on_commit_callbacks):
        path = csv_file(tmp_path, f"{HEADER}\n2024-01-06T12:00:00Z,Ana Silva,call,mutual,")
        with django_capture_on_commit_callbacks() as callbacks:
            run(owner.email, path)
        assert len(callbacks) == 1
        with django_capture_on_commit_callbacks() as callbacks:
            run(owner.email, path)
        assert callbacks == []


def college_msg_log(path: Path) -> Counter:
    """One student's messages from CollegeMsg, as an import file: the most active sender's.

    Messages they sent are outgoing, messages they got incoming; each other
    student is a contact named "Student N". Returns what the file holds.
    """
    lines = COLLEGE_MSG.read_text().splitlines()
    assert lines[0].split() == ["src", "dst", "time"]
    messages = [line.split() for line in lines[1:] if line.strip()]
    me = Counter(src for src, _, _ in messages).most_common(1)[0][0]
    held = Counter()
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER.split(","))
        for src, dst, seconds in messages:
            if src == me and dst != me:
                writer.writerow([seconds, f"Student {dst}", "message", "outgoing", ""])
            elif dst == me and src != me:
                writer.writerow([seconds, f"Student {src}", "message", "incoming", ""])
            else:
                continue
            held["rows"] += 1
            held[f"Student {dst if src == me else src}"] += 1
    return held


@pytest.mark.skipif(not COLLEGE_MSG.exists(), reason=f"real data not found at {COLLEGE_MSG}")
def test_a_real_students_messages(owner, tmp_path):
    path = tmp_path / "college.csv"
    held = college_msg_log(path)
    rows = held.pop("rows")
    people = len(held)
    output = run(owner.email, path)
    assert output == f"Imported {rows:,} interactions with {people:,} people ({people:,} new) for {owner.email}.\n"
    assert Interaction.objects.filter(owner=owner).count() == InteractionContact.objects.count() == rows
    per_contact = dict(
        Contact.objects.filter(owner=owner).values_list("display_name").annotate(n=Count("interactions"))
    )
    assert per_contact == dict(held)
    sent = Interaction.objects.filter(owner=owner, direction=Direction.OUTGOING).count()
    assert 0 < sent < rows
    assert set(Interaction.objects.values_list("channel", flat=True)) == {Channel.MESSAGE}
    # Messages of April–October 2004; every contact's last one is set.
    span = Interaction.objects.filter(owner=owner).order_by("occurred_at")
    assert span.first().occurred_at.date() >= datetime.date(2004, 4, 1)
    assert span.last().occurred_at.date() <= datetime.date(2004, 11, 1)
    assert not Contact.objects.filter(owner=owner, last_interaction_at=None).exists()
    assert run(owner.email, path).endswith(f"; skipped {rows:,} already there.\n")
    assert Interaction.objects.count() == rows


def test_another_user_can_import_the_same_file(owner, tmp_path):
    path = csv_file(tmp_path, TestReimport.ROWS)
    someone = UserFactory()
    run(owner.email, path)
    assert run(someone.email.upper(), path) == f"Imported 3 interactions with 3 people (3 new) for {someone.email}.\n"
