import datetime

import pytest
from django.utils import timezone

from contacts.models import Contact
from interactions import services, tasks
from tests.celery_worker import running_worker, wait_for
from tests.factories import ContactFactory


@pytest.mark.worker
def test_a_real_worker_runs_the_nightly_refresh(transactional_db, owner, other):
    """The beat job, through Redis, in a worker process, against the test database."""
    when = timezone.now().replace(microsecond=0) - datetime.timedelta(days=3)
    mine, theirs = ContactFactory(owner=owner), ContactFactory(owner=other)
    services.log_interaction(owner, contacts=[mine], occurred_at=when, channel="call")
    services.log_interaction(other, contacts=[theirs], occurred_at=when, channel="call")
    # Drift that only the job repairs (a restore, a raw SQL edit).
    Contact.objects.update(last_interaction_at=None)

    with running_worker() as queue:
        tasks.dispatch_refresh_contact_stats.apply_async(queue=queue)
        repaired = wait_for(
            lambda: Contact.objects.filter(last_interaction_at=when).count() == 2, timeout=45
        )
    assert repaired, running_worker.last_output


def test_refresh_task_is_idempotent(db, owner):
    contact = ContactFactory(owner=owner)
    services.log_interaction(owner, contacts=[contact], occurred_at=timezone.now(), channel="call")
    Contact.objects.update(last_interaction_at=None)
    assert tasks.refresh_contact_stats(owner.pk) == 1
    assert tasks.refresh_contact_stats(owner.pk) == 0
