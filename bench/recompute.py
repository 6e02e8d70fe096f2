"""The full recompute of one user (every contact, as of now) vs the one GROUP BY it cannot do without.

The floor reads, per contact, the number of conversations and the latest one
in a single hand-written ``GROUP BY`` and fetches every row: the least any
recompute has to do. The measured figure is ``engine.recompute_users([owner])``
as the nightly job runs it: contacts, aggregates, scoring in Python, the
contacts' UPDATE, this week's snapshots, nudges.

After the timings, one more recompute runs with every query timed
(``connection.execute_wrapper``) and prints where its time goes: the statements
by kind, and the rest (Python: loading rows, scoring, building statements).
"""

import time
from collections import defaultdict

from django.db import connection

from accounts.models import User
from interactions import engine

from .timing import best_of

FLOOR_SQL = """
    SELECT ic.contact_id, count(*), max(i.occurred_at)
    FROM interactions_interactioncontact ic
    JOIN interactions_interaction i ON i.id = ic.interaction_id
    WHERE i.owner_id = %s
    GROUP BY ic.contact_id
"""

# First match wins: (what the statement is, pieces of its SQL).
STATEMENT_KINDS = (
    ("aggregates (GROUP BY)", ('FROM "interactions_interactioncontact"', "GROUP BY")),
    ("favours asked", ('FROM "interactions_interactioncontact"',)),
    ("contacts: UPDATE", ("UPDATE contacts_contact",)),
    ("snapshots: upsert", ('INTO "contacts_scoresnapshot"',)),
    ("nudges: read, delete, upsert", ('"interactions_nudge"',)),
    ("contacts: read", ('FROM "contacts_contact"',)),
)


def _kind(sql: str) -> str:
    return next(
        (kind for kind, pieces in STATEMENT_KINDS if all(piece in sql for piece in pieces)),
        "other (users, cadences, dates, …)",
    )


def breakdown(owner_id: int) -> tuple[float, dict[str, list]]:
    """One recompute with every statement timed: (total seconds, kind → [seconds, statements])."""
    spent = defaultdict(lambda: [0.0, 0])

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            entry = spent[_kind(sql)]
            entry[0] += time.perf_counter() - start
            entry[1] += 1

    with connection.execute_wrapper(timed):
        start = time.perf_counter()
        engine.recompute_users([owner_id])
        total = time.perf_counter() - start
    return total, dict(spent)


def run(runs: int):
    owner = User.objects.get(email="demo@example.com")
    contacts = owner.contacts.count()

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, [owner.pk])
            cursor.fetchall()

    floor_time = best_of(runs, floor)
    measured = best_of(runs, lambda: engine.recompute_users([owner.pk]))

    total, spent = breakdown(owner.pk)
    print(f"\nrecompute of {contacts:,} contacts, one run with its statements timed: {total:.3f} s")
    for kind, (seconds, count) in sorted(spent.items(), key=lambda item: -item[1][0]):
        print(f"  {kind:<36}{seconds:>8.3f} s {seconds / total:>5.0%}  ({count} statements)")
    rest = total - sum(seconds for seconds, _ in spent.values())
    print(f"  {'Python (rows, scoring, building SQL)':<36}{rest:>8.3f} s {rest / total:>5.0%}")
    return ("recompute one user's scores", measured, floor_time, 1.5)
