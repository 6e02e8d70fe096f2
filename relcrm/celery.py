"""The Celery application and the whole beat schedule, in one place."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relcrm.settings")

app = Celery("relcrm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Backstop for writes that bypass the services (raw SQL, restores): puts
    # every contact's last_interaction_at back in line with its interactions.
    "nightly-refresh-contact-stats": {
        "task": "interactions.tasks.dispatch_refresh_contact_stats",
        "schedule": crontab(hour=3, minute=10),
    },
    "nightly-housekeeping": {
        "task": "accounts.tasks.housekeeping",
        "schedule": crontab(hour=4, minute=0),
    },
}
