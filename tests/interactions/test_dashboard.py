"""What the "Today" page reads: birthdays, circles, fading, the heat map and its cache, query counts."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from contacts import services as contact_services
from contacts.models import Contact
from interactions import dashboard, heatmap, services
from interactions.models import Interaction
from tests.factories import ContactFactory, ImportantDateFactory, NudgeFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def day(text):
    return datetime.date.fromisoformat(text)


class TestBirthdays:
    def names(self, owner, today):
        found, count = dashboard.birthdays(owner, day(today))
        assert count == len(found)
        return [(b.contact.display_name, b.on, b.turns) for b in found]

    def test_next_fourteen_days_with_and_without_a_year(self, owner, other):
        ContactFactory(owner=owner, display_name="Today", birthday_month=3, birthday_day=10, birthday_year=1990)
        ContactFactory(owner=owner, display_name="No Year", birthday_month=3, birthday_day=20)
        ContactFactory(owner=owner, display_name="Day 14", birthday_month=3, birthday_day=24)
        ContactFactory(owner=owner, display_name="Day 15", birthday_month=3, birthday_day=25)
        ContactFactory(owner=owner, display_name="Yesterday", birthday_month=3, birthday_day=9)
        ContactFactory(owner=owner, display_name="Archived", birthday_month=3, birthday_day=11, archived=True)
        ContactFactory(owner=other, display_name="Not Mine", birthday_month=3, birthday_day=11)
        assert self.names(owner, "2027-03-10") == [
            ("Today", day("2027-03-10"), 37),
            ("No Year", day("2027-03-20"), None),
            ("Day 14", day("2027-03-24"), None),
        ]

    def test_across_the_new_year(self, owner):
        ContactFactory(owner=owner, display_name="New Year", birthday_month=1, birthday_day=2, birthday_year=2000)
        ContactFactory(owner=owner, display_name="Eve", birthday_month=12, birthday_day=31)
        assert self.names(owner, "2026-12-25") == [
            ("Eve", day("2026-12-31"), None),
            ("New Year", day("2027-01-02"), 27),
        ]

    def test_29_february_falls_on_the_28th_in_common_years(self, owner):
        ContactFactory(owner=owner, display_name="Leap", birthday_month=2, birthday_day=29, birthday_year=2000)
        assert self.names(owner, "2027-02-20") == [("Leap", day("2027-02-28"), 27)]
        assert self.names(owner, "2028-02-20") == [("Leap", day("2028-02-29"), 28)]
        assert self.names(owner, "2027-03-01") == []

    def test_the_page_says_when(self, owner_client, owner):
        today = timezone.localdate()
        soon = today + datetime.timedelta(days=1)
        ContactFactory(owner=owner, display_name="Ana Lima", birthday_month=soon.month, birthday_day=soon.day)
        html = owner_client.get("/").content.decode()
        assert "Ana Lima" in html and "tomorrow" in html


class TestCircles:
    def test_on_track_means_not_overdue(self, owner):
        today = day("2026-06-10")
        for due in ("2026-06-10", "2026-07-01", None, "2026-06-01"):
            ContactFactory(owner=owner, circle="inner", next_due_on=due and day(due))
        ContactFactory(owner=owner, circle="inner", next_due_on=day("2026-01-01"), archived=True)
        circles = dashboard.circle_health(owner, today, timezone.now())
        inner = next(c for c in circles if c["value"] == "inner")
        assert (inner["total"], inner["on_track"]) == (4, 3)
        assert dashboard.circle_headline(circles) == "3 of your inner 4 are on track"

    def test_headline_falls_back_to_the_closest_circle_with_people(self, owner, other):
        ContactFactory(owner=owner, circle="close")
        circles = dashboard.circle_health(owner, timezone.localdate(), timezone.now())
        assert dashboard.circle_headline(circles) == "1 of your 1 close friends is on track"
        assert dashboard.circle_headline(dashboard.circle_health(other, timezone.localdate(), timezone.now())) == ""


class TestFading:
    def test_fading_nudges_not_already_in_reach_out(self, owner):
        owner.nudge_cap = 1
        owner.save()
        shown = NudgeFactory(owner=owner, reason="fading", level="info", priority=9, contact__display_name="Ana")
        extra = NudgeFactory(owner=owner, reason="fading", level="info", priority=1, contact__display_name="Ben")
        today = timezone.localdate()
        assert [n.pk for n in dashboard.reach_out(owner, today)] == [shown.pk]
        nudges, fading = dashboard.reach_out_and_fading(owner, today)
        assert [n.pk for n in nudges] == [shown.pk]
        assert [(n.pk, n.contact.display_name, n.badge) for n in fading] == [(extra.pk, "Ben", "Fading")]

    def test_each_part_keeps_its_order_and_limit(self, owner, other):
        owner.nudge_cap = 2
        owner.save()
        priorities = [5, 9, 1, 7, 8, 3, 2, 6]
        made = [
            NudgeFactory(owner=owner, reason=["overdue", "fading"][i % 2], level="red", priority=p,
                         contact__display_name=f"P{p}")
            for i, p in enumerate(priorities)
        ]
        NudgeFactory(owner=other, reason="fading", priority=99)
        NudgeFactory(owner=owner, reason="fading", priority=50, contact__archived=True)
        nudges, fading = dashboard.reach_out_and_fading(owner, timezone.localdate(), limit=2)
        assert [n.contact.display_name for n in nudges] == ["P9", "P8"]
        assert [n.contact.display_name for n in fading] == ["P7", "P6"]  # P9 is already in "Reach out"
        assert [n.badge for n in nudges] == ["Fading", "Overdue"] and nudges[0].pk == made[1].pk
        assert nudges[0].done_url == f"/nudges/{made[1].pk}/done/"
        assert nudges[0].contact.url == f"/contacts/{made[1].contact_id}/"


def log(owner, contact, when, **fields):
    return services.log_interaction(owner, contacts=[contact], occurred_at=when, channel="call", **fields)


class TestHeatmap:
    def test_counts_per_local_day(self, owner):
        tz = zoneinfo.ZoneInfo("America/New_York")
        ana = ContactFactory(owner=owner)
        today = day("2026-11-20")
        # 03:00 UTC on the 20th is still the 19th in New York.
        log(owner, ana, datetime.datetime(2026, 11, 20, 3, tzinfo=UTC))
        log(owner, ana, datetime.datetime(2026, 11, 19, 15, tzinfo=UTC))
        log(owner, ana, datetime.datetime(2026, 11, 20, 15, tzinfo=UTC))
        log(owner, ana, datetime.datetime(2025, 1, 1, 15, tzinfo=UTC))  # before the map
        assert heatmap.day_counts(owner.pk, today, tz) == {day("2026-11-19"): 2, day("2026-11-20"): 1}

    def test_svg_is_an_accessible_image(self):
        today = day("2026-11-20")
        counts = {today: 3, day("2026-11-02"): 1, day("2026-05-04"): 12}
        built = heatmap.build(counts, today)
        assert 'role="img"' in built.svg and "<title id=\"heatmap-title\">" in built.svg
        assert built.summary == "16 conversations in the past year, on 3 days. Busiest month: May 2026 (12)."
        assert f"<desc id=\"heatmap-desc\">{built.summary}</desc>" in built.svg
        days_drawn = (today - heatmap.first_day(today)).days + 1
        assert built.svg.count("<rect") == days_drawn
        assert 'class="hm-4"' in built.svg and "12 conversations on 4 May 2026" in built.svg
        assert "style=" not in built.svg  # the CSP allows no inline styles

    def test_empty_year(self):
        built = heatmap.build({}, day("2026-11-20"))
        assert built.summary == "0 conversations in the past year, on 0 days."
        assert 'class="hm-1"' not in built.svg

    def test_every_write_path_shows_at_once(self, owner):
        """The cache key changes with every insert, edit and delete."""
        tz = zoneinfo.ZoneInfo("UTC")
        today = timezone.now().date()
        yesterday = today - datetime.timedelta(days=1)
        noon = datetime.datetime.combine(yesterday, datetime.time(12), tzinfo=UTC)
        ana, ben = ContactFactory(owner=owner), ContactFactory(owner=owner)

        def counts():
            return heatmap.load(owner.pk, today, tz).counts

        first = log(owner, ana, noon)
        assert counts() == {yesterday: 1}
        second = log(owner, ben, noon)
        assert counts() == {yesterday: 2}
        services.update_interaction(second, occurred_at=noon - datetime.timedelta(days=3))
        assert counts() == {yesterday: 1, yesterday - datetime.timedelta(days=3): 1}
        services.delete_interaction(first)
        assert counts() == {yesterday - datetime.timedelta(days=3): 1}
        contact_services.delete_contact(ben)
        assert counts() == {}
        carla = ContactFactory(owner=owner)
        log(owner, carla, noon)
        services.delete_interactions(Interaction.objects.filter(owner=owner))
        assert counts() == {}

    def test_an_import_shows_at_once(self, owner, tmp_path):
        from interactions.importing import import_interactions

        tz = zoneinfo.ZoneInfo("UTC")
        today = timezone.now().date()
        assert heatmap.day_counts(owner.pk, today, tz) == {}
        path = tmp_path / "log.csv"
        path.write_text(f"occurred_at,contact,channel,direction,note\n{today.isoformat()}T01:00:00Z,Ana,call,mutual,\n")
        import_interactions(owner, path.read_bytes())
        assert heatmap.load(owner.pk, today, tz).counts == {today: 1}

    def test_the_stamp_is_the_owners_alone(self, owner, other):
        ana, ben = ContactFactory(owner=owner), ContactFactory(owner=other)
        log(owner, ana, timezone.now())
        before = heatmap.stamp_version(other.pk)
        log(owner, ana, timezone.now())
        assert heatmap.stamp_version(other.pk) == before
        log(other, ben, timezone.now())
        assert heatmap.stamp_version(other.pk) == before + 1

    def test_deleting_a_contact_deletes_their_conversations_from_the_map(self, owner):
        tz = zoneinfo.ZoneInfo("UTC")
        today = timezone.now().date()
        ana, ben = ContactFactory(owner=owner), ContactFactory(owner=owner)
        log(owner, ana, timezone.now())
        services.log_interaction(owner, contacts=[ana, ben], occurred_at=timezone.now(), channel="call")
        assert heatmap.load(owner.pk, today, tz).total == 2
        contact_services.delete_contact(ana)
        assert heatmap.load(owner.pk, today, tz).total == 1  # the dinner with Ben stays

    def test_last_thirty_days(self):
        today = day("2026-11-20")
        built = heatmap.build({today: 2, day("2026-10-22"): 3, day("2026-10-21"): 5}, today)
        assert built.last_days == 5  # 22 October is the 30th day back, 21 October the 31st


class TestRecentCache:
    """The recent list is drawn once and kept until a conversation or a person changes."""

    def page(self, client):
        return client.get("/").content.decode()

    def test_a_new_conversation_shows_at_once(self, owner_client, owner):
        ana = ContactFactory(owner=owner, display_name="Ana Lima")
        assert "Ana Lima" not in self.page(owner_client)
        log(owner, ana, timezone.now(), note="Coffee by the river")
        assert "Coffee by the river" in self.page(owner_client)

    def test_edits_and_deletes_show_at_once(self, owner_client, owner):
        ana = ContactFactory(owner=owner, display_name="Ana Lima")
        talk = log(owner, ana, timezone.now(), note="Coffee by the river")
        assert "Coffee by the river" in self.page(owner_client)
        services.update_interaction(talk, note="Tea by the lake")
        html = self.page(owner_client)
        assert "Tea by the lake" in html and "Coffee" not in html
        services.delete_interaction(talk)
        assert "Tea by the lake" not in self.page(owner_client)

    def test_a_renamed_person_shows_at_once(self, owner_client, owner):
        ana = ContactFactory(owner=owner, display_name="Ana Lima")
        log(owner, ana, timezone.now())
        assert "Ana Lima" in self.page(owner_client)
        ana.display_name = "Ana Souza"
        ana.save()
        html = self.page(owner_client)
        assert "Ana Souza" in html and "Ana Lima" not in html

    def test_a_person_deleted_in_the_admin_leaves_the_list(self, owner_client, owner):
        ana, ben = ContactFactory(owner=owner, display_name="Ana Lima"), ContactFactory(owner=owner, display_name="Ben Ito")
        services.log_interaction(owner, contacts=[ana, ben], occurred_at=timezone.now(), channel="call")
        assert "Ana Lima" in self.page(owner_client)
        Contact.objects.filter(pk=ana.pk).delete()  # what the admin's stock delete does
        html = self.page(owner_client)
        assert "Ana Lima" not in html and "Ben Ito" in html

    def test_each_user_sees_their_own(self, client, owner, other):
        log(owner, ContactFactory(owner=owner, display_name="Ana Lima"), timezone.now())
        log(other, ContactFactory(owner=other, display_name="Zoe Quinn"), timezone.now())
        client.force_login(owner)
        assert "Ana Lima" in self.page(client)
        client.force_login(other)
        html = self.page(client)
        assert "Zoe Quinn" in html and "Ana Lima" not in html

    def test_the_time_zone_is_part_of_the_key(self, owner_client, owner):
        ana = ContactFactory(owner=owner, display_name="Ana Lima")
        log(owner, ana, datetime.datetime(2026, 11, 20, 23, 30, tzinfo=UTC))
        assert 'datetime="2026-11-20T23:30:00+00:00"' in self.page(owner_client)
        owner.time_zone = "Asia/Tokyo"
        owner.save()
        assert 'datetime="2026-11-21T08:30:00+09:00"' in self.page(owner_client)


class TestBirthdaysShown:
    def test_limit(self, owner):
        today = day("2027-03-10")
        for n, when in enumerate([12, 11, 20, 11]):
            ContactFactory(owner=owner, display_name=f"P{n}", birthday_month=3, birthday_day=when)
        found, count = dashboard.birthdays(owner, today, limit=2)
        assert [b.contact.display_name for b in found] == ["P1", "P3"] and count == 4
        assert found[0].contact.get_absolute_url() == f"/contacts/{found[0].contact.pk}/"

    def test_the_soonest_are_listed_and_the_rest_counted(self, owner_client, owner):
        soon = timezone.localdate() + datetime.timedelta(days=1)
        for n in range(dashboard.BIRTHDAYS_SHOWN + 3):
            ContactFactory(owner=owner, display_name=f"Person {n:02}", birthday_month=soon.month, birthday_day=soon.day)
        html = owner_client.get("/").content.decode()
        assert f"Person {dashboard.BIRTHDAYS_SHOWN - 1:02}" in html
        assert f"Person {dashboard.BIRTHDAYS_SHOWN:02}" not in html
        assert "And 3 more in the next two weeks." in html


class TestQueryCount:
    def fill(self, owner, people):
        now = timezone.now()
        today = timezone.localdate()
        contacts = [
            ContactFactory(owner=owner, circle=["inner", "close", "friends"][i % 3], birthday_month=today.month,
                           birthday_day=today.day, next_due_on=today - datetime.timedelta(days=i % 2))
            for i in range(people)
        ]
        for i, contact in enumerate(contacts):
            ImportantDateFactory(contact=contact, month=today.month, day=today.day)
            log(owner, contact, now - datetime.timedelta(days=i), note=f"Talk {i}")
            log(owner, contact, now - datetime.timedelta(days=i + 40))
            NudgeFactory(owner=owner, contact=contact, reason=["overdue", "fading"][i % 2])
        services.log_interaction(owner, contacts=contacts[:3], occurred_at=now, channel="in_person")

    def count(self, client, django_assert_num_queries, expected):
        with django_assert_num_queries(expected):
            assert client.get("/").status_code == 200

    @pytest.mark.parametrize("people", [3, 30])
    def test_the_dashboard_reads_the_same_number_of_queries(self, owner_client, owner, people,
                                                            django_assert_num_queries):
        self.fill(owner, people)
        # Session and user, the two stamps, then: nudges and fading, circles, birthdays,
        # heat map counts, recent (and their people).
        self.count(owner_client, django_assert_num_queries, 9)
        # Everything else comes from the cache until something is written.
        self.count(owner_client, django_assert_num_queries, 3)
        log(owner, Contact.objects.filter(owner=owner).first(), timezone.now())
        self.count(owner_client, django_assert_num_queries, 9)

    def test_with_nobody(self, owner_client, django_assert_num_queries):
        # No conversations: no people to fetch for the recent list.
        self.count(owner_client, django_assert_num_queries, 8)
        self.count(owner_client, django_assert_num_queries, 3)


class TestBlankFormCache:
    def test_prefills_and_tokens_are_never_shared(self, client, owner, other):
        client.force_login(owner)
        first = client.get("/").content.decode()
        prefilled = client.get("/?contact=Ana+Lima").content.decode()
        assert 'value="Ana Lima"' in prefilled and 'value="Ana Lima"' not in first
        client.force_login(other)
        again = client.get("/").content.decode()

        def token(html):
            return html.split('name="csrfmiddlewaretoken" value="')[2].split('"')[0]  # the log form's

        assert token(first) != token(again)

    def test_a_filled_in_form_is_drawn_as_sent(self, owner_client):
        response = owner_client.post("/interactions/log/", {"contacts": "Nobody Known", "channel": "call"})
        assert response.status_code == 422
        html = response.content.decode()
        assert 'value="Nobody Known"' in html and "No contact is named" in html


class TestListsCache:
    """Nudges, fading, birthdays and circles are read once and kept until the owner's people or nudges change.

    Each write path below moves the ``TodayStamp`` (database triggers): the
    next page shows the change at once.
    """

    def page(self, client):
        html = client.get("/").content.decode()
        return html[html.index('id="reach-heading"'):html.index('id="year-heading"')]

    def soon(self):
        return timezone.localdate() + datetime.timedelta(days=1)

    def person(self, owner, name, **fields):
        soon = self.soon()
        return ContactFactory(owner=owner, display_name=name, birthday_month=soon.month, birthday_day=soon.day,
                              **fields)

    def test_a_form_edit_shows_at_once(self, owner_client, owner):
        ana = self.person(owner, "Ana Lima")
        assert "Ana Lima" in self.page(owner_client)
        ana.display_name = "Ana Souza"
        ana.save()
        html = self.page(owner_client)
        assert "Ana Souza" in html and "Ana Lima" not in html

    def test_a_queryset_update_shows_at_once(self, owner_client, owner):
        self.person(owner, "Ana Lima", circle="inner")
        assert "Ana Lima" in self.page(owner_client)
        Contact.objects.filter(owner=owner).update(display_name="Ana Souza")  # no save(), no signal
        assert "Ana Souza" in self.page(owner_client)

    def test_bulk_archive_shows_at_once(self, owner_client, owner):
        from contacts import bulk

        ana = self.person(owner, "Ana Lima", circle="inner")
        NudgeFactory(owner=owner, contact=ana)
        html = self.page(owner_client)
        assert html.count("Ana Lima") == 3 and "1 of your inner 1" in html  # nudge (link and form), birthday
        bulk.archive(Contact.objects.filter(pk=ana.pk), owner=owner)
        html = self.page(owner_client)
        assert "Ana Lima" not in html and "1 of your inner 1" not in html

    def test_merge_and_delete_show_at_once(self, owner_client, owner):
        from contacts.merging import merge_contacts

        ana, dup = self.person(owner, "Ana Lima"), self.person(owner, "Ana L.")
        assert "Ana L." in self.page(owner_client)
        merge_contacts(ana, [dup], owner=owner)
        assert "Ana L." not in self.page(owner_client)
        contact_services.delete_contact(ana)
        assert "Ana Lima" not in self.page(owner_client)
        ben = self.person(owner, "Ben Ito")
        assert "Ben Ito" in self.page(owner_client)
        Contact.objects.filter(pk=ben.pk).delete()  # the admin's stock delete
        assert "Ben Ito" not in self.page(owner_client)

    def test_an_import_shows_at_once(self, owner_client, owner):
        from contacts.importing import import_file

        assert "Carla Dias" not in self.page(owner_client)
        soon = self.soon()
        card = f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Carla Dias\r\nBDAY:--{soon:%m%d}\r\nEND:VCARD\r\n"
        import_file(owner, card.encode())
        assert "Carla Dias" in self.page(owner_client)

    def test_acting_on_a_nudge_and_the_engine_show_at_once(self, owner_client, owner):
        from interactions import engine

        nudge = NudgeFactory(owner=owner, contact__display_name="Ana Lima")
        assert "Ana Lima" in self.page(owner_client)
        services.act_on_nudge(nudge, "dismiss", today=timezone.localdate())
        assert "Nobody is waiting on you today" in self.page(owner_client)
        ben = ContactFactory(owner=owner, display_name="Ben Ito", circle="inner")
        log(owner, ben, timezone.now() - datetime.timedelta(days=200))
        log(owner, ben, timezone.now() - datetime.timedelta(days=100))
        assert "Nobody is waiting on you today" in self.page(owner_client)
        engine.recompute_users([owner.pk])
        assert 'aria-label="Ben Ito"' in self.page(owner_client)

    def test_each_user_and_cap_has_their_own(self, client, owner, other):
        NudgeFactory(owner=owner, contact__display_name="Ana Lima", priority=2)
        NudgeFactory(owner=owner, contact__display_name="Ben Ito", priority=1)
        NudgeFactory(owner=other, contact__display_name="Zoe Quinn")
        client.force_login(owner)
        assert "Ben Ito" in self.page(client)
        owner.nudge_cap = 1
        owner.save()
        assert "Ben Ito" not in self.page(client)
        client.force_login(other)
        html = self.page(client)
        assert "Zoe Quinn" in html and "Ana Lima" not in html

    def test_talked_to_in_30_days_moves_with_the_clock(self, owner):
        now = timezone.now()
        ana = ContactFactory(owner=owner)
        log(owner, ana, now - datetime.timedelta(days=29, hours=23))
        first = dashboard.build(owner, now=now)
        assert first.talked_30 == 1
        later = dashboard.build(owner, now=now + datetime.timedelta(hours=2))
        assert later.talked_30 == 0
        assert [c["last_30"] for c in later.circles if c["value"] == ana.circle] == [0]
        assert later.lists_key != first.lists_key  # the circles' HTML is drawn again

    def test_the_stamp_is_the_owners_alone_and_a_user_can_be_deleted(self, owner, other):
        ContactFactory(owner=owner)
        before = dashboard.stamps(other.pk)[1]
        ContactFactory(owner=owner)
        NudgeFactory(owner=owner)
        assert dashboard.stamps(other.pk)[1] == before
        assert dashboard.stamps(owner.pk)[1] > 0
        owner.delete()  # deleting their people and nudges must not bring their stamp back
        assert dashboard.stamps(owner.pk) == (0, 0)


@pytest.mark.django_db(transaction=True)
def test_the_stamp_moves_at_commit_once_per_transaction():
    """Outside a test's rolled-back transaction: the triggers run at commit and leave no notes behind."""
    from django.db import connection, transaction

    from tests.factories import UserFactory

    owner, other = UserFactory(), UserFactory()
    ana = ContactFactory(owner=owner)
    before = dashboard.stamps(owner.pk)[1]
    with transaction.atomic():
        Contact.objects.filter(pk=ana.pk).update(display_name="Ana Souza")
        ContactFactory(owner=owner)
        NudgeFactory(owner=owner, contact=ana)
        assert dashboard.stamps(owner.pk)[1] == before  # not yet: at commit
    assert dashboard.stamps(owner.pk)[1] == before + 1
    assert dashboard.stamps(other.pk)[1] == 0
    with transaction.atomic():
        Contact.objects.filter(pk=ana.pk).update(display_name="Ana Lima")
        transaction.set_rollback(True)
    assert dashboard.stamps(owner.pk)[1] == before + 1
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM interactions_todaystamp_pending")
            assert cursor.fetchone()[0] == 0
    owner.delete()
    assert dashboard.stamps(owner.pk) == (0, 0)
