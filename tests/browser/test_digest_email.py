"""The daily email as a person meets it: read from a real SMTP server, opened in Chromium, its links followed."""

import io
import re
import time

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from interactions import digest_links
from interactions.models import Nudge
from tests.factories import NudgeFactory
from tests.smtp_sink import SmtpSink

from .conftest import screenshot
from .test_sign_in import sign_in


@pytest.fixture
def sink(settings, live_server):
    sink = SmtpSink().start()
    settings.MAILERS = {"default": sink.mailer()}
    settings.SITE_URL = live_server.url
    yield sink
    sink.stop()


@pytest.fixture
def nudges(owner):
    owner.digest_hour = 0
    owner.save()
    today = timezone.now().date()
    rows = {}
    for name, reason, level, priority, message in [
        (
            "Ana Lima",
            "overdue",
            "red",
            3,
            "Last talked 47 days ago; about every 3 weeks — learned from 12 conversations",
        ),
        ("Ben Okafor", "overdue", "yellow", 2, "Last talked 5 weeks ago; every month — the default for close friends"),
        ("Cleo Park", "birthday", "info", 1.5, "Birthday in 3 days (turns 40)"),
        ("Dev Shah", "fading", "info", 1, "Silent for 9 months; you used to talk every 3 weeks. Reconnect, or let go?"),
    ]:
        rows[name] = NudgeFactory(
            owner=owner,
            contact__display_name=name,
            reason=reason,
            level=level,
            priority=priority,
            message=message,
            due_on=today,
        )
    return rows


def the_email(sink):
    call_command("send_digests", stdout=io.StringIO())
    [message] = sink.messages
    return message


def test_the_email_looks_right_and_its_links_work(page, transactional_db, sink, owner, nudges):
    message = the_email(sink)
    assert message["Subject"] == "4 nudges today: Ana Lima, Ben Okafor and 2 more"
    html = message.get_body(preferencelist=("html",)).get_content()
    page.set_content(html)
    expect(page.get_by_text("Hello Olive,")).to_be_visible()
    expect(page.get_by_text("Reach out", exact=True)).to_be_visible()
    expect(page.get_by_text("Birthday in 3 days (turns 40)")).to_be_visible()
    screenshot(page, "digest-email")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "digest-email-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Done on Ana: the link opens a page that asks; nothing changes until the button.
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Done").first.click()
    confirm = opened.value
    expect(confirm.get_by_role("heading", name="Mark Ana Lima as done?")).to_be_visible()
    assert Nudge.objects.get(pk=nudges["Ana Lima"].pk).state == "open"
    screenshot(confirm, "digest-confirm-done")
    confirm.get_by_role("button", name="Mark done").click()
    expect(confirm.get_by_role("heading", name="Done: Ana Lima")).to_be_visible()
    assert Nudge.objects.get(pk=nudges["Ana Lima"].pk).state == "done"

    # Snooze Ben for a week.
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Snooze a week").nth(1).click()
    confirm = opened.value
    expect(confirm.get_by_role("heading", name="Snooze Ben Okafor for a week?")).to_be_visible()
    confirm.get_by_role("button", name="Snooze for 7 days").click()
    expect(confirm.get_by_role("heading", name="Snoozed Ben Okafor for 7 days")).to_be_visible()
    ben = Nudge.objects.get(pk=nudges["Ben Okafor"].pk)
    assert ben.state == "snoozed" and (ben.snoozed_until - timezone.now().date()).days == 7


def test_expired_and_forged_links_get_a_clear_page(page, transactional_db, sink, owner, nudges):
    real = time.time
    time.time = lambda: real() - 8 * 86400
    try:
        stale = digest_links.nudge_url(nudges["Ana Lima"], "done")
    finally:
        time.time = real
    response = page.goto(stale)
    assert response.status == 400
    expect(page.get_by_role("heading", name="This link has expired")).to_be_visible()
    screenshot(page, "digest-link-expired")

    fresh = digest_links.nudge_url(nudges["Ana Lima"], "done")
    response = page.goto(re.sub(r":[^:/]+/$", ":forged/", fresh))
    assert response.status == 400
    expect(page.get_by_role("heading", name="This link is not valid")).to_be_visible()
    assert Nudge.objects.get(pk=nudges["Ana Lima"].pk).state == "open"


def test_unsubscribe_from_the_email_without_signing_in(page, transactional_db, sink, owner, nudges):
    message = the_email(sink)
    page.goto(message["List-Unsubscribe"].strip("<>"))
    expect(page.get_by_role("heading", name="Stop the daily email?")).to_be_visible()
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    owner.refresh_from_db()
    assert owner.digest_enabled is False


def test_settings_and_the_preview_of_todays_email(
    page, transactional_db, owner, password, nudges, settings, live_server
):
    settings.SITE_URL = live_server.url
    sign_in(page, owner.email, password)
    page.goto("/account/profile/")
    expect(page.get_by_role("checkbox", name="Birthdays")).to_be_checked()
    screenshot(page, "digest-settings")
    page.get_by_role("link", name="Preview today's email").click()
    expect(page.get_by_role("heading", name="4 nudges today: Ana Lima, Ben Okafor and 2 more")).to_be_visible()
    frame = page.frame_locator("iframe.email-preview")
    expect(frame.get_by_text("Silent for 9 months")).to_be_visible()
    screenshot(page, "digest-preview")
    assert page.console_errors == []

    page.goto("/account/profile/")
    page.get_by_role("checkbox", name="Birthdays").uncheck()
    page.get_by_role("checkbox", name="A fading relationship").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Settings saved")
    owner.refresh_from_db()
    assert owner.digest_reasons == ["overdue", "date", "give_and_take"]
