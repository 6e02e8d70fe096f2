"""``manage.py seed_demo``: demo users with two years of made-up but lifelike history.

The first user is ``demo@example.com`` (password ``relcrm-demo``, staff and
superuser so the admin is reachable); further users are demo2@example.com,
demo3@example.com, ... Each gets contacts in Dunbar's circles (5 inner, 15
close, 50 friends, 150 network and 20 acquaintances for the default 240),
contact methods, tags, birthdays and anniversaries, and interactions at rates
that follow the circle: about weekly, monthly, quarterly, yearly and rarely.

Everything that is drawn at random comes from ``random.Random(--seed)``, so a
seed always gives the same people and the same number of interactions; only
the dates move with the clock (the history is the two years before now).

A user who already has contacts is left alone, so running the command again is
harmless; ``--reset`` deletes that user's contacts, tags and interactions first.
Rows are written with ``bulk_create`` in chunks, the whole run in one
transaction: a failure leaves the database as it was.
"""

import bisect
import datetime
import math
import random
import unicodedata
from dataclasses import dataclass

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from contacts.demo_data import (
    CH,
    CIRCLE_CHANNELS,
    CIRCLE_KINDS,
    COMPANIES,
    COMPANY_SHARE,
    CONTACT_NOTES,
    DEMO_PROFILES,
    DIRECTIONS_GROUP,
    DIRECTIONS_IN_PERSON,
    DIRECTIONS_REMOTE,
    FACE_TO_FACE,
    FAMILY_NAMES,
    FAMILY_SHARE,
    GIVEN_NAMES,
    GROUP_CHANNELS,
    GROUP_KINDS,
    GROUP_NOTES,
    HOURS,
    HOW_WE_MET,
    IMPORTANT_DATE_LABELS,
    IMPORTANT_DATE_SHARE,
    MAIL_DOMAINS,
    NICKNAMES,
    NOTE_SHARE,
    NOTES,
    PHONE_SHARE,
    QUALITIES,
    QUALITY_SHARE,
    SOCIAL_PLATFORMS,
    SOCIAL_SHARE,
    TAG_NAMES,
    TAG_SHARES,
    TITLES,
    K,
)
from contacts.models import Circle, Contact, ContactMethod, ImportantDate, Tag
from interactions import engine
from interactions.models import Direction, Interaction, InteractionContact, Kind
from interactions.services import refresh_contact_figures

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "relcrm-demo"

DEFAULT_SEED = 42
DEFAULT_CONTACTS = 240
HISTORY_DAYS = 730  # two years
BATCH_SIZE = 5000

# --- Circles --------------------------------------------------------------------
CIRCLES = [Circle.INNER, Circle.CLOSE, Circle.FRIENDS, Circle.NETWORK, Circle.ACQUAINTANCE]
INNER, CLOSE, FRIENDS, NETWORK, ACQUAINTANCE = range(5)
# How the default 240 contacts split; other totals are scaled to these shares.
CIRCLE_SHARES = [5, 15, 50, 150, 20]
# Mean days between two conversations: weekly, monthly, quarterly, yearly, rarely.
CIRCLE_INTERVAL_DAYS = [7, 30, 91, 365, 1100]
RATE_NOISE = 0.6  # sigma of the per-person lognormal factor on that rate
CADENCE_CHOICES = [[3, 5, 10], [14, 21, 45], [30, 60, 120], [90, 180, 270], [365, 730]]
CADENCE_SHARE = 0.06
FADE_SHARE = 0.15  # of friends and network: interactions stopped months ago
LATE_START_SHARE = [0.0, 0.0, 0.06, 0.12, 0.15]  # met within the two years
GROUP_SHARE = 0.10  # of interactions: two or three people at once

_ASCII = str.maketrans(
    {"ø": "o", "Ø": "O", "ß": "ss", "ł": "l", "Ł": "L", "đ": "d", "æ": "ae", "ı": "i"}
)


def ascii_slug(text: str, sep: str = "") -> str:
    """``Nguyễn`` -> ``nguyen``, ``O'Brien`` -> ``obrien``: for email addresses and handles."""
    text = unicodedata.normalize("NFKD", text.translate(_ASCII)).encode("ascii", "ignore").decode()
    return sep.join("".join(ch for ch in part if ch.isalnum()) for part in text.lower().split())


def circle_sizes(total: int) -> list[int]:
    """Split ``total`` contacts over the circles like 5/15/50/150/20 of 240 (largest remainder)."""
    whole = sum(CIRCLE_SHARES)
    sizes = [total * share // whole for share in CIRCLE_SHARES]
    by_remainder = sorted(range(len(sizes)), key=lambda i: (-(total * CIRCLE_SHARES[i] % whole), i))
    for i in by_remainder[: total - sum(sizes)]:
        sizes[i] += 1
    if total >= 5 and sizes[INNER] == 0:
        sizes[sizes.index(max(sizes))] -= 1
        sizes[INNER] = 1
    return sizes


class Table:
    """A weighted choice, drawn with one random number."""

    def __init__(self, weights: dict):
        self.items = list(weights)
        self.cumulative, running = [], 0
        for weight in weights.values():
            running += weight
            self.cumulative.append(running)
        self.total = running

    def pick(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


CIRCLE_CHANNEL_TABLES = [Table(w) for w in CIRCLE_CHANNELS]
GROUP_CHANNEL_TABLE = Table(GROUP_CHANNELS)
DIRECTION_TABLES = {
    "in_person": Table(DIRECTIONS_IN_PERSON),
    "remote": Table(DIRECTIONS_REMOTE),
    "group": Table(DIRECTIONS_GROUP),
}
CIRCLE_KIND_TABLES = [Table(w) for w in CIRCLE_KINDS]
GROUP_KIND_TABLE = Table(GROUP_KINDS)
QUALITY_TABLE = Table(QUALITIES)


def poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean < 30:  # Knuth
        limit, k, p = math.exp(-mean), 0, rng.random()
        while p > limit:
            k += 1
            p *= rng.random()
        return k
    return max(0, round(rng.gauss(mean, math.sqrt(mean))))


@dataclass(slots=True)
class Person:
    """What the interaction generator needs to know about one seeded contact."""

    pk: int
    circle: int
    given: str
    start: float  # days before now that the history with them starts
    stop: float  # days before now that it ends (0: still in touch)
    rate: float  # conversations a day
    introducer: int | None  # pk of who introduced us, when that falls inside the history

    @property
    def weight(self) -> float:
        return self.rate * (self.start - self.stop)


@dataclass
class Result:
    email: str
    contacts: int = 0
    interactions: int = 0
    skipped: bool = False
    replaced: int = 0  # contacts deleted by --reset


class Seeder:
    """Seeds one user. All randomness comes from ``rng``, in a fixed order."""

    def __init__(self, user: User, rng: random.Random, now: datetime.datetime, phone_prefix: str,
                 log):
        self.user = user
        self.rng = rng
        self.now = now
        self.tz = user.zone
        self.today = timezone.localtime(now, self.tz).date()
        self.phone_prefix = phone_prefix
        self.owner_family = (user.name or "Demo").split()[-1]
        self.log = log
        self.people: list[Person] = []
        self.by_circle: list[list[Person]] = [[] for _ in CIRCLES]
        self.introducers: list[int] = []  # stable contacts of the circles done so far
        self.used_names: set[str] = set()
        self.made = 0  # interactions inserted so far

    # --- contacts -----------------------------------------------------------------
    def seed_contacts(self, total: int) -> int:
        rng = self.rng
        sizes = circle_sizes(total)
        self.tag_ids = self._tags() if total else {}
        # A couple of archived contacts (about 1%), from the outer circles.
        outer = sizes[NETWORK] + sizes[ACQUAINTANCE]
        archived = set()
        if total >= 20:
            archived = set(rng.sample(range(outer), min(outer, max(2, total // 100))))
        leap_index = min(7, total - 1)  # one birthday on 29 February, year unknown
        index = 0
        for circle, size in enumerate(sizes):
            pending = []
            for position in range(size):
                outer_position = position + (sizes[NETWORK] if circle == ACQUAINTANCE else 0)
                is_archived = circle >= NETWORK and outer_position in archived
                pending.append(self._new_contact(circle, is_archived, leap=index == leap_index))
                index += 1
                if len(pending) >= BATCH_SIZE:
                    self._insert_contacts(pending)
                    pending = []
            self._insert_contacts(pending)
            self.introducers.extend(
                p.pk for p in self.by_circle[circle] if p.start == HISTORY_DAYS and p.stop == 0
            )
        return total

    def _tags(self) -> dict[str, int]:
        """The demo tags, reusing any the user already has (tag names ignore case)."""
        have = {tag.name.lower(): tag.pk for tag in Tag.objects.filter(owner=self.user)}
        missing = [Tag(owner=self.user, name=name) for name in TAG_NAMES if name not in have]
        have.update({tag.name: tag.pk for tag in Tag.objects.bulk_create(missing)})
        return {name: have[name] for name in TAG_NAMES}

    def _new_contact(self, circle: int, archived: bool, *, leap: bool):
        rng = self.rng
        family_member = rng.random() < FAMILY_SHARE[circle]
        given, family = self._name(family_member)
        nickname = ""
        if given in NICKNAMES and rng.random() < 0.5:
            nickname = rng.choice(NICKNAMES[given])
        company = title = ""
        if rng.random() < COMPANY_SHARE[circle]:
            company = rng.choice(COMPANIES)
            if rng.random() < 0.85:
                title = rng.choice(TITLES)
        elif rng.random() < 0.1:
            title = rng.choice(TITLES)
        # Birthdays for about 80%, with the year for about 60% of those.
        b_month = b_day = b_year = None
        if leap:
            b_month, b_day = 2, 29
        elif rng.random() < 0.8:
            b_month, b_day = rng.randint(1, 12), rng.randint(1, 28)
            if rng.random() < 0.6:
                b_year = rng.randint(1950, 2004)
        # The stretch of the two years we were in touch, and how often.
        start, stop = float(HISTORY_DAYS), 0.0
        late = rng.random() < LATE_START_SHARE[circle]
        if late:
            start = rng.uniform(45, HISTORY_DAYS - 30)
        elif archived:
            stop = rng.uniform(300, 600)
        elif circle in (FRIENDS, NETWORK) and rng.random() < FADE_SHARE:
            stop = rng.uniform(100, 330)
        cadence = None
        if rng.random() < CADENCE_SHARE:
            cadence = rng.choice(CADENCE_CHOICES[circle])
            rate = rng.lognormvariate(-0.045, 0.3) / cadence
        else:
            rate = rng.lognormvariate(-RATE_NOISE**2 / 2, RATE_NOISE) / CIRCLE_INTERVAL_DAYS[circle]
        met_on, how_we_met = None, ""
        if late:
            met_on = self.today - datetime.timedelta(days=int(start))
            if rng.random() < 0.7:
                how_we_met = rng.choice(HOW_WE_MET)
        elif rng.random() < 0.35:
            met_on = self.today - datetime.timedelta(days=rng.randint(HISTORY_DAYS + 30, 12000))
            if rng.random() < 0.45:
                how_we_met = rng.choice(HOW_WE_MET)
        elif not family_member and rng.random() < 0.1:
            how_we_met = rng.choice(HOW_WE_MET)
        introduced_by = None
        if circle != INNER and self.introducers and rng.random() < (0.45 if late else 0.06):
            introduced_by = rng.choice(self.introducers)
        notes = ""
        if rng.random() < 0.25:
            notes = " ".join(rng.sample(CONTACT_NOTES, rng.choice((1, 1, 2))))
        contact = Contact(
            owner=self.user,
            display_name=f"{given} {family}",
            given_name=given,
            family_name=family,
            nickname=nickname,
            company="" if company == "Freelance" and not title else company,
            title=title,
            how_we_met=how_we_met,
            met_on=met_on,
            birthday_month=b_month,
            birthday_day=b_day,
            birthday_year=b_year,
            circle=CIRCLES[circle],
            cadence_days=cadence,
            notes=notes,
            introduced_by_id=introduced_by,
            archived=archived,
        )
        methods = self._methods(circle, given, family, company)
        tags = ["family"] if family_member else []
        tags += [name for name, shares in TAG_SHARES.items() if rng.random() < shares[circle]]
        dates = []
        if rng.random() < IMPORTANT_DATE_SHARE[circle]:
            dates.append(
                (rng.choice(IMPORTANT_DATE_LABELS), rng.randint(1, 12), rng.randint(1, 28),
                 rng.randint(1975, self.today.year - 1) if rng.random() < 0.7 else None)
            )
        person = Person(0, circle, given, start, stop, rate, introduced_by if late else None)
        return contact, person, methods, tags, dates

    def _name(self, family_member: bool) -> tuple[str, str]:
        rng = self.rng
        for _ in range(10):
            given = rng.choice(GIVEN_NAMES)
            if family_member and rng.random() < 0.6:
                family = self.owner_family
            else:
                family = rng.choice(FAMILY_NAMES)
            if f"{given} {family}" not in self.used_names:
                break
        self.used_names.add(f"{given} {family}")
        return given, family

    def _methods(self, circle: int, given: str, family: str, company: str) -> list[tuple]:
        """(kind, label, value) for the contact's email addresses, phone, handles, website."""
        rng = self.rng
        g, f = ascii_slug(given), ascii_slug(family)
        methods = []
        if circle == INNER or rng.random() < 0.85:
            local = rng.choice([
                f"{g}.{f}", f"{g}{f}", f"{g[0]}.{f}", f"{g}.{f}{rng.randint(1, 99)}", f"{g}_{f}",
                f"{f}.{g}",
            ])
            address = f"{local}@{rng.choice(MAIL_DOMAINS)}"
            methods.append((ContactMethod.Kind.EMAIL, "personal", address))
        work_share = 0.6 if circle == NETWORK else 0.3
        if company and company != "Freelance" and rng.random() < work_share:
            domain = ascii_slug(company.replace("&", " "), "-") + ".example"
            methods.append((ContactMethod.Kind.EMAIL, "work", f"{g}.{f}@{domain}"))
        if rng.random() < PHONE_SHARE[circle]:
            number = f"{self.phone_prefix} {rng.randint(1_000_000, 9_999_999)}"
            methods.append((ContactMethod.Kind.PHONE, "mobile", number))
        if rng.random() < SOCIAL_SHARE[circle]:
            handle = rng.choice(
                [f"{g}{f[:1]}", f"{g}_{f}", f"{g}.{f}", f"{f}{g[:1]}", f"{g}{rng.randint(7, 99)}"]
            )
            platforms = SOCIAL_PLATFORMS if circle != NETWORK else SOCIAL_PLATFORMS[1:3]
            label, pattern = rng.choice(platforms)
            methods.append((ContactMethod.Kind.SOCIAL, label, pattern.format(h=handle)))
        if rng.random() < 0.04:
            label = rng.choice(["blog", "portfolio", "website"])
            methods.append((ContactMethod.Kind.WEBSITE, label, f"https://{g}{f}.example"))
        return methods

    def _insert_contacts(self, pending) -> None:
        if not pending:
            return
        contacts = Contact.objects.bulk_create([p[0] for p in pending], batch_size=BATCH_SIZE)
        methods, tagged, dates = [], [], []
        through = Contact.tags.through
        for contact, (_, person, contact_methods, tags, contact_dates) in zip(contacts, pending):
            person.pk = contact.pk
            self.people.append(person)
            self.by_circle[person.circle].append(person)
            methods += [ContactMethod(contact_id=contact.pk, kind=k, label=label, value=value)
                        for k, label, value in contact_methods]
            tagged += [through(contact_id=contact.pk, tag_id=self.tag_ids[name]) for name in tags]
            dates += [ImportantDate(contact_id=contact.pk, label=label, month=m, day=d, year=y)
                      for label, m, d, y in contact_dates]
        ContactMethod.objects.bulk_create(methods, batch_size=BATCH_SIZE)
        through.objects.bulk_create(tagged, batch_size=BATCH_SIZE)
        ImportantDate.objects.bulk_create(dates, batch_size=BATCH_SIZE)
        self.log(f"{len(self.people):,} contacts")

    # --- interactions -------------------------------------------------------------
    def interaction_counts(self, exact: int | None):
        """How many interactions start from each person: by their rate, or ``exact`` in all."""
        rng = self.rng
        if exact is None:
            for person in self.people:
                yield poisson(rng, person.weight)
            return
        # Systematic allocation: proportional to the weights, summing to exactly ``exact``.
        weights = [person.weight for person in self.people]
        total_weight = sum(weights)
        offset, running, before = rng.random(), 0.0, 0
        for i, weight in enumerate(weights):
            running += weight
            upto = exact if i == len(weights) - 1 else int(exact * running / total_weight + offset)
            yield upto - before
            before = upto

    def seed_interactions(self, exact: int | None) -> int:
        if not self.people:
            return 0
        made = 0
        batch: list[Interaction] = []
        members: list[tuple[int, ...]] = []
        for person, count in zip(self.people, self.interaction_counts(exact)):
            for n in range(count):
                if n == 0 and person.introducer is not None:
                    interaction, others = self._introduction(person)
                else:
                    interaction, others = self._interaction(person)
                batch.append(interaction)
                members.append((person.pk, *others))
                if len(batch) >= BATCH_SIZE:
                    made += self._insert_interactions(batch, members)
                    batch, members = [], []
        made += self._insert_interactions(batch, members)
        return made

    def _when(self, days_ago: float, channel: str) -> datetime.datetime:
        rng = self.rng
        day = self.today - datetime.timedelta(days=int(days_ago))
        hour = rng.choice(HOURS[channel])
        if channel in (CH.IN_PERSON, CH.CALL, CH.VIDEO):
            minute = rng.randrange(0, 60, 5)  # arranged: on the five minutes
        else:
            minute = rng.randrange(60)
        when = datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.tz)
        if when > self.now:  # later today: move it to earlier today, without using the rng
            when = self.now - datetime.timedelta(minutes=5 + (hour * 60 + minute) % 240)
        return when

    def _companions(self, person: Person, days_ago: float) -> list[int]:
        rng = self.rng
        pool = self.by_circle[person.circle]
        if len(pool) < 4:  # a tiny circle: borrow from the neighbouring one
            neighbour = person.circle + 1 if person.circle + 1 < len(CIRCLES) else person.circle - 1
            pool = pool + self.by_circle[neighbour]
        wanted = 1 if rng.random() < 0.7 else 2
        chosen: list[int] = []
        for _ in range(4 * wanted):
            other = pool[rng.randrange(len(pool))]
            in_touch = other.stop <= days_ago <= other.start
            if in_touch and other.pk != person.pk and other.pk not in chosen:
                chosen.append(other.pk)
                if len(chosen) == wanted:
                    break
        return chosen

    def _interaction(self, person: Person) -> tuple[Interaction, list[int]]:
        rng = self.rng
        days_ago = rng.uniform(person.stop, person.start)
        others = self._companions(person, days_ago) if rng.random() < GROUP_SHARE else []
        if others:
            channel = GROUP_CHANNEL_TABLE.pick(rng)
            direction = DIRECTION_TABLES["group"].pick(rng)
            kind = GROUP_KIND_TABLE.pick(rng)
        else:
            channel = CIRCLE_CHANNEL_TABLES[person.circle].pick(rng)
            directions = DIRECTION_TABLES["in_person" if channel in FACE_TO_FACE else "remote"]
            direction = directions.pick(rng)
            kind = CIRCLE_KIND_TABLES[person.circle].pick(rng)
        note = ""
        if rng.random() < NOTE_SHARE:
            if others and kind in (K.CATCH_UP, K.OTHER) and rng.random() < 0.6:
                note = rng.choice(GROUP_NOTES)
            else:
                note = rng.choice(NOTES[kind]).format(name=person.given)
        quality = QUALITY_TABLE.pick(rng) if rng.random() < QUALITY_SHARE else None
        interaction = Interaction(
            owner_id=self.user.pk,
            occurred_at=self._when(days_ago, channel),
            channel=channel,
            direction=direction,
            kind=kind,
            note=note,
            duration_minutes=self._duration(channel),
            quality=quality,
        )
        return interaction, others

    def _introduction(self, person: Person) -> tuple[Interaction, list[int]]:
        """The first conversation with someone we were introduced to, introducer included."""
        rng = self.rng
        channel = rng.choice([CH.IN_PERSON, CH.IN_PERSON, CH.MESSAGE, CH.EMAIL, CH.VIDEO])
        note = ""
        if rng.random() < 0.7:
            note = f"Met {person.given} through a friend." if channel == CH.IN_PERSON else (
                f"Got introduced to {person.given}.")
        interaction = Interaction(
            owner_id=self.user.pk,
            occurred_at=self._when(person.start, channel),
            channel=channel,
            direction=rng.choice([Direction.MUTUAL, Direction.INCOMING]),
            kind=Kind.INTRODUCTION,
            note=note,
            duration_minutes=self._duration(channel),
            quality=QUALITY_TABLE.pick(rng) if rng.random() < QUALITY_SHARE else None,
        )
        return interaction, [person.introducer]

    def _duration(self, channel: str) -> int | None:
        rng = self.rng
        if channel == CH.IN_PERSON:
            return rng.choice([30, 45, 60, 90, 90, 120, 120, 150, 180, 240])
        if channel == CH.CALL:
            return max(2, min(180, round(rng.lognormvariate(math.log(20), 0.7))))
        if channel == CH.VIDEO:
            return rng.choice([20, 30, 45, 60, 60, 90])
        return None

    def _insert_interactions(self, batch: list[Interaction], members: list[tuple[int, ...]]) -> int:
        if not batch:
            return 0
        Interaction.objects.bulk_create(batch, batch_size=BATCH_SIZE)
        InteractionContact.objects.bulk_create(
            [
                InteractionContact(interaction_id=interaction.pk, contact_id=contact_id)
                for interaction, contact_ids in zip(batch, members)
                for contact_id in contact_ids
            ],
            batch_size=BATCH_SIZE,
        )
        self.made += len(batch)
        self.log(f"{self.made:,} interactions")
        return len(batch)


def delete_user_data(user: User) -> int:
    """--reset: the user's interactions, contacts and tags. Returns how many contacts went."""
    # The links first, in one statement; then the interactions in chunks, so that the
    # deletion collector never holds millions of rows at once.
    InteractionContact.objects.filter(interaction__owner=user).delete()
    interactions = Interaction.objects.filter(owner=user).values_list("pk", flat=True)
    while ids := list(interactions[:BATCH_SIZE]):
        Interaction.objects.filter(pk__in=ids).delete()
    deleted = 0
    contacts = Contact.objects.filter(owner=user).values_list("pk", flat=True)
    while ids := list(contacts[:BATCH_SIZE]):
        Contact.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
    Tag.objects.filter(owner=user).delete()
    return deleted


def demo_email(number: int) -> str:
    return DEMO_EMAIL if number == 1 else DEMO_EMAIL.replace("@", f"{number}@")


def _people(emails: list[str]) -> str:
    if len(emails) <= 3:
        return ", ".join(emails)
    return f"{len(emails)} users ({emails[0]} to {emails[-1]})"


def summary(results: list[Result], seed: int) -> str:
    seeded = [r for r in results if not r.skipped]
    skipped = [r for r in results if r.skipped]
    parts = []
    if seeded:
        contacts = sum(r.contacts for r in seeded)
        interactions = sum(r.interactions for r in seeded)
        years = HISTORY_DAYS // 365
        replaced = sum(r.replaced for r in seeded)
        extra = f"; replaced {replaced:,} old contacts" if replaced else ""
        parts.append(
            f"Seeded {_people([r.email for r in seeded])}: {contacts:,} contacts, "
            f"{interactions:,} interactions over {years} years (seed {seed}{extra})."
        )
    if skipped:
        emails = _people([r.email for r in skipped])
        if len(skipped) == 1:
            has = f"already has {skipped[0].contacts:,} contacts"
        else:
            has = f"already have {sum(r.contacts for r in skipped):,} contacts between them"
        if seeded:
            parts.append(f"Skipped {emails}, which {has} (use --reset to start over).")
        else:
            parts.append(f"{emails} {has}; nothing to do (use --reset to start over).")
    return " ".join(parts)


def non_negative(name: str, value: int | None) -> None:
    if value is not None and value < 0:
        raise CommandError(f"--{name} must be 0 or more, not {value}.")


class Command(BaseCommand):
    help = "Create demo users with two years of realistic contacts and interactions."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=1, help="How many demo users (default 1).")
        parser.add_argument(
            "--contacts", type=int, default=DEFAULT_CONTACTS,
            help=f"Contacts per user (default {DEFAULT_CONTACTS}: 5 inner, 15 close, 50 friends, "
                 "150 network, 20 acquaintances).",
        )
        parser.add_argument(
            "--interactions", type=int, default=None,
            help="Exactly this many interactions per user "
                 "(default: what the contact rates give, about 1,500).",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"Random seed (default {DEFAULT_SEED})."
        )
        parser.add_argument(
            "--history-weeks", type=int, default=26, metavar="N",
            help="Weeks of score history to rebuild after seeding (default 26; 0 for none).",
        )
        parser.add_argument(
            "--reset", action="store_true",
            help="Delete the demo users' contacts, tags and interactions first "
                 "(and restore the demo password).",
        )

    def handle(self, *args, users, contacts, interactions, seed, reset, history_weeks, **options):
        non_negative("history-weeks", history_weeks)
        if users < 1:
            raise CommandError(f"--users must be at least 1, not {users}.")
        non_negative("contacts", contacts)
        non_negative("interactions", interactions)
        if interactions and not contacts:
            raise CommandError("--interactions needs at least one contact per user (--contacts).")
        verbose = options.get("verbosity", 1) >= 2
        now = timezone.now()
        results = []
        with transaction.atomic():
            for number in range(1, users + 1):
                email = demo_email(number)

                def log(line, email=email):
                    if verbose:
                        self.stderr.write(f"{email}: {line}")

                results.append(
                    self._seed_user(number, email, contacts, interactions, seed, reset, now, log)
                )
        # Scores, nudges and some weekly history, as the nightly job would leave them.
        for result in results:
            if not result.skipped:
                user_id = User.objects.get(email__iexact=result.email).pk
                if history_weeks:
                    engine.rebuild_score_history(user_id, now, weeks=history_weeks)
                engine.recompute_users([user_id], as_of=now)
        self.stdout.write(summary(results, seed))

    def _seed_user(self, number, email, contacts, interactions, seed, reset, now, log) -> Result:
        name, time_zone, phone_prefix = DEMO_PROFILES[(number - 1) % len(DEMO_PROFILES)]
        result = Result(email)
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(
                email, DEMO_PASSWORD, name=name, time_zone=time_zone,
                is_staff=number == 1, is_superuser=number == 1,
            )
            _verified_email(user)
        else:
            existing = Contact.objects.filter(owner=user).count()
            if existing and not reset:
                result.skipped, result.contacts = True, existing
                return result
            if reset:
                result.replaced = delete_user_data(user)
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
        rng = random.Random(seed if number == 1 else f"{seed}:{number}")
        seeder = Seeder(user, rng, now, phone_prefix, log)
        result.contacts = seeder.seed_contacts(contacts)
        result.interactions = seeder.seed_interactions(interactions)
        refresh_contact_figures(owner_id=user.pk)
        return result


def _verified_email(user: User) -> None:
    """Mark the demo address as verified, so allauth does not ask to confirm it."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
