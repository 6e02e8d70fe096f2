"""Celery tasks: thin wrappers that take ids and call the engine. All safe to run twice."""

import datetime

from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils import timezone

from . import digest, engine


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


@shared_task
def dispatch_digests() -> int:
    """Every 15 minutes: one ``send_digest`` per user whose local hour has come today.

    Also marks digests left half-sent by a dead worker as failed. Running it
    twice at once is harmless: each user's send claims its day first. Returns
    the tasks sent.
    """
    now = timezone.now()
    digest.fail_interrupted(now)
    due = digest.due_digests(now)
    for user_id, day in due:
        send_digest.delay(user_id, day.isoformat())
    return len(due)


@shared_task(bind=True, max_retries=None)
def send_digest(self, user_id: int, local_date: str) -> str:
    """One user's digest for one local date, at most once; refused sends retry with backoff.

    The row's attempt count, not Celery's, decides when to give up
    (``DIGEST_MAX_ATTEMPTS``), so a retry the dispatcher re-sent counts too.
    """
    try:
        return digest.deliver(user_id, datetime.date.fromisoformat(local_date))
    except digest.RetryLater as exc:
        raise self.retry(countdown=exc.countdown, exc=exc) from None
