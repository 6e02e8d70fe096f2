"""Bulk edits: one owner at a time, one transaction, a fixed number of queries, the engine kept current."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contacts import bulk
from contacts.models import Contact, Tag
from interactions import services
from interactions.models import Nudge
from tests.factories import ContactFactory, NudgeFactory, TagFactory

pytestmark = pytest.mark.django_db


def tag_names(contact):
    return sorted(Contact.objects.get(pk=contact.pk).tags.values_list("name", flat=True))


def fresh(contact):
    return Contact.objects.get(pk=contact.pk)


@pytest.fixture
def people(owner):
    return ContactFactory.create_batch(3, owner=owner, circle="friends")


class TestTags:
    def test_add_creates_the_owners_tag_once_and_counts_the_newly_tagged(self, owner, people):
        people[0].tags.add(TagFactory(owner=owner, name="Family"))
        assert bulk.add_tag(Contact.objects.for_user(owner), "family") == 2
        assert Tag.objects.for_user(owner).count() == 1  # "family" found "Family"
        assert all(tag_names(p) == ["Family"] for p in people)
        assert bulk.add_tag(Contact.objects.for_user(owner), "Family") == 0

    def test_a_new_name_makes_a_tag_for_that_owner_only(self, owner, other, people):
        TagFactory(owner=other, name="climbing")
        assert bulk.add_tag([p.pk for p in people[:2]], "  climbing ") == 2
        mine = Tag.objects.for_user(owner).get()
        assert mine.name == "climbing"
        assert set(mine.contacts.all()) == set(people[:2])
        assert not Tag.objects.for_user(other).get().contacts.exists()

    def test_remove_takes_it_off_and_keeps_the_tag(self, owner, people):
        tag = TagFactory(owner=owner, name="work")
        for person in people[:2]:
            person.tags.add(tag)
        assert bulk.remove_tag(Contact.objects.for_user(owner), "WORK") == 2
        assert not tag.contacts.exists()
        assert Tag.objects.filter(pk=tag.pk).exists()

    def test_removing_a_tag_nobody_has_changes_nothing(self, owner, people):
        assert bulk.remove_tag(Contact.objects.for_user(owner), "nonexistent") == 0
        assert not Tag.objects.exists()

    @pytest.mark.parametrize("name, message", [("  ", "Give the tag a name"), ("x" * 51, "too long for a tag")])
    def test_bad_names_are_refused(self, owner, people, name, message):
        with pytest.raises(bulk.BulkEditError, match=message):
            bulk.add_tag(Contact.objects.for_user(owner), name)
        assert not Tag.objects.exists()


class TestCircleAndCadence:
    def test_set_circle_counts_only_the_moved_and_recomputes_them(
        self, owner, people, django_capture_on_commit_callbacks
    ):
        Contact.objects.filter(pk=people[0].pk).update(circle="inner")
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            assert bulk.set_circle(Contact.objects.for_user(owner), "inner") == 2
        assert len(callbacks) == 1
        for person in people:
            person = fresh(person)
            assert person.circle == "inner"
        moved = [fresh(p) for p in people[1:]]
        # The inner circle's weekly rhythm is in force, and due within a week of being added.
        assert {p.effective_cadence_days for p in moved} == {7}
        assert all(p.next_due_on <= timezone.localdate() + datetime.timedelta(days=7) for p in moved)

    def test_a_circle_that_does_not_exist_is_refused(self, owner, people):
        with pytest.raises(bulk.BulkEditError, match="not a circle"):
            bulk.set_circle(Contact.objects.for_user(owner), "besties")
        assert {fresh(p).circle for p in people} == {"friends"}

    def test_set_cadence_and_clear_it(self, owner, people, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            assert bulk.set_cadence(Contact.objects.for_user(owner), "14") == 3
        assert {(fresh(p).cadence_days, fresh(p).effective_cadence_days) for p in people} == {(14, 14)}
        assert {fresh(p).cadence_source for p in people} == {"contact"}
        with django_capture_on_commit_callbacks(execute=True):
            assert bulk.set_cadence([people[0].pk], None) == 1
        person = fresh(people[0])
        assert (person.cadence_days, person.effective_cadence_days, person.cadence_source) == (None, 90, "circle")

    @pytest.mark.parametrize("days", [0, 3651, "soon", -5])
    def test_bad_cadences_are_refused(self, owner, people, days):
        with pytest.raises(bulk.BulkEditError):
            bulk.set_cadence(Contact.objects.for_user(owner), days)
        assert {fresh(p).cadence_days for p in people} == {None}

    def test_an_unchanged_cadence_sends_no_recompute(self, owner, people, django_capture_on_commit_callbacks):
        Contact.objects.filter(owner=owner).update(cadence_days=30)
        with django_capture_on_commit_callbacks() as callbacks:
            assert bulk.set_cadence(Contact.objects.for_user(owner), 30) == 0
        assert callbacks == []


class TestArchive:
    def test_archive_drops_open_nudges_and_keeps_acted_ones(self, owner, people):
        open_nudge = NudgeFactory(owner=owner, contact=people[0])
        done = NudgeFactory(owner=owner, contact=people[0], reason="birthday", state="done")
        assert bulk.archive(Contact.objects.for_user(owner).filter(pk=people[0].pk)) == 1
        assert fresh(people[0]).archived
        assert not Nudge.objects.filter(pk=open_nudge.pk).exists()
        assert Nudge.objects.filter(pk=done.pk).exists()
        assert not fresh(people[1]).archived

    def test_unarchive_recomputes(self, owner, people, django_capture_on_commit_callbacks):
        services.log_interaction(
            owner, contacts=[people[0]], occurred_at=timezone.now() - datetime.timedelta(days=2), channel="call"
        )
        bulk.archive(Contact.objects.for_user(owner))
        Contact.objects.filter(pk=people[0].pk).update(depth_score=None, next_due_on=None)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            assert bulk.unarchive(Contact.objects.for_user(owner)) == 3
        assert len(callbacks) == 1
        person = fresh(people[0])
        assert not person.archived and person.depth_score is not None and person.next_due_on is not None


class TestOneOwner:
    def test_a_selection_across_owners_is_refused_and_nothing_changes(self, owner, other, people):
        theirs = ContactFactory(owner=other, circle="friends")
        selection = Contact.objects.filter(pk__in=[people[0].pk, theirs.pk])
        for call in (
            lambda: bulk.add_tag(selection, "x"),
            lambda: bulk.remove_tag(selection, "x"),
            lambda: bulk.set_circle(selection, "inner"),
            lambda: bulk.set_cadence(selection, 10),
            lambda: bulk.archive(selection),
            lambda: bulk.unarchive(selection),
        ):
            with pytest.raises(ValueError, match="2 different users"):
                call()
        assert not Tag.objects.exists()
        assert {(c.circle, c.cadence_days, c.archived) for c in Contact.objects.all()} == {("friends", None, False)}
        with pytest.raises(bulk.MixedOwners):
            bulk.selection_owner(selection)
        assert bulk.selection_owner(Contact.objects.for_user(owner)) == owner.pk
        assert bulk.selection_owner(Contact.objects.none()) is None

    def test_owner_narrows_ids_to_that_users_contacts(self, owner, other, people):
        theirs = ContactFactory(owner=other, circle="friends")
        assert bulk.set_circle([people[0].pk, theirs.pk], "close", owner=owner) == 1
        assert fresh(theirs).circle == "friends"
        assert bulk.add_tag([theirs.pk], "sneaky", owner=owner) == 0
        assert not Tag.objects.exists()

    def test_an_empty_selection_changes_nothing(self, owner):
        assert bulk.add_tag(Contact.objects.none(), "x") == 0
        assert bulk.archive([]) == 0
        assert not Tag.objects.exists()

    def test_a_distinct_changelist_queryset_is_accepted(self, owner, people):
        # The admin's search over methods makes its queryset DISTINCT, which FOR UPDATE refuses.
        selection = Contact.objects.for_user(owner).filter(tags__isnull=True).distinct().order_by("display_name")
        assert bulk.set_circle(selection, "close") == 3


def queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


@pytest.mark.parametrize(
    "edit",
    [
        lambda s: bulk.add_tag(s, "new"),
        lambda s: bulk.remove_tag(s, "old"),
        lambda s: bulk.set_circle(s, "inner"),
        lambda s: bulk.set_cadence(s, 21),
        bulk.archive,
        bulk.unarchive,
    ],
    ids=["add_tag", "remove_tag", "set_circle", "set_cadence", "archive", "unarchive"],
)
def test_queries_do_not_grow_with_the_selection(owner, other, edit):
    few = ContactFactory.create_batch(2, owner=owner, archived=True)
    many = ContactFactory.create_batch(25, owner=other, archived=True)
    for people in (few, many):
        tag = TagFactory(owner=people[0].owner, name="old")
        for person in people:
            person.tags.add(tag)
            NudgeFactory(owner=person.owner, contact=person)
    assert queries(lambda: edit(Contact.objects.for_user(owner))) == queries(
        lambda: edit(Contact.objects.for_user(other))
    )


def test_set_circle_takes_a_fixed_number_of_queries(owner, people, django_assert_num_queries):
    # SAVEPOINT, lock and read, UPDATE, RELEASE.
    with django_assert_num_queries(4):
        bulk.set_circle(Contact.objects.for_user(owner), "inner")
