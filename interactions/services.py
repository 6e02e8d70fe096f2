"""Writes to interactions, and the contact fields that follow from them.

Views, commands, the admin and tasks all go through these functions, so that
``Contact.last_interaction_at`` is right whichever way an interaction arrives.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from contacts.models import Contact

from . import activity
from .models import Interaction, InteractionContact, Nudge

INTERACTION_FIELDS = ("occurred_at", "channel", "direction", "kind", "note", "duration_minutes", "quality")


def _check_contacts(owner, contacts: Iterable[Contact]) -> list[Contact]:
    contacts = list({c.pk: c for c in contacts}.values())
    if not contacts:
        raise ValidationError("An interaction needs at least one contact.")
    if any(c.owner_id != owner.pk for c in contacts):
        raise ValidationError("An interaction can only include your own contacts.")
    return contacts


def refresh_last_interaction(contact_ids: Iterable[int] | None = None, *, owner_id: int | None = None) -> int:
    """Recompute ``last_interaction_at`` from the interactions, set-based.

    Limited to ``contact_ids``, or to every contact of ``owner_id``. Two
    statements whatever the number of contacts: an ``UPDATE … FROM`` over one
    ``GROUP BY`` for contacts with interactions, and one that clears the date of
    contacts left without any. Only rows whose value changes are written.
    Returns how many changed. (``UPDATE … FROM`` needs SQLite 3.33 or newer.)
    """
    if contact_ids is not None:
        ids = list(contact_ids)
        if not ids:
            return 0
        in_list = ", ".join(["%s"] * len(ids))
        scope, params = f"ic.contact_id IN ({in_list})", ids
        contact_scope, contact_params = f"c.id IN ({in_list})", ids
    elif owner_id is not None:
        scope, params = "i.owner_id = %s", [owner_id]
        contact_scope, contact_params = "c.owner_id = %s", [owner_id]
    else:
        raise TypeError("Give contact_ids or owner_id.")
    contact = Contact._meta.db_table
    link = InteractionContact._meta.db_table
    interaction = Interaction._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {contact} AS c SET last_interaction_at = latest.at
            FROM (
                SELECT ic.contact_id, MAX(i.occurred_at) AS at
                FROM {link} ic JOIN {interaction} i ON i.id = ic.interaction_id
                WHERE {scope}
                GROUP BY ic.contact_id
            ) AS latest
            WHERE c.id = latest.contact_id
              AND (c.last_interaction_at IS NULL OR c.last_interaction_at <> latest.at)
            """,
            params,
        )
        changed = cursor.rowcount
        cursor.execute(
            f"""
            UPDATE {contact} AS c SET last_interaction_at = NULL
            WHERE {contact_scope} AND c.last_interaction_at IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM {link} ic WHERE ic.contact_id = c.id)
            """,
            contact_params,
        )
        return changed + cursor.rowcount


def refresh_contact_figures(contact_ids: Iterable[int] | None = None, *, owner_id: int | None = None) -> int:
    """After interactions were added, edited or deleted: what they add up to for the contacts touched.

    Every write path calls this (or ``log_interaction`` does the same for one
    new interaction), so the stored figures the nightly pass scores from
    (``activity.refresh``) and ``last_interaction_at`` are never stale.
    Limited to ``contact_ids``, or to every contact of ``owner_id``. Returns
    how many last-talked dates changed.
    """
    if contact_ids is not None:
        contact_ids = list(contact_ids)
    with transaction.atomic():
        activity.refresh(contact_ids, owner_id=owner_id)
        return refresh_last_interaction(contact_ids, owner_id=owner_id)


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
    ids = [c.pk for c in contacts]
    # Moving forward only: a single conditional UPDATE, safe against a
    # concurrent log of a later interaction with the same person.
    moved = Contact.objects.filter(pk__in=ids).filter(
        Q(last_interaction_at__isnull=True) | Q(last_interaction_at__lt=interaction.occurred_at)
    ).update(last_interaction_at=interaction.occurred_at)
    activity.refresh(ids)
    if moved:
        _resolve_on_contact(owner, ids, interaction.occurred_at)
    _recompute_later(owner.pk, ids)
    return interaction


def _resolve_on_contact(owner, contact_ids, occurred_at) -> None:
    """A conversation answers "talk to them": at once, not at the next recompute.

    Their open overdue and fading nudges are done, and the next due date moves
    a cadence past this conversation.
    """
    Nudge.objects.filter(
        contact_id__in=contact_ids,
        reason__in=[Nudge.Reason.OVERDUE, Nudge.Reason.FADING],
        state__in=[Nudge.State.OPEN, Nudge.State.SNOOZED],
    ).update(state=Nudge.State.DONE, resolved_at=timezone.now())
    day = owner.local_date(occurred_at)
    for days in set(
        Contact.objects.filter(pk__in=contact_ids, effective_cadence_days__isnull=False).values_list(
            "effective_cadence_days", flat=True
        )
    ):
        Contact.objects.filter(pk__in=contact_ids, effective_cadence_days=days).update(
            next_due_on=day + datetime.timedelta(days=days)
        )


def _recompute_later(owner_id: int, contact_ids) -> None:
    """Scores and nudges of these contacts, by the worker, once this transaction commits."""
    from . import tasks

    tasks.recompute_contacts.delay_on_commit(owner_id, sorted(set(contact_ids)))


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
    refresh_contact_figures(affected)
    _recompute_later(interaction.owner_id, affected)
    return interaction


@transaction.atomic
def delete_interaction(interaction: Interaction) -> None:
    """Delete an interaction and move its contacts' last-talked dates back."""
    affected = list(interaction.contacts.values_list("pk", flat=True))
    owner_id = interaction.owner_id
    interaction.delete()
    refresh_contact_figures(affected)
    if affected:
        _recompute_later(owner_id, affected)


@transaction.atomic
def delete_interactions(queryset) -> int:
    """Bulk delete (admin actions); returns how many interactions went."""
    affected = list(
        InteractionContact.objects.filter(interaction__in=queryset).values_list("contact_id", flat=True).distinct()
    )
    owners = defaultdict(list)
    for owner_id, contact_id in Contact.objects.filter(pk__in=affected).values_list("owner_id", "pk"):
        owners[owner_id].append(contact_id)
    _, per_model = queryset.delete()
    refresh_contact_figures(affected)
    for owner_id, contact_ids in owners.items():
        _recompute_later(owner_id, contact_ids)
    return per_model.get(Interaction._meta.label, 0)


SNOOZE_DAYS = 7


def act_on_nudge(nudge: Nudge, action: str, *, today: datetime.date, snooze_days: int = SNOOZE_DAYS) -> bool:
    """Done, snooze or dismiss a nudge that is still open (or snoozed).

    A conditional UPDATE: pressing a button twice, or in two tabs, acts once.
    Returns whether this call changed it.
    """
    changes = {
        "done": {"state": Nudge.State.DONE, "resolved_at": timezone.now(), "snoozed_until": None},
        "dismiss": {"state": Nudge.State.DISMISSED, "resolved_at": timezone.now(), "snoozed_until": None},
        "snooze": {"state": Nudge.State.SNOOZED, "snoozed_until": today + datetime.timedelta(days=snooze_days)},
    }[action]
    return bool(
        Nudge.objects.filter(pk=nudge.pk, state__in=[Nudge.State.OPEN, Nudge.State.SNOOZED]).update(**changes)
    )
