"""Writes to interactions, and the contact fields that follow from them.

Views, commands, the admin and tasks all go through these functions, so that
``Contact.last_interaction_at`` is right whichever way an interaction arrives.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, OuterRef, Q, Subquery

from contacts.models import Contact

from .models import Interaction, InteractionContact

INTERACTION_FIELDS = ("occurred_at", "channel", "direction", "kind", "note", "duration_minutes", "quality")


def _check_contacts(owner, contacts: Iterable[Contact]) -> list[Contact]:
    contacts = list({c.pk: c for c in contacts}.values())
    if not contacts:
        raise ValidationError("An interaction needs at least one contact.")
    if any(c.owner_id != owner.pk for c in contacts):
        raise ValidationError("An interaction can only include your own contacts.")
    return contacts


def refresh_last_interaction(contact_ids: Iterable[int] | None = None, *, owner_id: int | None = None) -> int:
    """Recompute ``last_interaction_at`` from the interactions, in one UPDATE.

    Limited to ``contact_ids``, or to every contact of ``owner_id``. Only rows
    whose value changes are written. Returns how many changed.
    """
    latest = Subquery(
        InteractionContact.objects.filter(contact=OuterRef("pk"))
        .values("contact")
        .annotate(latest=Max("interaction__occurred_at"))
        .values("latest")[:1]
    )
    contacts = Contact.objects.all()
    if contact_ids is not None:
        contacts = contacts.filter(pk__in=list(contact_ids))
    if owner_id is not None:
        contacts = contacts.filter(owner_id=owner_id)
    stale = (
        Q(last_interaction_at__isnull=True, latest__isnull=False)
        | Q(last_interaction_at__isnull=False, latest__isnull=True)
        | ~Q(last_interaction_at=F("latest"))
    )
    return contacts.annotate(latest=latest).filter(stale).update(last_interaction_at=latest)


@transaction.atomic
def log_interaction(owner, *, contacts: Iterable[Contact], **fields) -> Interaction:
    """Record an interaction with one or more of ``owner``'s contacts."""
    contacts = _check_contacts(owner, contacts)
    interaction = Interaction(owner=owner, **fields)
    interaction.full_clean(exclude=["owner"])
    interaction.save()
    InteractionContact.objects.bulk_create(
        InteractionContact(interaction=interaction, contact=c) for c in contacts
    )
    # Moving forward only: a single conditional UPDATE, safe against a
    # concurrent log of a later interaction with the same person.
    Contact.objects.filter(pk__in=[c.pk for c in contacts]).filter(
        Q(last_interaction_at__isnull=True) | Q(last_interaction_at__lt=interaction.occurred_at)
    ).update(last_interaction_at=interaction.occurred_at)
    return interaction


@transaction.atomic
def update_interaction(interaction: Interaction, *, contacts: Iterable[Contact] | None = None, **fields) -> Interaction:
    """Change an interaction; the old and the new contacts are both brought up to date."""
    unknown = set(fields) - set(INTERACTION_FIELDS)
    if unknown:
        raise TypeError(f"Not an interaction field: {', '.join(sorted(unknown))}")
    affected = set(interaction.contacts.values_list("pk", flat=True))
    for name, value in fields.items():
        setattr(interaction, name, value)
    interaction.full_clean(exclude=["owner"])
    interaction.save()
    if contacts is not None:
        contacts = _check_contacts(interaction.owner, contacts)
        new_ids = {c.pk for c in contacts}
        InteractionContact.objects.filter(interaction=interaction).exclude(contact_id__in=new_ids).delete()
        InteractionContact.objects.bulk_create(
            [InteractionContact(interaction=interaction, contact_id=pk) for pk in new_ids - affected]
        )
        affected |= new_ids
    refresh_last_interaction(affected)
    return interaction


@transaction.atomic
def delete_interaction(interaction: Interaction) -> None:
    """Delete an interaction and move its contacts' last-talked dates back."""
    affected = list(interaction.contacts.values_list("pk", flat=True))
    interaction.delete()
    refresh_last_interaction(affected)


@transaction.atomic
def delete_interactions(queryset) -> int:
    """Bulk delete (admin actions); returns how many interactions went."""
    affected = list(
        InteractionContact.objects.filter(interaction__in=queryset).values_list("contact_id", flat=True).distinct()
    )
    _, per_model = queryset.delete()
    refresh_last_interaction(affected)
    return per_model.get(Interaction._meta.label, 0)
