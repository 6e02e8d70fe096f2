"""The stored per-contact figures: kept right by every write path, and scoring from them changes nothing."""

import datetime

import pytest
from django.utils import timezone

from contacts.merging import merge_contacts
from contacts.models import Contact
from interactions import activity, engine, engine_writes, services
from interactions.importing import import_interactions
from interactions.models import ContactActivity, Interaction, InteractionContact, Nudge
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def ago(days, hours=0):
    return NOW - datetime.timedelta(days=days, hours=hours)


def log(owner, contacts, days, **extra):
    extra.setdefault("channel", "call")
    return services.log_interaction(owner, contacts=contacts, occurred_at=ago(days), **extra)


def stored(contact):
    row = ContactActivity.objects.filter(pk=contact.pk).values_list(*activity.FIGURES).first()
    if not row or not row[activity.COUNT]:
        return None
    row = list(row)
    row[activity.WEIGHTED] /= 100
    return row


def computed(owner, contact, moment=None):
    """The figures straight from the interactions."""
    return activity.as_of([owner.pk], moment or timezone.now(), [contact.pk]).get(contact.pk)


def assert_current(owner, *contacts):
    for contact in contacts:
        assert stored(contact) == computed(owner, contact), contact.display_name


def history(owner):
    """People with every kind of history: channels, directions, favours, notes, quality, old and recent."""
    ana, ben, cai, dee = (
        ContactFactory(owner=owner, display_name=name, circle=circle, met_on=datetime.date(2015, 5, 1))
        for name, circle in (("Ana", "inner"), ("Ben", "acquaintance"), ("Cai", "friends"), ("Dee", "network"))
    )
    ContactFactory(owner=owner, display_name="Eve", circle="acquaintance")  # no conversation at all
    for days in (700, 500, 360, 200, 90, 30, 8, 2):
        log(owner, [ana], days, channel="in_person", direction="mutual", note="Dinner", quality=4)
    for days in (366, 364, 300):  # a learned rhythm whose oldest recent conversation leaves the window soon
        log(owner, [ben], days, channel="message", direction="incoming")
    log(owner, [ben], 250, channel="video", direction="outgoing", kind="favour_given")
    for days in (40, 20, 10, 5):
        log(owner, [ben], days, channel="email", direction="outgoing", kind="favour_asked")
    log(owner, [cai, dee], 45, channel="social", direction="outgoing")
    log(owner, [cai], 400, channel="letter", direction="incoming", quality=2)
    for days in (363, 361, 358):  # a busy spell a year ago: the window's next first is days away
        log(owner, [dee], days, channel="in_person", direction="incoming")
    return ana, ben, cai, dee


def state(owner):
    contacts = list(Contact.objects.filter(owner=owner).order_by("pk").values_list("pk", *engine_writes.SCORED_FIELDS))
    nudges = sorted(Nudge.objects.filter(owner=owner).values_list("contact_id", "reason", "due_on", "message", "level"))
    return contacts, nudges


class TestStoredPassEqualsFromScratch:
    @pytest.mark.parametrize("later", [0, 1, 2, 4, 30, 200, 800])
    def test_same_scores_cadences_and_nudges(self, owner, later):
        history(owner)
        moment = timezone.now() + datetime.timedelta(days=later)
        engine._pass([owner], as_of=moment, stored=False)
        scratch = state(owner)
        Nudge.objects.all().delete()
        engine._pass([owner], as_of=moment, stored=True)
        assert state(owner) == scratch
        assert scratch[1], "the history makes nudges"

    @pytest.mark.parametrize(
        ("later", "kind"),
        [
            (0, "current"),
            (2, "moved"),  # Dee's conversation of 363 days ago leaves; the next, 361 days ago, is near
            (4, "moved"),  # ...and Ben's of 364 days ago; his next is 64 days later
            (30, "moved"),
        ],
    )
    @pytest.mark.parametrize("database", ["postgresql", "any"])
    def test_rows_whose_window_moved_lose_what_left_it_and_are_written_back(
        self, owner, later, kind, database, monkeypatch
    ):
        if database == "any":  # the ORM's queries, as on SQLite (``make run``)
            monkeypatch.setattr(activity.connection, "vendor", "sqlite")
        people = history(owner)
        moment = timezone.now() + datetime.timedelta(days=later)
        kinds = set()
        for person in people:
            row = ContactActivity.objects.get(pk=person.pk)
            kinds.add(activity.state([getattr(row, name) for name in activity.FIGURES], moment, row.window_since))
        assert kind in kinds
        engine._pass([owner], as_of=moment, stored=True)
        for person in people:
            row = ContactActivity.objects.get(pk=person.pk)
            figures = [getattr(row, name) for name in activity.FIGURES]
            figures[activity.WEIGHTED] /= 100
            assert figures == computed(owner, person, moment), person.display_name
            assert activity.state(figures, moment, row.window_since) == "current"

    def test_interactions_ahead_of_the_moment_are_left_out(self, owner):
        ana = ContactFactory(owner=owner, circle="friends")
        log(owner, [ana], 10)
        log(owner, [ana], -0.005)  # a few minutes ahead of the clock
        engine._pass([owner], as_of=NOW, stored=False)
        scratch = state(owner)
        engine._pass([owner], as_of=NOW, stored=True)
        assert state(owner) == scratch
        assert Contact.objects.get(pk=ana.pk).last_interaction_at == ago(10)

    def test_give_and_take_counts_asks_since_the_last_favour_given(self, owner):
        _, ben, *_ = history(owner)
        assert ContactActivity.objects.get(pk=ben.pk).asks_since_given == 4
        log(owner, [ben], 1, kind="favour_given")
        assert ContactActivity.objects.get(pk=ben.pk).asks_since_given == 0


class TestEveryWritePathKeepsTheRowsCurrent:
    def test_logging(self, owner):
        ana, ben, cai, dee = history(owner)
        assert_current(owner, ana, ben, cai, dee)

    def test_editing_the_date_and_the_people(self, owner):
        ana, ben, cai, dee = history(owner)
        interaction = Interaction.objects.filter(contacts=cai, occurred_at=ago(45)).get()
        services.update_interaction(interaction, occurred_at=ago(500), contacts=[ana, dee])
        assert_current(owner, ana, ben, cai, dee)

    def test_deleting_one_and_many(self, owner):
        ana, ben, cai, dee = history(owner)
        services.delete_interaction(Interaction.objects.filter(contacts=cai, occurred_at=ago(45)).get())
        services.delete_interactions(Interaction.objects.filter(contacts=ben))
        assert_current(owner, ana, ben, cai, dee)
        assert ContactActivity.objects.get(pk=ben.pk).count == 0

    def test_importing(self, owner):
        ana, ben, cai, dee = history(owner)
        rows = [f"{ago(3).isoformat()},Ana,video,incoming,", f"{ago(3).isoformat()},Fay,email,outgoing,"]
        import_interactions(owner, ("occurred_at,contact,channel,direction,note\n" + "\n".join(rows)).encode())
        fay = Contact.objects.get(owner=owner, display_name="Fay")
        assert_current(owner, ana, ben, cai, dee, fay)

    def test_a_whole_owner_refresh_changes_nothing_and_adds_zeros_for_the_silent(self, owner):
        history(owner)
        figures = ("pk", *activity.FIGURES, "asks_since_given")
        before = sorted(ContactActivity.objects.values_list(*figures))
        services.refresh_contact_figures(owner_id=owner.pk)
        after = sorted(ContactActivity.objects.values_list(*figures))
        eve = Contact.objects.get(owner=owner, display_name="Eve")
        assert [row for row in after if row[0] != eve.pk] == before
        assert ContactActivity.objects.get(pk=eve.pk).count == 0


def assert_links_carry_their_moment():
    links = InteractionContact.objects.values_list("occurred_at", "interaction__occurred_at")
    assert links and all(mine == theirs for mine, theirs in links)


class TestLinksCarryTheirInteractionsMoment:
    """Every link holds its interaction's moment, by the database's triggers, whatever writes."""

    def test_logging_editing_and_importing(self, owner):
        ana, ben, cai, dee = history(owner)
        interaction = Interaction.objects.filter(contacts=cai, occurred_at=ago(45)).get()
        services.update_interaction(interaction, occurred_at=ago(500), contacts=[ana, dee, ben])
        rows = [f"{ago(3).isoformat()},Ana,video,incoming,", f"{ago(4).isoformat()},Fay,email,outgoing,"]
        import_interactions(owner, ("occurred_at,contact,channel,direction,note\n" + "\n".join(rows)).encode())
        assert_links_carry_their_moment()
        assert InteractionContact.objects.filter(interaction=interaction, occurred_at=ago(500)).count() == 3

    def test_writes_that_bypass_the_services(self, owner):
        ana, ben, *_ = history(owner)
        Interaction.objects.filter(contacts=ben).update(occurred_at=ago(1))  # one statement, no save()
        interaction = Interaction.objects.filter(contacts=ana).first()
        interaction.occurred_at = ago(2, hours=3)
        interaction.save()
        link = InteractionContact.objects.filter(contact=ben).first()
        link.interaction = interaction  # moved to another conversation
        link.save()
        assert_links_carry_their_moment()

    def test_merging_keeps_each_links_moment(self, owner):
        ana, *_ = history(owner)
        twin = ContactFactory(owner=owner, display_name="Ana")
        log(owner, [twin], 12)
        merge_contacts(ana.pk, [twin.pk])
        assert_links_carry_their_moment()
        assert InteractionContact.objects.filter(contact=ana, occurred_at=ago(12)).exists()

    def test_the_sqlite_triggers(self):
        """The same triggers as SQLite (``make run``) runs them, on the two tables they need."""
        import importlib
        import sqlite3

        migration = importlib.import_module("interactions.migrations.0008_link_occurred_at")
        db = sqlite3.connect(":memory:")
        db.execute(f"CREATE TABLE {migration.INTERACTIONS} (id INTEGER PRIMARY KEY, occurred_at TEXT)")
        db.execute(
            f"CREATE TABLE {migration.LINKS} (id INTEGER PRIMARY KEY, interaction_id INTEGER, occurred_at TEXT)"
        )
        db.executemany(f"INSERT INTO {migration.INTERACTIONS} VALUES (?, ?)", [(1, "2026-01-01"), (2, "2026-02-02")])
        db.execute(f"INSERT INTO {migration.LINKS} (id, interaction_id) VALUES (10, 1)")  # made before the triggers
        for statement in migration.SQLITE_SETUP:
            db.execute(statement)
        db.execute(f"INSERT INTO {migration.LINKS} (id, interaction_id) VALUES (11, 1), (12, 2)")
        db.execute(f"UPDATE {migration.INTERACTIONS} SET occurred_at = '2026-03-03' WHERE id = 1")
        db.execute(f"UPDATE {migration.LINKS} SET interaction_id = 2 WHERE id = 10")
        db.execute(f"UPDATE {migration.LINKS} SET occurred_at = 'tampered' WHERE id = 12")
        rows = db.execute(f"SELECT id, occurred_at FROM {migration.LINKS} ORDER BY id").fetchall()
        assert rows == [(10, "2026-02-02"), (11, "2026-03-03"), (12, "2026-02-02")]
