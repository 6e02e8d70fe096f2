"""The daily digest through real Celery workers on the real Redis, to a real SMTP server."""

import os
import signal
import time

import pytest
from django.utils import timezone

from interactions import tasks
from interactions.models import Digest
from tests.celery_worker import running_worker, wait_for
from tests.factories import NudgeFactory, UserFactory
from tests.smtp_sink import SmtpSink

pytestmark = pytest.mark.worker


@pytest.fixture
def sink():
    sink = SmtpSink()
    yield sink
    sink.stop()


def worker_env(sink, **extra):
    return {"EMAIL_URL": sink.url, "SITE_URL": "https://relcrm.example.com", "DIGEST_RETRY_SECONDS": "1", **extra}


def users_with_a_nudge_today(count):
    today = timezone.now().date()
    users = []
    for i in range(count):
        # Hour 0 in UTC: due all day long.
        user = UserFactory(email=f"person{i}@example.com", time_zone="UTC", digest_hour=0)
        NudgeFactory(owner=user, contact__display_name=f"Friend {i}", due_on=today)
        users.append(user)
    return users


def test_two_dispatches_at_once_on_two_workers_send_one_email_each(transactional_db, sink):
    sink.start()
    users = users_with_a_nudge_today(4)
    with running_worker(env=worker_env(sink)) as queue, running_worker(env=worker_env(sink), queue=queue):
        for _ in range(2):
            tasks.dispatch_digests.apply_async(queue=queue)
        done = wait_for(lambda: Digest.objects.filter(state="sent").count() == 4, timeout=60)
        # Anything sent twice would arrive now.
        time.sleep(2)
    assert done, running_worker.last_output
    assert sink.to() == sorted(u.email for u in users)


def test_smtp_down_then_up_is_delivered_once(transactional_db, sink):
    [user] = users_with_a_nudge_today(1)
    with running_worker(env=worker_env(sink)) as queue:
        tasks.dispatch_digests.apply_async(queue=queue)
        refused = wait_for(lambda: Digest.objects.filter(state="retry").exists(), timeout=30)
        sink.start()
        sent = wait_for(lambda: Digest.objects.filter(state="sent").exists(), timeout=60)
        time.sleep(2)
    assert refused and sent, running_worker.last_output
    assert sink.to() == [user.email]
    assert Digest.objects.get().attempts >= 2
    assert "Retry in" in running_worker.last_output


def test_a_worker_killed_mid_send_and_restarted_sends_at_most_once(transactional_db, sink):
    """SIGKILL while the server holds the message; Redis hands the task to the next worker,
    which finds the day claimed and sends nothing."""
    sink.start()
    sink.hold()
    [user] = users_with_a_nudge_today(1)
    env = worker_env(sink, CELERY_VISIBILITY_TIMEOUT="1")
    with running_worker(env=env) as queue:
        # The result is kept, to see what the second run of the same task did.
        result = tasks.send_digest.apply_async(
            (user.pk, timezone.now().date().isoformat()), queue=queue, ignore_result=False
        )
        assert sink.receiving.wait(timeout=30), "the worker never started sending"
        os.kill(running_worker.process.pid, signal.SIGKILL)
        running_worker.process.wait(timeout=10)
    sink.release()
    assert Digest.objects.get().state == "sending"

    time.sleep(2)  # past the visibility timeout: Redis hands the unacknowledged task out again
    with running_worker(env=env, queue=queue):
        outcome = result.get(timeout=60)
    assert outcome == "taken", running_worker.last_output
    assert len(sink.messages) <= 1
    # Left claimed: the dispatcher marks it failed an hour on, and never sends it.
    assert Digest.objects.get().state == "sending"
