"""What keeping the stored per-contact figures costs the writes, against the GROUP BY floor.

Every write path refreshes the figures of the contacts it touched through
``services.refresh_contact_figures`` (stored figures and last-talked date):

- all of one user's contacts, as ``seed_demo`` does once, and as recovering
  from a bulk change would;
- 500 contacts, as an import that touches 500 people does (the cost follows
  their whole history, not the size of the file);
- one contact, as logging a conversation does.

Each floor is the hand-written ``SELECT contact_id, count(*), max(occurred_at)
… GROUP BY contact_id`` over the same contacts' interactions, fetched: the
least any refresh must read. The refresh reads more (every figure the score
needs) and writes a row per contact, so these ratios show what the nightly
pass's savings cost at write time.
"""

import random

from django.db import connection, transaction

from accounts.models import User
from interactions.services import refresh_contact_figures

from .timing import best_of

FLOOR_SQL = """
    SELECT ic.contact_id, count(*), max(i.occurred_at)
    FROM interactions_interactioncontact ic
    JOIN interactions_interaction i ON i.id = ic.interaction_id
    WHERE {scope}
    GROUP BY ic.contact_id
"""


def _floor(scope: str, params) -> float:
    def run():
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL.format(scope=scope), params)
            cursor.fetchall()

    return run


def _refresh(**scope):
    def run():
        # Rolled back, so each run refreshes the same rows from the same state.
        with transaction.atomic():
            refresh_contact_figures(**scope)
            transaction.set_rollback(True)

    return run


def run(runs: int):
    owner = User.objects.get(email="demo@example.com")
    ids = list(owner.contacts.order_by("pk").values_list("pk", flat=True))
    sample = random.Random(1).sample(ids, 500)
    one = sample[:1]
    results = []
    for name, scope, floor, repeat in (
        ("refresh figures: all contacts", {"owner_id": owner.pk}, _floor("i.owner_id = %s", [owner.pk]), runs),
        ("refresh figures: 500 contacts", {"contact_ids": sample}, _floor("ic.contact_id = ANY(%s)", [sample]), runs),
        ("refresh figures: one contact", {"contact_ids": one}, _floor("ic.contact_id = ANY(%s)", [one]), 20 * runs),
    ):
        floor_time = best_of(repeat, floor)
        results.append((name, best_of(repeat, _refresh(**scope)), floor_time, None))
    return results
