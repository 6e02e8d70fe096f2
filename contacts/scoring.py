"""Cadence and relationship depth: pure functions, no ORM.

Everything here works on plain numbers gathered by the recompute service
(``interactions.engine``), so it is cheap to test and to explain. The formula
and the reasons for it are in the README ("How the depth score works").
"""

import dataclasses
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


@dataclass(slots=True)
class StatsColumns:
    """The ContactStats of many contacts as of one moment: one list per field, a contact per position.

    The nightly pass scores every contact of a batch of users with one call of
    each function below, over these columns, rather than one call (and a
    ContactStats) per contact; the functions taking a ContactStats are the same
    formulas over columns of one.
    """

    as_of: datetime.datetime
    count: list
    first_at: list
    last_at: list
    weighted_recent: list
    recent_count: list
    recent_first_at: list
    recent_last_at: list
    outgoing: list
    incoming: list
    mutual: list
    favours_asked: list
    favours_given: list
    last_asked_at: list
    last_given_at: list
    with_note: list
    quality_sum: list
    quality_count: list
    known_since: list

    @classmethod
    def from_rows(cls, as_of: datetime.datetime, rows, known_since) -> "StatsColumns":
        """Columns from rows of FIGURES (a None row: no interactions) and each contact's "met on"."""
        rows = [NO_FIGURES if row is None else row for row in rows]
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(FIGURES)
        return cls(as_of, *columns, known_since=list(known_since))

    @classmethod
    def of(cls, stats: ContactStats) -> "StatsColumns":
        return cls.from_rows(stats.as_of, [tuple(getattr(stats, name) for name in FIGURES)], [stats.known_since])


# The fields of ContactStats between ``as_of`` and ``known_since``, and their values without interactions.
FIGURES = tuple(f.name for f in dataclasses.fields(ContactStats))[1:-1]
NO_FIGURES = tuple(getattr(ContactStats(datetime.datetime.min), name) for name in FIGURES)


@dataclass(slots=True)
class ScoreColumns:
    total: list[int]
    components: dict[str, list[float]]  # name → points, in WEIGHTS' order


def learned_gaps(columns: StatsColumns) -> tuple[list[float | None], list[int]]:
    """The usual gap between two conversations, and how many conversations it is learned from.

    The recent window's span divided by its gaps (its mean gap) when it holds
    enough conversations; otherwise the whole history's. ``None`` with too
    little history to say.
    """
    gaps, samples = [], []
    least = LEARNED_MIN_CONVERSATIONS
    for recent, recent_first, recent_last, count, first, last in zip(
        columns.recent_count, columns.recent_first_at, columns.recent_last_at,
        columns.count, columns.first_at, columns.last_at,
    ):
        if recent >= least and recent_first is not None and recent_last is not None:
            gaps.append((recent_last - recent_first).total_seconds() / 86400 / (recent - 1))
            samples.append(recent)
        elif count >= least and first is not None and last is not None:
            gaps.append((last - first).total_seconds() / 86400 / (count - 1))
            samples.append(count)
        else:
            gaps.append(None)
            samples.append(0)
    return gaps, samples


def learned_gap_days(stats: ContactStats) -> tuple[float | None, int]:
    """``learned_gaps`` of one contact."""
    gaps, samples = learned_gaps(StatsColumns.of(stats))
    return gaps[0], samples[0]


def resolve_cadences(own_days, circle_days, gaps, samples) -> tuple[list, list[str], list[int]]:
    """First match wins: the contact's own cadence, its circle's default, the learned one.

    Columns of days, sources and samples (see Cadence), from the contacts' own
    and circle cadences and their ``learned_gaps``.
    """
    days, sources, used = [], [], []
    for own, circle, gap, sample in zip(own_days, circle_days, gaps, samples, strict=True):
        if own:
            days.append(own), sources.append("contact"), used.append(0)
        elif circle:
            days.append(circle), sources.append("circle"), used.append(0)
        elif gap is not None:
            days.append(int(min(LEARNED_MAX_DAYS, max(LEARNED_MIN_DAYS, round(gap)))))
            sources.append("learned"), used.append(sample)
        else:
            days.append(None), sources.append("none"), used.append(0)
    return days, sources, used


def resolve_cadence(own_days: int | None, circle_days: int | None, stats: ContactStats) -> Cadence:
    """``resolve_cadences`` of one contact."""
    gap, sample = learned_gap_days(stats)
    (days,), (source,), (used,) = resolve_cadences([own_days], [circle_days], [gap], [sample])
    return Cadence(days, source, used)


def recencies(columns: StatsColumns, cadence_days) -> list[float]:
    """1 right after a conversation, halving with every cadence that passes in silence."""
    as_of = columns.as_of
    return [
        0.0 if last is None else 0.5 ** (max(0.0, (as_of - last).total_seconds() / 86400) / (days or FALLBACK_CADENCE_DAYS))
        for last, days in zip(columns.last_at, cadence_days, strict=True)
    ]


def frequencies(columns: StatsColumns) -> list[float]:
    """Depth-weighted conversations in the last year, saturating."""
    return [1 - math.exp(-max(0.0, weighted) / FREQUENCY_SCALE) for weighted in columns.weighted_recent]


def reciprocities(columns: StatsColumns) -> list[float]:
    """Give and take: who starts conversations, and favours done vs asked.

    Half from the balance of who reaches out (mutual plans count for both;
    shrunk toward even by BALANCE_PRIOR), half from favours: 0.5 when even, up
    with every favour you did, down with every one you asked for.
    """
    values = []
    for outgoing, incoming, mutual, given, asked in zip(
        columns.outgoing, columns.incoming, columns.mutual, columns.favours_given, columns.favours_asked
    ):
        starts_me = outgoing + mutual / 2
        starts_them = incoming + mutual / 2
        balance = 1 - abs(starts_me - starts_them) / (starts_me + starts_them + BALANCE_PRIOR)
        # A logistic curve, written with tanh so a lopsided history cannot overflow exp().
        favours = 0.5 * (1 + math.tanh(0.35 * (given - asked)))
        values.append((balance + favours) / 2)
    return values


def durations(columns: StatsColumns) -> list[float]:
    """How long you have known them, saturating after a few years."""
    today = columns.as_of.date()
    values = []
    for known_since, first in zip(columns.known_since, columns.first_at, strict=True):
        start = first.date() if first is not None else None
        if known_since is not None and (start is None or known_since < start):
            start = known_since
        if start is None:
            values.append(0.0)
        else:
            years = max(0, (today - start).days) / 365.25
            values.append(1 - math.exp(-years / DURATION_SCALE_YEARS))
    return values


def richnesses(columns: StatsColumns) -> list[float]:
    """Conversations worth writing down, and how good they were (quality 1–5)."""
    return [
        0.0 if count == 0 else 0.5 * (noted / count) + 0.5 * ((total / rated - 1) / 4 if rated else 0.5)
        for count, noted, total, rated in zip(columns.count, columns.with_note, columns.quality_sum,
                                              columns.quality_count)
    ]


def _points(weight: int, values) -> list[float]:
    """``round(weight × value, 1)`` with the value clamped to [0, 1], for each value."""
    points = []
    append = points.append
    for value in values:
        if value >= 1.0:
            exact = float(weight)
        elif value > 0.0:
            exact = weight * value
        else:  # nothing, or -0.0 kept as round() keeps it
            append(0.0 if value < 0.0 else round(weight * value, 1))
            continue
        # round(x, 1) rounds the exact decimal value of x, which is slow. x × 10
        # is within 1e-13 of it here (x ≤ 100), so away from a tie between two
        # tenths its nearest integer is the same, and n / 10 the same float.
        tenths = exact * 10
        n = int(tenths + 0.5)
        off = tenths - n
        append(n / 10 if n and -0.4999999 < off < 0.4999999 else round(exact, 1))
    return points


def depth_scores(columns: StatsColumns, cadence_days) -> ScoreColumns:
    """The 0–100 depth of each relationship, with the points each component gave."""
    reciprocity_values = [
        value if count else 0.0 for value, count in zip(reciprocities(columns), columns.count, strict=True)
    ]
    components = {
        "recency": _points(WEIGHTS["recency"], recencies(columns, cadence_days)),
        "frequency": _points(WEIGHTS["frequency"], frequencies(columns)),
        "reciprocity": _points(WEIGHTS["reciprocity"], reciprocity_values),
        "duration": _points(WEIGHTS["duration"], durations(columns)),
        "richness": _points(WEIGHTS["richness"], richnesses(columns)),
    }
    assert tuple(components) == tuple(WEIGHTS)
    totals = [min(100, max(0, round(sum(points)))) for points in zip(*components.values())]
    return ScoreColumns(totals, components)


def recency(stats: ContactStats, cadence_days: int | None) -> float:
    return recencies(StatsColumns.of(stats), [cadence_days])[0]


def frequency(stats: ContactStats) -> float:
    return frequencies(StatsColumns.of(stats))[0]


def reciprocity(stats: ContactStats) -> float:
    return reciprocities(StatsColumns.of(stats))[0]


def duration(stats: ContactStats) -> float:
    return durations(StatsColumns.of(stats))[0]


def richness(stats: ContactStats) -> float:
    return richnesses(StatsColumns.of(stats))[0]


def depth_score(stats: ContactStats, cadence_days: int | None) -> Score:
    """``depth_scores`` of one contact."""
    scores = depth_scores(StatsColumns.of(stats), [cadence_days])
    return Score(total=scores.total[0], components={name: points[0] for name, points in scores.components.items()})


def local_dates(moments, time_zones) -> list[datetime.date | None]:
    """Each moment's date in its time zone (a column of moments, of zones)."""
    return [None if m is None else m.astimezone(tz).date() for m, tz in zip(moments, time_zones, strict=True)]


def next_due_dates(last_days, since, cadence_days) -> list[datetime.date | None]:
    """The day a conversation is due: a cadence after the (local) day of the last one, or after ``since``."""
    steps = {days: datetime.timedelta(days=days) for days in set(cadence_days) if days is not None}
    return [
        None if days is None else (since_day if last is None else last) + steps[days]
        for last, since_day, days in zip(last_days, since, cadence_days, strict=True)
    ]


def next_due_on(last_at: datetime.datetime | None, since: datetime.date | None, cadence_days: int | None, tz):
    """The day a conversation is due: a cadence after the last one (or after ``since``)."""
    return next_due_dates(local_dates([last_at], [tz]), [since], [cadence_days])[0]


def overdue_levels(todays, due_days, cadence_days) -> list[str | None]:
    """``"yellow"`` once the ideal gap has passed, ``"red"`` at 1.5× it; else ``None``."""
    return [
        None if due is None or days is None or today < due
        else "red" if (today - due).days >= (OVERDUE_RED - 1) * days else "yellow"
        for today, due, days in zip(todays, due_days, cadence_days, strict=True)
    ]


def overdue_level(today: datetime.date, due_on: datetime.date | None, cadence_days: int | None) -> str | None:
    """``overdue_levels`` of one contact."""
    return overdue_levels([today], [due_on], [cadence_days])[0]


def fadings(todays, last_days, gaps) -> list[bool]:
    """Silence longer than FADING_FACTOR × the usual gap (``learned_gaps``), from the local day of the last one."""
    return [
        gap is not None and last is not None and (today - last).days > FADING_FACTOR * max(gap, 1)
        for today, last, gap in zip(todays, last_days, gaps, strict=True)
    ]


def is_fading(stats: ContactStats, today: datetime.date, tz) -> tuple[bool, float | None]:
    """Silence longer than FADING_FACTOR × the usual gap, learned from history."""
    gap, _ = learned_gap_days(stats)
    return fadings([today], local_dates([stats.last_at], [tz]), [gap])[0], gap


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
