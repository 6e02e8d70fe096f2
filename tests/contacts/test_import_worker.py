"""A large contact file imported by a real Celery worker on the real Redis, once, with its progress kept."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from contacts import import_jobs, tasks
from contacts.jobs import ImportJob
from contacts.models import Contact
from tests.celery_worker import running_worker, wait_for
from tests.factories import UserFactory

pytestmark = pytest.mark.worker


def cards(n: int) -> bytes:
    return "".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\nEMAIL:person{i}@example.com\r\nBDAY:--0{1 + i % 9}15\r\nEND:VCARD\r\n"
        for i in range(n)
    ).encode()


def test_a_large_file_goes_to_the_worker_and_is_imported_once(transactional_db, monkeypatch):
    user = UserFactory(email="big@example.com")
    job = import_jobs.start(user, "contacts", SimpleUploadedFile("big.vcf", cards(600)))
    assert job.total == 600 and dict(job.counts["preview"]["counts"])["created"] == 600
    with running_worker() as queue:
        # The task goes to this test's queue; twice, as a redelivered message would.
        monkeypatch.setattr(tasks.run_import_job, "delay",
                            lambda job_id: [tasks.run_import_job.apply_async((job_id,), queue=queue) for _ in range(2)])
        job = import_jobs.confirm(job)
        assert job.status in ("queued", "running", "done")
        done = wait_for(lambda: ImportJob.objects.get(pk=job.pk).finished, timeout=60)
    assert done, running_worker.last_output
    job.refresh_from_db()
    assert (job.status, job.progress, job.data) == ("done", 100, b"")
    assert job.counts["result"]["counts"] == [["created", 600], ["updated", 0], ["unchanged", 0], ["skipped", 0]]
    assert Contact.objects.filter(owner=user).count() == 600
    assert Contact.objects.filter(owner=user, birthday_day=15, birthday_year=None).count() == 600


def test_a_broken_large_file_fails_on_the_worker_and_writes_nothing(transactional_db, monkeypatch):
    user = UserFactory(email="big@example.com")
    job = import_jobs.start(user, "contacts", SimpleUploadedFile("big.vcf", cards(600)))
    # The file changed between preview and import (a damaged row): the worker refuses it whole.
    ImportJob.objects.filter(pk=job.pk).update(data=cards(599) + b"BEGIN:VCARD\r\nFN:cut")
    job.refresh_from_db()
    with running_worker() as queue:
        monkeypatch.setattr(tasks.run_import_job, "delay",
                            lambda job_id: tasks.run_import_job.apply_async((job_id,), queue=queue))
        import_jobs.confirm(job)
        done = wait_for(lambda: ImportJob.objects.get(pk=job.pk).finished, timeout=60)
    assert done, running_worker.last_output
    job.refresh_from_db()
    assert job.status == "failed" and "card 600" in job.error and "nothing was imported" in job.error
    assert not Contact.objects.filter(owner=user).exists()
