"""Merging duplicates keeps everything, once, and leaves the stored figures as a fresh recompute would."""

import datetime

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from contacts.merging import MergeError, merge_contacts
from contacts.models import Contact, ContactMethod, ImportantDate, ScoreSnapshot, Tag
from interactions import activity, engine, services
from interactions.models import ContactActivity, Interaction, Nudge
from tests.factories import ContactFactory, ContactMethodFactory, ImportantDateFactory, NudgeFactory, TagFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def days_ago(n):
    return NOW - datetime.timedelta(days=n)


def log(owner, people, days, **extra):
    return services.log_interaction(owner, contacts=people, occurred_at=days_ago(days), channel="call", **extra)


@pytest.fixture
def pair(owner):
    """Ana twice over, each record with things of its own and some in common."""
    ana = ContactFactory(
        owner=owner, display_name="Ana Lima", company="", title="", notes="Likes climbing.", circle="friends", cadence_days=None,
        birthday_month=5, birthday_day=4,
    )
    dup = ContactFactory(
        owner=owner, display_name="Ana Maria Lima", company="Acme Ltd", title="Engineer", notes="Met at PyCon.",
        circle="close", cadence_days=21, birthday_month=5, birthday_day=4, birthday_year=1990,
        met_on=datetime.date(2015, 9, 1),
    )
    ContactMethodFactory(contact=ana, kind="email", value="ana@example.org")
    ContactMethodFactory(contact=dup, kind="email", value="ANA@example.org")
    ContactMethodFactory(contact=dup, kind="phone", value="+44 7700 900123")
    ImportantDateFactory(contact=ana, label="Wedding", month=6, day=1)
    ImportantDateFactory(contact=dup, label="Wedding", month=6, day=1, year=2019)
    ImportantDateFactory(contact=dup, label="Name day", month=7, day=26)
    family, climbing = TagFactory(owner=owner, name="family"), TagFactory(owner=owner, name="climbing")
    ana.tags.add(family)
    dup.tags.add(family, climbing)
    return ana, dup


def test_merge_keeps_everything(owner, pair, django_capture_on_commit_callbacks):
    ana, dup = pair
    ben = ContactFactory(owner=owner, display_name="Ben")
    introduced = ContactFactory(owner=owner, introduced_by=dup)
    only_ana = log(owner, [ana], 40)
    only_dup = log(owner, [dup], 20, kind="favour_asked", note="moving help")
    both = log(owner, [ana, dup, ben], 5, quality=4)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        merged = merge_contacts(ana, [dup], owner=owner)

    assert len(callbacks) == 1
    assert merged.removed == 1 and merged.interactions_moved == 1
    assert not Contact.objects.filter(pk=dup.pk).exists()
    ana = Contact.objects.get(pk=ana.pk)
    assert ana.display_name == "Ana Lima"  # the name of the one kept
    assert (ana.company, ana.title, ana.circle, ana.cadence_days) == ("Acme Ltd", "Engineer", "close", 21)
    assert (ana.birthday_day, ana.birthday_month, ana.birthday_year) == (4, 5, 1990)
    assert ana.met_on == datetime.date(2015, 9, 1)
    assert ana.notes == "Likes climbing.\n\nMet at PyCon."
    assert sorted(ana.methods.values_list("kind", "value")) == [("email", "ana@example.org"), ("phone", "+44 7700 900123")]
    assert sorted(ana.important_dates.values_list("label", "year")) == [("Name day", None), ("Wedding", 2019)]
    assert sorted(ana.tags.values_list("name", flat=True)) == ["climbing", "family"]
    assert Tag.objects.count() == 2
    # Each conversation once, the group one still with Ben.
    assert sorted(ana.interactions.values_list("pk", flat=True)) == sorted([only_ana.pk, only_dup.pk, both.pk])
    assert set(both.contacts.all()) == {ana, ben}
    assert Interaction.objects.count() == 3
    assert Contact.objects.get(pk=introduced.pk).introduced_by_id == ana.pk
    assert ana.last_interaction_at == days_ago(5)


def test_stored_figures_equal_a_fresh_recompute(owner, pair, django_capture_on_commit_callbacks):
    ana, dup = pair
    for days in (300, 120, 60):
        log(owner, [ana], days)
    for days in (200, 90, 10):
        log(owner, [dup], days, kind="favour_given")
    log(owner, [ana, dup], 3, quality=5, note="dinner")
    engine.recompute_user(owner.pk, rebuild_history=True)

    with django_capture_on_commit_callbacks(execute=True):
        merge_contacts(ana.pk, [dup.pk])

    # All but window_since, which is the moment of each refresh.
    fields = [f.name for f in ContactActivity._meta.fields if f.name not in {"contact", "window_since"}]
    stored = model_to_dict(ContactActivity.objects.get(contact_id=ana.pk), fields=fields)
    assert stored["count"] == 7
    scored = Contact.objects.filter(pk=ana.pk).values(
        "depth_score", "effective_cadence_days", "next_due_on", "last_interaction_at"
    ).get()
    history = dict(ScoreSnapshot.objects.filter(contact_id=ana.pk).values_list("week", "score"))

    activity.refresh([ana.pk])
    ScoreSnapshot.objects.filter(contact_id=ana.pk).delete()
    engine.recompute_user(owner.pk, rebuild_history=True)
    assert model_to_dict(ContactActivity.objects.get(contact_id=ana.pk), fields=fields) == stored
    assert Contact.objects.filter(pk=ana.pk).values(*scored).get() == scored
    assert dict(ScoreSnapshot.objects.filter(contact_id=ana.pk).values_list("week", "score")) == history


def test_nudges_end_up_one_per_reason_and_day(owner, pair):
    ana, dup = pair
    today = timezone.localdate()
    NudgeFactory(owner=owner, contact=ana, reason="overdue", due_on=today)
    acted = NudgeFactory(owner=owner, contact=dup, reason="overdue", due_on=today, state="dismissed")
    theirs = NudgeFactory(owner=owner, contact=dup, reason="birthday", due_on=today + datetime.timedelta(days=3))
    wedding = ImportantDate.objects.get(contact=dup, label="Wedding")
    dated = NudgeFactory(owner=owner, contact=dup, reason="date", due_on=today, important_date=wedding)

    merge_contacts(ana, [dup])

    nudges = {(n.reason, n.due_on): n for n in Nudge.objects.all()}
    assert len(nudges) == 3 and {n.contact_id for n in nudges.values()} == {ana.pk}
    assert nudges[("overdue", today)].pk == acted.pk  # the dismissal is kept
    assert nudges[("birthday", theirs.due_on)].pk == theirs.pk
    assert nudges[("date", today)].pk == dated.pk
    assert nudges[("date", today)].important_date == ImportantDate.objects.get(contact=ana, label="Wedding")


def test_three_at_once_with_the_same_group_conversation(owner):
    one, two, three = ContactFactory.create_batch(3, owner=owner)
    dinner = log(owner, [one, two, three], 2)
    merged = merge_contacts(two, [one, three])
    assert merged.removed == 2
    assert list(dinner.contacts.all()) == [two]
    assert ContactActivity.objects.get(contact=two).count == 1


def test_score_history_keeps_the_weeks_only_a_duplicate_had(owner, pair):
    ana, dup = pair
    week = engine.week_of(datetime.date(2020, 1, 6))
    ScoreSnapshot.objects.create(contact=dup, week=week, score=40)
    ScoreSnapshot.objects.create(contact=ana, week=week + datetime.timedelta(weeks=1), score=20)
    ScoreSnapshot.objects.create(contact=dup, week=week + datetime.timedelta(weeks=1), score=30)
    merge_contacts(ana, [dup])
    assert list(ScoreSnapshot.objects.values_list("contact_id", "week", "score")) == [
        (ana.pk, week, 40), (ana.pk, week + datetime.timedelta(weeks=1), 20)
    ]


class TestRefused:
    def test_across_owners(self, owner, other, pair):
        ana, _ = pair
        theirs = ContactFactory(owner=other)
        with pytest.raises(MergeError, match="one user"):
            merge_contacts(ana, [theirs])
        assert Contact.objects.filter(pk=theirs.pk).exists()
        assert not ana.methods.filter(contact=theirs).exists()

    def test_someone_elses_contact_is_not_found_for_an_owner(self, owner, other, pair):
        ana, _ = pair
        theirs = ContactFactory(owner=other)
        with pytest.raises(MergeError, match="no longer exist"):
            merge_contacts(ana, [theirs], owner=owner)
        with pytest.raises(MergeError, match="no longer exist"):
            merge_contacts(theirs, [ana], owner=owner)
        assert Contact.objects.count() == 3

    def test_nothing_to_merge(self, owner, pair):
        ana, _ = pair
        with pytest.raises(MergeError, match="at least one other"):
            merge_contacts(ana, [ana])

    def test_a_failure_half_way_leaves_everything_as_it_was(self, owner, pair, monkeypatch):
        ana, dup = pair
        log(owner, [dup], 4)
        from contacts import merging

        def boom(*args, **kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr(merging, "refresh_contact_figures", boom)
        with pytest.raises(RuntimeError):
            merge_contacts(ana, [dup])
        assert Contact.objects.filter(pk=dup.pk).exists()
        assert ContactMethod.objects.filter(contact=dup).count() == 2
        assert dup.interactions.count() == 1
