import datetime

import pytest
from django.utils import timezone

from contacts.models import Contact, ScoreSnapshot
from interactions import services, tasks
from interactions.models import Nudge
from tests.celery_worker import running_worker, wait_for
from tests.factories import ContactFactory


@pytest.mark.worker
def test_a_real_worker_runs_the_nightly_job(transactional_db, owner, other):
    """The beat job, through Redis, in a worker process, against the test database."""
    long_ago = timezone.now().replace(microsecond=0) - datetime.timedelta(days=60)
    mine = ContactFactory(owner=owner, circle="inner")
    theirs = ContactFactory(owner=other, circle="close")
    services.log_interaction(owner, contacts=[mine], occurred_at=long_ago, channel="call")
    services.log_interaction(other, contacts=[theirs], occurred_at=long_ago, channel="call")
    # Forget what the in-process run worked out, so only the worker can bring it back.
    Contact.objects.update(last_interaction_at=None, depth_score=None, next_due_on=None)
    Nudge.objects.all().delete()
    ScoreSnapshot.objects.all().delete()

    with running_worker() as queue:
        tasks.dispatch_nightly_recompute.apply_async(kwargs={"hour": None}, queue=queue)
        done = wait_for(lambda: Contact.objects.filter(depth_score__isnull=False).count() == 2, timeout=45)
    assert done, running_worker.last_output
    assert set(Contact.objects.values_list("last_interaction_at", flat=True)) == {long_ago}
    # Both are overdue: an inner-circle friend unheard of for 60 days is red.
    assert Nudge.objects.get(contact=mine).level == "red"
    assert Nudge.objects.filter(contact=theirs, reason="overdue").exists()
    assert ScoreSnapshot.objects.count() == 2


def test_the_nightly_dispatch_picks_users_at_their_own_3am(db, owner, other, monkeypatch):
    owner.time_zone, other.time_zone = "Pacific/Honolulu", "Pacific/Auckland"
    owner.save(), other.save()
    sent = []
    monkeypatch.setattr(tasks.recompute_users, "delay", sent.append)
    hour_in_honolulu = timezone.now().astimezone(datetime.timezone(datetime.timedelta(hours=-10))).hour
    assert tasks.dispatch_nightly_recompute(hour=hour_in_honolulu) == 1
    assert sent == [[owner.pk]]


def test_running_the_recompute_twice_leaves_the_same_state(db, owner):
    ana = ContactFactory(owner=owner, circle="inner", birthday_month=timezone.now().month,
                         birthday_day=timezone.now().day)
    services.log_interaction(owner, contacts=[ana], occurred_at=timezone.now() - datetime.timedelta(days=30),
                             channel="call")

    def state():
        return (
            list(Contact.objects.values("depth_score", "depth_components", "next_due_on", "effective_cadence_days")),
            list(Nudge.objects.values("reason", "due_on", "state", "message", "level").order_by("reason")),
            list(ScoreSnapshot.objects.values("week", "score")),
        )

    tasks.recompute_users([owner.pk])
    first = state()
    tasks.recompute_users([owner.pk])
    assert state() == first
    assert {n["reason"] for n in first[1]} == {"overdue", "birthday"}
