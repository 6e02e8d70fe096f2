"""What a person's page shows, read in a fixed number of queries."""

from dataclasses import dataclass

from django.utils import timezone

from interactions.models import Interaction

from . import scoring
from .listing import due_badge

TIMELINE_PAGE = 20
SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 240, 48, 4
SPARK_WEEKS = 52


@dataclass(frozen=True)
class TimelinePage:
    items: list
    number: int
    has_next: bool

    @property
    def next_number(self) -> int:
        return self.number + 1


def timeline_page(user, contact, page) -> TimelinePage:
    """One page of conversations with ``contact``, newest first: one row more than shown says if there is a next."""
    try:
        number = max(int(page or 1), 1)
    except ValueError:
        number = 1
    start = (number - 1) * TIMELINE_PAGE
    rows = list(
        Interaction.objects.for_user(user).filter(contacts=contact).with_contacts().recent()
        [start:start + TIMELINE_PAGE + 1]
    )
    return TimelinePage(rows[:TIMELINE_PAGE], number, len(rows) > TIMELINE_PAGE)


@dataclass(frozen=True)
class Sparkline:
    points: str
    last_x: float
    last_y: float
    low: int
    high: int
    first_week: object
    last_week: object
    count: int
    width: int = SPARK_WIDTH
    height: int = SPARK_HEIGHT
    mid_y: float = SPARK_HEIGHT / 2  # a score of 50


def sparkline(snapshots) -> Sparkline | None:
    """The weekly scores as an SVG polyline (0–100 on the y axis, weeks evenly on the x axis)."""
    snapshots = list(snapshots)[-SPARK_WEEKS:]
    if len(snapshots) < 2:
        return None
    inner_w, inner_h = SPARK_WIDTH - 2 * SPARK_PAD, SPARK_HEIGHT - 2 * SPARK_PAD
    step = inner_w / (len(snapshots) - 1)
    coords = [
        (round(SPARK_PAD + i * step, 1), round(SPARK_PAD + inner_h * (1 - snap.score / 100), 1))
        for i, snap in enumerate(snapshots)
    ]
    scores = [snap.score for snap in snapshots]
    return Sparkline(
        points=" ".join(f"{x},{y}" for x, y in coords),
        last_x=coords[-1][0],
        last_y=coords[-1][1],
        low=min(scores),
        high=max(scores),
        first_week=snapshots[0].week,
        last_week=snapshots[-1].week,
        count=len(snapshots),
    )


def about_context(contact) -> dict:
    """The About card: profile, score and why, trend, rhythm, introductions, dates, tags, notes."""
    history = contact.score_history.order_by("-week")[:SPARK_WEEKS]
    return {
        "contact": contact,
        "tags": list(contact.tags.all()),
        "introduced": list(contact.introduced.order_by("display_name")),
        "dates": list(contact.important_dates.all()),
        "components": scoring.explain_components(contact.depth_components),
        "spark": sparkline(reversed(list(history))),
        "due": due_badge(contact, timezone.localdate()),
    }


def detail_context(contact, timeline: TimelinePage) -> dict:
    return {
        **about_context(contact),
        "methods": list(contact.methods.all()),
        "timeline": timeline,
        "next": contact.get_absolute_url(),
    }
