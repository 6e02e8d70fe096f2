"""Bulk edits in the admin, in a browser: filter, select, act; one owner at a time; merge."""

import re

import pytest
from playwright.sync_api import expect

from contacts.models import Contact, Tag
from tests.factories import PASSWORD, ContactFactory, UserFactory

from .conftest import screenshot
from .test_sign_in import sign_in

CHANGELIST = "/admin/contacts/contact/"


@pytest.fixture
def people(transactional_db, owner, other):
    mine = {
        name: ContactFactory(owner=owner, display_name=name, circle="friends")
        for name in ("Ana Lima", "Ben Okafor", "Chloé Martin")
    }
    mine["Ana Lima (work)"] = ContactFactory(owner=owner, display_name="Ana Lima (work)", circle="network")
    mine["Dan Other"] = ContactFactory(owner=other, display_name="Dan Other", circle="friends")
    return mine


@pytest.fixture
def staff_page(page, people):
    staff = UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)
    sign_in(page, staff.email, PASSWORD)
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    page.goto(CHANGELIST)
    return page


def select(page, *names):
    for name in names:
        page.get_by_role("checkbox", name=re.compile(f"{re.escape(name)}$")).check()


def run_action(page, label):
    page.get_by_label("Action:").select_option(label=label)
    page.get_by_role("button", name="Run", exact=True).click()


def test_filter_select_and_add_a_tag(staff_page, owner):
    page = staff_page
    filters = page.locator("#changelist-filter")
    filters.get_by_role("link", name=owner.email).click()
    filters.get_by_role("link", name="Friends", exact=True).click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("#result_list")).not_to_contain_text("Dan Other")
    screenshot(page, "admin-contacts-filtered")

    select(page, "Ana Lima", "Ben Okafor")
    run_action(page, "Add a tag to selected contacts")
    expect(page.get_by_role("heading", name="Add a tag")).to_be_visible()
    expect(page.locator("#content-main")).to_contain_text("2 contacts selected")
    page.get_by_label("Tag").fill("book club")
    screenshot(page, "admin-contacts-add-tag")
    page.get_by_role("button", name="Add a tag").click()

    expect(page.locator(".messagelist")).to_contain_text("Add a tag: 2 contacts changed.")
    # The tag is there: filter the list by it.
    page.locator("#changelist-filter").get_by_role("link", name="book club").click()
    expect(rows).to_have_count(2)
    expect(page.locator("#result_list")).to_contain_text("Ana Lima")
    expect(page.locator("#result_list")).to_contain_text("Ben Okafor")
    screenshot(page, "admin-contacts-tagged")
    tag = Tag.objects.get(name="book club")
    assert tag.owner_id == owner.pk
    assert sorted(tag.contacts.values_list("display_name", flat=True)) == ["Ana Lima", "Ben Okafor"]
    assert page.console_errors == []


def test_a_selection_across_owners_is_refused(staff_page):
    page = staff_page
    select(page, "Ana Lima", "Dan Other")
    run_action(page, "Add a tag to selected contacts")
    expect(page.locator(".messagelist .error")).to_contain_text(
        "The selection holds contacts of 2 different users; pick contacts of one user at a time."
    )
    expect(page.get_by_role("heading", name="Add a tag")).to_have_count(0)
    screenshot(page, "admin-contacts-mixed-owners")
    assert not Tag.objects.exists()


def test_merge_selected(staff_page, people, owner):
    page = staff_page
    page.get_by_role("textbox", name="Search").fill("Ana Lima")
    page.get_by_role("textbox", name="Search").press("Enter")
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    select(page, "Ana Lima", "Ana Lima (work)")
    run_action(page, "Merge selected contacts into one")
    expect(page.get_by_role("heading", name="Merge contacts")).to_be_visible()
    keep = people["Ana Lima"]
    page.get_by_label(f"Ana Lima (#{keep.pk})").check()
    screenshot(page, "admin-contacts-merge")
    page.get_by_role("button", name="Merge contacts").click()

    expect(page.locator(".messagelist")).to_contain_text("Merged 2 contacts into Ana Lima.")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    assert list(Contact.objects.filter(owner=owner, display_name__startswith="Ana").values_list("pk", flat=True)) == [
        keep.pk
    ]
    assert page.console_errors == []
