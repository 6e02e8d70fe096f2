"""Uploaded files on the "Import and export" page: checked and previewed, then imported.

``start`` reads an upload, imports it as a dry run (every card or row checked,
what would happen counted) and keeps the file in an :class:`ImportJob` waiting
for confirmation. ``confirm`` imports it: here and now when it is small, else
on the worker (``contacts.tasks.run_import_job``), the page polling its
progress. ``run`` does the import itself, claiming the job first so that a
task delivered twice imports once. Contacts go through
:func:`contacts.importing.import_file`, conversations through
:func:`interactions.importing.import_interactions` (which recomputes scores
and the weekly history once it commits); each is one transaction.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from interactions.importing import InteractionImportError, import_interactions

from . import importing, tasks
from .jobs import ImportJob

log = logging.getLogger(__name__)
Status = ImportJob.Status
FAILURES = (importing.ContactImportError, InteractionImportError)


def _import(job: ImportJob, *, dry_run: bool, progress=None) -> dict:
    """Import ``job``'s file; the counts and one-line summary to keep on the job."""
    data = bytes(job.data)
    if job.kind == ImportJob.Kind.CONTACTS:
        result = importing.import_file(job.owner, data, dry_run=dry_run, progress=progress)
        return {"counts": list(result.counts.items()), "summary": result.summary(), "warnings": result.warnings,
                "sample": result.sample, "source": result.source}
    result = import_interactions(job.owner, data, dry_run=dry_run)
    # Pairs, not a dict: jsonb would sort the keys and the page shows them in this order.
    counts = [["conversations", result.imported], ["people", result.people], ["new people", result.new_contacts],
              ["already there", result.already_there + result.repeated]]
    return {"counts": counts, "summary": result.summary(), "warnings": [], "sample": [], "source": "CSV"}


def start(owner, kind: str, upload) -> ImportJob:
    """Check an upload (size, format, every card or row) and keep it for confirmation.

    Raises ContactImportError or InteractionImportError with a message for
    the form; then no job is kept.
    """
    if upload.size > settings.CONTACT_IMPORT_MAX_BYTES:
        importing.check_size(upload.size)
    data = upload.read()
    importing.check_size(len(data))
    job = ImportJob(owner=owner, kind=kind, filename=upload.name[:255], data=data)
    job.total = importing.count_entries(data) if kind == ImportJob.Kind.CONTACTS else max(data.count(b"\n") - 1, 1)
    outcome = _import(job, dry_run=True)
    job.counts = {"preview": outcome}
    job.save()
    return job


def confirm(job: ImportJob) -> ImportJob:
    """Import a previewed job: inline when small, else queued for the worker."""
    if job.total > settings.CONTACT_IMPORT_INLINE_MAX:
        if ImportJob.objects.filter(pk=job.pk, status=Status.PREVIEW).update(status=Status.QUEUED):
            transaction.on_commit(lambda: tasks.run_import_job.delay(job.pk))
    else:
        run(job.pk)
    job.refresh_from_db()
    return job


def _progress(job_id: int, total: int):
    def report(done: int) -> None:
        # Reading and checking is half the work; writing (in the transaction) the rest.
        ImportJob.objects.filter(pk=job_id).update(progress=min(50, 50 * done // max(total, 1)))

    return report


def run(job_id: int) -> str:
    """Import one confirmed job, once: whoever moves it to running does the work. Returns its status."""
    claimed = ImportJob.objects.filter(pk=job_id, status__in=[Status.PREVIEW, Status.QUEUED]).update(
        status=Status.RUNNING, progress=0
    )
    job = ImportJob.objects.select_related("owner").get(pk=job_id)
    if not claimed:
        return job.status
    try:
        outcome = _import(job, dry_run=False, progress=_progress(job.pk, job.total))
    except FAILURES as error:
        fields = {"status": Status.FAILED, "error": str(error)}
    except Exception:
        log.exception("Import job %s failed", job_id)
        fields = {"status": Status.FAILED, "error": "The import stopped on an unexpected error; nothing was written."}
    else:
        fields = {"status": Status.DONE, "progress": 100, "summary": outcome["summary"],
                  "counts": {**job.counts, "result": outcome}}
    # The file has done its work: personal data does not stay in a second place.
    ImportJob.objects.filter(pk=job_id).update(data=b"", finished_at=timezone.now(), **fields)
    return fields["status"]
