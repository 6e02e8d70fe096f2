"""The Today page in a browser: logging with the type-ahead, every nudge button, editing in
place, all without a page load — and the same with JavaScript off."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from interactions import engine, services
from interactions.models import Interaction, Nudge
from tests.factories import ContactFactory

from .conftest import screenshot
from .test_sign_in import sign_in


def stays_on_the_page(page):
    """A mark a page load would wipe out: check it is still there after the action."""
    page.evaluate("window.relcrmNoReload = true")
    return lambda: page.evaluate("window.relcrmNoReload === true")


@pytest.fixture
def overdue(owner):
    """Three inner-circle people last called 12 days ago: three overdue nudges."""
    people = [ContactFactory(owner=owner, display_name=name, circle="inner")
              for name in ("Ana Lima", "Ben Okafor", "Chen Wei")]
    for person in people:
        services.log_interaction(owner, contacts=[person], channel="call",
                                 occurred_at=timezone.now() - datetime.timedelta(days=12))
    engine.recompute_users([owner.pk])
    return people


def test_log_several_people_with_the_type_ahead_and_a_new_person(page, transactional_db, owner, password, overdue):
    sign_in(page, owner.email, password)
    still_here = stays_on_the_page(page)
    form = page.get_by_role("form", name="Log a conversation")
    contact = form.get_by_label("Contact")
    contact.press_sequentially("Ana")
    form.get_by_role("button", name="Ana Lima").click()
    contact.press_sequentially("Dara Q")
    form.get_by_role("button", name="Add “Dara Q” as a new person").click()
    expect(form.get_by_label("Add names not yet in relcrm as new people")).to_be_checked()
    form.get_by_label("Channel").select_option(label="In person")
    form.get_by_label("Note").fill("Lunch by the river")
    form.get_by_role("button", name="Log it").click()

    expect(page.locator("#recent-list")).to_contain_text("Lunch by the river")
    reach_out = page.get_by_role("region", name="Reach out")
    expect(reach_out).not_to_contain_text("Ana Lima")  # her overdue nudge is resolved at once
    expect(reach_out).to_contain_text("Ben Okafor")
    assert still_here()
    logged = Interaction.objects.get(note="Lunch by the river")
    assert sorted(c.display_name for c in logged.contacts.all()) == ["Ana Lima", "Dara Q"]
    assert Nudge.objects.get(contact__display_name="Ana Lima").state == Nudge.State.DONE
    assert page.console_errors == []


def test_done_snooze_and_dismiss_each_change_their_row_in_place(page, transactional_db, owner, password, overdue):
    sign_in(page, owner.email, password)
    still_here = stays_on_the_page(page)
    rows = page.get_by_role("region", name="Reach out").get_by_role("listitem")
    expect(rows).to_have_count(3)

    page.get_by_role("form", name="Chen Wei").get_by_role("button", name="Dismiss").click()
    expect(page.get_by_role("status")).to_contain_text("Dismissed the nudge about Chen Wei")
    expect(rows).to_have_count(2)
    page.get_by_role("form", name="Ben Okafor").get_by_role("button", name="Snooze").click()
    expect(page.get_by_role("status")).to_contain_text("Snoozed Ben Okafor for 7 days")
    expect(rows).to_have_count(1)
    page.get_by_role("form", name="Ana Lima").get_by_role("button", name="Done").click()
    expect(page.get_by_role("form", name="Log a conversation").get_by_label("Contact")).to_have_value("Ana Lima")
    expect(page.get_by_label("Note")).to_be_focused()

    assert still_here()
    assert dict(Nudge.objects.values_list("contact__display_name", "state")) == {
        "Ana Lima": "done", "Ben Okafor": "snoozed", "Chen Wei": "dismissed"}
    assert page.console_errors == []


def test_edit_a_recent_conversation_in_place(page, transactional_db, owner, password, overdue):
    sign_in(page, owner.email, password)
    still_here = stays_on_the_page(page)
    recent = page.locator("#recent-list")
    recent.get_by_role("link", name="Edit").first.click()
    editor = recent.get_by_role("form")
    editor.get_by_label("Note").fill("Talked about the new flat")
    editor.get_by_role("button", name="Save").click()
    expect(recent).to_contain_text("Talked about the new flat")
    expect(recent.get_by_role("form")).to_have_count(0)
    assert still_here()
    assert Interaction.objects.filter(note="Talked about the new flat").count() == 1
    screenshot(page, "dashboard-edited-in-place")


def test_without_javascript_logging_and_nudges_are_plain_forms(browser, live_server, transactional_db, owner,
                                                               password, overdue):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False,
                                  viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, owner.email, password)
        form = page.get_by_role("form", name="Log a conversation")
        form.get_by_label("Contact").fill("Ben Okafor")
        form.get_by_label("Note").fill("Posted him the book")
        form.get_by_role("button", name="Log it").click()
        expect(page.locator("#recent-list")).to_contain_text("Posted him the book")
        expect(page.get_by_role("region", name="Reach out")).not_to_contain_text("Ben Okafor")

        page.get_by_role("form", name="Ana Lima").get_by_role("button", name="Done").click()
        expect(page.get_by_role("form", name="Log a conversation").get_by_label("Contact")).to_have_value("Ana Lima")
        page.get_by_role("form", name="Chen Wei").get_by_role("button", name="Dismiss").click()
        expect(page.get_by_role("region", name="Reach out")).to_contain_text("Nobody is waiting on you today")
        screenshot(page, "dashboard-no-javascript-phone")
    finally:
        context.close()
    assert Interaction.objects.filter(note="Posted him the book").count() == 1
    assert dict(Nudge.objects.values_list("contact__display_name", "state")) == {
        "Ana Lima": "done", "Ben Okafor": "done", "Chen Wei": "dismissed"}
