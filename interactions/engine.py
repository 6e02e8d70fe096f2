"""The engine: cadences, depth scores and nudges, recomputed set-based.

One pass over a batch of users costs a fixed number of queries, however many
contacts and interactions they have: their contacts; what their interactions
add up to (``activity``: for the present, the stored row of each contact, with
the few stale rows recomputed; for a past moment, one GROUP BY over the
interactions up to then); the favours of the few contacts who may owe a
favour, their important dates; then the contacts with their snapshots and the
nudges (``engine_writes``). The scoring itself is pure Python
(``contacts.scoring``), one call per formula for the whole batch: the contacts
travel as columns, and only those with a nudge become a dict. Running a pass
twice leaves the same state: contact fields are overwritten, nudges are unique
on (contact, reason, due date) and snapshots on (contact, week).
"""

import contextlib
import datetime
import functools
import gc
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from contacts import scoring
from contacts.models import Circle, CircleCadence, Contact, ImportantDate

from . import activity, engine_writes
from .models import Interaction, InteractionContact, Kind, Nudge

GIVE_AND_TAKE_ASKS = 3  # favours asked since the last one given that earn a nudge
USERS_PER_BATCH = 50
NIGHTLY_HOUR = 3  # local time at which each user's nightly recompute runs
HISTORY_WEEKS = 104  # how far back a rebuild of the weekly score history goes

CONTACT_FIELDS = (
    "id", "owner_id", "display_name", "given_name", "nickname", "circle", "cadence_days", "met_on",
    "birthday_month", "birthday_day", "birthday_year", "created_at",
)


@dataclass
class Summary:
    users: int = 0
    contacts: int = 0
    nudges: int = 0

    def __iadd__(self, other):
        self.users += other.users
        self.contacts += other.contacts
        self.nudges += other.nudges
        return self


def _asks_since_last_favour(aggregates, as_of):
    """Favours asked since the last one given, and the latest ask, for contacts with enough asks to matter."""
    asked, last_asked, last_given = (activity.AT[name] for name in ("favours_asked", "last_asked_at", "last_given_at"))
    candidates = {
        cid: row[last_given]
        for cid, row in aggregates.items()
        if row[asked] >= GIVE_AND_TAKE_ASKS and (row[last_given] is None or row[last_asked] > row[last_given])
    }
    if not candidates:
        return {}
    asks = defaultdict(int)
    for cid, when in InteractionContact.objects.filter(
        contact_id__in=list(candidates), interaction__kind=Kind.FAVOUR_ASKED, interaction__occurred_at__lte=as_of
    ).values_list("contact_id", "interaction__occurred_at"):
        if candidates[cid] is None or when > candidates[cid]:
            asks[cid] += 1
    return {cid: (n, aggregates[cid][last_asked]) for cid, n in asks.items()}


def _first_name(contact) -> str:
    return contact["nickname"] or contact["given_name"] or contact["display_name"]


def _days_phrase(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} days"


def _silence(days: int) -> str:
    if days == 1:
        return "1 day"
    if days < 60:
        return f"{days} days"
    if days < 730:
        return f"{round(days / 30.4)} months"
    return f"{round(days / 365)} years"


class _Nudges:
    """Collects the nudges one pass wants to exist."""

    def __init__(self):
        self.rows: list[tuple] = []  # engine_writes.NUDGE_FIELDS

    def add(self, contact, reason, due_on, show_from, message, priority, level=Nudge.Level.INFO, date_id=None):
        self.rows.append(
            (contact["owner_id"], contact["id"], reason, due_on, show_from, message[:300], round(priority, 4), level,
             date_id)
        )


def _yearly_nudges(nudges, contact, depth, today, lead, dates, next_yearly):
    weight = 0.3 + depth / 100
    if contact["birthday_month"] and contact["birthday_day"]:
        day = next_yearly(contact["birthday_month"], contact["birthday_day"], today)
        ahead = (day - today).days
        if ahead <= lead:
            turns = f" (turns {day.year - contact['birthday_year']})" if contact["birthday_year"] else ""
            nudges.add(
                contact, Nudge.Reason.BIRTHDAY, day, day - datetime.timedelta(days=lead),
                f"Birthday {_days_phrase(ahead)}{turns}", weight * (3 - 2 * ahead / max(lead, 1)),
            )
    for date in dates:
        day = next_yearly(date["month"], date["day"], today)
        ahead = (day - today).days
        if ahead <= lead:
            nudges.add(
                contact, Nudge.Reason.DATE, day, day - datetime.timedelta(days=lead),
                f"{date['label']} {_days_phrase(ahead)}", weight * (2.5 - 2 * ahead / max(lead, 1)),
                date_id=date["id"],
            )


def _contact_nudges(nudges, contact, facts, depth, today, tz, circle_label, asks):
    """The overdue or fading nudge and the give-and-take one; ``facts`` is what the scoring found."""
    cadence, due, last_day, fading, gap, level, favours_given = facts
    name = _first_name(contact)
    weight = 0.3 + depth / 100
    if fading:
        silent = (today - last_day).days
        due = last_day + datetime.timedelta(days=round(scoring.FADING_FACTOR * gap))
        nudges.add(
            contact, Nudge.Reason.FADING, due, due,
            f"Silent for {_silence(silent)}; you used to talk {scoring.describe_days(max(1, round(gap)))}. "
            "Reconnect, or let go?",
            weight * 0.8,
        )
    elif level:
        if last_day is not None:
            said = f"Last talked {_silence((today - last_day).days)} ago"
        else:
            said = "No conversation logged yet"
        late = (today - due).days
        nudges.add(
            contact, Nudge.Reason.OVERDUE, due, due, f"{said}; {cadence.explain(circle_label)}",
            # Lateness counts, but only up to 3× the cadence: a friend lost
            # for years must not push a close one a week late off the list.
            weight * (1 + min(2.0, late / cadence.days)),
            level=Nudge.Level.RED if level == "red" else Nudge.Level.YELLOW,
        )
    count, last_ask = asks
    if count >= GIVE_AND_TAKE_ASKS:
        # Keyed on the latest ask: one nudge per run of asks, not one a day.
        due = last_ask.astimezone(tz).date()
        since = "since you last offered anything in return" if favours_given else "with nothing in return yet"
        nudges.add(
            contact, Nudge.Reason.GIVE_AND_TAKE, due, due,
            f"You asked {name} for help {count} times {since}", weight * 1.1,
        )


def local_hour(time_zone: str, now: datetime.datetime | None = None) -> int:
    return (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(time_zone)).hour


def week_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _pass(users, *, as_of, contact_ids=None, nudges=True, write=True, stored=False) -> Summary:
    """One set-based pass over ``users`` (a list of User rows).

    ``stored`` reads each contact's figures from ``ContactActivity`` rather
    than grouping their interactions: the same result, for the present.
    """
    owner_ids = [u.pk for u in users]
    tz_of = {u.pk: u.zone for u in users}
    user_of = {u.pk: u for u in users}
    cadences = defaultdict(Circle.default_cadences)
    for row in CircleCadence.objects.filter(owner_id__in=owner_ids).values("owner_id", "circle", "cadence_days"):
        cadences[row["owner_id"]][row["circle"]] = row["cadence_days"]
    contacts = Contact.objects.filter(owner_id__in=owner_ids, archived=False)
    if contact_ids is not None:
        contacts = contacts.filter(pk__in=contact_ids)
    fields = CONTACT_FIELDS
    if stored:
        # Each contact's stored figures in the same read: one query, joined by key.
        fields += tuple(f"activity__{name}" for name in activity.STORED)
    rows = activity.fetch(contacts.order_by().values_list(*fields))
    column = dict(zip(CONTACT_FIELDS, zip(*rows, strict=True) if rows else [()] * len(fields)))
    ids, owners = column["id"], column["owner_id"]
    if stored:
        figures = len(CONTACT_FIELDS)
        aggregates, asks, stale = activity.stored_as_of(owner_ids, as_of, ids, (row[figures:] for row in rows))
        if nudges and stale:
            asks |= _asks_since_last_favour({cid: aggregates[cid] for cid in stale if cid in aggregates}, as_of)
    else:
        aggregates = activity.as_of(owner_ids, as_of, ids if contact_ids is not None else None)
        asks = _asks_since_last_favour(aggregates, as_of) if nudges else {}

    # Scored by column: one call of each formula for every contact of the batch.
    stats = scoring.StatsColumns.from_rows(as_of, [aggregates.get(cid) for cid in ids], column["met_on"])
    gaps, samples = scoring.learned_gaps(stats)
    circle_days = [cadences[owner].get(circle) for owner, circle in zip(owners, column["circle"], strict=True)]
    days, sources, used = scoring.resolve_cadences(column["cadence_days"], circle_days, gaps, samples)
    scores = scoring.depth_scores(stats, days)
    zones = [tz_of[owner] for owner in owners]
    last_days = scoring.local_dates(stats.last_at, zones)
    since = [
        None if last is not None else created.astimezone(tz).date()
        for last, created, tz in zip(stats.last_at, column["created_at"], zones, strict=True)
    ]
    due = scoring.next_due_dates(last_days, since, days)
    week = week_of(as_of.date())
    updates = engine_writes.ScoreRows(ids, scores, days, sources, used, due, stats.last_at)

    wanted = _Nudges()
    if nudges:
        dates = _important_dates(
            {"contact_id__in": ids} if contact_ids is not None else {"contact__owner_id__in": owner_ids}
        )
    with transaction.atomic():
        if nudges:
            existing = engine_writes.open_nudges(
                owner_ids=owner_ids, contact_ids=ids if contact_ids is not None else None
            )
        with engine_writes.scores(updates, scored_at=as_of, week=week, contacts=write):
            # Worked out while the database writes the scores, and written after them.
            if nudges:
                scored = (scores.total, days, sources, used, due, last_days, gaps, stats.favours_given)
                _wanted_nudges(wanted, column, dates, user_of, tz_of, as_of, asks, scored)
                engine_writes.nudges(wanted.rows, existing)
    return Summary(users=len(users), contacts=len(ids), nudges=len(wanted.rows))


def _important_dates(scope) -> dict[int, list[dict]]:
    """The important dates of the contacts in ``scope`` (a filter on ImportantDate), by contact."""
    dates = defaultdict(list)
    # By owner, not by a list of thousands of ids, when the whole of each user is recomputed.
    for row in ImportantDate.objects.filter(contact__archived=False, **scope).values(
        "id", "contact_id", "label", "month", "day"
    ):
        dates[row["contact_id"]].append(row)
    return dates


def _wanted_nudges(wanted, column, dates, user_of, tz_of, as_of, asks, scored) -> None:
    """The nudges of the contacts in ``column`` (CONTACT_FIELDS by name, a contact per position).

    ``scored`` holds what their scoring found, by column: depth, cadence days,
    source and sample, due date, local day of the last conversation, learned
    gap, favours given; ``dates`` their important dates (``_important_dates``).
    Who is fading, due or near a yearly date is found by column; only the
    contacts with a nudge become a dict and a message. No queries.
    """
    depths, days, sources, used, due, last_days, gaps, given = scored
    owners = column["owner_id"]
    today_of = {pk: as_of.astimezone(tz).date() for pk, tz in tz_of.items()}
    lead_of = {pk: user.birthday_lead_days for pk, user in user_of.items()}
    todays = [today_of[owner] for owner in owners]
    fading = scoring.fadings(todays, last_days, gaps)
    levels = scoring.overdue_levels(todays, due, days)
    next_yearly = functools.cache(scoring.next_yearly)  # a few hundred distinct days at most
    owed = {cid for cid, (count, _) in asks.items() if count >= GIVE_AND_TAKE_ASKS}
    picked = [
        i
        for i, (cid, owner, fades, level, month, day) in enumerate(
            zip(column["id"], owners, fading, levels, column["birthday_month"], column["birthday_day"], strict=True)
        )
        if fades or level or cid in owed or cid in dates
        or (month and day and (next_yearly(month, day, today_of[owner]) - today_of[owner]).days <= lead_of[owner])
    ]
    circle_labels = dict(Contact._meta.get_field("circle").choices)
    for i in picked:
        contact = {name: column[name][i] for name in CONTACT_FIELDS}
        owner, cid, today = contact["owner_id"], contact["id"], todays[i]
        ask = asks.get(cid, (0, None))
        if fading[i] or levels[i] or ask[0] >= GIVE_AND_TAKE_ASKS:
            facts = (scoring.Cadence(days[i], sources[i], used[i]), due[i], last_days[i], fading[i], gaps[i], levels[i],
                     given[i])
            _contact_nudges(wanted, contact, facts, depths[i], today, tz_of[owner], circle_labels[contact["circle"]],
                            ask)
        _yearly_nudges(wanted, contact, depths[i], today, lead_of[owner], dates.get(cid, ()), next_yearly)


def recompute_users(user_ids, *, as_of=None, contact_ids=None) -> Summary:
    """Recompute cadences, scores, snapshots and (for today) nudges of these users.

    ``as_of`` (a datetime) computes everything as it stood then, from the
    interactions up to that moment; nudges are only made for the present.
    """
    now = timezone.now()
    as_of = as_of or now
    summary = Summary()
    user_ids = list(user_ids)
    User = get_user_model()
    for start in range(0, len(user_ids), USERS_PER_BATCH):
        users = list(User.objects.filter(pk__in=user_ids[start : start + USERS_PER_BATCH]))
        present = as_of >= now - datetime.timedelta(minutes=5)
        with without_cycle_collection():
            summary += _pass(users, as_of=as_of, contact_ids=contact_ids, nudges=present, stored=present)
    return summary


@contextlib.contextmanager
def without_cycle_collection():
    """Python's cycle collector off for a pass, on again after (if it was on).

    A pass over 20,000 people makes hundreds of thousands of objects (rows, columns,
    dates) and no reference cycles among them, so the collections their
    numbers set off find nothing to free: 35–85 ms of a night. Freed by their
    reference counts as usual; what cycles Django makes meanwhile wait for the
    next collection.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def rebuild_score_history(
    user_id: int, until: datetime.datetime, *, weeks: int | None = None, contact_ids=None, since=None
) -> int:
    """Weekly score snapshots from the first interaction (or ``weeks`` back) up to ``until``.

    ``contact_ids`` limits it to those people, and ``since`` to the weeks
    ending after that moment: a week's score depends only on the
    conversations up to its end, so earlier weeks cannot have changed.
    """
    first = Interaction.objects.filter(owner_id=user_id, occurred_at__lte=until).order_by("occurred_at").first()
    if first is None:
        return 0
    user = get_user_model().objects.get(pk=user_id)
    start = week_of(first.occurred_at.date())
    if weeks is not None:
        start = max(start, week_of(until.date()) - datetime.timedelta(weeks=weeks))
    if since is not None:
        start = max(start, week_of(since.astimezone(datetime.UTC).date()))
    count = 0
    day = start + datetime.timedelta(days=6)
    while day < until.date():
        moment = datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=datetime.UTC)
        _pass([user], as_of=moment, contact_ids=contact_ids, nudges=False, write=False)
        count += 1
        day += datetime.timedelta(weeks=1)
    return count


def recompute_user(
    user_id: int, *, as_of=None, rebuild_history: bool = False, contact_ids=None, history_since=None
) -> Summary:
    """One user, e.g. after an import: optionally the weekly history first, then the present.

    ``contact_ids`` and ``history_since`` limit the history rebuilt to those
    people and the weeks from that moment (see ``rebuild_score_history``).
    """
    as_of = as_of or timezone.now()
    if rebuild_history:
        rebuild_score_history(user_id, as_of, weeks=HISTORY_WEEKS, contact_ids=contact_ids, since=history_since)
    return recompute_users([user_id], as_of=as_of)
