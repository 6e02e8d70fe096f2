import re

from django.core.management import call_command
from playwright.sync_api import expect

from contacts.management.commands.seed_demo import DEMO_EMAIL, DEMO_PASSWORD
from interactions.models import Interaction

from .conftest import screenshot


def sign_in(page, email, password):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()


def test_demo_user_signs_in_and_sees_the_dashboard(page, transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    sign_in(page, DEMO_EMAIL, DEMO_PASSWORD)

    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    expect(page.get_by_role("form", name="Log a conversation")).to_be_visible()
    expect(page.get_by_role("heading", name="Recent")).to_be_visible()
    expect(page.locator("#recent-list li")).to_have_count(15)
    screenshot(page, "dashboard-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "dashboard-phone")
    assert page.console_errors == []


def test_log_a_conversation_from_the_dashboard(page, transactional_db, owner, password):
    from tests.factories import ContactFactory

    ContactFactory(owner=owner, display_name="Ana Lima")
    sign_in(page, owner.email, password)
    form = page.get_by_role("form", name="Log a conversation")
    form.get_by_label("Contact").fill("Ana Lima")
    form.get_by_label("Channel").select_option(label="Call")
    form.get_by_label("Note").fill("She got the job in Porto")
    form.get_by_role("button", name="Log it").click()

    expect(page.get_by_role("status")).to_contain_text("Logged: call with Ana Lima")
    expect(page.locator("#recent-list")).to_contain_text("She got the job in Porto")
    assert Interaction.objects.get().note == "She got the job in Porto"
    assert page.console_errors == []


def test_wrong_password_shows_a_message(page, transactional_db, owner):
    sign_in(page, owner.email, "not-the-password")
    expect(page.get_by_text("The email address and/or password you specified are not correct.")).to_be_visible()
