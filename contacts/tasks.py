"""Celery tasks of the contacts app: thin, they take ids and call a service."""

from celery import shared_task


@shared_task
def run_import_job(job_id: int) -> str:
    """Import one confirmed upload (``contacts.import_jobs.run``); a second delivery does nothing."""
    from . import import_jobs

    return import_jobs.run(job_id)
