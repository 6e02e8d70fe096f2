"""The engine end to end on the database: cadence rules, nudges and their states."""

import datetime
import io
import zoneinfo

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from contacts import scoring
from contacts.management.commands.seed_demo import DEMO_EMAIL
from contacts.models import Circle, CircleCadence, Contact, ImportantDate, ScoreSnapshot
from interactions import activity, engine, engine_writes, services
from interactions.models import Nudge
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def ago(days):
    return NOW - datetime.timedelta(days=days)


def log(owner, contact, days_ago, **extra):
    extra.setdefault("channel", "call")
    return services.log_interaction(owner, contacts=[contact], occurred_at=ago(days_ago), **extra)


def recompute(owner, as_of=None):
    return engine.recompute_users([owner.pk], as_of=as_of)


def fresh(contact):
    return Contact.objects.get(pk=contact.pk)


class TestCadence:
    def test_the_contacts_own_cadence_wins(self, owner):
        ana = ContactFactory(owner=owner, circle="inner", cadence_days=10)
        recompute(owner)
        assert fresh(ana).cadence_explanation == "every 10 days — set for this person"

    def test_then_the_circle_default_which_the_user_can_change(self, owner):
        ana = ContactFactory(owner=owner, circle="close")
        recompute(owner)
        assert fresh(ana).cadence_explanation == "every month — the default for your close friends"
        CircleCadence.objects.create(owner=owner, circle="close", cadence_days=14)
        recompute(owner)
        assert fresh(ana).cadence_explanation == "every 2 weeks — the default for your close friends"

    def test_then_learned_from_history(self, owner):
        ana = ContactFactory(owner=owner, circle="acquaintance")
        for week in range(12):
            log(owner, ana, 3 + 21 * week)
        recompute(owner)
        ana = fresh(ana)
        assert ana.effective_cadence_days == 21
        assert ana.cadence_explanation == "about every 3 weeks — learned from 12 conversations"
        assert ana.next_due_on == (ago(3) + datetime.timedelta(days=21)).astimezone(datetime.UTC).date()

    def test_no_rhythm_without_history(self, owner):
        ana = ContactFactory(owner=owner, circle="acquaintance")
        recompute(owner)
        assert fresh(ana).cadence_explanation == "no regular rhythm yet"
        assert not Nudge.objects.exists()


class TestOverdue:
    def test_yellow_once_the_gap_passed_red_at_one_and_a_half(self, owner):
        yellow = ContactFactory(owner=owner, circle="inner")  # weekly
        red = ContactFactory(owner=owner, circle="inner")
        fine = ContactFactory(owner=owner, circle="inner")
        log(owner, yellow, 8)
        log(owner, red, 11)
        log(owner, fine, 2)
        recompute(owner)
        levels = dict(Nudge.objects.filter(reason="overdue").values_list("contact_id", "level"))
        assert levels == {yellow.pk: "yellow", red.pk: "red"}
        assert Nudge.objects.get(contact=yellow).message == (
            "Last talked 8 days ago; every week — the default for your inner circle"
        )

    def test_a_recompute_never_duplicates_and_keeps_states(self, owner):
        ana = ContactFactory(owner=owner, circle="inner")
        log(owner, ana, 20)
        recompute(owner)
        nudge = Nudge.objects.get()
        services.act_on_nudge(nudge, "dismiss", today=NOW.date())
        recompute(owner)
        recompute(owner)
        assert list(Nudge.objects.values_list("state", flat=True)) == ["dismissed"]

    def test_logging_resolves_the_nudge_at_once_and_moves_the_due_date(self, owner):
        ana = ContactFactory(owner=owner, circle="inner")
        log(owner, ana, 20)
        recompute(owner)
        assert Nudge.objects.get().state == "open"
        log(owner, ana, 0)
        nudge = Nudge.objects.get()
        assert nudge.state == "done" and nudge.resolved_at is not None
        assert fresh(ana).next_due_on == NOW.date() + datetime.timedelta(days=7)
        assert not Nudge.objects.for_user(owner).active_on(NOW.date()).exists()

    def test_logging_an_older_conversation_resolves_nothing(self, owner):
        ana = ContactFactory(owner=owner, circle="inner")
        log(owner, ana, 20)
        recompute(owner)
        log(owner, ana, 30)
        assert Nudge.objects.get().state == "open"


class TestStates:
    @pytest.fixture
    def nudge(self, owner):
        ana = ContactFactory(owner=owner, circle="inner", display_name="Ana Lima")
        log(owner, ana, 20)
        recompute(owner)
        return Nudge.objects.get()

    def test_snooze_hides_it_for_a_week(self, owner_client, owner, nudge):
        response = owner_client.post(reverse("nudge_snooze", args=[nudge.pk]))
        assert response.status_code == 302
        nudge.refresh_from_db()
        assert nudge.state == "snoozed"
        today = timezone.localdate()
        assert nudge.snoozed_until == today + datetime.timedelta(days=7)
        assert not Nudge.objects.active_on(today).exists()
        assert list(Nudge.objects.active_on(today + datetime.timedelta(days=7))) == [nudge]

    def test_done_offers_the_log_form_for_that_person(self, owner_client, nudge):
        response = owner_client.post(reverse("nudge_done", args=[nudge.pk]))
        assert response.status_code == 302 and "contact=Ana+Lima" in response["Location"]
        nudge.refresh_from_db()
        assert nudge.state == "done"
        page = owner_client.get(response["Location"])
        assert page.context["form"]["contacts"].value() == "Ana Lima"

    def test_dismiss_and_a_second_press_acts_once(self, owner_client, nudge):
        owner_client.post(reverse("nudge_dismiss", args=[nudge.pk]))
        response = owner_client.post(reverse("nudge_done", args=[nudge.pk]), follow=True)
        nudge.refresh_from_db()
        assert nudge.state == "dismissed"
        assert "already taken care of" in response.content.decode()

    @pytest.mark.parametrize("action", ["nudge_done", "nudge_snooze", "nudge_dismiss"])
    def test_someone_elses_nudge_is_404_and_unchanged(self, outsider_client, nudge, action):
        assert outsider_client.post(reverse(action, args=[nudge.pk])).status_code == 404
        nudge.refresh_from_db()
        assert nudge.state == "open"

    def test_the_dashboard_shows_the_reach_out_region(self, owner_client, nudge):
        html = owner_client.get("/").content.decode()
        assert 'aria-labelledby="reach-heading"' in html and ">Reach out<" in html
        for label in ("Done", "Snooze", "Dismiss"):
            assert f">{label}</button>" in html


class TestCap:
    def test_the_daily_list_is_capped_and_ranked_by_depth_and_lateness(self, owner):
        owner.nudge_cap = 3
        owner.save()
        people = ContactFactory.create_batch(6, owner=owner, circle="inner")
        for days, person in zip([10, 10, 9, 9, 8, 8], people, strict=True):
            log(owner, person, days)
        # Two friends equally late; the first is the deeper relationship.
        for extra in range(20):
            log(owner, people[0], 17 + extra * 7, channel="in_person")
        recompute(owner)
        ranked = [n.contact for n in Nudge.objects.filter(reason="overdue").order_by("-priority")]
        assert len(ranked) == 6
        assert ranked.index(people[0]) < ranked.index(people[1])
        # Later beats less late at the same depth.
        assert ranked.index(people[1]) < ranked.index(people[5])
        shown = list(Nudge.objects.for_today(owner, NOW.date()))
        assert shown == list(Nudge.objects.filter(reason="overdue").order_by("-priority")[:3])


class TestYearly:
    def birthday(self, owner, month, day, year=None):
        return ContactFactory(owner=owner, circle="network", birthday_month=month, birthday_day=day,
                              birthday_year=year)

    @pytest.mark.parametrize(
        "today, month, day, due",
        [
            ("2026-12-28", 1, 2, "2027-01-02"),  # across the year end
            ("2027-02-24", 2, 29, "2027-02-28"),  # 29 February in a common year
            ("2028-02-24", 2, 29, "2028-02-29"),  # ... and in a leap year
            ("2026-06-01", 6, 1, "2026-06-01"),  # on the day itself
        ],
    )
    def test_birthdays_come_round(self, owner, today, month, day, due):
        ana = self.birthday(owner, month, day)
        as_of = datetime.datetime.fromisoformat(today + "T12:00:00+00:00")
        engine._pass([owner], as_of=as_of, nudges=True)
        nudge = Nudge.objects.get(contact=ana, reason="birthday")
        assert nudge.due_on == datetime.date.fromisoformat(due)
        assert nudge.show_from == nudge.due_on - datetime.timedelta(days=owner.birthday_lead_days)

    def test_message_and_age_when_the_year_is_known(self, owner):
        today = timezone.localdate()
        soon = today + datetime.timedelta(days=3)
        self.birthday(owner, soon.month, soon.day, year=soon.year - 40)
        recompute(owner)
        assert Nudge.objects.get().message == "Birthday in 3 days (turns 40)"

    def test_outside_the_lead_time_nothing_yet(self, owner):
        later = timezone.localdate() + datetime.timedelta(days=30)
        self.birthday(owner, later.month, later.day)
        recompute(owner)
        assert not Nudge.objects.exists()

    def test_important_dates_too(self, owner):
        ana = ContactFactory(owner=owner, circle="network")
        soon = timezone.localdate() + datetime.timedelta(days=1)
        ImportantDate.objects.create(contact=ana, label="Wedding anniversary", month=soon.month, day=soon.day)
        recompute(owner)
        assert Nudge.objects.get().message == "Wedding anniversary tomorrow"

    def test_birthdays_follow_the_users_time_zone(self, owner):
        # 10:00 UTC on 1 June is already 2 June in Kiritimati (UTC+14).
        owner.time_zone = "Pacific/Kiritimati"
        owner.birthday_lead_days = 0
        owner.save()
        self.birthday(owner, 6, 2)
        engine._pass([owner], as_of=datetime.datetime(2026, 6, 1, 10, tzinfo=datetime.UTC), nudges=True)
        assert Nudge.objects.get().message == "Birthday today"


class TestGiveAndTake:
    def test_three_asks_since_the_last_favour_given(self, owner):
        ana = ContactFactory(owner=owner, circle="friends", display_name="Ana Lima", given_name="Ana")
        log(owner, ana, 100, kind="favour_given")
        for days in (60, 30, 10):
            log(owner, ana, days, kind="favour_asked")
        recompute(owner)
        nudge = Nudge.objects.get(reason="give_and_take")
        assert nudge.message == "You asked Ana for help 3 times since you last offered anything in return"
        # Returning the favour ends it.
        log(owner, ana, 1, kind="favour_given")
        recompute(owner)
        assert not Nudge.objects.filter(reason="give_and_take").exists()

    def test_two_asks_are_not_yet_a_pattern(self, owner):
        ana = ContactFactory(owner=owner)
        for days in (30, 10):
            log(owner, ana, days, kind="favour_asked")
        recompute(owner)
        assert not Nudge.objects.filter(reason="give_and_take").exists()


class TestFading:
    def test_silence_of_eight_usual_gaps(self, owner):
        ana = ContactFactory(owner=owner, circle="acquaintance")
        for i in range(6):
            log(owner, ana, 200 + 10 * i)  # every 10 days, then 200 days of silence
        recompute(owner)
        nudge = Nudge.objects.get()
        assert nudge.reason == "fading"
        assert nudge.message.endswith("Reconnect, or let go?")
        assert "every 10 days" in nudge.message


class TestSetBased:
    def test_query_count_does_not_grow_with_contacts(self, owner):
        def people(n):
            for person in ContactFactory.create_batch(n, owner=owner, circle="inner", birthday_month=1,
                                                      birthday_day=1):
                log(owner, person, 20, kind="favour_asked")
                log(owner, person, 15, kind="favour_asked")
                log(owner, person, 10, kind="favour_asked")
                ImportantDate.objects.create(contact=person, label="Anniversary", month=1, day=2)

        people(3)
        small_count = _count_queries(owner)
        people(30)
        assert _count_queries(owner) == small_count

    def test_as_of_scores_the_past_and_writes_a_snapshot_for_that_week(self, owner):
        ana = ContactFactory(owner=owner, circle="inner")
        log(owner, ana, 100)
        log(owner, ana, 1)
        recompute(owner, as_of=ago(50))
        ana = fresh(ana)
        assert ana.last_interaction_at == ago(100)
        assert not Nudge.objects.exists()  # nudges are for the present only
        assert ScoreSnapshot.objects.get().week == engine.week_of(ago(50).date())

    def test_history_rebuild_gives_one_snapshot_a_week(self, owner):
        ana = ContactFactory(owner=owner, circle="inner")
        log(owner, ana, 70)
        log(owner, ana, 3)
        weeks = engine.rebuild_score_history(owner.pk, NOW)
        assert weeks >= 9
        scores = list(ScoreSnapshot.objects.filter(contact=ana).values_list("score", flat=True))
        assert len(scores) == weeks
        # Silence after the first conversation: the score fades week by week.
        assert scores[0] > scores[-2]


    def test_every_stored_figure_is_what_the_one_contact_functions_give(self):
        """The pass scores by column; each contact's stored figures are still those of the formulas for one."""
        call_command("seed_demo", contacts=60, interactions=2500, seed=7, history_weeks=0, stdout=io.StringIO())
        owner = User.objects.get(email=DEMO_EMAIL)
        CircleCadence.objects.create(owner=owner, circle=Circle.FRIENDS, cadence_days=45)
        moment = timezone.now()
        recompute(owner, as_of=moment)
        _assert_scored_as_one_contact(owner, moment, Circle.default_cadences() | {Circle.FRIENDS: 45})

    def test_night_after_night_from_the_stored_figures(self):
        """Each night's pass reads the stored figures (windows moving on, rows missing or deleted) and still
        writes what the one-contact functions give, with the week's snapshot even where one went missing."""
        call_command("seed_demo", contacts=60, interactions=2500, seed=11, history_weeks=0, stdout=io.StringIO())
        owner = User.objects.get(email=DEMO_EMAIL)
        first = timezone.now()
        for night in range(1, 10):
            moment = first + datetime.timedelta(days=night)
            if night == 3:  # a person's stored row gone: computed again from the conversations
                activity_row = Contact.objects.filter(owner=owner, activity__count__gt=3).first().activity
                activity_row.delete()
            if night == 5:  # a snapshot of this week deleted after the last night wrote it
                ScoreSnapshot.objects.filter(
                    contact__owner=owner, week=engine.week_of((moment - datetime.timedelta(days=1)).date())
                ).order_by("contact_id").first().delete()
            recompute(owner, as_of=moment)
            _assert_scored_as_one_contact(owner, moment, Circle.default_cadences())


class TestOverlappedWrites:
    """The nudges are worked out while the database writes the scores: all of it lands, or none."""

    def test_a_failure_while_the_scores_are_written_leaves_nothing_half_done(self, owner, monkeypatch):
        ana = ContactFactory(owner=owner, circle="inner")
        log(owner, ana, 20)
        before = Contact.objects.filter(pk=ana.pk).values("depth_score", "scored_at").get()

        def broken(*args, **kwargs):
            raise RuntimeError("while the database writes the scores")

        monkeypatch.setattr(engine, "_wanted_nudges", broken)
        with pytest.raises(RuntimeError):
            recompute(owner)
        assert Contact.objects.filter(pk=ana.pk).values("depth_score", "scored_at").get() == before
        assert not ScoreSnapshot.objects.exists() and not Nudge.objects.exists()
        monkeypatch.undo()
        recompute(owner)  # the connection is fine afterwards
        assert fresh(ana).scored_at is not None and Nudge.objects.filter(contact=ana).exists()

    def test_a_failing_statement_in_the_pipeline_rolls_back_the_scores(self, owner, monkeypatch):
        ana = ContactFactory(owner=owner, circle="inner")
        log(owner, ana, 20)
        monkeypatch.setattr(engine_writes, "NUDGE_REFRESHED", ("no_such_column",))
        with pytest.raises(DatabaseError):
            recompute(owner)
        assert fresh(ana).scored_at is None and not ScoreSnapshot.objects.exists()

    def test_a_nudge_acted_on_meanwhile_is_not_taken_away(self, owner):
        ana = ContactFactory(owner=owner, circle="inner")
        log(owner, ana, 20)
        recompute(owner)
        existing = engine_writes.open_nudges(owner_ids=[owner.pk])
        nudge = Nudge.objects.get()
        services.act_on_nudge(nudge, "done", today=NOW.date())  # after the pass read it as open
        engine_writes.nudges([], existing)  # the pass no longer wants it
        assert Nudge.objects.get().state == "done"


def _assert_scored_as_one_contact(owner, moment, cadences):
    figures = activity.as_of([owner.pk], moment)
    tz = zoneinfo.ZoneInfo(owner.time_zone)
    contacts = Contact.objects.filter(owner=owner, archived=False)
    assert len(contacts) > 50 and len(figures) > 40
    for contact in contacts:
        stats = scoring.ContactStats(moment, *figures.get(contact.pk, scoring.NO_FIGURES), known_since=contact.met_on)
        cadence = scoring.resolve_cadence(contact.cadence_days, cadences[contact.circle], stats)
        score = scoring.depth_score(stats, cadence.days)
        since = None if stats.last_at else contact.created_at.astimezone(tz).date()
        assert (contact.depth_score, contact.depth_components) == (score.total, score.components)
        assert (contact.effective_cadence_days, contact.cadence_source, contact.cadence_sample) == (
            cadence.days, cadence.source, cadence.sample
        )
        assert contact.next_due_on == scoring.next_due_on(stats.last_at, since, cadence.days, tz)
        assert contact.last_interaction_at == stats.last_at
        assert contact.scored_at == moment
        assert contact.score_history.get(week=engine.week_of(moment.date())).score == score.total


def _count_queries(owner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        recompute(owner)
    return len(queries)
