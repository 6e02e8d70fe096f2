"""People in a browser: search and open someone, edit in place, bulk edit, and search without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from contacts.models import Contact
from tests.factories import ContactFactory, ContactMethodFactory

from .conftest import screenshot
from .test_sign_in import sign_in


def errors(page):
    """Console errors, less the browser's note of a 422 (a form with errors, shown on purpose)."""
    return [e for e in page.console_errors if "status of 422" not in e]


@pytest.fixture
def people(transactional_db, owner):
    ana = ContactFactory(owner=owner, display_name="Ana Lima", company="Lisbon Labs", depth_score=71,
                         notes="Met at the **climbing** gym.")
    ContactMethodFactory(contact=ana, kind="social", value="@analima@mastodon.social")
    ContactFactory(owner=owner, display_name="Ben Okafor", company="Harbour Trust", depth_score=45)
    ContactFactory(owner=owner, display_name="Cleo Park", company="Lisbon Labs")
    return ana


def test_search_as_you_type_and_open_a_contact(page, people, owner, password):
    sign_in(page, owner.email, password)
    page.get_by_role("link", name="People").click()
    expect(page.locator("#people-rows tr")).to_have_count(3)
    page.get_by_label("Search").fill("mastodon")
    expect(page.locator("#people-rows tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/contacts/\?q=mastodon"))
    screenshot(page, "people-list-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "people-list-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="Ana Lima").click()
    expect(page.get_by_role("heading", name="Ana Lima", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="People")).to_have_attribute("aria-current", "page")
    expect(page.locator(".notes strong")).to_have_text("climbing")
    page.get_by_text("Why this score?").click()
    expect(page.get_by_role("row", name=re.compile("Recency"))).to_be_visible()
    screenshot(page, "people-contact-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "people-contact-phone")
    assert errors(page) == []


def add_email(page, address):
    page.locator("#methods").get_by_role("link", name="Add").click()
    form = page.get_by_role("form", name="Add a way to reach them")
    form.get_by_label("Type").select_option(label="Email")
    form.get_by_label("Address, number or handle").fill(address)
    form.get_by_role("button", name="Add").click()


def test_edit_profile_and_reach_them_in_place(page, people, owner, password):
    sign_in(page, owner.email, password)
    page.goto(people.get_absolute_url())
    page.get_by_role("link", name="Edit Ana Lima's profile").click()
    form = page.get_by_role("form", name="Edit profile")
    form.get_by_label("Nickname").fill("Nana")
    form.get_by_label("Company").fill("")
    form.get_by_role("button", name="Save").click()
    expect(page.locator("#about")).to_contain_text("Saved Ana Lima.")
    expect(page.locator("#about")).to_contain_text("Nana")
    expect(page.locator("#person-head")).not_to_contain_text("Lisbon Labs")
    assert page.url.endswith(people.get_absolute_url())  # no page load: edited in place

    add_email(page, "ana@example.org")
    expect(page.locator("#methods")).to_contain_text("Added email ana@example.org.")
    # The same again is refused in place, with the reason.
    add_email(page, "ANA@example.org")
    expect(page.locator("#methods")).to_contain_text("This person already has that one.")
    assert Contact.objects.get(pk=people.pk).nickname == "Nana"
    assert people.methods.count() == 2

    # Removing one offers Undo, which puts it back as it was.
    methods = page.locator("#methods")
    methods.get_by_role("button", name="Remove ana@example.org").click()
    expect(methods.get_by_role("status")).to_contain_text("Removed email ana@example.org.")
    assert people.methods.count() == 1
    methods.get_by_role("button", name="Undo: add ana@example.org back").click()
    expect(methods.get_by_role("status")).to_contain_text("Added email ana@example.org.")
    expect(methods.get_by_role("button", name="Remove ana@example.org")).to_be_visible()
    assert people.methods.count() == 2
    assert errors(page) == []


def test_bulk_edit_two_rows(page, people, owner, password):
    sign_in(page, owner.email, password)
    page.goto("/contacts/?q=lisbon")
    expect(page.locator("#people-rows tr")).to_have_count(2)
    bar = page.get_by_role("form", name="Bulk edit")
    expect(bar.get_by_role("button", name="Add tag")).to_be_hidden()
    page.get_by_label("Select Ana Lima").check()
    page.get_by_label("Select Cleo Park").check()
    expect(bar).to_contain_text("2 selected")
    bar.get_by_label("Tag").fill("climbing")
    bar.get_by_role("button", name="Add tag").click()
    expect(page.locator("#people-status")).to_contain_text("Tagged 2 people “climbing”.")
    expect(page.locator("#people-rows .tag", has_text="climbing")).to_have_count(2)
    assert page.url.endswith("/contacts/?q=lisbon")
    assert sorted(Contact.objects.filter(tags__name="climbing").values_list("display_name", flat=True)) == [
        "Ana Lima", "Cleo Park"]

    page.get_by_label("Select everyone shown").check()
    bar.get_by_role("button", name="Archive").click()
    expect(page.locator("#people-status")).to_contain_text("Archived 2 people.")
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("status")).to_contain_text("Restored 2 people.")
    assert not Contact.objects.filter(archived=True).exists()
    assert errors(page) == []


def test_search_and_bulk_edit_without_javascript(browser, live_server, people, owner, password):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, owner.email, password)
        page.goto("/contacts/")
        page.get_by_label("Search").fill("harbour")
        page.get_by_role("button", name="Search").click()
        expect(page).to_have_url(re.compile(r"/contacts/\?q=harbour"))
        expect(page.locator("#people-rows tr")).to_have_count(1)
        page.get_by_label("Select Ben Okafor").check()
        page.get_by_role("form", name="Bulk edit").get_by_label("Circle").select_option(label="Close friends")
        page.get_by_role("button", name="Set circle").click()
        expect(page.get_by_role("status")).to_contain_text("Moved 1 person to Close friends.")
        expect(page).to_have_url(re.compile(r"/contacts/\?q=harbour"))
        assert Contact.objects.get(display_name="Ben Okafor").circle == "close"
    finally:
        context.close()
