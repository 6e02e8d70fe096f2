"""Importing contacts in the admin (django-import-export): CSV or XLSX, previewed, then confirmed.

The person importing chooses whose address book the file goes into; the
file cannot say otherwise. A row with an ``id`` updates that contact only if
it belongs to the chosen owner — any other id is refused as an error of that
row, never looked up elsewhere — and a row without one adds a contact. Tags
are names, separated by ``;`` as in the CSV export, made for that owner when
new. Column names follow the export where they overlap (``name``, ``tags``…).
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets
from import_export.forms import ConfirmImportForm, ImportForm

from interactions import tasks

from .bulk import BulkEditError, clean_tag_name
from .exporting import LIST_SEPARATOR
from .models import Contact, Tag


class TagNamesWidget(widgets.ManyToManyWidget):
    """``family; climbing`` ↔ the owner's tags of those names, made when missing."""

    def __init__(self):
        super().__init__(Tag, separator=LIST_SEPARATOR, field="name")
        self.owner = None

    def clean(self, value, row=None, **kwargs):
        if self.owner is None:
            raise ValueError("Choose whose contacts these are.")
        names, seen = [], set()
        for name in (value or "").split(self.separator):
            if not name.strip():
                continue
            try:
                name = clean_tag_name(name)
            except BulkEditError as error:
                raise ValueError(str(error)) from None
            if name.lower() not in seen:
                seen.add(name.lower())
                names.append(name)
        existing = {t.name.lower(): t for t in Tag.objects.for_user(self.owner)}
        return [existing.get(n.lower()) or Tag.objects.create(owner=self.owner, name=n) for n in names]

    def render(self, value, obj=None, **kwargs):
        return f"{self.separator} ".join(tag.name for tag in value.all()) if value is not None else ""


class ContactResource(resources.ModelResource):
    name = fields.Field(attribute="display_name", column_name="name")
    tags = fields.Field(attribute="tags", column_name="tags", widget=TagNamesWidget())

    class Meta:
        model = Contact
        fields = (
            "id", "name", "given_name", "family_name", "nickname", "company", "title", "circle", "tags",
            "cadence_days", "birthday_day", "birthday_month", "birthday_year", "met_on", "how_we_met", "archived",
            "notes",
        )
        import_id_fields = ("id",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def __init__(self, owner=None, **kwargs):
        super().__init__(**kwargs)
        self.owner = owner
        self.fields["tags"].widget.owner = owner

    def before_import(self, dataset, **kwargs):
        # A file of new people needs no id column: without one, every row is added.
        if "id" not in (dataset.headers or []):
            dataset.append_col([""] * len(dataset), header="id")
        super().before_import(dataset, **kwargs)

    def get_queryset(self):
        # Every lookup by id is among the chosen owner's contacts only.
        return Contact.objects.filter(owner=self.owner) if self.owner else Contact.objects.none()

    def get_instance(self, instance_loader, row):
        raw = row.get("id")
        if raw is None or str(raw).strip() == "":
            return None
        instance = super().get_instance(instance_loader, row)
        if instance is None:
            # Falling through would make a "new" contact with that id, which
            # saving turns into an UPDATE of whoever's contact it is.
            raise ValidationError(
                {"id": f"{self.owner} has no contact with id {raw}; leave id empty to add a new contact."}
            )
        return instance

    def after_init_instance(self, instance, new, row, **kwargs):
        if self.owner is None:
            raise ValidationError("Choose whose contacts these are.")
        if new:
            instance.owner = self.owner

    def before_save_instance(self, instance, row, **kwargs):
        # Whatever a row held, it is saved as the chosen owner's (an update is one of theirs already).
        if self.owner is None or (instance.owner_id is not None and instance.owner_id != self.owner.pk):
            raise ValidationError("Choose whose contacts these are.")
        instance.owner = self.owner

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if not self._is_dry_run(kwargs) and self.owner and (result.totals["new"] or result.totals["update"]):
            # New circles and cadences move who is due: the owner is recomputed once it is all saved.
            tasks.recompute_users.delay_on_commit([self.owner.pk])


def _owner_field():
    return forms.ModelChoiceField(
        queryset=get_user_model().objects.order_by("email"),
        label="Owner",
        help_text="Every row goes into this user's contacts; ids of anyone else's contacts are refused.",
    )


class ContactImportForm(ImportForm):
    owner = _owner_field()
    field_order = ["owner", "resource", "import_file", "format"]


class ContactConfirmImportForm(ConfirmImportForm):
    owner = forms.ModelChoiceField(queryset=get_user_model().objects.all(), widget=forms.HiddenInput())
