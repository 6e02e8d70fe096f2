"""The Import and export page: upload → preview → confirm → summary, owner-scoped, downloads."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contacts.jobs import ImportJob
from contacts.models import Contact
from interactions.models import Interaction
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

VCARDS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "vcards"
URL = reverse("contact_import")


def upload(client, name, data, kind="contacts"):
    return client.post(URL, {f"{kind}-kind": kind, f"{kind}-file": SimpleUploadedFile(name, data)})


def test_page_has_both_forms_and_the_downloads(owner_client):
    page = owner_client.get(URL)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'label for="id_contacts-file">Contacts file' in html and "Conversations file" in html
    for fmt in ("csv", "vcf", "json"):
        assert reverse("contact_export", args=[fmt]) in html


def test_upload_preview_confirm_summary(owner_client, owner):
    response = upload(owner_client, "list.vcf", (VCARDS / "gmail-list.vcf").read_bytes())
    job = ImportJob.objects.get(owner=owner)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert not Contact.objects.exists()  # a preview writes nothing
    preview = owner_client.get(job.get_absolute_url()).content.decode()
    assert "What will happen" in preview and "Arnold Smith" in preview and "Import 3 contacts" in preview
    owner_client.post(reverse("contact_import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "done" and job.data == b"" and dict(job.counts["result"]["counts"])["created"] == 3
    summary = owner_client.get(job.get_absolute_url()).content.decode()
    assert "Imported" in summary and "3 created" in summary
    assert Contact.objects.for_user(owner).count() == 3
    # Confirming twice imports once.
    owner_client.post(reverse("contact_import_confirm", args=[job.pk]))
    assert Contact.objects.for_user(owner).count() == 3


def test_broken_file_shows_the_cards_and_keeps_nothing(owner_client):
    data = (VCARDS / "gmail-list.vcf").read_bytes()[:-40]
    response = upload(owner_client, "cut.vcf", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "card 3" in html and "cut short" in html and 'role="alert"' in html
    assert not ImportJob.objects.exists() and not Contact.objects.exists()


def test_file_too_large_is_a_form_error(owner_client, settings):
    settings.CONTACT_IMPORT_MAX_BYTES = 50
    response = upload(owner_client, "big.vcf", (VCARDS / "gmail-list.vcf").read_bytes())
    assert response.status_code == 400 and "largest accepted" in response.content.decode()


def test_cancel_deletes_the_preview(owner_client):
    upload(owner_client, "list.vcf", (VCARDS / "gmail-list.vcf").read_bytes())
    job = ImportJob.objects.get()
    assert owner_client.post(reverse("contact_import_cancel", args=[job.pk])).status_code == 302
    assert not ImportJob.objects.exists() and not Contact.objects.exists()


def test_conversations_upload(owner_client, owner, django_capture_on_commit_callbacks):
    csv = b"occurred_at,contact,channel,direction,note\n2024-05-17,Ana Lima,call,outgoing,Catch-up\n"
    upload(owner_client, "log.csv", csv, kind="interactions")
    job = ImportJob.objects.get(kind="interactions")
    assert "1 interaction" in owner_client.get(job.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("contact_import_confirm", args=[job.pk]))
    assert Interaction.objects.for_user(owner).count() == 1
    ana = Contact.objects.get(owner=owner, display_name="Ana Lima")
    assert ana.last_interaction_at is not None and ana.scored_at is not None  # figures and scores recomputed


def test_bad_conversations_file_lists_rows(owner_client):
    csv = b"occurred_at,contact,channel,direction\n2024-05-17,Ana,phone,outgoing\n"
    response = upload(owner_client, "log.csv", csv, kind="interactions")
    assert response.status_code == 400 and "line 2" in response.content.decode()


def test_large_file_is_queued_and_polled(owner_client, owner, settings, django_capture_on_commit_callbacks):
    settings.CONTACT_IMPORT_INLINE_MAX = 2
    upload(owner_client, "list.vcf", (VCARDS / "gmail-list.vcf").read_bytes())
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        owner_client.post(reverse("contact_import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "queued" and len(callbacks) == 1
    partial = owner_client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in partial and "<progress" in partial and "<html" not in partial
    callbacks[0]()  # the task, eagerly in tests
    done = owner_client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in done and "3 created" in done


def test_outsider_cannot_see_or_act_on_a_job(owner, outsider_client):
    job = ImportJob.objects.create(owner=owner, kind="contacts", filename="x.vcf", data=b"BEGIN:VCARD")
    assert outsider_client.get(job.get_absolute_url()).status_code == 404
    assert outsider_client.post(reverse("contact_import_confirm", args=[job.pk])).status_code == 404
    assert outsider_client.post(reverse("contact_import_cancel", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == "preview" and bytes(job.data) == b"BEGIN:VCARD"


@pytest.mark.parametrize(("fmt", "kind", "marker"), [("csv", "text/csv", "name,"), ("vcf", "text/vcard", "BEGIN:VCARD"),
                                                    ("json", "application/json", '"format": "relcrm-account"')])
def test_downloads_are_streamed_and_owner_scoped(owner_client, owner, other, fmt, kind, marker):
    ContactFactory(owner=owner, display_name="Mine Only")
    ContactFactory(owner=other, display_name="Somebody Else's")
    response = owner_client.get(reverse("contact_export", args=[fmt]))
    assert response.streaming and response["Content-Type"].startswith(kind)
    assert response["Content-Disposition"].startswith("attachment; filename=") and f'.{fmt}"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode()
    assert marker in body and "Mine Only" in body and "Somebody Else" not in body


def test_pages_need_a_sign_in(client):
    assert client.get(URL).status_code == 302
    assert client.get(reverse("contact_export", args=["csv"])).status_code == 302
