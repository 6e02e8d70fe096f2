from django import forms
from django.contrib import admin

from .models import Contact, ContactMethod, ImportantDate, Tag


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


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    form = ContactAdminForm
    list_display = ["display_name", "owner", "circle", "company", "last_interaction_at", "archived"]
    list_filter = ["circle", "archived", ("owner", admin.RelatedOnlyFieldListFilter), "tags"]
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


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "owner"]
    list_filter = [("owner", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "owner__email"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner"]
