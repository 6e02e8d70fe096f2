"""What each contact's interactions add up to: computed as of a moment, or kept in ``ContactActivity``.

One definition of the figures (``_grouped``) serves both. The engine scores the
past (``--as-of``, the weekly history) straight from the interactions; the
nightly pass reads one stored row per contact instead. Every write path that
adds, edits or deletes interactions refreshes the rows of the contacts it
touched (``refresh``, through ``services.refresh_contact_figures``), so the
all-time figures are always current.

The "recent" figures cover the interactions after ``window_since``. As time
moves on the window only loses interactions from its old end, so a stored row
stays exact until its oldest recent interaction (``recent_first_at``) falls
out; then ``stored_as_of`` takes off what left (``_slide``) and writes the row
back. Between two nights only the people with a conversation about a window
ago move, a small share of them.
"""

import dataclasses
import datetime

from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Max, Min, Q, Sum, Value, When
from django.utils import timezone

from contacts import scoring
from contacts.models import Contact

from . import engine_writes
from .models import ActivityStamp, ContactActivity, Interaction, InteractionContact, Kind

# The figures per contact, as tuples in the order of ContactStats' fields, so
# that ``ContactStats(as_of, *figures)`` builds one at the least cost.
FIGURES = tuple(f.name for f in dataclasses.fields(scoring.ContactStats))[1:-1]
AT = {name: i for i, name in enumerate(FIGURES)}  # where each figure sits in a row
# A contact's stored row as the engine reads it with the contact: its window, its asks, then FIGURES.
STORED = ("window_since", "asks_since_given", *FIGURES)
COUNT, LAST_AT, LAST_ASKED_AT = AT["count"], AT["last_at"], AT["last_asked_at"]
WEIGHTED, RECENT_COUNT, RECENT_FIRST_AT, RECENT_LAST_AT = (
    AT["weighted_recent"],
    AT["recent_count"],
    AT["recent_first_at"],
    AT["recent_last_at"],
)
BEGINNING = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)  # before any interaction

def window_start(as_of: datetime.datetime) -> datetime.datetime:
    """Interactions after this moment are "recent" as of ``as_of``."""
    return as_of - datetime.timedelta(days=scoring.FREQUENCY_WINDOW_DAYS)


def _depth():
    # Channel depth in hundredths: a sum of integers is exact in any order and
    # can be taken apart again, so a stored figure and one computed later agree
    # to the last bit.
    return Case(
        *[
            When(interaction__channel=channel, then=Value(round(w * 100)))
            for channel, w in scoring.CHANNEL_DEPTH.items()
        ],
        default=Value(0),
        output_field=IntegerField(),
    )


def _grouped(rows, since):
    """``rows`` (InteractionContact) grouped by contact: its id, then FIGURES in that order."""
    depth = _depth()
    recent = Q(interaction__occurred_at__gt=since)
    when = "interaction__occurred_at"
    figures = {
        "count": Count("pk"),
        "first_at": Min(when),
        "last_at": Max(when),
        "outgoing": Count("pk", filter=Q(interaction__direction="outgoing")),
        "incoming": Count("pk", filter=Q(interaction__direction="incoming")),
        "mutual": Count("pk", filter=Q(interaction__direction="mutual")),
        "favours_asked": Count("pk", filter=Q(interaction__kind=Kind.FAVOUR_ASKED)),
        "favours_given": Count("pk", filter=Q(interaction__kind=Kind.FAVOUR_GIVEN)),
        "last_asked_at": Max(when, filter=Q(interaction__kind=Kind.FAVOUR_ASKED)),
        "last_given_at": Max(when, filter=Q(interaction__kind=Kind.FAVOUR_GIVEN)),
        "with_note": Count("pk", filter=~Q(interaction__note="")),
        "quality_sum": Sum("interaction__quality", default=0),
        "quality_count": Count("interaction__quality"),
        "weighted_recent": Sum(depth, filter=recent, default=0),
        "recent_count": Count("pk", filter=recent),
        "recent_first_at": Min(when, filter=recent),
        "recent_last_at": Max(when, filter=recent),
    }
    return rows.values("contact_id").annotate(**{name: figures[name] for name in FIGURES}).order_by()


def _big_group_by() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Compiling this query costs more than it saves, and a whole user's
            # GROUP BY should sort in memory rather than spill to disk.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")


def as_of(owner_ids, moment, contact_ids=None) -> dict[int, list]:
    """FIGURES per contact from the interactions up to ``moment`` (contacts without any are left out)."""
    rows = InteractionContact.objects.filter(interaction__owner_id__in=owner_ids, interaction__occurred_at__lte=moment)
    if contact_ids is not None:
        rows = rows.filter(contact_id__in=contact_ids)
    with transaction.atomic():
        _big_group_by()
        figures = {}
        for cid, *row in _grouped(rows, window_start(moment)).values_list("contact_id", *FIGURES):
            row[WEIGHTED] /= 100
            figures[cid] = row
        return figures


def state(row, moment: datetime.datetime, window_since: datetime.datetime, since=None) -> str:
    """What a stored row (FIGURES) needs to give the figures ``as_of`` would at ``moment``.

    "current": nothing. "moved": its window has lost conversations from its
    old end (the window starts later at ``moment``, ``since``), which can be
    taken off. "stale": it must be computed again — its window starts after
    ``moment``'s, or a conversation lies after ``moment`` (logged a little
    ahead of the clock).
    """
    since = since or window_start(moment)
    if window_since > since or (row[LAST_AT] is not None and row[LAST_AT] > moment):
        return "stale"
    if row[RECENT_FIRST_AT] is not None and row[RECENT_FIRST_AT] <= since:
        return "moved"
    return "current"


def fetch(rows):
    """The rows of a values_list() query; on PostgreSQL in binary, by a cursor of psycopg's own.

    Django's cursor reads text and wraps each timestamp in a Python call to
    set its time zone, and a row here holds seven: that was a third of
    reading every contact's figures. In binary a timestamp is 8 bytes to send
    and to read rather than 32 characters to parse. The session is in UTC, so
    psycopg's values are the same.
    """
    if connection.vendor != "postgresql" or connection.timezone_name != "UTC":
        return list(rows)
    sql, params = rows.query.sql_with_params()
    with engine_writes.bound_cursor() as cursor:  # binary results need server-side binding
        cursor.execute(sql, params, binary=True)
        return cursor.fetchall()


def stored_as_of(owner_ids, moment, contact_ids, stored):
    """The same figures as ``as_of(owner_ids, moment, contact_ids)``, from the stored rows.

    ``stored`` holds, for each of ``contact_ids`` in the same order, its
    stored row as read with the contact (STORED: ``window_since`` is None
    where it has none). Rows whose window moved on lose the conversations that
    left it (``_slide``); rows that are missing or stale are computed from the
    interactions. Both are written back.

    Returns the figures, the favours asked since the last one given with the
    latest ask, and the contacts that were computed from the interactions.
    """
    figures, asks, moved, stale = {}, {}, {}, []
    since = window_start(moment)
    for cid, (window_since, asked, *row) in zip(contact_ids, stored, strict=True):
        kind = "stale" if window_since is None else state(row, moment, window_since, since)
        if kind == "stale":
            stale.append(cid)
            continue
        if asked:
            asks[cid] = (asked, row[LAST_ASKED_AT])
        if kind == "moved":
            moved[cid] = (row, window_since)
        elif row[COUNT]:
            row[WEIGHTED] /= 100
            figures[cid] = row
    for cid, row in _slide(moved, since).items():
        row[WEIGHTED] /= 100
        figures[cid] = row
    if stale:
        stale.sort()
        figures |= as_of(owner_ids, moment, stale)
        refresh(stale, now=moment)
    return figures, asks, stale


def _slide(moved: dict, since) -> dict:
    """Take the conversations that left the window off the rows in ``moved`` (id → (row, window_since)).

    For each person, by the moment their links carry (a range of one index):
    the conversations between the row's old window start and ``since``
    (taken off the recent count and weight), and the first one after
    ``since`` (the window's new first). The rows are written back only if
    unchanged since they were read, so a conversation logged meanwhile is
    never lost.

    Returns the updated rows (FIGURES, weight in hundredths).
    """
    if not moved:
        return {}
    slid = {}
    for cid, n, weight, first in _leaving(moved, since):
        row = moved[cid][0]
        row[RECENT_COUNT] -= n
        row[WEIGHTED] -= weight
        if row[RECENT_COUNT]:
            row[RECENT_FIRST_AT] = first
        else:
            row[RECENT_FIRST_AT] = row[RECENT_LAST_AT] = None
        slid[cid] = row
    engine_writes.windows(
        [
            (cid, moved[cid][1], since, row[WEIGHTED], row[RECENT_COUNT], row[RECENT_FIRST_AT], row[RECENT_LAST_AT])
            for cid, row in slid.items()
        ]
    )
    return slid


def _leaving(moved: dict, since):
    """What left each moved window: rows of (id, conversations, their weight in hundredths, first after).

    For each of ``moved`` (id → (row, window_since)): the conversations after
    its ``window_since`` up to ``since``, and its first conversation after
    ``since`` (None if there is none).
    """
    if connection.vendor != "postgresql":
        links = InteractionContact.objects.filter(contact_id__in=list(moved))
        leaving = {
            cid: (n, weight)
            for cid, n, weight in links.filter(
                occurred_at__gt=F("contact__activity__window_since"), occurred_at__lte=since
            )
            .values("contact_id")
            .annotate(n=Count("pk"), weight=Sum(_depth(), default=0))
            .values_list("contact_id", "n", "weight")
        }
        first = dict(
            links.filter(occurred_at__gt=since).values("contact_id").annotate(first=Min("occurred_at"))
            .values_list("contact_id", "first")
        )
        return [(cid, *leaving.get(cid, (0, 0)), first.get(cid)) for cid in moved]
    depths = " ".join(f"WHEN %s THEN {round(w * 100)}" for w in scoring.CHANNEL_DEPTH.values())
    links, interactions = InteractionContact._meta.db_table, Interaction._meta.db_table
    # An array of people, and a lateral subquery each through their own index
    # range: joined as a set, the planner cannot know how few links qualify.
    with transaction.atomic(), engine_writes.bound_cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")  # its estimate crosses the JIT threshold; compiling costs more
        cursor.execute(
            f"""
            SELECT p.id, gone.n, gone.weight, (
                SELECT ic.occurred_at FROM {links} AS ic
                WHERE ic.contact_id = p.id AND ic.occurred_at > %s ORDER BY ic.occurred_at LIMIT 1
            )
            FROM unnest(%s::bigint[], %s::timestamptz[]) AS p (id, window_since)
            CROSS JOIN LATERAL (
                SELECT COUNT(*) AS n, COALESCE(SUM(CASE i.channel {depths} ELSE 0 END), 0) AS weight
                FROM {links} AS ic JOIN {interactions} AS i ON i.id = ic.interaction_id
                WHERE ic.contact_id = p.id AND ic.occurred_at > p.window_since AND ic.occurred_at <= %s
            ) AS gone
            """,
            [since, list(moved), [window_since for _, window_since in moved.values()], *scoring.CHANNEL_DEPTH, since],
        )
        return cursor.fetchall()


@transaction.atomic
def refresh(contact_ids=None, *, owner_id=None, now=None) -> None:
    """Recompute the stored figures of these contacts (or all of ``owner_id``'s) from their interactions.

    The contacts' rows are locked first, so two writers touching the same
    person refresh one after the other and the second sees the first's
    interactions. Four statements, whatever the number of contacts.
    """
    if contact_ids is not None:
        contact_ids = list(contact_ids)
        if not contact_ids:
            return
        in_list = ", ".join(["%s"] * len(contact_ids))
        contacts, links = (
            Contact.objects.filter(pk__in=contact_ids),
            InteractionContact.objects.filter(contact_id__in=contact_ids),
        )
        scope, link_scope, scope_params = f"c.id IN ({in_list})", f"ic.contact_id IN ({in_list})", contact_ids
    elif owner_id is not None:
        contacts = Contact.objects.filter(owner_id=owner_id)
        links = InteractionContact.objects.filter(interaction__owner_id=owner_id)
        scope, link_scope, scope_params = "c.owner_id = %s", "i.owner_id = %s", [owner_id]
        _big_group_by()
    else:
        raise TypeError("Give contact_ids or owner_id.")
    since = window_start(now or timezone.now())
    owner_ids = {owner for _, owner in contacts.order_by("pk").select_for_update().values_list("pk", "owner_id")}
    table, contact_table = ContactActivity._meta.db_table, Contact._meta.db_table
    link_table, interaction_table = InteractionContact._meta.db_table, Interaction._meta.db_table
    columns = ", ".join(("contact_id", *FIGURES, "window_since", "asks_since_given"))
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in (*FIGURES, "window_since", "asks_since_given"))
    grouped, params = _grouped(links, since).query.sql_with_params()
    zeros = ", ".join(
        "NULL" if ContactActivity._meta.get_field(name).get_internal_type() == "DateTimeField" else "0"
        for name in FIGURES
    )
    with connection.cursor() as cursor:
        # WHERE true: SQLite needs it to tell ON CONFLICT from a join's ON.
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT grouped.*, %s, 0 FROM ({grouped}) AS grouped WHERE true "
            f"ON CONFLICT (contact_id) DO UPDATE SET {updates}",
            (since, *params),
        )
        # Contacts left without interactions keep a row of zeros: a missing row means "never computed".
        cursor.execute(
            f"""
            INSERT INTO {table} ({columns})
            SELECT c.id, {zeros}, %s, 0 FROM {contact_table} AS c
            WHERE {scope} AND NOT EXISTS (SELECT 1 FROM {link_table} AS ic WHERE ic.contact_id = c.id)
            ON CONFLICT (contact_id) DO UPDATE SET {updates}
            """,
            (since, *scope_params),
        )
        # Counted apart: which asks count depends on each contact's own last favour given.
        cursor.execute(
            f"""
            UPDATE {table} AS a SET asks_since_given = asks.n
            FROM (
                SELECT ic.contact_id, COUNT(*) AS n
                FROM {link_table} AS ic
                JOIN {interaction_table} AS i ON i.id = ic.interaction_id
                JOIN {table} AS since_given ON since_given.contact_id = ic.contact_id
                WHERE {link_scope} AND i.kind = %s AND i.occurred_at > COALESCE(since_given.last_given_at, %s)
                GROUP BY ic.contact_id
            ) AS asks
            WHERE a.contact_id = asks.contact_id
            """,
            (*scope_params, Kind.FAVOUR_ASKED, BEGINNING),
        )
    stamp(owner_ids)


def stamp(owner_ids) -> None:
    """Move the owners' ``ActivityStamp``: their conversations changed (one statement).

    Called last in the transaction that changed them: the row stays locked
    until that transaction ends, so the later it is taken the shorter the wait
    of another writer for the same owner.
    """
    owner_ids = sorted(set(owner_ids))
    if not owner_ids:
        return
    table = ActivityStamp._meta.db_table
    rows = ", ".join(["(%s, 1)"] * len(owner_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (owner_id, version) VALUES {rows} "
            f"ON CONFLICT (owner_id) DO UPDATE SET version = {table}.version + 1",
            owner_ids,
        )
