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


def test_act_on_a_nudge_from_the_dashboard(page, transactional_db, owner, password):
    import datetime

    from django.utils import timezone

    from interactions import engine, services
    from interactions.models import Nudge
    from tests.factories import ContactFactory

    ana = ContactFactory(owner=owner, display_name="Ana Lima", circle="inner")
    ben = ContactFactory(owner=owner, display_name="Ben Okafor", circle="inner")
    for person in (ana, ben):
        services.log_interaction(owner, contacts=[person], channel="call",
                                 occurred_at=timezone.now() - datetime.timedelta(days=12))
    engine.recompute_users([owner.pk])
    sign_in(page, owner.email, password)

    reach_out = page.get_by_role("region", name="Reach out")
    expect(reach_out.get_by_role("listitem")).to_have_count(2)
    reach_out.get_by_role("form", name="Ben Okafor").get_by_role("button", name="Snooze").click()
    expect(page.get_by_role("status")).to_contain_text("Snoozed Ben Okafor for 7 days")
    expect(page.get_by_role("region", name="Reach out").get_by_role("listitem")).to_have_count(1)

    page.get_by_role("form", name="Ana Lima").get_by_role("button", name="Done").click()
    expect(page.get_by_role("status")).to_contain_text("Done: Ana Lima. Log how it went?")
    expect(page.get_by_role("form", name="Log a conversation").get_by_label("Contact")).to_have_value("Ana Lima")
    expect(page.get_by_role("region", name="Reach out")).to_contain_text("Nobody is waiting on you today")
    assert dict(Nudge.objects.values_list("contact__display_name", "state")) == {
        "Ana Lima": "done", "Ben Okafor": "snoozed",
    }
    screenshot(page, "dashboard-after-done")
