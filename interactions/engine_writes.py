"""The engine's writes: each contact's fields with the week's snapshot, the nudges, moved windows.

On PostgreSQL the rows travel as one JSON array of arrays, which costs far
less to build and to parse than a parameter per value: the contacts' UPDATE
and the snapshots' upsert share one statement, the nudges' upsert is another.
Other databases (SQLite for ``make run``) get the same result through the
ORM's bulk methods.
"""

import datetime
import json

from django.db import connection
from django.utils import timezone

from contacts.models import Contact, ScoreSnapshot

from .models import ContactActivity, Nudge

WRITE_BATCH = 2000

# One scored contact: (id, score, components, cadence days, cadence source, sample, next due on, last conversation).
SCORE_COLUMNS = (
    ("id", "bigint"),
    ("score", "smallint"),
    ("components", "jsonb"),
    ("cadence", "smallint"),
    ("source", "text"),
    ("sample", "int"),
    ("due", "date"),
    ("last_at", "timestamptz"),
)
# One wanted nudge, in this order.
NUDGE_COLUMNS = (
    ("owner_id", "bigint"),
    ("contact_id", "bigint"),
    ("reason", "text"),
    ("due_on", "date"),
    ("show_from", "date"),
    ("message", "text"),
    ("priority", "double precision"),
    ("level", "text"),
    ("important_date_id", "bigint"),
)
NUDGE_FIELDS = tuple(name for name, _ in NUDGE_COLUMNS)
# The contact fields the engine writes, besides ``scored_at``.
SCORED_FIELDS = (
    "depth_score",
    "depth_components",
    "effective_cadence_days",
    "cadence_source",
    "cadence_sample",
    "next_due_on",
    "last_interaction_at",
)
NUDGE_REFRESHED = ("message", "priority", "level", "show_from")


def _json(rows) -> str:
    # Dates and datetimes as ISO 8601, which PostgreSQL reads back exactly.
    return json.dumps(rows, default=lambda value: value.isoformat(), separators=(",", ":"))


def _rows(columns) -> str:
    """A FROM item reading the JSON array of arrays in %(rows)s as rows of ``columns``."""
    fields = ", ".join(
        f"r->{i} AS {name}" if kind == "jsonb" else f"(r->>{i})::{kind} AS {name}"
        for i, (name, kind) in enumerate(columns)
    )
    # jsonb: parsed once, where json would be parsed again by every ->>.
    return f"(SELECT {fields} FROM jsonb_array_elements(%(rows)s::jsonb) AS r)"


def scores(rows, *, scored_at: datetime.datetime, week: datetime.date, contacts: bool = True) -> None:
    """Write each contact's score, cadence and due date (unless ``contacts`` is false) and its snapshot for ``week``."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        _scores_orm(rows, scored_at, week, contacts)
        return
    contact_update = (
        f""", written AS (
            UPDATE {Contact._meta.db_table} AS c SET
                depth_score = v.score, depth_components = v.components, effective_cadence_days = v.cadence,
                cadence_source = v.source, cadence_sample = v.sample, next_due_on = v.due,
                scored_at = %(scored_at)s, last_interaction_at = v.last_at
            FROM v WHERE c.id = v.id
        )"""
        if contacts
        else ""
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH v AS MATERIALIZED {_rows(SCORE_COLUMNS)}
            {contact_update}
            INSERT INTO {ScoreSnapshot._meta.db_table} (contact_id, week, score)
            SELECT id, %(week)s, score FROM v
            ON CONFLICT (contact_id, week) DO UPDATE SET score = EXCLUDED.score
            WHERE {ScoreSnapshot._meta.db_table}.score <> EXCLUDED.score
            """,
            {"rows": _json(rows), "scored_at": scored_at, "week": week},
        )


def _scores_orm(rows, scored_at, week, contacts) -> None:
    if contacts:
        Contact.objects.bulk_update(
            [
                Contact(
                    pk=cid,
                    depth_score=score,
                    depth_components=components,
                    effective_cadence_days=days,
                    cadence_source=source,
                    cadence_sample=sample,
                    next_due_on=due,
                    scored_at=scored_at,
                    last_interaction_at=last_at,
                )
                for cid, score, components, days, source, sample, due, last_at in rows
            ],
            [*SCORED_FIELDS, "scored_at"],
            batch_size=500,
        )
    ScoreSnapshot.objects.bulk_create(
        [ScoreSnapshot(contact_id=row[0], week=week, score=row[1]) for row in rows],
        batch_size=WRITE_BATCH,
        update_conflicts=True,
        unique_fields=["contact", "week"],
        update_fields=["score"],
    )


def nudges(rows, *, owner_ids=None, contact_ids=None) -> None:
    """Make the wanted nudges (tuples of NUDGE_FIELDS) exist and drop the unacted ones that no longer apply.

    Within scope — every nudge of ``owner_ids``, or of ``contact_ids`` — open
    or snoozed nudges that are not wanted any more go. Wanted ones are created,
    or get their wording, priority and level refreshed; a nudge already done,
    snoozed or dismissed keeps its state (they are unique on contact, reason
    and day).
    """
    scope = {"owner_id__in": owner_ids} if contact_ids is None else {"contact_id__in": contact_ids}
    keys = {(row[1], row[2], row[3]) for row in rows}
    # Compared here rather than by an anti-join in SQL: the planner cannot
    # know how many wanted rows the JSON holds, and guessing a hundred it may
    # compare every open nudge with every wanted one.
    unwanted = [
        pk
        for pk, cid, reason, due in Nudge.objects.filter(
            state__in=[Nudge.State.OPEN, Nudge.State.SNOOZED], **scope
        ).values_list("pk", "contact_id", "reason", "due_on")
        if (cid, reason, due) not in keys
    ]
    if unwanted:
        Nudge.objects.filter(pk__in=unwanted).delete()
    if not rows:
        return
    if connection.vendor != "postgresql":
        Nudge.objects.bulk_create(
            [Nudge(**dict(zip(NUDGE_FIELDS, row, strict=True))) for row in rows],
            batch_size=WRITE_BATCH,
            update_conflicts=True,
            unique_fields=["contact", "reason", "due_on"],
            update_fields=list(NUDGE_REFRESHED),
        )
        return
    table = Nudge._meta.db_table
    fields = ", ".join(NUDGE_FIELDS)
    changed = " OR ".join(f"n.{name} IS DISTINCT FROM EXCLUDED.{name}" for name in NUDGE_REFRESHED)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} AS n ({fields}, state, created_at)
            SELECT {fields}, %(open)s, %(now)s FROM {_rows(NUDGE_COLUMNS)} AS wanted
            ON CONFLICT (contact_id, reason, due_on) DO UPDATE SET
                {", ".join(f"{name} = EXCLUDED.{name}" for name in NUDGE_REFRESHED)}
            WHERE {changed}
            """,
            {"rows": _json(rows), "open": Nudge.State.OPEN, "now": timezone.now()},
        )


WINDOW_COLUMNS = (
    ("id", "bigint"),
    ("old_since", "timestamptz"),
    ("since", "timestamptz"),
    ("weighted", "int"),
    ("n", "int"),
    ("first_at", "timestamptz"),
    ("last_at", "timestamptz"),
)


def windows(rows) -> None:
    """Move the recent window of stored figures: tuples of WINDOW_COLUMNS.

    A row is written only if its window still starts where it did when read
    (``old_since``): a refresh in between, by a write to that person's
    conversations, has the last word.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        for cid, old_since, since, weighted, n, first_at, last_at in rows:
            ContactActivity.objects.filter(contact_id=cid, window_since=old_since).update(
                window_since=since,
                weighted_recent=weighted,
                recent_count=n,
                recent_first_at=first_at,
                recent_last_at=last_at,
            )
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {ContactActivity._meta.db_table} AS a SET
                window_since = v.since, weighted_recent = v.weighted, recent_count = v.n,
                recent_first_at = v.first_at, recent_last_at = v.last_at
            FROM {_rows(WINDOW_COLUMNS)} AS v
            WHERE a.contact_id = v.id AND a.window_since = v.old_since
            """,
            {"rows": _json(rows)},
        )
