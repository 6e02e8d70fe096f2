"""Importing contacts in the admin: who may, and whose contacts the rows become."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contacts.models import Contact
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:contacts_contact_changelist")
IMPORT = reverse("admin:contacts_contact_import")
PROCESS = reverse("admin:contacts_contact_process_import")
CSV = 0  # the first of ContactAdmin.import_formats


def staff(*codenames):
    user = UserFactory(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="contacts", codename__in=codenames))
    return user


def upload(client, owner, text):
    """The first step: the file and the owner, answered with a preview."""
    return client.post(
        IMPORT,
        {"owner": owner.pk, "format": CSV, "import_file": SimpleUploadedFile("people.csv", text.encode(), "text/csv")},
    )


def confirm(client, preview):
    form = preview.context["confirm_form"]
    return client.post(PROCESS, {name: form.initial[name] for name in form.fields})


def message_texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


class TestWhoMayImport:
    def test_view_only_staff_are_told_why_and_nothing_is_written(self, client, owner):
        client.force_login(staff("view_contact"))
        response = client.get(IMPORT, follow=True)
        assert response.redirect_chain[-1][0] == CHANGELIST
        assert any("cannot import contacts" in text for text in message_texts(response))
        assert IMPORT not in response.content.decode()  # no Import button either
        response = upload(client, owner, "id,name\n,Ana Lima\n")
        assert response.status_code == 302 and not Contact.objects.exists()

    def test_adding_without_changing_is_not_enough(self, client, owner):
        client.force_login(staff("view_contact", "add_contact"))
        assert upload(client, owner, "id,name\n,Ana Lima\n").status_code == 302
        assert not Contact.objects.exists()

    def test_the_confirm_step_checks_again(self, client, owner):
        importer = staff("view_contact", "add_contact", "change_contact")
        client.force_login(importer)
        preview = upload(client, owner, "id,name\n,Ana Lima\n")
        assert preview.status_code == 200
        importer.user_permissions.remove(Permission.objects.get(codename="change_contact"))
        response = confirm(client, preview)
        assert response.status_code == 302 and not Contact.objects.exists()
        assert any("cannot import contacts" in text for text in message_texts(response))

    def test_staff_without_any_contact_permission_go_to_the_admin_index(self, client):
        client.force_login(staff())
        response = client.get(IMPORT)
        assert response.status_code == 302 and response["Location"] == reverse("admin:index")


class TestWhoseContacts:
    @pytest.fixture
    def importer(self, client):
        client.force_login(staff("view_contact", "add_contact", "change_contact"))
        return client

    def test_new_rows_and_their_tags_are_the_chosen_owners(self, importer, owner, other):
        preview = upload(importer, owner, "id,name,circle,tags\n,Ana Lima,close,family; climbing\n,Ben Okafor,,\n")
        assert preview.status_code == 200 and not Contact.objects.exists()  # a preview writes nothing
        assert confirm(importer, preview).status_code == 302
        rows = Contact.objects.order_by("display_name")
        assert [(c.display_name, c.owner_id) for c in rows] == [("Ana Lima", owner.pk), ("Ben Okafor", owner.pk)]
        assert sorted((t.name, t.owner_id) for t in rows[0].tags.all()) == [("climbing", owner.pk), ("family", owner.pk)]
        assert not Contact.objects.filter(owner=other).exists()

    def test_a_row_with_the_owners_id_updates_that_contact(self, importer, owner):
        ana = ContactFactory(owner=owner, display_name="Ana Lima", company="")
        confirm(importer, upload(importer, owner, f"id,name,company\n{ana.pk},Ana Lima,Acme\n"))
        ana.refresh_from_db()
        assert (ana.company, ana.owner_id) == ("Acme", owner.pk) and Contact.objects.count() == 1

    def test_another_owners_id_is_an_error_and_nothing_is_written(self, importer, owner, other):
        theirs = ContactFactory(owner=other, display_name="Dan Other", company="")
        preview = upload(importer, owner, f"id,name,company\n,Ana Lima,\n{theirs.pk},Dan Other,Stolen\n")
        assert preview.status_code == 200
        assert "has no contact with id" in preview.content.decode()
        assert "confirm_form" not in preview.context or preview.context["confirm_form"] is None
        theirs.refresh_from_db()
        assert theirs.company == "" and Contact.objects.count() == 1

    def test_an_owner_column_in_the_file_is_ignored(self, importer, owner, other):
        confirm(importer, upload(importer, owner, f"id,name,owner\n,Ana Lima,{other.pk}\n"))
        assert Contact.objects.get().owner_id == owner.pk

    def test_a_file_without_an_id_column_adds_every_row(self, importer, owner):
        preview = upload(importer, owner, "name,company\nAna Lima,Acme\nBen Okafor,\n")
        assert preview.status_code == 200 and "import_id_fields" not in preview.content.decode()
        confirm(importer, preview)
        assert sorted(Contact.objects.filter(owner=owner).values_list("display_name", flat=True)) == [
            "Ana Lima", "Ben Okafor"]
