"""seed_demo: the demo data is lifelike, deterministic, idempotent and all-or-nothing."""

import datetime
import io
import re
from collections import Counter

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Max
from django.test import RequestFactory
from django.utils import timezone

from accounts.models import User
from contacts.management.commands import seed_demo
from contacts.management.commands.seed_demo import DEMO_EMAIL, DEMO_PASSWORD, circle_sizes
from contacts.models import Circle, Contact, ContactMethod, ImportantDate, Tag
from interactions.models import Channel, Direction, Interaction, InteractionContact, Kind

pytestmark = pytest.mark.django_db

SUMMARY = re.compile(
    r"Seeded demo@example\.com: 240 contacts, (?P<interactions>[\d,]+) interactions"
    r" over 2 years \(seed 42\)\."
)
NOTHING_TO_DO = (
    "demo@example.com already has 240 contacts; nothing to do (use --reset to start over)."
)


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def log_in(email, password):
    return authenticate(RequestFactory().post("/accounts/login/"), email=email, password=password)


def nothing_written():
    return not (User.objects.exists() or Contact.objects.exists() or Interaction.objects.exists()
                or Tag.objects.exists())


def snapshot(user):
    """What a seed decides, leaving out the dates (they follow the clock)."""
    return (
        list(Contact.objects.filter(owner=user).order_by("pk").values_list(
            "display_name", "circle", "company", "birthday_month", "birthday_day", "archived")),
        list(Interaction.objects.filter(owner=user).order_by("pk").values_list(
            "channel", "direction", "kind", "note", "quality", "duration_minutes")),
        sorted(ContactMethod.objects.filter(contact__owner=user).values_list("kind", "value")),
    )


@pytest.fixture
def demo():
    """The default run, as `make run` does it."""
    output = seed()
    return User.objects.get(email=DEMO_EMAIL), output


def test_default_run_prints_one_summary_line(demo):
    user, output = demo
    assert output.count("\n") == 1
    match = SUMMARY.fullmatch(output.strip())
    assert match, output
    interactions = Interaction.objects.filter(owner=user).count()
    assert int(match["interactions"].replace(",", "")) == interactions
    assert 1_100 <= interactions <= 2_000  # "about 1,500" from the rates


def test_circles_are_5_15_50_150_20(demo):
    user, _ = demo
    contacts = Contact.objects.filter(owner=user)
    sizes = dict(contacts.values_list("circle").annotate(n=Count("pk")).order_by())
    assert sizes == {Circle.INNER: 5, Circle.CLOSE: 15, Circle.FRIENDS: 50, Circle.NETWORK: 150,
                     Circle.ACQUAINTANCE: 20}


@pytest.mark.parametrize("total", [0, 1, 4, 5, 6, 17, 100, 241, 480, 100_000])
def test_other_totals_scale_proportionally(total):
    sizes = circle_sizes(total)
    assert sum(sizes) == total and min(sizes) >= 0
    if total >= 5:
        assert sizes[0] >= 1
    if total == 480:
        assert sizes == [10, 30, 100, 300, 40]
    if total >= 100:  # within one of the exact share
        shares = [5, 15, 50, 150, 20]
        assert all(abs(size - total * share / 240) < 1 for size, share in zip(sizes, shares))


def test_interactions_are_varied(demo):
    user, _ = demo
    interactions = Interaction.objects.filter(owner=user)
    assert set(interactions.values_list("channel", flat=True)) == set(Channel.values)
    assert set(interactions.values_list("direction", flat=True)) == set(Direction.values)
    assert set(interactions.values_list("kind", flat=True)) == set(Kind.values)
    kinds = Counter(interactions.values_list("kind", flat=True))
    assert kinds.most_common(1)[0][0] == Kind.CATCH_UP
    channels = Counter(interactions.values_list("channel", flat=True))
    assert channels[Channel.LETTER] < channels[Channel.MESSAGE] / 10  # letters are rare
    total = interactions.count()
    assert 0.25 * total < interactions.exclude(note="").count() < 0.55 * total
    assert interactions.filter(quality__isnull=False).exists()
    assert interactions.filter(duration_minutes__isnull=False).exclude(
        channel__in=[Channel.IN_PERSON, Channel.CALL, Channel.VIDEO]).count() == 0
    assert interactions.filter(channel=Channel.CALL, duration_minutes__isnull=False).exists()


def test_group_interactions_have_two_or_three_people(demo):
    user, _ = demo
    interactions = Interaction.objects.filter(owner=user).annotate(n=Count("contacts"))
    sizes = Counter(interactions.values_list("n", flat=True))
    assert set(sizes) == {1, 2, 3}
    groups = sizes[2] + sizes[3]
    assert 0.05 < groups / sum(sizes.values()) < 0.2
    # everyone in an interaction belongs to its owner
    links = InteractionContact.objects.filter(interaction__owner=user)
    assert not links.exclude(contact__owner=user).exists()


def test_history_spans_two_years_and_some_friends_fade(demo):
    user, _ = demo
    now = timezone.now()
    first = Interaction.objects.filter(owner=user).order_by("occurred_at").first().occurred_at
    last = Interaction.objects.filter(owner=user).order_by("-occurred_at").first().occurred_at
    assert now - datetime.timedelta(days=732) < first < now - datetime.timedelta(days=700)
    assert now - datetime.timedelta(days=7) < last <= now
    # Friends and network people who were in touch but not for three months or more.
    faded = Contact.objects.filter(
        owner=user, circle__in=[Circle.FRIENDS, Circle.NETWORK], archived=False,
        last_interaction_at__lt=now - datetime.timedelta(days=100),
    )
    assert faded.count() >= 10
    # The inner circle talked this month.
    inner = Contact.objects.filter(owner=user, circle=Circle.INNER)
    assert not inner.exclude(last_interaction_at__gte=now - datetime.timedelta(days=30)).exists()


def test_last_interaction_at_is_the_latest_interaction(demo):
    user, _ = demo
    latest = dict(
        InteractionContact.objects.filter(contact__owner=user)
        .values("contact")
        .annotate(latest=Max("interaction__occurred_at"))
        .values_list("contact", "latest")
    )
    stored = dict(Contact.objects.filter(owner=user).values_list("pk", "last_interaction_at"))
    assert len(latest) > 150
    assert stored == {pk: latest.get(pk) for pk in stored}


def test_contacts_are_filled_in_like_real_ones(demo):
    user, _ = demo
    contacts = Contact.objects.filter(owner=user)
    assert len(set(contacts.values_list("display_name", flat=True))) >= 235
    for contact in contacts:
        assert contact.display_name == f"{contact.given_name} {contact.family_name}"
    with_birthday = contacts.filter(birthday_month__isnull=False)
    assert 0.7 * 240 < with_birthday.count() < 0.9 * 240
    with_year = with_birthday.filter(birthday_year__isnull=False)
    assert 0.45 < with_year.count() / with_birthday.count() < 0.75
    assert contacts.filter(birthday_month=2, birthday_day=29, birthday_year__isnull=True).exists()
    for field in ("nickname", "company", "title", "how_we_met", "notes"):
        assert contacts.exclude(**{field: ""}).exists(), field
    assert contacts.filter(met_on__isnull=False).exists()
    assert contacts.filter(cadence_days__isnull=False).exists()
    assert contacts.filter(archived=True).count() >= 2
    introduced = contacts.filter(introduced_by__isnull=False)
    assert introduced.exists() and not introduced.exclude(introduced_by__owner=user).exists()
    assert ImportantDate.objects.filter(contact__owner=user).exists()

    methods = ContactMethod.objects.filter(contact__owner=user)
    emails = list(methods.filter(kind=ContactMethod.Kind.EMAIL).values_list("value", flat=True))
    assert all(e == e.lower() and re.fullmatch(r"[a-z0-9._-]+@[a-z0-9.-]+", e) for e in emails)
    assert contacts.filter(methods__kind=ContactMethod.Kind.EMAIL).distinct().count() > 0.75 * 240
    inner_and_close = contacts.filter(circle__in=[Circle.INNER, Circle.CLOSE])
    assert inner_and_close.filter(methods__kind=ContactMethod.Kind.PHONE).distinct().count() >= 15
    kinds = set(methods.values_list("kind", flat=True))
    assert {ContactMethod.Kind.SOCIAL, ContactMethod.Kind.WEBSITE} <= kinds

    tags = Tag.objects.filter(owner=user).annotate(n=Count("contacts"))
    tags = dict(tags.values_list("name", "n"))
    assert {"family", "college", "work", "climbing", "book club", "neighbours"} <= set(tags)
    assert tags["family"] >= 1 and sum(tags.values()) > 100


def test_running_again_changes_nothing(demo):
    user, _ = demo
    def state():
        return snapshot(user), set(Contact.objects.values_list("pk", "last_interaction_at"))

    before = state()
    assert seed().strip() == NOTHING_TO_DO
    assert state() == before


def test_reset_reseeds_the_same_data(demo):
    user, _ = demo
    before = snapshot(user)
    old_ids = set(Contact.objects.values_list("pk", flat=True))
    user.set_password("changed-by-the-tester")
    user.save()
    output = seed("--reset").strip()
    assert output.startswith("Seeded demo@example.com: 240 contacts,")
    assert output.endswith("(seed 42; replaced 240 old contacts).")
    assert snapshot(user) == before
    assert not Contact.objects.filter(pk__in=old_ids).exists()
    assert Tag.objects.filter(owner=user).count() == len(seed_demo.TAG_NAMES)
    assert User.objects.count() == 1
    assert log_in(DEMO_EMAIL, DEMO_PASSWORD) == user  # the demo password is back


def test_same_seed_same_people_other_seed_other_people():
    seed("--contacts", "60", "--seed", "7")
    user = User.objects.get(email=DEMO_EMAIL)
    first = snapshot(user)
    seed("--contacts", "60", "--seed", "7", "--reset")
    assert snapshot(user) == first
    seed("--contacts", "60", "--seed", "8", "--reset")
    assert snapshot(user)[0] != first[0]


def test_exact_number_of_interactions_for_each_user():
    output = seed("--users", "2", "--contacts", "30", "--interactions", "777")
    assert output.strip() == (
        "Seeded demo@example.com, demo2@example.com: 60 contacts, 1,554 interactions"
        " over 2 years (seed 42)."
    )
    for email in (DEMO_EMAIL, "demo2@example.com"):
        user = User.objects.get(email=email)
        assert Interaction.objects.filter(owner=user).count() == 777
        per_circle = dict(
            InteractionContact.objects.filter(contact__owner=user)
            .values_list("contact__circle").annotate(n=Count("pk")).order_by()
        )
        # Allocated by rate: the inner circle (2 people) talks far more than the network (19).
        assert per_circle[Circle.INNER] > per_circle[Circle.NETWORK]


def test_users_and_logins():
    seed("--users", "2", "--contacts", "5")
    demo, second = User.objects.get(email=DEMO_EMAIL), User.objects.get(email="demo2@example.com")
    assert log_in(DEMO_EMAIL, DEMO_PASSWORD) == demo
    assert log_in(DEMO_EMAIL, "wrong") is None
    assert demo.is_staff and demo.is_superuser and demo.time_zone == "Europe/Berlin" and demo.name
    assert not second.is_staff and not second.is_superuser and second.name
    assert Contact.objects.filter(owner=second).count() == 5


@pytest.mark.parametrize(
    "args, message",
    [
        (["--contacts", "-1"], "--contacts"),
        (["--users", "0"], "--users"),
        (["--users", "-3"], "--users"),
        (["--interactions", "-5"], "--interactions"),
        (["--contacts", "0", "--interactions", "3"], "--interactions"),
        (["--contacts", "many"], "invalid int"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(args, message):
    with pytest.raises(CommandError, match=message):
        seed(*args)
    assert nothing_written()


def test_a_failure_half_way_leaves_nothing_behind(monkeypatch):
    calls = []

    def fail_on_the_second_user(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("disk full")

    monkeypatch.setattr(seed_demo, "refresh_contact_figures", fail_on_the_second_user)
    with pytest.raises(RuntimeError, match="disk full"):
        seed("--users", "2", "--contacts", "20")
    assert len(calls) == 2
    assert nothing_written()


def test_an_existing_demo_user_without_contacts_is_seeded():
    user = User.objects.create_user(DEMO_EMAIL, "their-own-password", name="Already Here")
    family = Tag.objects.create(owner=user, name="Family")  # left over after deleting every contact
    output = seed("--contacts", "10").strip()
    assert output.startswith("Seeded demo@example.com: 10 contacts,")
    assert Tag.objects.filter(owner=user).count() == len(seed_demo.TAG_NAMES)
    assert Tag.objects.filter(owner=user, name__iexact="family").get() == family  # reused
    assert User.objects.get() == user and Contact.objects.filter(owner=user).count() == 10
    assert log_in(DEMO_EMAIL, "their-own-password") == user


def test_users_without_contacts_can_be_seeded_twice():
    first = seed("--contacts", "0").strip()
    assert first == "Seeded demo@example.com: 0 contacts, 0 interactions over 2 years (seed 42)."
    assert seed("--contacts", "0").strip().startswith("Seeded demo@example.com: 0 contacts")
    assert User.objects.count() == 1 and not Tag.objects.exists()
