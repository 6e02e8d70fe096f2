"""Properties and examples for contacts.scoring: pure functions, no database."""

import dataclasses
import datetime
import math
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from contacts import scoring
from contacts.scoring import (
    FADING_FACTOR,
    FREQUENCY_WINDOW_DAYS,
    LEARNED_MAX_DAYS,
    LEARNED_MIN_CONVERSATIONS,
    LEARNED_MIN_DAYS,
    WEIGHTS,
    Cadence,
    ContactStats,
    depth_score,
    describe_days,
    is_fading,
    learned_gap_days,
    next_due_on,
    next_yearly,
    overdue_level,
    reciprocity,
    resolve_cadence,
)

UTC = datetime.UTC
DAY = datetime.timedelta(days=1)
SECONDS_PER_YEAR = 365 * 86400
TIMEZONES = [UTC, ZoneInfo("Europe/London"), ZoneInfo("Pacific/Auckland"), ZoneInfo("America/Los_Angeles")]

FAST = settings(deadline=None)
THOROUGH = settings(deadline=None, max_examples=200)

# Cadences as the models allow them (1–3650 days), or none at all.
cadences = st.none() | st.integers(1, 3650)
as_of_datetimes = st.datetimes(
    min_value=datetime.datetime(2000, 1, 1), max_value=datetime.datetime(2040, 1, 1), timezones=st.just(UTC)
)


def _between(draw, low: datetime.datetime, high: datetime.datetime) -> datetime.datetime:
    """A moment in [low, high], to the microsecond."""
    span = int((high - low) / datetime.timedelta(microseconds=1))
    return low + datetime.timedelta(microseconds=draw(st.integers(0, max(0, span))))


@st.composite
def contact_stats(draw, max_count: int = 5000, min_count: int = 0, moments=as_of_datetimes) -> ContactStats:
    """ContactStats as the engine's aggregate could produce them.

    first_at ≤ recent_first_at ≤ recent_last_at ≤ last_at ≤ as_of; the recent
    window is the last FREQUENCY_WINDOW_DAYS; every count is consistent with
    ``count`` (each interaction has one direction at most, one kind, one
    quality in 1–5 at most); weighted_recent is between 0.25 and 1 per recent
    conversation (the range of CHANNEL_DEPTH).
    """
    as_of = draw(moments)
    known_since = draw(
        st.none() | st.dates(min_value=as_of.date() - datetime.timedelta(days=60 * 365), max_value=as_of.date())
    )
    count = draw(st.integers(min_count, max_count))
    if count == 0:
        return ContactStats(as_of=as_of, known_since=known_since)

    last_at = as_of - datetime.timedelta(seconds=draw(st.integers(0, 20 * SECONDS_PER_YEAR)))
    first_at = (
        last_at if count == 1 else last_at - datetime.timedelta(seconds=draw(st.integers(0, 30 * SECONDS_PER_YEAR)))
    )

    window_start = as_of - datetime.timedelta(days=FREQUENCY_WINDOW_DAYS)  # exclusive, as in the engine
    if last_at <= window_start:
        recent_count, recent_first_at, recent_last_at = 0, None, None
    elif first_at > window_start:
        recent_count, recent_first_at, recent_last_at = count, first_at, last_at
    else:
        recent_count = draw(st.integers(1, count - 1))
        recent_last_at = last_at
        recent_first_at = (
            last_at if recent_count == 1 else _between(draw, window_start + datetime.timedelta(microseconds=1), last_at)
        )
    weighted_recent = draw(st.floats(0.25 * recent_count, float(recent_count))) if recent_count else 0.0

    outgoing = draw(st.integers(0, count))
    incoming = draw(st.integers(0, count - outgoing))
    mutual = draw(st.integers(0, count - outgoing - incoming))
    favours_asked = draw(st.integers(0, count))
    favours_given = draw(st.integers(0, count - favours_asked))
    with_note = draw(st.integers(0, count))
    quality_count = draw(st.integers(0, count))
    quality_sum = draw(st.integers(quality_count, 5 * quality_count))
    return ContactStats(
        as_of=as_of,
        count=count,
        first_at=first_at,
        last_at=last_at,
        known_since=known_since,
        weighted_recent=weighted_recent,
        recent_count=recent_count,
        recent_first_at=recent_first_at,
        recent_last_at=recent_last_at,
        outgoing=outgoing,
        incoming=incoming,
        mutual=mutual,
        favours_asked=favours_asked,
        favours_given=favours_given,
        with_note=with_note,
        quality_sum=quality_sum,
        quality_count=quality_count,
    )


def assert_valid(stats: ContactStats) -> None:
    """The invariants the strategy promises (and the mutations below must keep)."""
    assert stats.as_of.tzinfo is not None
    moments = [stats.first_at, stats.recent_first_at, stats.recent_last_at, stats.last_at, stats.as_of]
    present = [m for m in moments if m is not None]
    assert present == sorted(present)
    assert 0 <= stats.recent_count <= stats.count
    assert stats.outgoing + stats.incoming + stats.mutual <= stats.count
    assert 0 <= stats.with_note <= stats.count
    assert 0 <= stats.quality_count <= stats.count
    assert stats.quality_count <= stats.quality_sum <= 5 * stats.quality_count
    assert 0 <= stats.weighted_recent <= stats.recent_count


# --- depth_score: shape ------------------------------------------------------


def test_weights_add_up_to_100():
    assert sum(WEIGHTS.values()) == 100


@THOROUGH
@given(contact_stats(), cadences)
def test_depth_score_is_an_int_in_0_100_with_bounded_components(stats, cadence_days):
    assert_valid(stats)
    score = depth_score(stats, cadence_days)
    assert type(score.total) is int
    assert 0 <= score.total <= 100
    assert set(score.components) == set(WEIGHTS)
    for name, points in score.components.items():
        assert 0 <= points <= WEIGHTS[name], name
        assert points == round(points, 1)
    assert score.total == min(100, max(0, round(sum(score.components.values()))))
    assert abs(score.total - sum(score.components.values())) <= 0.5 + 1e-9


# --- depth_score: monotonicity -----------------------------------------------


@THOROUGH
@given(contact_stats(min_count=1), cadences, st.data())
def test_a_later_last_conversation_never_lowers_the_score(stats, cadence_days, data):
    later = _between(data.draw, stats.last_at, stats.as_of)
    moved = dataclasses.replace(stats, last_at=later)
    assert_valid(moved)
    before, after = depth_score(stats, cadence_days), depth_score(moved, cadence_days)
    assert after.components["recency"] >= before.components["recency"]
    assert after.total >= before.total


@THOROUGH
@given(contact_stats(min_count=1), cadences, st.data())
def test_more_weighted_conversations_never_lower_the_score(stats, cadence_days, data):
    assume(stats.recent_count > 0)
    raised = data.draw(st.floats(stats.weighted_recent, float(stats.recent_count)))
    moved = dataclasses.replace(stats, weighted_recent=raised)
    assert_valid(moved)
    before, after = depth_score(stats, cadence_days), depth_score(moved, cadence_days)
    assert after.components["frequency"] >= before.components["frequency"]
    assert after.total >= before.total


@THOROUGH
@given(contact_stats(), cadences)
def test_a_favour_given_never_lowers_the_score(stats, cadence_days):
    moved = dataclasses.replace(stats, favours_given=stats.favours_given + 1)
    before, after = depth_score(stats, cadence_days), depth_score(moved, cadence_days)
    assert after.components["reciprocity"] >= before.components["reciprocity"]
    assert after.total >= before.total


@THOROUGH
@given(contact_stats(), cadences)
def test_a_favour_asked_never_raises_reciprocity(stats, cadence_days):
    moved = dataclasses.replace(stats, favours_asked=stats.favours_asked + 1)
    assert reciprocity(moved) <= reciprocity(stats)
    assert (
        depth_score(moved, cadence_days).components["reciprocity"]
        <= (depth_score(stats, cadence_days).components["reciprocity"])
    )


@THOROUGH
@given(contact_stats(), cadences, st.data())
def test_knowing_someone_longer_never_lowers_the_score(stats, cadence_days, data):
    latest = stats.known_since or stats.as_of.date()
    earlier = data.draw(st.dates(min_value=latest - datetime.timedelta(days=80 * 365), max_value=latest))
    moved = dataclasses.replace(stats, known_since=earlier)
    before, after = depth_score(stats, cadence_days), depth_score(moved, cadence_days)
    assert after.components["duration"] >= before.components["duration"]
    assert after.total >= before.total


# --- depth_score: examples ---------------------------------------------------

AS_OF = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def close_friend() -> ContactStats:
    """Weekly in person for five years, balanced, often noted, good conversations."""
    return ContactStats(
        as_of=AS_OF,
        count=260,
        first_at=AS_OF - datetime.timedelta(days=5 * 365),
        last_at=AS_OF - 2 * DAY,
        known_since=(AS_OF - datetime.timedelta(days=5 * 365)).date(),
        weighted_recent=52.0,
        recent_count=52,
        recent_first_at=AS_OF - datetime.timedelta(days=359),
        recent_last_at=AS_OF - 2 * DAY,
        outgoing=80,
        incoming=80,
        mutual=100,
        favours_asked=3,
        favours_given=3,
        with_note=200,
        quality_sum=4 * 150,
        quality_count=150,
    )


def test_a_close_friend_scores_well_above_a_never_contacted_acquaintance():
    friend = close_friend()
    assert_valid(friend)
    cadence = resolve_cadence(None, None, friend)
    assert cadence == Cadence(7, "learned", 52)
    friend_score = depth_score(friend, cadence.days)
    acquaintance = depth_score(ContactStats(as_of=AS_OF), None)

    assert friend_score.total >= 80
    assert acquaintance.total == 0
    assert friend_score.total - acquaintance.total >= 80
    assert friend_score.components["recency"] >= 0.8 * WEIGHTS["recency"]  # two days into a weekly rhythm
    assert friend_score.components["frequency"] >= 0.95 * WEIGHTS["frequency"]
    # Even starts give the full balance half; even favours give 0.5 of the favour half.
    assert friend_score.components["reciprocity"] == round(0.75 * WEIGHTS["reciprocity"], 1)
    assert friend_score.components["duration"] >= 0.8 * WEIGHTS["duration"]


def test_reciprocity_rises_towards_full_points_with_favours_given():
    friend = close_friend()
    points = [
        depth_score(dataclasses.replace(friend, favours_given=friend.favours_asked + extra), 7).components[
            "reciprocity"
        ]
        for extra in (0, 1, 3, 10, 100)
    ]
    assert points == sorted(points)
    assert points[-1] == WEIGHTS["reciprocity"]


def test_reciprocity_survives_a_huge_favour_imbalance():
    # Found by hypothesis: 1014 conversations, all of them favours asked, once overflowed exp().
    stats = ContactStats(
        as_of=AS_OF,
        count=1014,
        first_at=AS_OF - 1014 * DAY,
        last_at=AS_OF - DAY,
        favours_asked=1014,
    )
    score = depth_score(stats, 7)
    assert 0 <= score.components["reciprocity"] <= WEIGHTS["reciprocity"] / 2
    assert reciprocity(dataclasses.replace(stats, favours_asked=10**6, count=10**6)) >= 0


def test_a_contact_without_interactions_scores_zero_in_every_component():
    score = depth_score(ContactStats(as_of=AS_OF), 30)
    assert score.total == 0
    assert score.components == dict.fromkeys(WEIGHTS, 0.0)


def test_a_contact_without_interactions_gets_duration_only_from_known_since():
    known_since = AS_OF.date() - datetime.timedelta(days=round(10 * 365.25))
    score = depth_score(ContactStats(as_of=AS_OF, known_since=known_since), 30)
    expected = round(WEIGHTS["duration"] * (1 - math.exp(-10 / 3)), 1)
    assert score.components["duration"] == pytest.approx(expected, abs=0.1)
    assert {name: pts for name, pts in score.components.items() if name != "duration"} == {
        "recency": 0.0,
        "frequency": 0.0,
        "reciprocity": 0.0,
        "richness": 0.0,
    }
    assert score.total == round(expected)


@FAST
@given(contact_stats(max_count=0), cadences)
def test_no_interactions_means_nothing_but_duration(stats, cadence_days):
    score = depth_score(stats, cadence_days)
    assert all(pts == 0.0 for name, pts in score.components.items() if name != "duration")
    assert score.total <= WEIGHTS["duration"]
    if stats.known_since is None:
        assert score.total == 0


def test_one_conversation_today_is_full_recency():
    stats = ContactStats(
        as_of=AS_OF,
        count=1,
        first_at=AS_OF,
        last_at=AS_OF,
        recent_count=1,
        recent_first_at=AS_OF,
        recent_last_at=AS_OF,
        weighted_recent=1.0,
    )
    assert depth_score(stats, 14).components["recency"] == WEIGHTS["recency"]


def test_recency_halves_with_every_cadence_of_silence():
    stats = ContactStats(as_of=AS_OF, count=1, first_at=AS_OF - 14 * DAY, last_at=AS_OF - 14 * DAY)
    assert depth_score(stats, 14).components["recency"] == WEIGHTS["recency"] / 2
    assert depth_score(stats, 7).components["recency"] == round(WEIGHTS["recency"] / 4, 1)
    # No cadence: the fallback half-life applies.
    far = dataclasses.replace(
        stats, last_at=AS_OF - scoring.FALLBACK_CADENCE_DAYS * DAY, first_at=AS_OF - scoring.FALLBACK_CADENCE_DAYS * DAY
    )
    assert depth_score(far, None).components["recency"] == WEIGHTS["recency"] / 2


# --- resolve_cadence and Cadence.explain --------------------------------------


@FAST
@given(st.integers(1, 3650), cadences, contact_stats())
def test_own_cadence_wins(own, circle, stats):
    assert resolve_cadence(own, circle, stats) == Cadence(own, "contact")


@FAST
@given(st.integers(1, 3650), contact_stats())
def test_circle_cadence_beats_learned(circle, stats):
    assert resolve_cadence(None, circle, stats) == Cadence(circle, "circle")


@THOROUGH
@given(contact_stats())
def test_learned_cadence_is_clamped_and_needs_enough_conversations(stats):
    cadence = resolve_cadence(None, None, stats)
    gap, sample = learned_gap_days(stats)
    if stats.count < LEARNED_MIN_CONVERSATIONS:
        assert gap is None
    if gap is None:
        assert cadence == Cadence(None, "none")
        return
    assert cadence.source == "learned"
    assert type(cadence.days) is int
    assert LEARNED_MIN_DAYS <= cadence.days <= LEARNED_MAX_DAYS
    assert cadence.sample == sample >= LEARNED_MIN_CONVERSATIONS
    assert cadence.days == min(LEARNED_MAX_DAYS, max(LEARNED_MIN_DAYS, round(gap)))
    # The recent window is preferred when it holds enough conversations.
    if stats.recent_count >= LEARNED_MIN_CONVERSATIONS:
        assert sample == stats.recent_count
    else:
        assert sample == stats.count


def _regular(count: int, every_days: float, last_ago_days: float = 1) -> ContactStats:
    last = AS_OF - datetime.timedelta(days=last_ago_days)
    first = last - datetime.timedelta(days=every_days * (count - 1))
    recent = first > AS_OF - datetime.timedelta(days=FREQUENCY_WINDOW_DAYS)
    return ContactStats(
        as_of=AS_OF,
        count=count,
        first_at=first,
        last_at=last,
        recent_count=count if recent else 0,
        recent_first_at=first if recent else None,
        recent_last_at=last if recent else None,
        weighted_recent=0.5 * count if recent else 0.0,
    )


@pytest.mark.parametrize(
    "count, every_days, expected",
    [
        (12, 21, Cadence(21, "learned", 12)),
        (4, 10, Cadence(10, "learned", 4)),
        (3, 10, Cadence(None, "none")),  # too few conversations
        (50, 0.1, Cadence(LEARNED_MIN_DAYS, "learned", 50)),  # several a day → clamped up
        (4, 1000, Cadence(LEARNED_MAX_DAYS, "learned", 4)),  # every three years → clamped down
    ],
)
def test_learned_cadence_examples(count, every_days, expected):
    assert resolve_cadence(None, None, _regular(count, every_days)) == expected


def test_learned_cadence_falls_back_to_the_whole_history():
    # Only two conversations in the last year, ten in all: learned from all ten.
    stats = dataclasses.replace(
        _regular(10, 60),
        recent_count=2,
        recent_first_at=AS_OF - 61 * DAY,
        recent_last_at=AS_OF - 1 * DAY,
        weighted_recent=1.0,
    )
    assert resolve_cadence(None, None, stats) == Cadence(60, "learned", 10)


def test_zero_own_or_circle_cadence_falls_through():
    stats = _regular(12, 21)
    assert resolve_cadence(0, 7, stats) == Cadence(7, "circle")
    assert resolve_cadence(None, 0, stats) == Cadence(21, "learned", 12)


@pytest.mark.parametrize(
    "cadence, label, expected",
    [
        (Cadence(21, "learned", 12), "", "about every 3 weeks — learned from 12 conversations"),
        (Cadence(7, "circle"), "Inner circle", "every week — the default for your inner circle"),
        (Cadence(30, "circle"), "", "every month — the default for your circle"),
        (Cadence(10, "contact"), "Friends", "every 10 days — set for this person"),
        (Cadence(None, "none"), "Friends", "no regular rhythm yet"),
    ],
)
def test_cadence_explain(cadence, label, expected):
    assert cadence.explain(label) == expected


@pytest.mark.parametrize(
    "days, expected",
    [
        (1, "every day"),
        (5, "every 5 days"),
        (7, "every week"),
        (10, "every 10 days"),
        (14, "every 2 weeks"),
        (21, "every 3 weeks"),
        (30, "every month"),
        (60, "every 2 months"),
        (90, "every 3 months"),
        (180, "every 6 months"),
        (365, "every year"),
        (730, "every 2 years"),
    ],
)
def test_describe_days(days, expected):
    assert describe_days(days) == expected


@FAST
@given(st.integers(1, 3650))
def test_describe_days_never_says_one_of_a_plural(days):
    text = describe_days(days)
    assert text.startswith("every ")
    assert " 1 " not in text + " "
    assert " 0 " not in text + " "


# --- overdue_level -------------------------------------------------------------


@THOROUGH
@given(
    st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2040, 1, 1)),
    st.integers(1, 3650),
    st.integers(-4000, 8000),
)
def test_overdue_level(due_on, cadence_days, late):
    today = due_on + datetime.timedelta(days=late)
    level = overdue_level(today, due_on, cadence_days)
    if late < 0:
        assert level is None
    elif late < 0.5 * cadence_days:
        assert level == "yellow"
    else:
        assert level == "red"


@pytest.mark.parametrize(
    "late, cadence_days, expected",
    [
        (-1, 7, None),
        (0, 7, "yellow"),
        (3, 7, "yellow"),
        (4, 7, "red"),
        (4, 10, "yellow"),
        (5, 10, "red"),
        (0, 1, "yellow"),
        (1, 1, "red"),
    ],
)
def test_overdue_level_examples(late, cadence_days, expected):
    due = datetime.date(2026, 6, 1)
    assert overdue_level(due + datetime.timedelta(days=late), due, cadence_days) == expected


def test_overdue_level_without_a_due_date_or_cadence():
    today = datetime.date(2026, 6, 1)
    assert overdue_level(today, None, 7) is None
    assert overdue_level(today, today - 100 * DAY, None) is None


# --- is_fading -------------------------------------------------------------------


@THOROUGH
@given(contact_stats(), st.sampled_from(TIMEZONES), st.integers(-3, 20 * 365))
def test_fading_only_after_eight_usual_gaps_of_silence(stats, tz, days_after):
    base = stats.last_at.astimezone(tz).date() if stats.last_at else stats.as_of.date()
    today = base + datetime.timedelta(days=days_after)
    fading, gap = is_fading(stats, today, tz)
    assert gap == learned_gap_days(stats)[0]
    if stats.last_at is None or gap is None:
        assert not fading
        return
    silence = (today - stats.last_at.astimezone(tz).date()).days
    if fading:
        assert silence > FADING_FACTOR * gap
    # Gaps under a day count as a day: conversation bursts never fade within 8 days.
    assert fading == (silence > FADING_FACTOR * max(gap, 1))


def test_fading_examples():
    weekly = _regular(52, 7, last_ago_days=0)  # last conversation at AS_OF
    today = AS_OF.date()
    assert is_fading(weekly, today + 56 * DAY, UTC) == (False, pytest.approx(7))
    assert is_fading(weekly, today + 57 * DAY, UTC) == (True, pytest.approx(7))
    assert is_fading(_regular(3, 7), today + 1000 * DAY, UTC) == (False, None)  # too little history
    assert is_fading(ContactStats(as_of=AS_OF), today, UTC) == (False, None)


# --- next_yearly -----------------------------------------------------------------

valid_month_days = st.integers(1, 12).flatmap(
    lambda month: st.tuples(st.just(month), st.integers(1, [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]))
)


@THOROUGH
@given(valid_month_days, st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2200, 12, 31)))
def test_next_yearly_is_the_first_occurrence_from_today(month_day, today):
    month, day = month_day

    def falls_on(date: datetime.date) -> bool:
        if (month, day) == (2, 29) and not _is_leap(date.year):
            return (date.month, date.day) == (2, 28)
        return (date.month, date.day) == (month, day)

    result = next_yearly(month, day, today)
    assert today <= result <= today + datetime.timedelta(days=366)
    assert falls_on(result)
    # Nothing earlier from today on matches.
    probe = today
    while probe < result:
        assert not falls_on(probe), probe
        probe += DAY


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@pytest.mark.parametrize(
    "month, day, today, expected",
    [
        (1, 2, datetime.date(2026, 12, 30), datetime.date(2027, 1, 2)),  # across the year end
        (12, 30, datetime.date(2026, 12, 30), datetime.date(2026, 12, 30)),  # today is the birthday
        (2, 29, datetime.date(2027, 1, 10), datetime.date(2027, 2, 28)),  # common year
        (2, 29, datetime.date(2027, 2, 28), datetime.date(2027, 2, 28)),
        (2, 29, datetime.date(2028, 1, 10), datetime.date(2028, 2, 29)),  # leap year
        (2, 29, datetime.date(2028, 2, 29), datetime.date(2028, 2, 29)),
        (2, 29, datetime.date(2027, 3, 1), datetime.date(2028, 2, 29)),
        (2, 29, datetime.date(2028, 3, 1), datetime.date(2029, 2, 28)),
        (2, 28, datetime.date(2028, 2, 29), datetime.date(2029, 2, 28)),
    ],
)
def test_next_yearly_examples(month, day, today, expected):
    assert next_yearly(month, day, today) == expected


# --- next_due_on -------------------------------------------------------------------


def test_next_due_on_takes_the_local_date_of_the_last_conversation():
    last_at = datetime.datetime(2026, 3, 10, 23, 30, tzinfo=UTC)
    since = datetime.date(2020, 1, 1)
    assert next_due_on(last_at, since, 7, ZoneInfo("Pacific/Auckland")) == datetime.date(2026, 3, 18)
    assert next_due_on(last_at, since, 7, UTC) == datetime.date(2026, 3, 17)
    assert next_due_on(last_at, since, 7, ZoneInfo("America/Los_Angeles")) == datetime.date(2026, 3, 17)
    early = datetime.datetime(2026, 3, 10, 3, 0, tzinfo=UTC)
    assert next_due_on(early, since, 7, ZoneInfo("America/Los_Angeles")) == datetime.date(2026, 3, 16)


def test_next_due_on_without_a_conversation_or_cadence():
    since = datetime.date(2026, 1, 1)
    assert next_due_on(None, since, 30, UTC) == datetime.date(2026, 1, 31)
    assert next_due_on(datetime.datetime(2026, 2, 1, tzinfo=UTC), since, None, UTC) is None
    assert next_due_on(None, since, None, UTC) is None


@FAST
@given(as_of_datetimes, st.sampled_from(TIMEZONES), st.integers(1, 3650))
def test_next_due_on_is_a_cadence_after_the_local_day(last_at, tz, cadence_days):
    due = next_due_on(last_at, datetime.date(1999, 1, 1), cadence_days, tz)
    assert due == last_at.astimezone(tz).date() + datetime.timedelta(days=cadence_days)
    assert abs((due - last_at.date()).days - cadence_days) <= 1


# --- scoring by column ---------------------------------------------------------

# Contacts scored together, as the nightly pass does: one moment, each with its
# own cadence and circle cadence; None for a contact without any interaction.
batches = as_of_datetimes.flatmap(
    lambda moment: st.lists(
        st.tuples(st.none() | contact_stats(max_count=400, moments=st.just(moment)), cadences, cadences,
                  st.sampled_from(TIMEZONES)),
        min_size=1,
        max_size=25,
    ).map(lambda people: (moment, people))
)


@THOROUGH
@given(batches, st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2040, 1, 1)))
def test_a_batch_scores_each_contact_as_scoring_it_alone_does(batch, today):
    as_of, people = batch
    alone = [stats or ContactStats(as_of=as_of) for stats, *_ in people]
    columns = scoring.StatsColumns.from_rows(
        as_of,
        [None if stats is None else tuple(getattr(stats, name) for name in scoring.FIGURES) for stats, *_ in people],
        [stats.known_since if stats else None for stats, *_ in people],
    )
    gaps, samples = scoring.learned_gaps(columns)
    days, sources, used = scoring.resolve_cadences([p[1] for p in people], [p[2] for p in people], gaps, samples)
    scores = scoring.depth_scores(columns, days)
    zones = [p[3] for p in people]
    last_days = scoring.local_dates(columns.last_at, zones)
    due = scoring.next_due_dates(last_days, [today] * len(people), days)
    levels = scoring.overdue_levels([today] * len(people), due, days)
    fading = scoring.fadings([today] * len(people), last_days, gaps)
    for i, (stats, (_, own, circle, tz)) in enumerate(zip(alone, people, strict=True)):
        cadence = resolve_cadence(own, circle, stats)
        assert (days[i], sources[i], used[i]) == (cadence.days, cadence.source, cadence.sample)
        assert (gaps[i], samples[i]) == learned_gap_days(stats)
        score = depth_score(stats, cadence.days)
        assert scores.total[i] == score.total
        assert {name: points[i] for name, points in scores.components.items()} == score.components
        assert due[i] == next_due_on(stats.last_at, today, cadence.days, tz)
        assert levels[i] == overdue_level(today, due[i], cadence.days)
        assert (fading[i], gaps[i]) == is_fading(stats, today, tz)


def test_one_contact_is_scored_by_the_same_formula_as_a_batch():
    friend = close_friend()
    columns = scoring.StatsColumns.of(friend)
    assert list(columns.count) == [friend.count] and list(columns.known_since) == [friend.known_since]
    scores = scoring.depth_scores(columns, [7])
    assert depth_score(friend, 7) == scoring.Score(
        scores.total[0], {name: points[0] for name, points in scores.components.items()}
    )
    # Written out, the close friend's points: two days into a weekly rhythm, and so on.
    assert depth_score(friend, 7).components == {
        "recency": round(50 * 0.5 ** (2 / 7), 1),
        "frequency": round(20 * (1 - math.exp(-52 / 12)), 1),
        "reciprocity": 7.5,
        "duration": round(5 * (1 - math.exp(-((5 * 365) / 365.25) / 3)), 1),
        "richness": round(15 * (0.5 * 200 / 260 + 0.5 * (4 - 1) / 4), 1),
    }


@THOROUGH
@given(st.sampled_from(list(WEIGHTS.values())), st.lists(st.floats(-0.5, 1.5) | st.sampled_from([0.0, -0.0, 1.0]),
                                                         max_size=50))
def test_points_are_the_clamped_value_rounded_to_a_tenth(weight, values):
    expected = [round(weight * (1.0 if value > 1.0 else 0.0 if value < 0.0 else value), 1) for value in values]
    points = scoring._points(weight, values)
    assert points == expected
    assert [math.copysign(1, p) for p in points] == [math.copysign(1, e) for e in expected]


@pytest.mark.parametrize("value", [0.0125, 0.0375, 0.0625, 0.04500000000000001, 0.0449999999999999, 0.15, 0.25])
def test_points_round_ties_as_round_does(value):
    # 0.0125 × 20 is 0.25 and rounds to 0.2; 0.0375 × 20 is 0.75 and rounds to 0.8 (half to even, on the exact value).
    assert scoring._points(20, [value]) == [round(20 * value, 1)]
    assert scoring._points(50, [value]) == [round(50 * value, 1)]
