"""The admin: staff only, every list with its search and filters working."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from interactions import services
from interactions.models import Interaction
from tests.factories import ContactFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def data(owner, other):
    ana = ContactFactory(owner=owner, display_name="Ana Lima")
    ana.tags.add(TagFactory(owner=owner, name="climbing"))
    ContactFactory(owner=other, display_name="Ben Okafor")
    return services.log_interaction(
        owner, contacts=[ana], occurred_at=timezone.now() - datetime.timedelta(days=1), channel="call", note="hello"
    )


MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_changelist_searches_and_its_add_page_opens(staff_client, data, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert staff_client.get(changelist).status_code == 200
    assert staff_client.get(changelist, {"q": "ana"}).status_code == 200
    add = staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    # django-axes' logs, the daily emails' and the imports' records are written by the app only: no add page.
    written_by_the_app = opts.app_label == "axes" or opts.label in {"interactions.Digest", "contacts.ImportJob"}
    assert add.status_code == (403 if written_by_the_app else 200)


def test_contact_filters(staff_client, data, owner):
    url = reverse("admin:contacts_contact_changelist")
    response = staff_client.get(url, {"circle": "friends", "owner__id__exact": owner.pk, "archived__exact": "0"})
    assert [c.display_name for c in response.context["cl"].result_list] == ["Ana Lima"]


def test_non_staff_are_sent_to_the_admin_login(owner_client):
    response = owner_client.get(reverse("admin:contacts_contact_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_admin_bulk_delete_keeps_last_talked_right(staff_client, data):
    ana = Contact.objects.get(display_name="Ana Lima")
    response = staff_client.post(
        reverse("admin:interactions_interaction_changelist"),
        {"action": "delete_selected_interactions", "_selected_action": [data.pk]},
    )
    assert response.status_code == 302
    assert not Interaction.objects.exists()
    assert Contact.objects.get(pk=ana.pk).last_interaction_at is None


def test_admin_refuses_another_owners_contact_in_an_interaction(staff_client, data, other):
    stranger = Contact.objects.get(display_name="Ben Okafor")
    url = reverse("admin:interactions_interaction_change", args=[data.pk])
    ana = Contact.objects.get(display_name="Ana Lima")
    link = data.interactioncontact_set.get()
    form = {
        "owner": data.owner_id, "occurred_at_0": "2026-01-01", "occurred_at_1": "10:00:00", "channel": "call",
        "direction": "mutual", "kind": "catch_up", "note": "hello",
        "interactioncontact_set-TOTAL_FORMS": "2", "interactioncontact_set-INITIAL_FORMS": "1",
        "interactioncontact_set-0-id": link.pk, "interactioncontact_set-0-interaction": data.pk,
        "interactioncontact_set-0-contact": ana.pk,
        "interactioncontact_set-1-interaction": data.pk, "interactioncontact_set-1-contact": stranger.pk,
    }
    response = staff_client.post(url, form)
    assert response.status_code == 200
    assert "owner&#x27;s contacts" in response.content.decode() or "owner's contacts" in response.content.decode()
    assert list(data.contacts.all()) == [ana]


def test_import_jobs_are_listed_read_only_without_the_file(staff_client, owner):
    from contacts.jobs import ImportJob

    job = ImportJob.objects.create(
        owner=owner, kind="contacts", status="failed", filename="phone.vcf", data=b"BEGIN:VCARD secret",
        error="Line 3: a card without an end. " * 5,
    )
    listing = staff_client.get(reverse("admin:contacts_importjob_changelist"), {"status__exact": "failed"})
    html = listing.content.decode()
    assert "phone.vcf" in html and "Line 3: a card without an end." in html and "…" in html
    page = staff_client.get(reverse("admin:contacts_importjob_change", args=[job.pk]))
    assert page.status_code == 200 and "secret" not in page.content.decode()
    assert 'name="_save"' not in page.content.decode()  # nothing to save: the import writes it
