"""The pages behind the email's links (no sign-in), the preview, and the email settings."""

import datetime
import time
import zoneinfo

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from interactions import digest_links
from interactions.models import Nudge
from tests.factories import ContactFactory, NudgeFactory


@pytest.fixture
def nudge(owner):
    return NudgeFactory(owner=owner, contact__display_name="Ana Lima")


def path_of(url: str) -> str:
    return url.removeprefix(digest_links.absolute(""))


def aged(days: int, make):
    """A token made ``days`` ago."""
    real = time.time
    time.time = lambda: real() - days * 86400
    try:
        return make()
    finally:
        time.time = real


class TestNudgeLinks:
    def test_the_link_asks_first_and_changes_nothing(self, client, nudge):
        response = client.get(path_of(digest_links.nudge_url(nudge, "done")))
        assert response.status_code == 200
        assert b"Mark Ana Lima as done?" in response.content
        nudge.refresh_from_db()
        assert nudge.state == "open"

    def test_done_without_signing_in(self, client, nudge):
        response = client.post(path_of(digest_links.nudge_url(nudge, "done")))
        assert response.status_code == 200
        assert b"Done: Ana Lima" in response.content
        nudge.refresh_from_db()
        assert nudge.state == "done" and nudge.resolved_at is not None

    def test_snooze_for_a_week_from_the_owners_day(self, client, nudge, owner):
        owner.time_zone = "Pacific/Kiritimati"  # UTC+14: often a day ahead of the server
        owner.save()
        client.post(path_of(digest_links.nudge_url(nudge, "snooze")))
        nudge.refresh_from_db()
        their_today = timezone.now().astimezone(zoneinfo.ZoneInfo("Pacific/Kiritimati")).date()
        assert nudge.state == "snoozed"
        assert nudge.snoozed_until == their_today + datetime.timedelta(days=7)

    def test_a_second_press_changes_nothing(self, client, nudge):
        url = path_of(digest_links.nudge_url(nudge, "done"))
        client.post(url)
        response = client.post(url)
        assert b"Already taken care of" in response.content

    def test_forged_tokens_are_refused_with_a_clear_page(self, client, nudge):
        url = path_of(digest_links.nudge_url(nudge, "done"))
        forged = url.replace("/nudge/", "/nudge/x")
        other_salt = signing.TimestampSigner(salt="something else").sign_object({"u": nudge.owner_id, "n": nudge.pk})
        for bad in (forged, reverse("digest_nudge", args=[other_salt]), reverse("digest_nudge", args=["garbage"])):
            response = client.post(bad)
            assert response.status_code == 400
            assert b"This link is not valid" in response.content
        nudge.refresh_from_db()
        assert nudge.state == "open"

    def test_expired_tokens_are_refused_with_a_clear_page(self, client, nudge):
        url = aged(8, lambda: digest_links.nudge_url(nudge, "done"))
        response = client.post(path_of(url))
        assert response.status_code == 400
        assert b"This link has expired" in response.content
        nudge.refresh_from_db()
        assert nudge.state == "open"
        assert client.get(path_of(aged(6, lambda: digest_links.nudge_url(nudge, "done")))).status_code == 200

    def test_a_token_reaches_only_its_owners_nudge(self, client, nudge, outsider):
        # A genuine token of the outsider's naming the owner's nudge: the owner's row is not theirs.
        nudge.owner_id = outsider.pk
        response = client.post(path_of(digest_links.nudge_url(nudge, "done")))
        assert response.status_code == 410
        assert Nudge.objects.get(pk=nudge.pk).state == "open"

    def test_a_nudge_that_no_longer_exists(self, client, nudge):
        url = path_of(digest_links.nudge_url(nudge, "done"))
        nudge.delete()
        response = client.get(url)
        assert response.status_code == 410
        assert b"This nudge no longer applies" in response.content

    def test_csrf_still_guards_the_button(self, nudge):
        client = Client(enforce_csrf_checks=True)
        assert client.post(path_of(digest_links.nudge_url(nudge, "done"))).status_code == 403
        page = client.get(path_of(digest_links.nudge_url(nudge, "done")))
        token = page.context["csrf_token"]
        assert (
            client.post(path_of(digest_links.nudge_url(nudge, "done")), {"csrfmiddlewaretoken": token}).status_code
            == 200
        )
        assert Nudge.objects.get(pk=nudge.pk).state == "done"


class TestUnsubscribe:
    def test_one_click_post_from_the_mail_client(self, owner):
        # RFC 8058: a POST with this body, no cookies, no CSRF token.
        client = Client(enforce_csrf_checks=True)
        url = path_of(digest_links.unsubscribe_url(owner))
        response = client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
        assert response.status_code == 200
        owner.refresh_from_db()
        assert owner.digest_enabled is False

    def test_the_link_asks_first(self, client, owner):
        response = client.get(path_of(digest_links.unsubscribe_url(owner)))
        assert b"Stop the daily email?" in response.content and b"owner@example.com" in response.content
        owner.refresh_from_db()
        assert owner.digest_enabled is True

    def test_forged_or_foreign_tokens_change_nothing(self, client, owner):
        nudge_token = signing.TimestampSigner(salt=digest_links.NUDGE_SALT).sign_object({"u": owner.pk})
        for token in ("nope", nudge_token):
            response = client.post(reverse("digest_unsubscribe", args=[token]))
            assert response.status_code == 400
        owner.refresh_from_db()
        assert owner.digest_enabled is True

    def test_works_for_a_year(self, client, owner):
        stale = aged(400, lambda: digest_links.unsubscribe_url(owner))
        assert b"This link has expired" in client.post(path_of(stale)).content
        client.post(path_of(aged(300, lambda: digest_links.unsubscribe_url(owner))))
        owner.refresh_from_db()
        assert owner.digest_enabled is False


class TestPreview:
    def test_needs_signing_in(self, client):
        for name in ("digest_preview", "digest_preview_html"):
            response = client.get(reverse(name))
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_shows_todays_email_of_the_signed_in_user_only(self, owner_client, nudge, other):
        ContactFactory(owner=other, display_name="Secret Friend")
        response = owner_client.get(reverse("digest_preview"))
        assert b"1 nudge today: Ana Lima" in response.content
        html = owner_client.get(reverse("digest_preview_html"))
        assert b"Last talked 47 days ago" in html.content and b"Secret Friend" not in html.content
        # Inline styles (as email needs) but no scripts, framed only by relcrm itself.
        csp = html["Content-Security-Policy"]
        assert "style-src 'unsafe-inline'" in csp and "frame-ancestors 'self'" in csp and "script-src" not in csp
        assert html["X-Frame-Options"] == "SAMEORIGIN"

    def test_nothing_to_send(self, owner_client):
        assert b"Nothing to send today" in owner_client.get(reverse("digest_preview")).content


class TestSettings:
    def test_choose_what_the_email_includes(self, owner_client, owner):
        page = owner_client.get(reverse("profile"))
        assert reverse("digest_preview").encode() in page.content
        form = {
            "name": owner.name,
            "time_zone": "Pacific/Auckland",
            "digest_enabled": "on",
            "digest_hour": "6",
            "nudge_cap": "3",
            "digest_reasons": ["birthday", "fading"],
            "birthday_lead_days": "7",
        }
        response = owner_client.post(reverse("profile"), form)
        assert response.status_code == 302
        owner.refresh_from_db()
        assert (owner.time_zone, owner.digest_hour, owner.nudge_cap) == ("Pacific/Auckland", 6, 3)
        assert owner.digest_reasons == ["birthday", "fading"]

    def test_an_unknown_reason_is_refused(self, owner_client, owner):
        form = {
            "name": "x",
            "time_zone": "UTC",
            "digest_hour": "7",
            "nudge_cap": "5",
            "digest_reasons": ["gossip"],
            "birthday_lead_days": "7",
        }
        response = owner_client.post(reverse("profile"), form)
        assert response.status_code == 200
        assert b"Select a valid choice" in response.content
        owner.refresh_from_db()
        assert owner.digest_reasons == ["overdue", "birthday", "date", "give_and_take", "fading"]


def test_failed_digests_are_listed_in_the_admin(client, owner, other):
    from interactions.models import Digest
    from tests.factories import UserFactory

    now = timezone.now()
    Digest.objects.create(owner=owner, local_date=now.date(), state="failed", claimed_at=now, error="SMTP said no")
    Digest.objects.create(owner=other, local_date=now.date(), state="sent", claimed_at=now)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:interactions_digest_changelist"), {"state__exact": "failed"})
    assert [d.owner for d in response.context["cl"].result_list] == [owner]
    assert b"SMTP said no" in response.content
