"""The Celery application and the whole beat schedule, in one place."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relcrm.settings")

app = Celery("relcrm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Depth scores, cadences, weekly score history and today's nudges, for the
    # users for whom it is 3 a.m. right now: everyone gets theirs after their own
    # midnight (it also repairs last_interaction_at after writes that bypassed
    # the services).
    "nightly-recompute": {
        "task": "interactions.tasks.dispatch_nightly_recompute",
        "schedule": crontab(minute=5),
    },
    # The daily email, at each user's own hour: every quarter of an hour, the
    # users whose hour has come and who have had no email today get theirs.
    "daily-digests": {
        "task": "interactions.tasks.dispatch_digests",
        "schedule": crontab(minute="*/15"),
    },
    "nightly-housekeeping": {
        "task": "accounts.tasks.housekeeping",
        "schedule": crontab(hour=4, minute=0),
    },
}
