from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation

from relcrm.admin_columns import ShortErrorColumn

from . import services
from .models import Digest, Interaction, InteractionContact


class InteractionContactInline(admin.TabularInline):
    model = InteractionContact
    extra = 0
    autocomplete_fields = ["contact"]


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "owner", "channel", "direction", "kind", "short_note"]
    list_filter = ["channel", "direction", "kind", ("owner", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["note", "contacts__display_name", "owner__email"]
    date_hierarchy = "occurred_at"
    list_select_related = ["owner"]
    autocomplete_fields = ["owner"]
    inlines = [InteractionContactInline]
    show_full_result_count = False
    actions = ["delete_selected_interactions"]

    @admin.display(description="note")
    def short_note(self, obj):
        return (obj.note[:60] + "…") if len(obj.note) > 60 else obj.note

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        # The stock bulk delete skips the services, leaving last-talked dates stale.
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Delete selected interactions", permissions=["delete"])
    def delete_selected_interactions(self, request, queryset):
        count = services.delete_interactions(queryset)
        self.message_user(request, f"Deleted {count} interactions.", messages.SUCCESS)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        contact_ids = set(form.instance.contacts.values_list("pk", flat=True))
        for formset in formsets:
            contact_ids |= {f.instance.contact_id for f in formset.deleted_forms if f.instance.contact_id}
        services.refresh_contact_figures(contact_ids)

    def delete_model(self, request, obj):
        services.delete_interaction(obj)


@admin.register(Digest)
class DigestAdmin(ShortErrorColumn, admin.ModelAdmin):
    """Daily emails, one row per user and day; filter on "Failed" for the ones that did not go out."""

    list_display = ["local_date", "owner", "state", "attempts", "nudge_count", "sent_at", "short_error"]
    list_filter = ["state", "local_date"]
    search_fields = ["owner__email", "subject"]
    date_hierarchy = "local_date"
    list_select_related = ["owner"]
    show_full_result_count = False
    # Written only by the sender: editing one by hand could send an email twice.
    readonly_fields = [
        "owner", "local_date", "state", "attempts", "nudge_count", "subject", "error", "claimed_at", "sent_at",
        "retry_at",
    ]

    def has_add_permission(self, request):
        return False
