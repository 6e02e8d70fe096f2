"""The engine's writes: each contact's fields with the week's snapshot, the nudges, moved windows.

On PostgreSQL the scores are copied (binary COPY, no text to build or parse)
into a temporary table that the contacts' UPDATE and the snapshots' upsert
join by id, sent in a pipeline so that the engine works out the nudges while
they run; the nudges and the moved windows travel as one JSON array of
arrays, which costs far less to build and to parse than a parameter per value.
Other databases (SQLite for ``make run``) get the same result through the
ORM's bulk methods.
"""

import contextlib
import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass

import psycopg
from django.db import connection
from django.utils import timezone

from contacts import scoring
from contacts.models import Contact, ScoreSnapshot

from .models import ContactActivity, Nudge

WRITE_BATCH = 2000
SCORES_TABLE = "engine_scores"  # temporary, for one pass's scores


@dataclass(slots=True)
class ScoreRows:
    """What the pass writes for each contact, by column: a contact per position."""

    ids: Sequence[int]
    scores: scoring.ScoreColumns
    cadence_days: list
    sources: list
    samples: list
    due: list
    last_at: list

    def columns(self):
        # The components as the JSON text json.dumps() would give (floats by repr), built in one format per row.
        components = [
            COMPONENTS_JSON % points for points in zip(*self.scores.components.values(), strict=True)
        ]
        return (self.ids, self.scores.total, components, self.cadence_days, self.sources, self.samples, self.due,
                self.last_at)


COMPONENTS_JSON = "{" + ",".join(f'"{name}":%r' for name in scoring.WEIGHTS) + "}"
# The columns of ScoreRows.columns(), as they travel to PostgreSQL.
SCORE_COLUMNS = (
    ("id", "int8"),
    ("score", "int2"),
    ("components", "text"),
    ("cadence", "int2"),
    ("source", "text"),
    ("sample", "int4"),
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
UNACTED = (Nudge.State.OPEN, Nudge.State.SNOOZED)


@contextlib.contextmanager
def bound_cursor():
    """A psycopg cursor (PostgreSQL) whose parameters travel apart from the statement.

    Django's cursor binds on the client: a parameter of megabytes (the JSON of
    thousands of rows, an array of ids) is quoted into the SQL text, and
    PostgreSQL's parser then reads it character by character. Bound on the
    server, it is passed as it is. Errors are Django's, as from any cursor.
    """
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        yield cursor


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


@contextlib.contextmanager
def scores(rows: ScoreRows, *, scored_at: datetime.datetime, week: datetime.date, contacts: bool = True):
    """Write each contact's score, cadence and due date (unless ``contacts`` is false) and its snapshot for ``week``.

    Used as a ``with`` block, whose body runs while the database writes: on
    PostgreSQL the rows are copied (binary COPY) into a temporary table, and
    the contacts' UPDATE and the snapshots' upsert, which join it by id, are
    sent in a pipeline without waiting for them. The body's statements follow
    theirs; the block ends when all of them have run, and raises what failed.
    """
    if not rows.ids:
        yield
        return
    if connection.vendor != "postgresql":
        _scores_orm(rows, scored_at, week, contacts)
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {SCORES_TABLE} ({', '.join(f'{name} {kind}' for name, kind in SCORE_COLUMNS)})"
            " ON COMMIT DROP"
        )
        with cursor.cursor.copy(f"COPY {SCORES_TABLE} FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types([kind for _, kind in SCORE_COLUMNS])
            for row in zip(*rows.columns(), strict=True):
                copy.write_row(row)
        # What fails in the pipeline is raised as it ends: as Django's error, like any other statement's.
        with connection.wrap_database_errors, cursor.cursor.connection.pipeline():
            if contacts:
                cursor.execute(
                    f"""
                    UPDATE {Contact._meta.db_table} AS c SET
                        depth_score = v.score, depth_components = v.components::jsonb,
                        effective_cadence_days = v.cadence, cadence_source = v.source, cadence_sample = v.sample,
                        next_due_on = v.due, scored_at = %s, last_interaction_at = v.last_at
                    FROM {SCORES_TABLE} AS v WHERE c.id = v.id
                    """,
                    [scored_at],
                )
            # Only the snapshots that are missing or differ reach the upsert: one
            # that conflicts is locked (its row written) even when its WHERE leaves
            # it as it is, and most of the week's snapshots keep their score from
            # one night to the next. Read in the same statement, so one deleted
            # meanwhile is inserted again; ON CONFLICT covers one inserted meanwhile.
            # A subquery per row, i.e. one probe of the unique index: as a join the
            # planner would scan every week of every contact's history for this one.
            # Its cost estimate (a probe per row) would cross the JIT threshold.
            snapshots = ScoreSnapshot._meta.db_table
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(
                f"""
                INSERT INTO {snapshots} AS s (contact_id, week, score)
                SELECT v.id, %(week)s, v.score FROM {SCORES_TABLE} AS v
                WHERE (SELECT old.score FROM {snapshots} AS old WHERE old.contact_id = v.id AND old.week = %(week)s)
                    IS DISTINCT FROM v.score
                ON CONFLICT (contact_id, week) DO UPDATE SET score = EXCLUDED.score
                WHERE s.score <> EXCLUDED.score
                """,
                {"week": week},
            )
            cursor.execute(f"DROP TABLE {SCORES_TABLE}")
            yield


def _scores_orm(rows, scored_at, week, contacts) -> None:
    if contacts:
        Contact.objects.bulk_update(
            [
                Contact(
                    pk=cid,
                    depth_score=score,
                    depth_components=json.loads(components),
                    effective_cadence_days=days,
                    cadence_source=source,
                    cadence_sample=sample,
                    next_due_on=due,
                    scored_at=scored_at,
                    last_interaction_at=last_at,
                )
                for cid, score, components, days, source, sample, due, last_at in zip(*rows.columns(), strict=True)
            ],
            [*SCORED_FIELDS, "scored_at"],
            batch_size=500,
        )
    ScoreSnapshot.objects.bulk_create(
        [ScoreSnapshot(contact_id=cid, week=week, score=score) for cid, score in zip(rows.ids, rows.scores.total)],
        batch_size=WRITE_BATCH,
        update_conflicts=True,
        unique_fields=["contact", "week"],
        update_fields=["score"],
    )


def open_nudges(*, owner_ids=None, contact_ids=None) -> list[tuple]:
    """The open or snoozed nudges in scope (every nudge of ``owner_ids``, or of ``contact_ids``), as ``nudges`` wants them."""
    scope = {"owner_id__in": owner_ids} if contact_ids is None else {"contact_id__in": contact_ids}
    return list(
        Nudge.objects.filter(state__in=UNACTED, **scope)
        .order_by()
        .values_list("pk", "contact_id", "reason", "due_on", "show_from", "message", "priority", "level")
    )


def nudges(rows, existing) -> None:
    """Make the wanted nudges (tuples of NUDGE_FIELDS) exist and drop the unacted ones that no longer apply.

    ``existing`` holds the open or snoozed nudges in scope (``open_nudges``):
    those that are not wanted any more go. Wanted ones are created, or get
    their wording, priority and level refreshed; a nudge already done,
    snoozed or dismissed keeps its state (they are unique on contact, reason
    and day). Nothing here waits for a result, so on PostgreSQL it can follow
    the scores in their pipeline.
    """
    wanted = {(row[1], row[2], row[3]): row for row in rows}
    # Compared here rather than by an anti-join in SQL: the planner cannot
    # know how many wanted rows the JSON holds, and guessing a hundred it may
    # compare every open nudge with every wanted one.
    unwanted, unchanged = [], set()
    for pk, *key, show_from, message, priority, level in existing:
        row = wanted.get(tuple(key))
        if row is None:
            unwanted.append(pk)
        elif row[4:8] == (show_from, message, priority, level):
            unchanged.add(tuple(key))  # the upsert would leave it as it is
    rows = [row for key, row in wanted.items() if key not in unchanged]
    if connection.vendor != "postgresql":
        # Unless acted on since it was read: a nudge done or dismissed meanwhile stays.
        Nudge.objects.filter(pk__in=unwanted, state__in=UNACTED).delete()
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
    with bound_cursor() as cursor:
        if unwanted:
            cursor.execute(f"DELETE FROM {table} WHERE id = ANY(%s) AND state = ANY(%s)", [unwanted, list(UNACTED)])
        if rows:
            cursor.execute(
                f"""
                INSERT INTO {table} AS n ({fields}, state, created_at)
                SELECT {fields}, %(open)s, %(now)s FROM {_rows(NUDGE_COLUMNS)} AS wanted
                ON CONFLICT (contact_id, reason, due_on) DO UPDATE SET
                    {", ".join(f"{name} = EXCLUDED.{name}" for name in NUDGE_REFRESHED)}
                WHERE {changed}
                """,
                {"rows": _json(rows), "open": str(Nudge.State.OPEN), "now": timezone.now()},
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
    with bound_cursor() as cursor:
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
