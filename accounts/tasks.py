from celery import shared_task
from django.core.management import call_command


@shared_task
def housekeeping():
    """Drops expired sessions and login-failure records past their cool-off."""
    call_command("clearsessions")
    call_command("axes_reset_logs", age=30)
