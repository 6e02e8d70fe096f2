"""The full recompute of one user (every contact, as of now) vs the one GROUP BY it cannot do without.

The floor reads, per contact, the number of conversations and the latest one
in a single hand-written ``GROUP BY`` and fetches every row: the least a
recompute from the interactions has to do. The measured figure is
``engine.recompute_users([owner])`` as the nightly job runs it: contacts, their
stored figures (recomputing the rows whose recent window lost a conversation),
scoring in Python, the contacts' UPDATE with this week's snapshots, nudges.
Each timed run is the next night (``as_of`` one day later than the last), so
rows go stale, scores move and nudges change as they do from one night to the
next, rather than rewriting identical values.

For comparison it also times the same pass from the interactions (the
``--as-of`` path, which scores the past): the work the stored figures save.

After the timings, one more recompute runs with every query timed
(``connection.execute_wrapper``) and prints where its time goes: the statements
by kind, and the rest (Python: loading rows, scoring, building statements, and
the COPY of the scores, which does not pass through ``execute``).
"""

import datetime
import itertools
import time
from collections import defaultdict

from django.db import connection
from django.utils import timezone

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
    ("conversations: windows, stale rows", ("interactions_interactioncontact",)),
    ("stored figures: read", ('FROM "interactions_contactactivity"',)),
    ("stored figures: write back", ("interactions_contactactivity",)),
    ("contacts UPDATE + snapshots upsert", ("engine_scores",)),
    ("nudges: delete, upsert", ("interactions_nudge",)),
    ("contacts: read", ('FROM "contacts_contact"',)),
)


def _kind(sql: str) -> str:
    return next(
        (kind for kind, pieces in STATEMENT_KINDS if all(piece in sql for piece in pieces)),
        "other (users, cadences, dates, …)",
    )


def breakdown(owner_id: int, as_of) -> tuple[float, dict[str, list]]:
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
        engine.recompute_users([owner_id], as_of=as_of)
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
    first_night = timezone.now()
    nights = itertools.count(1)

    def next_night():
        return first_night + datetime.timedelta(days=next(nights))

    measured = best_of(runs, lambda: engine.recompute_users([owner.pk], as_of=next_night()))
    from_scratch = best_of(runs, lambda: engine._pass([owner], as_of=next_night(), stored=False))

    total, spent = breakdown(owner.pk, next_night())
    print(f"\nrecompute of {contacts:,} contacts, one run with its statements timed: {total:.3f} s")
    for kind, (seconds, count) in sorted(spent.items(), key=lambda item: -item[1][0]):
        print(f"  {kind:<36}{seconds:>8.3f} s {seconds / total:>5.0%}  ({count} statements)")
    rest = total - sum(seconds for seconds, _ in spent.values())
    print(f"  {'Python (rows, scoring, SQL, COPY)':<36}{rest:>8.3f} s {rest / total:>5.0%}")
    return [
        ("recompute one user's scores", measured, floor_time, 1.5),
        ("  the same from the interactions", from_scratch, floor_time, None),
    ]
