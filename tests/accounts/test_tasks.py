import datetime

import pytest
from axes.models import AccessLog
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.tasks import housekeeping

pytestmark = pytest.mark.django_db


def test_housekeeping_drops_expired_sessions_and_old_login_logs():
    old = timezone.now() - datetime.timedelta(days=40)
    Session.objects.create(session_key="expired", session_data="", expire_date=old)
    Session.objects.create(session_key="current", session_data="", expire_date=timezone.now() + datetime.timedelta(days=1))
    stale = AccessLog.objects.create(username="a@example.com", ip_address="127.0.0.1", user_agent="x")
    AccessLog.objects.filter(pk=stale.pk).update(attempt_time=old)  # attempt_time is auto_now_add
    AccessLog.objects.create(username="b@example.com", ip_address="127.0.0.1", user_agent="x")
    housekeeping()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["current"]
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["b@example.com"]
