"""Celery tasks: thin wrappers that take ids and call services."""

from celery import shared_task
from django.contrib.auth import get_user_model

from . import services


@shared_task
def refresh_contact_stats(user_id: int) -> int:
    """Bring one user's ``last_interaction_at`` values in line; safe to repeat."""
    return services.refresh_last_interaction(owner_id=user_id)


@shared_task
def dispatch_refresh_contact_stats() -> int:
    """Nightly: one ``refresh_contact_stats`` per active user."""
    user_ids = list(get_user_model().objects.filter(is_active=True).values_list("pk", flat=True))
    for user_id in user_ids:
        refresh_contact_stats.delay(user_id)
    return len(user_ids)
