"""Importing a real vCard export through the Import and export page, and seeing the people in the list."""

import re
from pathlib import Path

from playwright.sync_api import expect

from .conftest import screenshot
from .test_sign_in import sign_in

VCARDS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "vcards"
PHONE = {"width": 390, "height": 844}


def both_widths(page, name):
    screenshot(page, f"{name}-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, f"{name}-phone")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_import_a_real_vcard_file_and_see_the_people(page, transactional_db, owner, password):
    sign_in(page, owner.email, password)
    page.goto("/contacts/")
    page.get_by_role("link", name="Import and export").click()
    expect(page.get_by_role("heading", name="Import and export", level=1)).to_be_visible()
    both_widths(page, "import-page")

    page.get_by_label("Contacts file").set_input_files(str(VCARDS / "rfc2426-example.vcf"))
    page.get_by_role("button", name="Preview").first.click()
    expect(page).to_have_url(re.compile(r"/contacts/import/\d+/$"))
    expect(page.get_by_role("heading", name="What will happen")).to_be_visible()
    expect(page.get_by_role("cell", name="Frank Dawson")).to_be_visible()
    both_widths(page, "import-preview")

    page.get_by_role("button", name="Import 2 contacts").click()
    expect(page.get_by_role("status")).to_have_text("Imported")
    expect(page.get_by_text("2 created")).to_be_visible()
    both_widths(page, "import-summary")

    page.get_by_role("link", name="See your people").click()
    expect(page.get_by_role("link", name="Frank Dawson")).to_be_visible()
    expect(page.get_by_role("link", name="Tim Howes")).to_be_visible()
    both_widths(page, "import-people")
    assert page.console_errors == []


def test_a_broken_file_shows_why(page, transactional_db, owner, password, tmp_path):
    broken = tmp_path / "cut.vcf"
    broken.write_bytes((VCARDS / "gmail-list.vcf").read_bytes()[:-40])
    sign_in(page, owner.email, password)
    page.goto("/contacts/import/")
    page.get_by_label("Contacts file").set_input_files(str(broken))
    page.get_by_role("button", name="Preview").first.click()
    expect(page.get_by_role("alert")).to_contain_text("cut short")
    both_widths(page, "import-error")


def test_progress_is_polled_until_the_import_is_done(page, transactional_db, owner, password):
    from contacts.jobs import ImportJob

    job = ImportJob.objects.create(owner=owner, kind="contacts", filename="big.vcf", status="running", progress=40,
                                   total=5000)
    sign_in(page, owner.email, password)
    page.goto(f"/contacts/import/{job.pk}/")
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "40")
    both_widths(page, "import-progress")
    ImportJob.objects.filter(pk=job.pk).update(
        status="done", progress=100, summary="Imported 5,000 contacts for owner@example.com from vCard: 5,000 created.",
        counts={"result": {"counts": [["created", 5000], ["updated", 0], ["unchanged", 0], ["skipped", 0]]}},
    )
    # htmx asks again every second; the finished partial stops asking.
    expect(page.get_by_role("status")).to_have_text("Imported", timeout=5000)
    expect(page.get_by_role("progressbar")).to_have_count(0)
    assert page.console_errors == []
