"""Cadence and relationship depth: pure functions, no ORM.

Everything here works on plain numbers gathered by the recompute service
(``interactions.engine``), so it is cheap to test and to explain. The formula
and the reasons for it are in the README ("How the depth score works").
"""

import datetime
import math
from dataclasses import dataclass, field

# How much one conversation on each channel says about a tie. Face to face is
# the richest signal; a like or a comment on social media the thinnest
# (Gilbert & Karahalios 2009 found media richness among the predictors).
CHANNEL_DEPTH = {
    "in_person": 1.0,
    "video": 0.8,
    "call": 0.8,
    "letter": 0.7,
    "message": 0.5,
    "email": 0.5,
    "other": 0.4,
    "social": 0.25,
}

# Points each component can give; they add up to 100. Recency carries half:
# it is the strongest single predictor of tie strength (Gilbert & Karahalios
# 2009), and on real message logs a smaller share ranked next month's
# conversations worse than days-since-last-contact alone
# (tests/interactions/test_depth_predicts.py).
WEIGHTS = {
    "recency": 50,
    "frequency": 20,
    "reciprocity": 10,
    "duration": 5,
    "richness": 15,
}
# Who-starts balance is shrunk toward "even" by this many imaginary
# conversations, so one unanswered message is not read as a one-sided tie.
BALANCE_PRIOR = 5

FREQUENCY_WINDOW_DAYS = 365
# Depth-weighted conversations in a year at which frequency gives 63% of its
# points (1 - 1/e): about one good conversation a month.
FREQUENCY_SCALE = 12.0
# Years of knowing someone at which duration gives 63% of its points.
DURATION_SCALE_YEARS = 3.0
# Used for recency when no cadence applies at all (acquaintances with no history).
FALLBACK_CADENCE_DAYS = 180

LEARNED_MIN_CONVERSATIONS = 4
LEARNED_MIN_DAYS, LEARNED_MAX_DAYS = 3, 365
OVERDUE_RED = 1.5  # × the cadence: the nudge turns red
FADING_FACTOR = 8  # × the usual gap: most such ties decay (Navarro et al. 2017)


# Not frozen: the nightly pass builds one per contact, and a frozen dataclass
# takes several times longer to build. Nothing here changes one.
@dataclass(slots=True)
class ContactStats:
    """What the interactions say about one contact, as of one moment.

    The fields between ``as_of`` and ``known_since`` are the figures the engine
    reads per contact (``interactions.activity.FIGURES``), in this order.
    """

    as_of: datetime.datetime
    count: int = 0
    first_at: datetime.datetime | None = None
    last_at: datetime.datetime | None = None
    # Sum of CHANNEL_DEPTH over conversations in the last FREQUENCY_WINDOW_DAYS.
    weighted_recent: float = 0.0
    # Learning the usual gap: conversations in the recent window, its first and last.
    recent_count: int = 0
    recent_first_at: datetime.datetime | None = None
    recent_last_at: datetime.datetime | None = None
    outgoing: int = 0
    incoming: int = 0
    mutual: int = 0
    favours_asked: int = 0
    favours_given: int = 0
    last_asked_at: datetime.datetime | None = None
    last_given_at: datetime.datetime | None = None
    with_note: int = 0
    quality_sum: int = 0
    quality_count: int = 0
    known_since: datetime.date | None = None  # "met on", when it is earlier than the first conversation


@dataclass(frozen=True)
class Cadence:
    days: int | None
    source: str  # "contact", "circle", "learned" or "none"
    sample: int = 0  # conversations a learned cadence comes from

    def explain(self, circle_label: str = "") -> str:
        if self.days is None:
            return "no regular rhythm yet"
        rhythm = f"about {describe_days(self.days)}" if self.source == "learned" else describe_days(self.days)
        if self.source == "contact":
            return f"{rhythm} — set for this person"
        if self.source == "circle":
            return f"{rhythm} — the default for your {circle_label.lower() or 'circle'}"
        return f"{rhythm} — learned from {self.sample} conversations"


@dataclass(frozen=True)
class Score:
    total: int
    components: dict[str, float] = field(default_factory=dict)


COMPONENT_HELP = {
    "recency": ("Recency", "how recently you talked, against your usual rhythm"),
    "frequency": ("Frequency", "conversations in the past year, face to face counting most"),
    "reciprocity": ("Give and take", "who reaches out, and favours done versus asked"),
    "duration": ("Known for", "how long you have known each other"),
    "richness": ("Richness", "conversations worth a note, and how good they were"),
}


def explain_components(components: dict[str, float]) -> list[dict]:
    """The stored components as rows for "why this score?"."""
    return [
        {"name": name, "label": label, "help": help_text, "points": round(components.get(name, 0)),
         "max": WEIGHTS[name]}
        for name, (label, help_text) in COMPONENT_HELP.items()
    ]


def describe_days(days: int) -> str:
    """``7`` → "every week", ``21`` → "every 3 weeks", ``60`` → "every 2 months"."""
    if days == 1:
        return "every day"
    if days < 7 or (days < 28 and days % 7):
        return f"every {days} days"
    if days < 28:
        weeks = days // 7
        return "every week" if weeks == 1 else f"every {weeks} weeks"
    if days < 350:
        months = round(days / 30.4)
        return "every month" if months <= 1 else f"every {months} months"
    years = round(days / 365)
    return "every year" if years <= 1 else f"every {years} years"


def learned_gap_days(stats: ContactStats) -> tuple[float | None, int]:
    """The usual gap between two conversations, and how many conversations it is learned from.

    The recent window's span divided by its gaps (its mean gap) when it holds
    enough conversations; otherwise the whole history's. ``None`` with too
    little history to say.
    """
    for count, first, last in (
        (stats.recent_count, stats.recent_first_at, stats.recent_last_at),
        (stats.count, stats.first_at, stats.last_at),
    ):
        if count >= LEARNED_MIN_CONVERSATIONS and first is not None and last is not None:
            span = (last - first).total_seconds() / 86400
            return span / (count - 1), count
    return None, 0


def resolve_cadence(own_days: int | None, circle_days: int | None, stats: ContactStats) -> Cadence:
    """First match wins: the contact's own cadence, its circle's default, the learned one."""
    if own_days:
        return Cadence(own_days, "contact")
    if circle_days:
        return Cadence(circle_days, "circle")
    gap, sample = learned_gap_days(stats)
    if gap is not None:
        days = int(min(LEARNED_MAX_DAYS, max(LEARNED_MIN_DAYS, round(gap))))
        return Cadence(days, "learned", sample)
    return Cadence(None, "none")


def _days(delta: datetime.timedelta) -> float:
    return max(0.0, delta.total_seconds() / 86400)


def recency(stats: ContactStats, cadence_days: int | None) -> float:
    """1 right after a conversation, halving with every cadence that passes in silence."""
    if stats.last_at is None:
        return 0.0
    half_life = cadence_days or FALLBACK_CADENCE_DAYS
    return 0.5 ** (_days(stats.as_of - stats.last_at) / half_life)


def frequency(stats: ContactStats) -> float:
    """Depth-weighted conversations in the last year, saturating."""
    return 1 - math.exp(-max(0.0, stats.weighted_recent) / FREQUENCY_SCALE)


def reciprocity(stats: ContactStats) -> float:
    """Give and take: who starts conversations, and favours done vs asked.

    Half from the balance of who reaches out (mutual plans count for both;
    shrunk toward even by BALANCE_PRIOR), half from favours: 0.5 when even, up
    with every favour you did, down with every one you asked for.
    """
    starts_me = stats.outgoing + stats.mutual / 2
    starts_them = stats.incoming + stats.mutual / 2
    balance = 1 - abs(starts_me - starts_them) / (starts_me + starts_them + BALANCE_PRIOR)
    # A logistic curve, written with tanh so a lopsided history cannot overflow exp().
    favours = 0.5 * (1 + math.tanh(0.35 * (stats.favours_given - stats.favours_asked)))
    return (balance + favours) / 2


def duration(stats: ContactStats) -> float:
    """How long you have known them, saturating after a few years."""
    starts = [d for d in (stats.known_since, stats.first_at.date() if stats.first_at else None) if d]
    if not starts:
        return 0.0
    years = max(0, (stats.as_of.date() - min(starts)).days) / 365.25
    return 1 - math.exp(-years / DURATION_SCALE_YEARS)


def richness(stats: ContactStats) -> float:
    """Conversations worth writing down, and how good they were (quality 1–5)."""
    if stats.count == 0:
        return 0.0
    noted = stats.with_note / stats.count
    quality = (stats.quality_sum / stats.quality_count - 1) / 4 if stats.quality_count else 0.5
    return 0.5 * noted + 0.5 * quality


def depth_score(stats: ContactStats, cadence_days: int | None) -> Score:
    """The 0–100 depth of a relationship, with the points each component gave."""
    parts = (
        recency(stats, cadence_days),
        frequency(stats),
        reciprocity(stats) if stats.count else 0.0,
        duration(stats),
        richness(stats),
    )
    components = {
        name: round(weight * (1.0 if value > 1.0 else 0.0 if value < 0.0 else value), 1)
        for (name, weight), value in zip(WEIGHTS.items(), parts, strict=True)
    }
    total = round(sum(components.values()))
    return Score(total=min(100, max(0, total)), components=components)


def next_due_on(last_at: datetime.datetime | None, since: datetime.date | None, cadence_days: int | None, tz):
    """The day a conversation is due: a cadence after the last one (or after ``since``)."""
    if cadence_days is None:
        return None
    start = last_at.astimezone(tz).date() if last_at else since
    return start + datetime.timedelta(days=cadence_days)


def overdue_level(today: datetime.date, due_on: datetime.date | None, cadence_days: int | None) -> str | None:
    """``"yellow"`` once the ideal gap has passed, ``"red"`` at 1.5× it; else ``None``."""
    if due_on is None or cadence_days is None or today < due_on:
        return None
    late = (today - due_on).days
    return "red" if late >= (OVERDUE_RED - 1) * cadence_days else "yellow"


def is_fading(stats: ContactStats, today: datetime.date, tz) -> tuple[bool, float | None]:
    """Silence longer than FADING_FACTOR × the usual gap, learned from history."""
    gap, _ = learned_gap_days(stats)
    if gap is None or stats.last_at is None:
        return False, gap
    silence = (today - stats.last_at.astimezone(tz).date()).days
    return silence > FADING_FACTOR * max(gap, 1), gap


def next_yearly(month: int, day: int, today: datetime.date) -> datetime.date:
    """The next time a yearly date comes round, today included.

    29 February falls on 28 February in common years: the last day of that
    February, so a leap-day birthday is never skipped.
    """
    for year in (today.year, today.year + 1):
        try:
            date = datetime.date(year, month, day)
        except ValueError:
            date = datetime.date(year, 2, 28)
        if date >= today:
            return date
    raise AssertionError("unreachable: next year always has the date")
