"""A year of conversations as a calendar heat map: counts per local day, drawn as SVG.

Counting a busy year means grouping tens of thousands of rows, and drawing it
some four hundred cells, so the finished map is cached under the owner's
``ActivityStamp``, read on every request by primary key: every write path
that adds, edits or deletes conversations moves it in the same transaction,
so a stale map is never served, whichever process cached it.
"""

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import ActivityStamp, Interaction

WEEKS = 53
CELL = 11
GAP = 2
LEFT = 30  # room for the weekday labels
TOP = 16  # room for the month labels
CACHE_SECONDS = 60 * 60 * 24
DAY_LABELS = {0: "Mon", 2: "Wed", 4: "Fri"}
LAST_DAYS = 30  # "conversations in 30 days", today included


def first_day(today: datetime.date) -> datetime.date:
    """The Monday that starts the map: WEEKS weeks ending with this one."""
    return today - datetime.timedelta(days=today.weekday(), weeks=WEEKS - 1)


def stamp_version(owner_id: int) -> int:
    """The owner's ``ActivityStamp``: moves with every change to their conversations."""
    return ActivityStamp.objects.filter(owner_id=owner_id).values_list("version", flat=True).first() or 0


def day_counts(owner_id: int, today: datetime.date, tz) -> dict[datetime.date, int]:
    """Conversations per local day from ``first_day(today)`` to ``today`` (not cached: see ``load``)."""
    start = datetime.datetime.combine(first_day(today), datetime.time(), tzinfo=tz)
    rows = (
        Interaction.objects.filter(owner_id=owner_id, occurred_at__gte=start)
        .annotate(day=TruncDate("occurred_at", tzinfo=tz))
        .order_by()
        .values_list("day")
        .annotate(n=Count("id"))
    )
    return {day: n for day, n in rows if day <= today}


def load(owner_id: int, today: datetime.date, tz, *, version: int | None = None) -> "Heatmap":
    """The owner's map for ``today`` in ``tz``: from the cache while no conversation changed.

    ``version`` is the owner's stamp when the caller has read it already.
    """
    if version is None:
        version = stamp_version(owner_id)
    key = f"heatmap:{owner_id}:{tz.key}:{today.isoformat()}:{version}"
    built = cache.get(key)
    if built is None:
        built = build(day_counts(owner_id, today, tz), today)
        cache.set(key, built, CACHE_SECONDS)
    return built


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
    last_days: int = 0  # conversations in the last LAST_DAYS days
    counts: dict = field(default_factory=dict)


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
    since = today - datetime.timedelta(days=LAST_DAYS - 1)
    return Heatmap(
        svg=mark_safe("".join(parts)),
        summary=summary,
        total=total,
        active_days=active,
        last_days=sum(n for day, n in counts.items() if day >= since),
        counts=counts,
    )
