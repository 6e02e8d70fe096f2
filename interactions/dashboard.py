"""What the "Today" page shows, read in a fixed number of queries whatever the amount of data.

Nudges, recent conversations (and their people), circles, birthdays, fading
relationships and the year's heat map: one or two queries each, all starting
from the owner.
"""

import datetime
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q
from django.utils import timezone

from contacts import scoring
from contacts.models import Circle, Contact

from . import heatmap
from .models import Interaction, Nudge

RECENT = 15
BIRTHDAY_DAYS = 14
BIRTHDAYS_SHOWN = 8  # the soonest; the rest are counted
FADING_SHOWN = 5


def recent(user, limit=RECENT):
    return Interaction.objects.for_user(user).with_contacts().recent()[:limit]


def reach_out(user, today):
    return list(Nudge.objects.for_today(user, today))


def circle_health(user, today, now) -> list[dict]:
    """Per circle: people, how many are on track (not overdue), how many were talked to in 30 days.

    Each circle also counts everyone in it, archived people included, and the
    latest change to any of them (``everyone``, ``changed``): what ``people_version``
    reads, in the same pass over the contacts.
    """
    active = Q(archived=False)
    rows = {
        row["circle"]: row
        for row in Contact.objects.for_user(user)
        .order_by()
        .values("circle")
        .annotate(
            total=Count("pk", filter=active),
            on_track=Count("pk", filter=active & (Q(next_due_on__isnull=True) | Q(next_due_on__gte=today))),
            last_30=Count("pk", filter=active & Q(last_interaction_at__gte=now - datetime.timedelta(days=30))),
            everyone=Count("pk"),
            changed=Max("updated_at"),
        )
    }
    sizes = Circle.sizes()
    circles = []
    for value, label in Circle.choices:
        row = rows.get(value, {"total": 0, "on_track": 0, "last_30": 0, "everyone": 0, "changed": None})
        circles.append({"value": value, "label": label, "size": sizes[value], **row})
    return circles


def people_version(circles) -> str:
    """Changes when a contact is added, deleted, renamed or otherwise edited (``updated_at`` moves)."""
    changed = max((c["changed"] for c in circles if c["changed"]), default=None)
    return f"{sum(c['everyone'] for c in circles)}-{changed.timestamp() if changed else 0}"


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


@dataclass
class Birthday:
    contact: Contact
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
    shown = [
        Birthday(Contact(id=pk, owner_id=user.pk, display_name=name), on, (on - today).days, turns)
        for on, _, pk, name, turns in found[:limit]
    ]
    return shown, len(found)


def fading(user, today, shown=(), limit=FADING_SHOWN):
    """Relationships the engine judged fading, apart from those already in "Reach out"."""
    return list(
        Nudge.objects.for_user(user)
        .active_on(today)
        .filter(reason=Nudge.Reason.FADING)
        .exclude(pk__in=[n.pk for n in shown])
        .shown()
        .order_by("-priority", "pk")[:limit]
    )


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
    contact_count: int = field(init=False)
    talked_30: int = field(init=False)

    def __post_init__(self):
        self.contact_count = sum(c["total"] for c in self.circles)
        self.talked_30 = sum(c["last_30"] for c in self.circles)


def build(user, now=None) -> Dashboard:
    now = now or timezone.now()
    tz = zoneinfo.ZoneInfo(user.time_zone)
    today = now.astimezone(tz).date()
    nudges = reach_out(user, today)
    circles = circle_health(user, today, now)
    version = heatmap.stamp_version(user.pk)
    year = heatmap.load(user.pk, today, tz, version=version)
    coming, coming_count = birthdays(user, today, limit=BIRTHDAYS_SHOWN)
    return Dashboard(
        today=today,
        nudges=nudges,
        recent=recent(user),
        # What the recent list shows: conversations (the stamp), people's names, dates in the user's zone.
        recent_key=f"{user.pk}:{tz.key}:{version}:{people_version(circles)}:{sum(c['total'] for c in circles)}",
        circles=circles,
        birthdays=coming,
        birthdays_more=coming_count - len(coming),
        fading=fading(user, today, shown=nudges),
        heatmap=year,
        interactions_30=year.last_days,
        headline=circle_headline(circles),
    )
