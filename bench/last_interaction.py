"""Recomputing every contact's last_interaction_at vs a hand-written UPDATE … GROUP BY."""

from django.db import connection

from accounts.models import User
from contacts.models import Contact
from interactions.services import refresh_last_interaction

from .timing import best_of

FLOOR_SQL = """
    UPDATE contacts_contact c SET last_interaction_at = latest.at
    FROM (
        SELECT ic.contact_id, max(i.occurred_at) AS at
        FROM interactions_interactioncontact ic
        JOIN interactions_interaction i ON i.id = ic.interaction_id
        WHERE i.owner_id = %s
        GROUP BY ic.contact_id
    ) latest
    WHERE c.id = latest.contact_id
"""


def run(runs: int):
    owner = User.objects.get(email="demo@example.com")

    def forget():
        # Every row must be recomputed and written in both variants.
        Contact.objects.filter(owner=owner).update(last_interaction_at=None)

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, [owner.pk])

    floor_time = best_of(runs, floor, setup=forget)
    measured = best_of(runs, lambda: refresh_last_interaction(owner_id=owner.pk), setup=forget)
    return ("refresh last_interaction_at", measured, floor_time, 1.5)
