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

After the timings, one more recompute runs with its parts timed and prints
where its time goes. The scores' statements are sent in a pipeline and the
nudges worked out meanwhile: the wait at the end is the database's writing
less the time the nudges took.
"""

import contextlib
import datetime
import itertools
import time
from collections import defaultdict

from django.db import connection
from django.utils import timezone

from accounts.models import User
from contacts import scoring
from interactions import activity, engine, engine_writes

from .timing import best_of

FLOOR_SQL = """
    SELECT ic.contact_id, count(*), max(i.occurred_at)
    FROM interactions_interactioncontact ic
    JOIN interactions_interaction i ON i.id = ic.interaction_id
    WHERE i.owner_id = %s
    GROUP BY ic.contact_id
"""

# The parts of a pass, each the functions it spends its time in (module, name).
PARTS = (
    ("contacts and stored figures: read", [(activity, "fetch")]),
    ("moved windows: slid, written back", [(activity, "_slide")]),
    ("stale rows: from the interactions", [(activity, "as_of"), (activity, "refresh")]),
    ("scoring (Python, by column)", [(scoring.StatsColumns, "from_rows")] + [
        (scoring, name) for name in ("learned_gaps", "resolve_cadences", "depth_scores", "local_dates",
                                     "next_due_dates")
    ]),
    ("open nudges and dates: read", [(engine_writes, "open_nudges"), (engine, "_important_dates")]),
    ("scores: COPY, statements sent", [(engine_writes, "scores")]),
    ("nudges: worked out, sent (overlapped)", [(engine, "_wanted_nudges"), (engine_writes, "nudges")]),
)
WAITING = "waiting for the database's writes"


@contextlib.contextmanager
def _timed_parts(spent):
    """Time each of PARTS (and the wait at the end of the scores' pipeline) into ``spent``: part → seconds."""
    originals = []

    def timer(part, function):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[part] += time.perf_counter() - start

        return timed

    def scores(function):
        @contextlib.contextmanager
        def timed(*args, **kwargs):
            start = time.perf_counter()
            manager = function(*args, **kwargs)
            manager.__enter__()
            spent[PARTS[5][0]] += time.perf_counter() - start
            try:
                yield
            except BaseException as error:
                if not manager.__exit__(type(error), error, error.__traceback__):
                    raise
            else:
                start = time.perf_counter()
                manager.__exit__(None, None, None)
                spent[WAITING] += time.perf_counter() - start

        return timed

    for part, functions in PARTS:
        for owner, name in functions:
            function = getattr(owner, name)
            originals.append((owner, name, function))
            setattr(owner, name, scores(function) if function is engine_writes.scores else timer(part, function))
    try:
        yield
    finally:
        for owner, name, function in originals:
            setattr(owner, name, function)


def breakdown(owner_id: int, as_of) -> tuple[float, dict[str, float]]:
    """One recompute with its parts timed: (total seconds, part → seconds)."""
    spent = defaultdict(float)
    with _timed_parts(spent):
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
    print(f"\nrecompute of {contacts:,} contacts, one run with its parts timed: {total:.3f} s")
    for part, seconds in spent.items():
        print(f"  {part:<40}{seconds:>8.3f} s {seconds / total:>5.0%}")
    # The nudges are worked out while the database writes: that time is within the wait's.
    rest = total - sum(seconds for part, seconds in spent.items() if part != PARTS[6][0])
    print(f"  {'the rest (users, cadences, commit, …)':<40}{rest:>8.3f} s {rest / total:>5.0%}")
    return [
        ("recompute one user's scores", measured, floor_time, 1.5),
        ("  the same from the interactions", from_scratch, floor_time, None),
    ]
