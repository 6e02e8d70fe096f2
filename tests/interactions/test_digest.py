"""The daily digest, end to end on a real SMTP server on loopback: who gets it, when, what it says."""

import datetime
import io
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import User
from interactions import digest
from interactions.models import Digest
from tests.factories import NudgeFactory, UserFactory
from tests.smtp_sink import SmtpSink

SITE = "https://relcrm.example.com"
NOV_22 = datetime.date(2026, 11, 22)


@pytest.fixture
def sink(settings):
    sink = SmtpSink().start()
    settings.MAILERS = {"default": sink.mailer()}
    settings.SITE_URL = SITE
    yield sink
    sink.stop()


def make_nudge(owner, name, reason="overdue", *, day=NOV_22, **fields):
    return NudgeFactory(owner=owner, contact__display_name=name, reason=reason, due_on=day, **fields)


def send_digests(now: str) -> str:
    out = io.StringIO()
    call_command("send_digests", now=now, stdout=out)
    return out.getvalue().strip()


def body(message, subtype):
    return message.get_body(preferencelist=(subtype,)).get_content()


class TestWhoAndWhen:
    def test_run_twice_sends_one_email(self, db, sink, owner):
        make_nudge(owner, "Ana Lima")
        assert send_digests("2026-11-22T08:00Z") == "Digests: 1 sent, 0 with nothing to send (1 due)."
        assert send_digests("2026-11-22T09:00Z") == "Digests: 0 sent, 0 with nothing to send (0 due)."
        assert sink.to() == ["owner@example.com"]
        assert Digest.objects.get().state == "sent"

    def test_not_before_the_local_hour(self, db, sink, owner):
        owner.digest_hour = 9
        owner.save()
        make_nudge(owner, "Ana Lima")
        assert send_digests("2026-11-22T08:59Z").endswith("(0 due).")
        assert send_digests("2026-11-22T09:00Z").startswith("Digests: 1 sent")

    def test_users_at_utc_minus_10_and_plus_13_get_theirs_on_their_own_day(self, db, sink):
        honolulu = UserFactory(email="hnl@example.com", time_zone="Pacific/Honolulu")  # UTC-10
        tonga = UserFactory(email="tbu@example.com", time_zone="Pacific/Tongatapu")  # UTC+13
        nov_23 = NOV_22 + datetime.timedelta(days=1)
        make_nudge(honolulu, "Hani", day=NOV_22)
        make_nudge(tonga, "Tevita", day=nov_23)
        # 16:30 UTC: 06:30 on the 22nd in Honolulu, 05:30 on the 23rd in Tonga. Nobody yet.
        send_digests("2026-11-22T16:30Z")
        assert sink.messages == []
        # 17:00 UTC: 07:00 in Honolulu (the 22nd); Tonga's 06:00 on the 23rd.
        send_digests("2026-11-22T17:00Z")
        assert sink.to() == ["hnl@example.com"]
        # 18:00 UTC: Tonga's 07:00 on the 23rd; Honolulu's 22nd is done.
        send_digests("2026-11-22T18:00Z")
        assert sink.to() == ["hnl@example.com", "tbu@example.com"]
        assert dict(Digest.objects.values_list("owner__email", "local_date")) == {
            "hnl@example.com": NOV_22,
            "tbu@example.com": nov_23,
        }
        # Honolulu's next local day starts at 10:00 UTC on the 23rd; its 07:00 is 17:00 UTC.
        send_digests("2026-11-23T16:59Z")
        assert len(sink.messages) == 2

    @pytest.mark.parametrize(
        "now, due_on",
        [
            # Spring forward in New York on 8 March 2026: 07:00 is 12:00 UTC the day before, 11:00 UTC that day.
            ("2026-03-07T11:30Z", None),
            ("2026-03-07T12:00Z", datetime.date(2026, 3, 7)),
            ("2026-03-08T10:59Z", None),
            ("2026-03-08T11:00Z", datetime.date(2026, 3, 8)),
            # Fall back on 1 November 2026: 07:00 EDT is 11:00 UTC on the 31st, 07:00 EST 12:00 UTC on the 1st.
            ("2026-10-31T11:00Z", datetime.date(2026, 10, 31)),
            ("2026-11-01T11:30Z", None),
            ("2026-11-01T12:00Z", datetime.date(2026, 11, 1)),
        ],
    )
    def test_across_a_daylight_saving_change(self, db, owner, now, due_on):
        owner.time_zone = "America/New_York"
        owner.save()
        due = digest.due_digests(datetime.datetime.fromisoformat(now))
        assert due == ([(owner.pk, due_on)] if due_on else [])

    def test_turned_off_or_inactive_users_get_nothing(self, db, sink, owner, other):
        owner.digest_enabled = False
        owner.save()
        other.is_active = False
        other.save()
        make_nudge(owner, "Ana Lima")
        make_nudge(other, "Ben Okafor")
        assert send_digests("2026-11-22T20:00Z").endswith("(0 due).")
        assert sink.messages == [] and not Digest.objects.exists()

    def test_nothing_to_say_sends_nothing_and_records_it(self, db, sink, owner):
        make_nudge(owner, "Ana Lima", state="done")
        assert send_digests("2026-11-22T08:00Z") == "Digests: 0 sent, 1 with nothing to send (1 due)."
        assert sink.messages == []
        assert Digest.objects.get().state == "empty"
        assert send_digests("2026-11-22T09:00Z").endswith("(0 due).")

    def test_two_dispatchers_at_once_send_one_email_per_user(self, transactional_db, sink):
        users = [UserFactory(email=f"u{i}@example.com") for i in range(6)]
        for user in users:
            make_nudge(user, f"Friend of {user.email}")
        now = datetime.datetime(2026, 11, 22, 12, tzinfo=datetime.UTC)
        start = threading.Barrier(2)
        outcomes = []

        def dispatcher():
            try:
                start.wait()
                outcomes.append(digest.send_due(now))
            finally:
                connection.close()

        threads = [threading.Thread(target=dispatcher) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(sink.to()) == sorted(u.email for u in users)
        assert sum(o["sent"] for o in outcomes) == 6
        assert Digest.objects.filter(state="sent").count() == 6

    def test_bad_now_is_refused_with_a_clear_message(self, db):
        with pytest.raises(CommandError, match="not an ISO 8601 date and time"):
            call_command("send_digests", now="tomorrow morning")
        with pytest.raises(CommandError, match="has no UTC offset"):
            call_command("send_digests", now="2026-11-22T07:00")
        assert not Digest.objects.exists()


class TestTheEmail:
    def test_one_combined_message_with_reasons_birthdays_one_fading_and_links(self, db, sink, owner):
        make_nudge(
            owner,
            "Ana Lima",
            priority=3,
            level="red",
            message="Last talked 47 days ago; about every 3 weeks — learned from 12 conversations",
        )
        make_nudge(
            owner,
            "Ben Okafor",
            "give_and_take",
            priority=2,
            message="You asked Ben for help 3 times since you last offered anything in return",
        )
        make_nudge(owner, "Cleo Park", "birthday", priority=1.5, level="info", message="Birthday in 3 days (turns 40)")
        make_nudge(
            owner,
            "Dev Shah",
            "fading",
            priority=1.2,
            level="info",
            message="Silent for 9 months; you used to talk every 3 weeks. Reconnect, or let go?",
        )
        make_nudge(owner, "Eli Moss", "fading", priority=1.1, level="info", message="Silent for 2 years")
        send_digests("2026-11-22T08:00Z")

        [message] = sink.messages
        assert message["Subject"] == "4 nudges today: Ana Lima, Ben Okafor and 2 more"
        assert message["To"] == "owner@example.com"
        text, html = body(message, "plain"), body(message, "html")
        for part in (text, html):
            assert "Last talked 47 days ago; about every 3 weeks — learned from 12 conversations" in part
            assert "You asked Ben for help 3 times" in part
            assert "Birthday in 3 days (turns 40)" in part
            assert "Reconnect, or let go?" in part
            assert "Eli Moss" not in part  # one fading relationship, the most important
        assert text.index("REACH OUT") < text.index("COMING UP") < text.index("FADING")
        assert text.count(f"Done: {SITE}/digest/nudge/") == 4
        assert text.count(f"Snooze a week: {SITE}/digest/nudge/") == 4
        assert html.count(f'href="{SITE}/digest/nudge/') == 8

        unsubscribe = message["List-Unsubscribe"]
        assert unsubscribe.startswith(f"<{SITE}/digest/unsubscribe/") and unsubscribe.endswith("/>")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert unsubscribe[1:-1] in text

        row = Digest.objects.get()
        assert (row.nudge_count, row.subject, row.local_date) == (4, message["Subject"], NOV_22)

    def test_only_the_chosen_reasons_and_at_most_the_daily_cap(self, db, sink, owner):
        owner.digest_reasons = ["overdue"]
        owner.nudge_cap = 2
        owner.save()
        for i, name in enumerate(["Ana", "Ben", "Cleo"]):
            make_nudge(owner, name, priority=3 - i)
        make_nudge(owner, "Dora", "birthday", priority=9, message="Birthday today")
        send_digests("2026-11-22T08:00Z")
        [message] = sink.messages
        assert message["Subject"] == "2 nudges today: Ana, Ben"
        assert "Dora" not in body(message, "plain") and "Cleo" not in body(message, "plain")

    def test_snoozed_and_archived_people_stay_out(self, db, sink, owner):
        make_nudge(owner, "Ana Lima", state="snoozed", snoozed_until=NOV_22 + datetime.timedelta(days=3))
        archived = make_nudge(owner, "Ben Okafor")
        archived.contact.archived = True
        archived.contact.save()
        make_nudge(owner, "Cleo Park", state="snoozed", snoozed_until=NOV_22)  # the snooze ran out today
        send_digests("2026-11-22T08:00Z")
        assert sink.messages[0]["Subject"] == "1 nudge today: Cleo Park"

    def test_someone_elses_nudges_never_appear(self, db, sink, owner, other):
        make_nudge(owner, "Ana Lima")
        make_nudge(other, "Secret Friend")
        send_digests("2026-11-22T08:00Z")
        mine = next(m for m in sink.messages if m["To"] == owner.email)
        assert "Secret Friend" not in body(mine, "plain") + body(mine, "html")


class TestDelivery:
    def test_smtp_down_then_up_is_delivered_once(self, db, sink, owner, settings):
        settings.DIGEST_RETRY_SECONDS = 60
        make_nudge(owner, "Ana Lima")
        sink.stop()
        assert "1 to retry later" in send_digests("2026-11-22T08:00Z")
        row = Digest.objects.get()
        assert (row.state, row.attempts) == ("retry", 1)
        assert "ConnectionRefusedError" in row.error
        # Not again before its time, …
        assert send_digests("2026-11-22T08:00:30Z").endswith("(0 due).")
        sink.start()
        # … then once.
        retry_at = row.retry_at.isoformat()
        assert send_digests(retry_at).startswith("Digests: 1 sent")
        assert send_digests("2026-11-22T10:00Z").endswith("(0 due).")
        assert sink.to() == [owner.email]
        row.refresh_from_db()
        assert (row.state, row.attempts) == ("sent", 2)

    def test_after_the_last_attempt_the_row_is_failed(self, db, sink, owner, settings):
        settings.DIGEST_MAX_ATTEMPTS = 2
        make_nudge(owner, "Ana Lima")
        sink.stop()
        send_digests("2026-11-22T08:00Z")
        row = Digest.objects.get()
        with pytest.raises(CommandError, match="1 digest\\(s\\) failed"):
            call_command("send_digests", now=row.retry_at.isoformat(), stdout=io.StringIO())
        row.refresh_from_db()
        assert (row.state, row.attempts) == ("failed", 2)
        sink.start()
        assert send_digests("2026-11-22T12:00Z").endswith("(0 due).")
        assert sink.messages == []

    def test_a_refused_address_fails_at_once(self, db, sink, owner):
        User.objects.filter(pk=owner.pk).update(email="nobody@[127.0.0.1")
        make_nudge(owner, "Ana Lima")
        with pytest.raises(CommandError):
            call_command("send_digests", now="2026-11-22T08:00Z", stdout=io.StringIO())
        row = Digest.objects.get()
        assert row.state == "failed" and row.attempts == 1

    def test_a_connection_lost_mid_message_is_never_resent(self, db, sink, owner):
        make_nudge(owner, "Ana Lima")
        sink.hang_up()
        with pytest.raises(CommandError):
            call_command("send_digests", now="2026-11-22T08:00Z", stdout=io.StringIO())
        row = Digest.objects.get()
        assert row.state == "failed"
        assert "may have been delivered" in row.error
        assert send_digests("2026-11-22T12:00Z").endswith("(0 due).")
        assert sink.messages == []

    def test_a_claim_left_by_a_dead_sender_blocks_the_day_and_is_marked_failed_later(self, db, sink, owner):
        make_nudge(owner, "Ana Lima")
        claimed = datetime.datetime(2026, 11, 22, 8, tzinfo=datetime.UTC)
        Digest.objects.create(owner=owner, local_date=NOV_22, claimed_at=claimed)
        assert digest.deliver(owner.pk, NOV_22) == "taken"
        assert send_digests("2026-11-22T08:30Z") == "Digests: 0 sent, 0 with nothing to send (0 due)."
        Digest.objects.update(claimed_at=claimed - datetime.timedelta(hours=2))
        assert "1 interrupted earlier, marked failed" in send_digests("2026-11-22T08:30Z")
        assert Digest.objects.get().state == "failed"
        assert sink.messages == []


def test_beat_fans_out_one_task_per_due_user_every_quarter_hour(db, owner, other, monkeypatch):
    from django.utils import timezone

    from interactions import tasks
    from relcrm.celery import app

    owner.digest_hour = 0  # in UTC: due all day
    owner.save()
    other.digest_enabled = False
    other.save()
    sent = []
    monkeypatch.setattr(tasks.send_digest, "delay", lambda *args: sent.append(args))
    assert tasks.dispatch_digests() == 1
    assert sent == [(owner.pk, timezone.now().date().isoformat())]

    entry = app.conf.beat_schedule["daily-digests"]
    assert entry["task"] == "interactions.tasks.dispatch_digests"
    assert entry["schedule"].minute == {0, 15, 30, 45} and entry["schedule"].hour == set(range(24))
