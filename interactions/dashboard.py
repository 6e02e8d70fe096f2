"""What the "Today" page shows, read in a fixed number of queries whatever the amount of data.

Each request reads the owner's two stamps (one query): ``ActivityStamp``
(conversations) and ``TodayStamp`` (people and nudges). Under them the page's
parts are cached: the heat map and the recent list (see ``heatmap``), and the
lists (nudges and fading in one query, circles, birthdays: ``load_lists``),
each read again only after a write moved its stamp. What the lists show is
read as rows into small dataclasses rather than model instances, and their
links are built from one reversed URL each. Every query starts from the owner."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, IntegerField, Min, Q, Value
from django.urls import reverse
from django.utils import timezone

from contacts import scoring
from contacts.models import Circle, Contact

from . import heatmap
from .models import ActivityStamp, Interaction, Nudge, TodayStamp

RECENT = 15
BIRTHDAY_DAYS = 14
BIRTHDAYS_SHOWN = 8  # the soonest; the rest are counted
FADING_SHOWN = 5
LAST_DAYS = datetime.timedelta(days=30)  # "talked to in 30 days"
LISTS_SECONDS = 60 * 60 * 24


def recent(user, limit=RECENT):
    return Interaction.objects.for_user(user).with_contacts().recent()[:limit]


def url_maker(name: str):
    """``pk → URL`` for the route ``name`` with one ``<int:pk>``, reversed once rather than per row."""
    mark = 987654321987654321  # an id no table reaches
    prefix, suffix = reverse(name, args=[mark]).split(str(mark))
    return lambda pk: f"{prefix}{pk}{suffix}"


@dataclass(slots=True)
class Person:
    """What a list on the Today page shows of someone: the name and the link to their page."""

    pk: int
    display_name: str
    url: str

    def get_absolute_url(self) -> str:
        return self.url


LEVELS = dict(Nudge.Level.choices)
REASONS = dict(Nudge.Reason.choices)
NUDGE_COLUMNS = ("id", "reason", "level", "message", "contact_id", "contact__display_name")


@dataclass(slots=True)
class NudgeRow:
    """A nudge as "Reach out" and "Fading" show it, with the URLs of its three actions."""

    pk: int
    reason: str
    level: str
    message: str
    contact: Person
    done_url: str
    snooze_url: str
    dismiss_url: str

    @property
    def badge(self) -> str:
        """"Overdue" or "Due" for a conversation that is due, the reason for the others."""
        return LEVELS[self.level] if self.reason == Nudge.Reason.OVERDUE else REASONS[self.reason]


class _NudgeRows:
    """Turns ``NUDGE_COLUMNS`` rows into ``NudgeRow``s, with every URL reversed once."""

    def __init__(self):
        self.person = url_maker("contact_detail")
        self.done, self.snooze, self.dismiss = (url_maker(f"nudge_{a}") for a in ("done", "snooze", "dismiss"))

    def __call__(self, pk, reason, level, message, contact_id, name) -> NudgeRow:
        return NudgeRow(
            pk, reason, level, message, Person(contact_id, name, self.person(contact_id)),
            self.done(pk), self.snooze(pk), self.dismiss(pk),
        )


def reach_out(user, today) -> list[NudgeRow]:
    """Today's nudges, the most important first, at most the user's daily cap."""
    make = _NudgeRows()
    return [make(*row) for row in Nudge.objects.for_today(user, today).values_list(*NUDGE_COLUMNS)]


def reach_out_and_fading(user, today, limit=FADING_SHOWN) -> tuple[list[NudgeRow], list[NudgeRow]]:
    """Today's nudges (as ``reach_out``) and the fading relationships not among them, in one query.

    The second part reads the ``limit`` most important fading nudges after as
    many as "Reach out" can show, so that ``limit`` are left once those it
    shows are set aside.
    """
    cap = user.nudge_cap
    active = Nudge.objects.for_user(user).active_on(today)
    columns = ("priority", "due_on", *NUDGE_COLUMNS)
    first = active.annotate(part=Value(0, IntegerField())).order_by("-priority", "due_on", "pk")
    fading = active.filter(reason=Nudge.Reason.FADING).annotate(part=Value(1, IntegerField()))
    fading = fading.order_by("-priority", "pk")
    first, fading = first.values_list("part", *columns)[:cap], fading.values_list("part", *columns)[: cap + limit]
    if connection.features.supports_slicing_ordering_in_compound:
        rows = first.union(fading, all=True)
    else:  # SQLite: two queries
        rows = [*first, *fading]
    # A union's rows come in no promised order: each part is sorted again as it was read.
    parts = ([], [])
    for part, priority, due_on, *row in rows:
        parts[part].append((priority, due_on, row))
    top = sorted(parts[0], key=lambda r: (-r[0], r[1], r[2][0]))
    shown = {row[0] for _, _, row in top}
    rest = sorted((r for r in parts[1] if r[2][0] not in shown), key=lambda r: (-r[0], r[2][0]))
    make = _NudgeRows()
    return [make(*row) for _, _, row in top], [make(*row) for _, _, row in rest[:limit]]


def circle_health(user, today, now) -> list[dict]:
    """Per circle: people, how many are on track (not overdue), how many were talked to in 30 days.

    Each circle also says when the first of those talked to in 30 days leaves
    that window (``leaves``): until then its figures stay as they are, unless
    a person changes.
    """
    active = Q(archived=False)
    since = now - LAST_DAYS
    recently = active & Q(last_interaction_at__gte=since)
    rows = {
        row["circle"]: row
        for row in Contact.objects.for_user(user)
        .order_by()
        .values("circle")
        .annotate(
            total=Count("pk", filter=active),
            on_track=Count("pk", filter=active & (Q(next_due_on__isnull=True) | Q(next_due_on__gte=today))),
            last_30=Count("pk", filter=recently),
            oldest_recent=Min("last_interaction_at", filter=recently),
        )
    }
    sizes = Circle.sizes()
    circles = []
    for value, label in Circle.choices:
        row = rows.get(value, {"total": 0, "on_track": 0, "last_30": 0, "oldest_recent": None})
        oldest = row.pop("oldest_recent")
        circles.append({"value": value, "label": label, "size": sizes[value], **row,
                        "leaves": oldest + LAST_DAYS if oldest else None})
    return circles


HEADLINE = {
    Circle.INNER: "{on_track} of your inner {total} {verb} on track",
    Circle.CLOSE: "{on_track} of your {total} close friends {verb} on track",
    Circle.FRIENDS: "{on_track} of your {total} friends {verb} on track",
    Circle.NETWORK: "{on_track} of the {total} in your network {verb} on track",
}


def circle_headline(circles) -> str:
    """"4 of your inner 5 are on track", for the closest circle that has anyone in it."""
    for circle in circles:
        if circle["total"] and circle["value"] in HEADLINE:
            verb = "is" if circle["on_track"] == 1 else "are"
            return HEADLINE[circle["value"]].format(verb=verb, **circle)
    return ""


def _upcoming_days(today, days) -> dict[int, set[int]]:
    """Month → days of the month in the next ``days`` days, today included.

    In a common year 29 February is celebrated on the 28th (as the nudges do,
    ``scoring.next_yearly``), so it is looked for then.
    """
    wanted: dict[int, set[int]] = {}
    for offset in range(days + 1):
        day = today + datetime.timedelta(days=offset)
        wanted.setdefault(day.month, set()).add(day.day)
        if day.month == 2 and day.day == 28 and not _is_leap(day.year):
            wanted[2].add(29)
    return wanted


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@dataclass(slots=True)
class Birthday:
    contact: Person
    on: datetime.date
    days: int
    turns: int | None

    @property
    def when(self) -> str:
        if self.days == 0:
            return "today"
        if self.days == 1:
            return "tomorrow"
        return f"in {self.days} days"


def birthdays(user, today, days=BIRTHDAY_DAYS, limit=None) -> tuple[list[Birthday], int]:
    """The soonest ``limit`` birthdays (all by default) in the next ``days`` days, and how many there are.

    With or without a year, soonest first. Only the people listed are made
    into objects: a big address book has dozens of birthdays a fortnight.
    """
    wanted = _upcoming_days(today, days)
    scope = Q()
    for month, month_days in wanted.items():
        scope |= Q(birthday_month=month, birthday_day__in=sorted(month_days))
    found = []
    for pk, name, month, day, year in (
        Contact.objects.for_user(user)
        .active()
        .filter(scope)
        .values_list("id", "display_name", "birthday_month", "birthday_day", "birthday_year")
    ):
        on = scoring.next_yearly(month, day, today)
        found.append((on, name.lower(), pk, name, on.year - year if year else None))
    found.sort()
    url = url_maker("contact_detail")
    shown = [
        Birthday(Person(pk, name, url(pk)), on, (on - today).days, turns) for on, _, pk, name, turns in found[:limit]
    ]
    return shown, len(found)


def stamps(owner_id: int) -> tuple[int, int]:
    """The owner's ``ActivityStamp`` and ``TodayStamp`` (0 for a row not yet made), in one query."""
    sql = "SELECT (SELECT version FROM {} WHERE owner_id = %s), (SELECT version FROM {} WHERE owner_id = %s)"
    with connection.cursor() as cursor:
        cursor.execute(sql.format(ActivityStamp._meta.db_table, TodayStamp._meta.db_table), [owner_id, owner_id])
        activity, today = cursor.fetchone()
    return activity or 0, today or 0


@dataclass
class Lists:
    """What the page shows of the owner's people and nudges, as read at one moment."""

    nudges: list[NudgeRow]
    fading: list[NudgeRow]
    birthdays: list[Birthday]
    birthdays_more: int
    circles: list[dict]
    fresh_until: datetime.datetime | None  # when someone leaves "talked to in 30 days"
    key: str = ""  # what they are cached under, with fresh_until: the key of the HTML drawn from them


def read_lists(user, today, now) -> Lists:
    """Nudges and fading, circles, birthdays: three queries."""
    nudges, fading = reach_out_and_fading(user, today)
    circles = circle_health(user, today, now)
    coming, coming_count = birthdays(user, today, limit=BIRTHDAYS_SHOWN)
    return Lists(
        nudges=nudges,
        fading=fading,
        birthdays=coming,
        birthdays_more=coming_count - len(coming),
        circles=circles,
        fresh_until=min((c["leaves"] for c in circles if c["leaves"]), default=None),
    )


def load_lists(user, tz, today, now, version: int) -> Lists:
    """``read_lists``, from the cache while the owner's ``TodayStamp`` is ``version``.

    Everything the lists show comes from the owner's contacts and nudges (every
    write moves the stamp), the day in the user's zone and their daily cap (in
    the key), and the time: the one figure that moves with it, "talked to in
    30 days", is read again once its first person leaves the window.
    """
    key = f"today-lists:{user.pk}:{tz.key}:{today.isoformat()}:{user.nudge_cap}:{version}"
    found = cache.get(key)
    if found is None or (found.fresh_until is not None and now >= found.fresh_until):
        found = read_lists(user, today, now)
        # Read again once someone left the window, the lists name a later moment (or none).
        found.key = f"{key}:{found.fresh_until.timestamp() if found.fresh_until else ''}"
        cache.set(key, found, LISTS_SECONDS)
    return found


@dataclass
class Dashboard:
    today: datetime.date
    nudges: list
    recent: Iterable  # read only when the rendered list is not in the cache under recent_key
    circles: list
    birthdays: list
    fading: list
    heatmap: heatmap.Heatmap
    interactions_30: int
    headline: str = ""
    birthdays_more: int = 0
    recent_key: str = ""
    lists_key: str = ""  # the birthdays, fading and circles as drawn: see load_lists
    contact_count: int = field(init=False)
    talked_30: int = field(init=False)

    def __post_init__(self):
        self.contact_count = sum(c["total"] for c in self.circles)
        self.talked_30 = sum(c["last_30"] for c in self.circles)


def build(user, now=None) -> Dashboard:
    """The page's figures: two stamps read, the rest from the cache until a write moves them.

    The stamps are read before anything cached under them, so a write that
    commits in between is drawn now or on the next request, never lost.
    """
    now = now or timezone.now()
    tz = user.zone
    today = now.astimezone(tz).date()
    version, today_version = stamps(user.pk)
    lists = load_lists(user, tz, today, now, today_version)
    year = heatmap.load(user.pk, today, tz, version=version)
    return Dashboard(
        today=today,
        nudges=lists.nudges,
        recent=recent(user),
        # What the recent list shows: conversations (the ActivityStamp), people's names (the
        # TodayStamp), dates in the user's zone.
        recent_key=f"{user.pk}:{tz.key}:{version}:{today_version}",
        lists_key=lists.key,
        circles=lists.circles,
        birthdays=lists.birthdays,
        birthdays_more=lists.birthdays_more,
        fading=lists.fading,
        heatmap=year,
        interactions_30=year.last_days,
        headline=circle_headline(lists.circles),
    )
