"""Merging duplicate contacts into one, which keeps everything the duplicates held.

The contact the user keeps absorbs the others' contact methods, important
dates, tags, conversations, nudges, score history and the people they
introduced; its empty fields are filled from the richest of the duplicates'
(see ``_merged_fields``) and the notes are put end to end. A conversation
with two of the duplicates ends up linked once. Then the duplicates go, the
kept contact's stored figures are recomputed from its conversations, its
weekly history is rebuilt, and the
worker recomputes its score and nudges once it all commits. One transaction,
one owner: a merge across owners is refused before anything is written.

Finding likely duplicates lives in ``contacts.duplicates``.
"""

import dataclasses
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from interactions import engine, tasks
from interactions.models import InteractionContact, Nudge
from interactions.services import refresh_contact_figures

from . import bulk
from .models import Circle, Contact, ContactMethod, ImportantDate, ScoreSnapshot

TEXT_FIELDS = ("display_name", "given_name", "family_name", "nickname", "company", "title", "how_we_met")
# Closest first: a person on two records is as close as the closer one says.
CIRCLE_ORDER = list(Circle.values)
# An acted-on nudge outranks an open one for the same day: the user's choice is kept.
STATE_RANK = {Nudge.State.DONE: 3, Nudge.State.DISMISSED: 3, Nudge.State.SNOOZED: 2, Nudge.State.OPEN: 1}
NOTES_SEPARATOR = "\n\n"


class MergeError(bulk.BulkEditError):
    """A merge that cannot be done as asked; the message says why."""


@dataclasses.dataclass
class Merged:
    contact: Contact
    removed: int
    interactions_moved: int


def _birthday_parts(contact) -> int:
    return sum(v is not None for v in (contact.birthday_month, contact.birthday_day, contact.birthday_year))


def _merged_fields(keep: Contact, others: list[Contact], ids: set[int]) -> dict:
    """The kept contact's fields after the merge.

    Text: the kept contact's where it has one (the user picked it, name
    included), else the longest of the duplicates'. Birthday: the
    most complete one. Met on and created: the earliest. Circle: the closest.
    Cadence and the introducer: the kept contact's, else the first duplicate's
    that has one. Archived only when all were. Notes: each distinct one, the
    kept contact's first.
    """
    everyone = [keep, *others]
    fields = {
        name: getattr(keep, name) or max((getattr(c, name) for c in others), key=len) for name in TEXT_FIELDS
    }
    born = max(everyone, key=_birthday_parts)  # max() keeps the first of equals: the kept contact
    fields |= {
        "birthday_month": born.birthday_month,
        "birthday_day": born.birthday_day,
        "birthday_year": born.birthday_year,
    }
    met = [c.met_on for c in everyone if c.met_on]
    fields["met_on"] = min(met) if met else None
    fields["created_at"] = min(c.created_at for c in everyone)
    fields["circle"] = min((c.circle for c in everyone), key=CIRCLE_ORDER.index)
    fields["cadence_days"] = next((c.cadence_days for c in everyone if c.cadence_days), None)
    fields["introduced_by_id"] = next(
        (c.introduced_by_id for c in everyone if c.introduced_by_id and c.introduced_by_id not in ids), None
    )
    fields["archived"] = all(c.archived for c in everyone)
    notes = []
    for contact in everyone:
        text = contact.notes.strip()
        if text and text not in notes:
            notes.append(text)
    fields["notes"] = NOTES_SEPARATOR.join(notes)
    fields["updated_at"] = timezone.now()
    return fields


def _move_methods(keep_id, other_ids) -> None:
    """The duplicates' methods the kept contact lacks (unique per contact, kind and value) move over."""
    rows = sorted(
        ContactMethod.objects.filter(contact_id__in=[keep_id, *other_ids]).values_list(
            "pk", "contact_id", "kind", "value"
        ),
        key=lambda row: (row[1] != keep_id, row[0]),
    )
    seen, move = set(), []
    for pk, contact_id, kind, value in rows:
        key = (kind, value.lower())
        if key not in seen:
            seen.add(key)
            if contact_id != keep_id:
                move.append(pk)
    ContactMethod.objects.filter(pk__in=move).update(contact_id=keep_id)


def _move_dates(keep_id, other_ids) -> dict[int, int]:
    """Move the duplicates' dates over; returns, for each one the kept contact already had, that date's id."""
    rows = sorted(
        ImportantDate.objects.filter(contact_id__in=[keep_id, *other_ids]).values_list(
            "pk", "contact_id", "label", "month", "day", "year"
        ),
        key=lambda row: (row[1] != keep_id, row[0]),
    )
    kept, move, same, years = {}, [], {}, []
    for pk, contact_id, label, month, day, year in rows:
        key = (label, month, day)
        if key not in kept:
            kept[key] = (pk, year)
            if contact_id != keep_id:
                move.append(pk)
            continue
        same[pk] = kept[key][0]
        if kept[key][1] is None and year is not None:
            kept[key] = (kept[key][0], year)
            years.append(ImportantDate(pk=kept[key][0], year=year))
    ImportantDate.objects.filter(pk__in=move).update(contact_id=keep_id)
    if years:
        ImportantDate.objects.bulk_update(years, ["year"])
    return same


def _move_tags(keep_id, other_ids) -> None:
    link = Contact.tags.through
    tag_ids = set(link.objects.filter(contact_id__in=other_ids).values_list("tag_id", flat=True))
    link.objects.bulk_create([link(contact_id=keep_id, tag_id=t) for t in tag_ids], ignore_conflicts=True)


def _move_interactions(keep_id, other_ids) -> int:
    """Relink the duplicates' conversations to the kept contact, each once; returns how many moved."""
    links = InteractionContact.objects.filter(contact_id__in=[keep_id, *other_ids]).values_list(
        "pk", "interaction_id", "contact_id"
    )
    linked = set()
    theirs = []
    for pk, interaction_id, contact_id in links:
        if contact_id == keep_id:
            linked.add(interaction_id)
        else:
            theirs.append((pk, interaction_id))
    move = []
    for pk, interaction_id in sorted(theirs):
        if interaction_id not in linked:
            linked.add(interaction_id)
            move.append(pk)
    # The links left behind (to conversations the kept contact already has) go with their contact.
    InteractionContact.objects.filter(pk__in=move).update(contact_id=keep_id)
    return len(move)


def _move_nudges(keep_id, other_ids, same_dates: dict[int, int]) -> None:
    """One nudge per (reason, day), as the unique constraint wants: the most acted-on one is kept."""
    best = {}
    for nudge in Nudge.objects.filter(contact_id__in=[keep_id, *other_ids]).order_by("pk"):
        key = (nudge.reason, nudge.due_on)
        rank = (STATE_RANK[nudge.state], nudge.contact_id == keep_id)
        if key not in best or rank > best[key][0]:
            best[key] = (rank, nudge)
    winners = [nudge for _, nudge in best.values()]
    Nudge.objects.filter(contact_id__in=[keep_id, *other_ids]).exclude(pk__in=[n.pk for n in winners]).delete()
    moved = [n for n in winners if n.contact_id != keep_id]
    for nudge in moved:
        nudge.contact_id = keep_id
        nudge.important_date_id = same_dates.get(nudge.important_date_id, nudge.important_date_id)
    if moved:
        Nudge.objects.bulk_update(moved, ["contact", "important_date"])


def _move_snapshots(keep_id, other_ids) -> None:
    """The duplicates' weeks the kept contact has no score for; the rest are rebuilt after."""
    weeks = ScoreSnapshot.objects.filter(contact_id=keep_id).values("week")
    first = {}
    for pk, week in (
        ScoreSnapshot.objects.filter(contact_id__in=other_ids).exclude(week__in=weeks).order_by("pk")
        .values_list("pk", "week")
    ):
        first.setdefault(week, pk)
    ScoreSnapshot.objects.filter(pk__in=first.values()).update(contact_id=keep_id)


def _move_other_relations(keep_id, other_ids) -> None:
    """Rows of models this module does not know (added later) that point at a duplicate follow it."""
    handled = {ContactMethod, ImportantDate, InteractionContact, Nudge, ScoreSnapshot}
    for relation in Contact._meta.related_objects:
        model = relation.related_model
        if model in handled or relation.many_to_many or relation.one_to_one or model is Contact:
            continue
        model._base_manager.filter(**{f"{relation.field.name}__in": other_ids}).update(
            **{relation.field.attname: keep_id}
        )


@transaction.atomic
def merge_contacts(keep, others: Iterable, *, owner=None) -> Merged:
    """Merge ``others`` (contacts or ids) into ``keep`` (a contact or id), all of one owner.

    ``owner`` limits the merge to that user's contacts: one of someone
    else's is reported as not found. Raises MergeError (a ValueError) when
    there is nothing to merge, a contact is missing or owners differ.
    """
    keep_id = keep.pk if isinstance(keep, Contact) else int(keep)
    other_ids = sorted({o.pk if isinstance(o, Contact) else int(o) for o in others} - {keep_id})
    if not other_ids:
        raise MergeError("Pick at least one other contact to merge into the one you keep.")
    ids = {keep_id, *other_ids}
    try:
        owner_id, rows = bulk._lock(ids, owner)
    except bulk.MixedOwners as error:
        raise MergeError(f"Only contacts of one user can be merged: {error}") from None
    if len(rows) != len(ids):
        raise MergeError("Some of those contacts no longer exist (merged or deleted meanwhile).")
    contacts = {c.pk: c for c in Contact.objects.filter(pk__in=ids)}
    keep = contacts[keep_id]
    others = [contacts[pk] for pk in other_ids]
    fields = _merged_fields(keep, others, ids)

    _move_methods(keep_id, other_ids)
    same_dates = _move_dates(keep_id, other_ids)
    _move_tags(keep_id, other_ids)
    moved = _move_interactions(keep_id, other_ids)
    _move_nudges(keep_id, other_ids, same_dates)
    _move_snapshots(keep_id, other_ids)
    Contact.objects.filter(introduced_by_id__in=other_ids).exclude(pk__in=ids).update(introduced_by_id=keep_id)
    _move_other_relations(keep_id, other_ids)
    Contact.objects.filter(pk__in=other_ids).delete()
    Contact.objects.filter(pk=keep_id).update(**fields)

    refresh_contact_figures([keep_id])
    # The whole history, not just from the duplicates' first conversation: the
    # merged circle, cadence and dates change how every past week scores.
    engine.rebuild_score_history(owner_id, timezone.now(), weeks=engine.HISTORY_WEEKS, contact_ids=[keep_id])
    tasks.recompute_contacts.delay_on_commit(owner_id, [keep_id])
    keep.refresh_from_db()
    return Merged(contact=keep, removed=len(other_ids), interactions_moved=moved)
