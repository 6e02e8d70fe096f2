"""Celery tasks: thin wrappers that take ids and call the engine. All safe to run twice."""

from celery import shared_task
from django.contrib.auth import get_user_model

from . import engine


@shared_task
def recompute_users(user_ids: list[int]) -> int:
    """Scores, cadences and today's nudges for a batch of users; returns contacts scored."""
    return engine.recompute_users(user_ids).contacts


@shared_task
def recompute_contacts(user_id: int, contact_ids: list[int]) -> int:
    """The same for a few contacts of one user, e.g. right after a conversation is logged."""
    return engine.recompute_users([user_id], contact_ids=contact_ids).contacts


@shared_task
def dispatch_nightly_recompute(hour: int | None = engine.NIGHTLY_HOUR) -> int:
    """Hourly: recompute the users for whom it is now ``engine.NIGHTLY_HOUR`` o'clock.

    So everyone's scores and nudges are fresh shortly after their own midnight,
    whatever their time zone. ``hour=None`` means every active user (the
    command line, tests). Returns the batches sent.
    """
    users = get_user_model().objects.filter(is_active=True).order_by("pk").values_list("pk", "time_zone")
    user_ids = [pk for pk, tz in users if hour is None or engine.local_hour(tz) == hour]
    batches = [user_ids[i : i + engine.USERS_PER_BATCH] for i in range(0, len(user_ids), engine.USERS_PER_BATCH)]
    for batch in batches:
        recompute_users.delay(batch)
    return len(batches)
