"""A year of conversations as a calendar heat map: counts per local day, drawn as SVG.

Counting a busy year means grouping tens of thousands of rows, so the counts
are cached under a fingerprint read on every request: the user's latest
``Interaction.updated_at`` (every insert and every edit saved through the ORM
moves it, bulk inserts included) and the sum of their contacts' stored
conversation counts (every delete lowers it: all write paths refresh
``ContactActivity``). Any write changes the key, so a stale map is never served.
"""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import ContactActivity, Interaction

WEEKS = 53
CELL = 11
GAP = 2
LEFT = 30  # room for the weekday labels
TOP = 16  # room for the month labels
CACHE_SECONDS = 60 * 60 * 24
DAY_LABELS = {0: "Mon", 2: "Wed", 4: "Fri"}


def first_day(today: datetime.date) -> datetime.date:
    """The Monday that starts the map: WEEKS weeks ending with this one."""
    return today - datetime.timedelta(days=today.weekday(), weeks=WEEKS - 1)


def _fingerprint(owner_id: int) -> str:
    interaction = Interaction._meta.db_table
    activity = ContactActivity._meta.db_table
    contact = ContactActivity._meta.get_field("contact").related_model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT (SELECT MAX(updated_at) FROM {interaction} WHERE owner_id = %s),
                   (SELECT COALESCE(SUM(a.count), 0) FROM {activity} a
                    JOIN {contact} c ON c.id = a.contact_id WHERE c.owner_id = %s)
            """,
            [owner_id, owner_id],
        )
        latest, total = cursor.fetchone()
    # SQLite hands the timestamp back as text, PostgreSQL as a datetime: either names the moment.
    # (with a space, which a cache key must not hold).
    return f"{str(latest or '-').replace(' ', 'T')}:{total}"


def day_counts(owner_id: int, today: datetime.date, tz) -> dict[datetime.date, int]:
    """Conversations per local day from ``first_day(today)`` to ``today``."""
    key = f"heatmap:{owner_id}:{tz.key}:{today.isoformat()}:{_fingerprint(owner_id)}"
    counts = cache.get(key)
    if counts is None:
        start = datetime.datetime.combine(first_day(today), datetime.time(), tzinfo=tz)
        rows = (
            Interaction.objects.filter(owner_id=owner_id, occurred_at__gte=start)
            .annotate(day=TruncDate("occurred_at", tzinfo=tz))
            .order_by()
            .values_list("day")
            .annotate(n=Count("id"))
        )
        counts = {day: n for day, n in rows if day <= today}
        cache.set(key, counts, CACHE_SECONDS)
    return counts


def _thresholds(counts) -> list[int]:
    """Upper bounds of levels 1–3 (level 4 above): quartiles of the active days."""
    values = sorted(n for n in counts if n > 0)
    if not values:
        return [1, 1, 1]
    return [values[max(0, len(values) * q // 4 - 1)] for q in (1, 2, 3)]


def _level(n: int, bounds: list[int]) -> int:
    if n == 0:
        return 0
    for level, bound in enumerate(bounds, start=1):
        if n <= bound:
            return level
    return 4


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


@dataclass
class Heatmap:
    svg: str
    summary: str
    total: int
    active_days: int


def build(counts: dict[datetime.date, int], today: datetime.date) -> Heatmap:
    """The SVG (role="img", with a title and a text description) and a one-line summary."""
    start = first_day(today)
    bounds = _thresholds(counts.values())
    total = sum(counts.values())
    active = sum(1 for n in counts.values() if n)
    by_month: dict[tuple[int, int], int] = {}
    for day, n in counts.items():
        by_month[(day.year, day.month)] = by_month.get((day.year, day.month), 0) + n
    summary = f"{_plural(total, 'conversation')} in the past year, on {_plural(active, 'day')}."
    if by_month:
        (year, month), most = max(by_month.items(), key=lambda item: (item[1], item[0]))
        summary += f" Busiest month: {datetime.date(year, month, 1):%B %Y} ({most:,})."
    width = LEFT + WEEKS * (CELL + GAP)
    height = TOP + 7 * (CELL + GAP)
    parts = [
        f'<svg class="heatmap" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="heatmap-title heatmap-desc" preserveAspectRatio="xMinYMin meet">',
        '<title id="heatmap-title">Conversations per day over the past year</title>',
        f'<desc id="heatmap-desc">{escape(summary)}</desc>',
    ]
    for row, label in DAY_LABELS.items():
        y = TOP + row * (CELL + GAP) + CELL - 2
        parts.append(f'<text class="heatmap-label" x="0" y="{y}">{label}</text>')
    month_seen = None
    for week in range(WEEKS):
        monday = start + datetime.timedelta(weeks=week)
        x = LEFT + week * (CELL + GAP)
        if monday.month != month_seen and week < WEEKS - 2:
            if month_seen is not None or monday.day <= 7:
                parts.append(f'<text class="heatmap-label" x="{x}" y="{TOP - 5}">{monday:%b}</text>')
            month_seen = monday.month
        for row in range(7):
            day = monday + datetime.timedelta(days=row)
            if day > today:
                break
            n = counts.get(day, 0)
            y = TOP + row * (CELL + GAP)
            parts.append(
                f'<rect class="hm-{_level(n, bounds)}" x="{x}" y="{y}" width="{CELL}" height="{CELL}" rx="2">'
                f"<title>{_plural(n, 'conversation')} on {day.day} {day:%b %Y}</title></rect>"
            )
    parts.append("</svg>")
    return Heatmap(svg=mark_safe("".join(parts)), summary=summary, total=total, active_days=active)
