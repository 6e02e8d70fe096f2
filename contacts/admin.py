import csv

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from import_export.admin import ImportMixin
from import_export.formats import base_formats

from relcrm.admin_columns import ShortErrorColumn

from . import bulk, exporting, merging
from .jobs import ImportJob
from .models import Circle, Contact, ContactMethod, ImportantDate, Tag
from .resources import ContactConfirmImportForm, ContactImportForm, ContactResource


class ContactMethodInline(admin.TabularInline):
    model = ContactMethod
    extra = 0


class ImportantDateInline(admin.TabularInline):
    model = ImportantDate
    extra = 0


class ContactAdminForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        owner, tags = cleaned.get("owner"), cleaned.get("tags")
        if owner and tags and any(tag.owner_id != owner.pk for tag in tags):
            self.add_error("tags", "Only tags of the same owner can be used.")
        return cleaned


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        # Archived people are never due: the engine leaves them alone.
        overdue = {"archived": False, "next_due_on__lt": timezone.localdate()}
        if self.value() == "yes":
            return queryset.filter(**overdue)
        if self.value() == "no":
            return queryset.exclude(**overdue)
        return queryset


class TagFilter(admin.SimpleListFilter):
    """Tags by name, with their owner unless the list is already narrowed to one owner."""

    title = "tag"
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        tags = Tag.objects.select_related("owner").order_by("name", "owner__email")
        owner = request.GET.get("owner__id__exact")
        if owner and owner.isdigit():
            return [(str(t.pk), t.name) for t in tags.filter(owner_id=owner)]
        return [(str(t.pk), f"{t.name} ({t.owner})") for t in tags]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(tags__pk=self.value())
        return queryset


class AddTagForm(forms.Form):
    tag = forms.CharField(label="Tag", max_length=bulk.TAG_NAME_MAX, help_text="A new name makes a new tag.")


class RemoveTagForm(forms.Form):
    tag = forms.ChoiceField(label="Tag")

    def __init__(self, *args, names, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [(n, n) for n in names]


class CircleForm(forms.Form):
    circle = forms.ChoiceField(label="Circle", choices=Circle.choices)


class CadenceForm(forms.Form):
    cadence_days = forms.IntegerField(
        label="Talk every (days)", required=False, min_value=bulk.CADENCE_RANGE[0], max_value=bulk.CADENCE_RANGE[1],
        help_text="Leave empty to go back to the circle's default rhythm.",
    )


class MergeForm(forms.Form):
    keep = forms.TypedChoiceField(label="Keep", coerce=int, widget=forms.RadioSelect)


@admin.register(Contact)
class ContactAdmin(ImportMixin, admin.ModelAdmin):
    form = ContactAdminForm
    # Short columns, so the list fits beside the admin's menu and filters on a laptop screen.
    list_display = ["display_name", "owner", "circle", "cadence_days", "company", "last_talked", "next_due_on", "archived"]
    list_filter = [("owner", admin.RelatedOnlyFieldListFilter), "circle", TagFilter, OverdueFilter, "archived"]
    search_fields = ["display_name", "nickname", "company", "owner__email", "methods__value"]
    list_select_related = ["owner"]
    readonly_fields = ["last_interaction_at", "created_at", "updated_at"]
    autocomplete_fields = ["owner", "introduced_by", "tags"]
    inlines = [ContactMethodInline, ImportantDateInline]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["owner", "display_name", "nickname", "given_name", "family_name"]}),
        ("Relationship", {"fields": ["circle", "cadence_days", "tags", "introduced_by", "met_on", "how_we_met", "archived"]}),
        ("Work", {"fields": ["company", "title"]}),
        ("Birthday", {"fields": [("birthday_day", "birthday_month", "birthday_year")]}),
        ("Notes", {"fields": ["notes"]}),
        ("History", {"fields": ["last_interaction_at", "created_at", "updated_at"]}),
    ]
    actions = [
        "add_tag", "remove_tag", "set_circle", "set_cadence", "archive", "unarchive", "merge_selected",
        "export_selected_csv",
    ]
    resource_classes = [ContactResource]
    import_formats = [base_formats.CSV, base_formats.XLSX]
    import_form_class = ContactImportForm
    confirm_form_class = ContactConfirmImportForm

    @admin.display(description="last talked", ordering="last_interaction_at")
    def last_talked(self, obj):
        """The day, in the viewer's time zone: the hour and minute are on the contact's page."""
        return timezone.localdate(obj.last_interaction_at) if obj.last_interaction_at else None

    # --- import (django-import-export) ---------------------------------------------

    IMPORT_REFUSED = (
        "You cannot import contacts: a file adds contacts and changes existing ones, which needs both the "
        "“Can add contact” and “Can change contact” permissions. Ask an administrator for them."
    )

    def has_import_permission(self, request):
        # django-import-export lets anyone with access to the list import unless told otherwise.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def _import_refused(self, request):
        self.message_user(request, self.IMPORT_REFUSED, messages.ERROR)
        where = "changelist" if self.has_view_or_change_permission(request) else None
        opts = self.opts
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_changelist" if where else "admin:index")

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            return self._import_refused(request)
        return super().import_action(request, **kwargs)

    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            return self._import_refused(request)
        return super().process_import(request, **kwargs)

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        owner = form.cleaned_data.get("owner") if form is not None and hasattr(form, "cleaned_data") else None
        return {"owner": owner}

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["owner"] = import_form.cleaned_data["owner"].pk
        return initial

    # --- bulk actions: one owner at a time, through contacts.bulk and contacts.merging ---

    def _owner(self, request, queryset):
        """The selection's one owner, or None after telling the user why not."""
        try:
            owner_id = bulk.selection_owner(queryset)
        except bulk.MixedOwners as error:
            self.message_user(request, str(error), messages.ERROR)
            return None
        return get_user_model().objects.get(pk=owner_id)

    def _done(self, request, count, what):
        self.message_user(request, f"{what}: {count} contact{'s' if count != 1 else ''} changed.", messages.SUCCESS)

    def _ask(self, request, queryset, form, action, title):
        """The intermediate page: the form, the selected contacts, and the action again to come back here."""
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "form": form,
            "action": action,
            "contacts": queryset.order_by("display_name")[:50],
            "count": queryset.count(),
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/contacts/contact/bulk_action.html", context)

    def _form_action(self, request, queryset, form_class, action, title, apply, **form_kwargs):
        owner = self._owner(request, queryset)
        if owner is None:
            return None
        form = form_class(request.POST if "apply" in request.POST else None, **form_kwargs)
        if form.is_valid():
            try:
                count = apply(owner, form.cleaned_data)
            except bulk.BulkEditError as error:
                self.message_user(request, str(error), messages.ERROR)
                return None
            self._done(request, count, title)
            return None
        return self._ask(request, queryset, form, action, title)

    @admin.action(description="Add a tag to selected contacts", permissions=["change"])
    def add_tag(self, request, queryset):
        return self._form_action(
            request, queryset, AddTagForm, "add_tag", "Add a tag",
            lambda owner, data: bulk.add_tag(queryset, data["tag"], owner=owner),
        )

    @admin.action(description="Remove a tag from selected contacts", permissions=["change"])
    def remove_tag(self, request, queryset):
        names = sorted(set(Tag.objects.filter(contacts__in=queryset).values_list("name", flat=True)), key=str.lower)
        if not names:
            self.message_user(request, "None of the selected contacts has a tag.", messages.WARNING)
            return None
        return self._form_action(
            request, queryset, RemoveTagForm, "remove_tag", "Remove a tag",
            lambda owner, data: bulk.remove_tag(queryset, data["tag"], owner=owner), names=names,
        )

    @admin.action(description="Move selected contacts to a circle", permissions=["change"])
    def set_circle(self, request, queryset):
        return self._form_action(
            request, queryset, CircleForm, "set_circle", "Set the circle",
            lambda owner, data: bulk.set_circle(queryset, data["circle"], owner=owner),
        )

    @admin.action(description="Set how often to talk to selected contacts", permissions=["change"])
    def set_cadence(self, request, queryset):
        return self._form_action(
            request, queryset, CadenceForm, "set_cadence", "Set the cadence",
            lambda owner, data: bulk.set_cadence(queryset, data["cadence_days"], owner=owner),
        )

    @admin.action(description="Archive selected contacts", permissions=["change"])
    def archive(self, request, queryset):
        if owner := self._owner(request, queryset):
            self._done(request, bulk.archive(queryset, owner=owner), "Archived")

    @admin.action(description="Unarchive selected contacts", permissions=["change"])
    def unarchive(self, request, queryset):
        if owner := self._owner(request, queryset):
            self._done(request, bulk.unarchive(queryset, owner=owner), "Unarchived")

    @admin.action(description="Merge selected contacts into one", permissions=["change", "delete"])
    def merge_selected(self, request, queryset):
        owner = self._owner(request, queryset)
        if owner is None:
            return None
        contacts = list(queryset.order_by("display_name", "pk"))
        if len(contacts) < 2:
            self.message_user(request, "Select at least two contacts to merge.", messages.WARNING)
            return None
        form = MergeForm(request.POST if "apply" in request.POST else None)
        form.fields["keep"].choices = [(c.pk, f"{c.display_name} (#{c.pk})") for c in contacts]
        if form.is_valid():
            try:
                merged = merging.merge_contacts(form.cleaned_data["keep"], contacts, owner=owner)
            except merging.MergeError as error:
                self.message_user(request, str(error), messages.ERROR)
                return None
            self.message_user(request, f"Merged {merged.removed + 1} contacts into {merged.contact}.", messages.SUCCESS)
            return None
        return self._ask(request, queryset, form, "merge_selected", "Merge contacts")

    @admin.action(description="Export selected contacts as CSV", permissions=["view"])
    def export_selected_csv(self, request, queryset):
        owner = self._owner(request, queryset)
        if owner is None:
            return None
        tz = owner.zone
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="contacts-{owner.pk}-{timezone.localdate()}.csv"'
        writer = csv.writer(response, lineterminator="\r\n")
        writer.writerow(exporting.CSV_COLUMNS)
        for contact in exporting.contacts_for_export(owner).filter(pk__in=queryset.order_by().values("pk")):
            writer.writerow(exporting.csv_row(contact, tz))
        return response


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "owner"]
    list_filter = [("owner", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "owner__email"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner"]


@admin.register(ImportJob)
class ImportJobAdmin(ShortErrorColumn, admin.ModelAdmin):
    """Files imported through People → Import and export: what happened to each, and why one failed."""

    list_display = ["created_at", "owner", "kind", "filename", "status", "total", "progress", "short_error"]
    list_filter = ["status", "kind"]
    search_fields = ["owner__email", "filename"]
    date_hierarchy = "created_at"
    list_select_related = ["owner"]
    # Written by the import only; the uploaded file itself (``data``) is the user's and is not shown.
    fields = readonly_fields = [
        "owner", "kind", "status", "filename", "total", "progress", "counts", "summary", "error", "created_at",
        "finished_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("data")
