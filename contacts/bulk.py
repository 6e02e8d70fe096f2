"""Bulk edits of contacts: the service behind the admin's actions and the People list's bulk edit.

Every function takes a selection — a Contact QuerySet, or contact ids — that
must belong to one owner: ``owner=`` narrows it to that user's rows first (so
an id of someone else's contact is simply not touched), and a selection that
still spans several owners is refused with :class:`MixedOwners` before
anything is written. Each runs in one transaction with a fixed number of
queries, whatever the number of contacts, and returns how many contacts it
changed. Contacts whose cadence may move are recomputed by the worker once the
transaction commits, the way a logged conversation is.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet, Value
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.utils import timezone

from interactions import tasks
from interactions.models import Nudge

from .models import Circle, Contact, Tag

TAG_NAME_MAX = Tag._meta.get_field("name").max_length
CADENCE_RANGE = (1, 3650)


class BulkEditError(ValueError):
    """A bulk edit that cannot be done as asked; the message says why, for the user."""


class MixedOwners(BulkEditError):
    def __init__(self, count: int):
        super().__init__(
            f"The selection holds contacts of {count} different users; pick contacts of one user at a time."
        )


Selection = QuerySet | Iterable[int]


def _lock(contacts: Selection, owner=None, fields=()) -> tuple[int | None, list[tuple]]:
    """Lock the selected rows and read them: the owner's id and one tuple (pk, *fields) per contact.

    One query. The selection is rebuilt from its ids so that a changelist's
    DISTINCT or ordering cannot get in the way of FOR UPDATE, and locked in
    id order so two bulk edits never deadlock.
    """
    if isinstance(contacts, QuerySet):
        rows = Contact.objects.filter(pk__in=contacts.order_by().values("pk"))
    else:
        rows = Contact.objects.filter(pk__in=list(contacts))
    if owner is not None:
        rows = rows.filter(owner=owner)
    found = list(rows.order_by("pk").select_for_update().values_list("pk", "owner_id", *fields))
    owners = {row[1] for row in found}
    if len(owners) > 1:
        raise MixedOwners(len(owners))
    return (owners.pop() if owners else None), [(row[0], *row[2:]) for row in found]


def selection_owner(contacts: Selection) -> int | None:
    """The one owner of a selection (None when it is empty); MixedOwners when there are several. One query."""
    if isinstance(contacts, QuerySet):
        contacts = contacts.order_by().values("pk")
    owners = list(Contact.objects.filter(pk__in=contacts).order_by().values_list("owner_id", flat=True).distinct())
    if len(owners) > 1:
        raise MixedOwners(len(owners))
    return owners[0] if owners else None


def _recompute_later(owner_id: int, contact_ids) -> None:
    """Scores, cadences and nudges of these contacts, by the worker, once the edit commits."""
    tasks.recompute_contacts.delay_on_commit(owner_id, sorted(contact_ids))


def clean_tag_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise BulkEditError("Give the tag a name.")
    if len(name) > TAG_NAME_MAX:
        raise BulkEditError(f"“{name[:20]}…” is too long for a tag ({TAG_NAME_MAX} characters at most).")
    return name


def _find_tag(owner_id: int, name: str):
    # Lower() on both sides, as the unique constraint spells it, so "Family" finds "family".
    return Tag.objects.filter(Exact(Lower("name"), Lower(Value(name))), owner_id=owner_id).first()


@transaction.atomic
def add_tag(contacts: Selection, name: str, *, owner=None) -> int:
    """Tag the selected contacts with ``name``, creating the owner's tag if it is new; returns how many got it."""
    name = clean_tag_name(name)
    owner_id, rows = _lock(contacts, owner)
    if not rows:
        return 0
    # ON CONFLICT DO NOTHING: a tag made meanwhile under the same name is found, not duplicated.
    Tag.objects.bulk_create([Tag(owner_id=owner_id, name=name)], ignore_conflicts=True)
    tag = _find_tag(owner_id, name)
    link = Contact.tags.through
    ids = [row[0] for row in rows]
    tagged = set(link.objects.filter(tag=tag, contact_id__in=ids).values_list("contact_id", flat=True))
    missing = [pk for pk in ids if pk not in tagged]
    link.objects.bulk_create([link(contact_id=pk, tag=tag) for pk in missing], ignore_conflicts=True)
    return len(missing)


@transaction.atomic
def remove_tag(contacts: Selection, name: str, *, owner=None) -> int:
    """Take the tag ``name`` off the selected contacts (the tag itself stays); returns how many lost it."""
    name = clean_tag_name(name)
    owner_id, rows = _lock(contacts, owner)
    if not rows:
        return 0
    tag = _find_tag(owner_id, name)
    if tag is None:
        return 0
    removed, _ = Contact.tags.through.objects.filter(tag=tag, contact_id__in=[row[0] for row in rows]).delete()
    return removed


def _set(contacts, owner, field: str, value, *, recompute: bool) -> tuple[int | None, list[int]]:
    owner_id, rows = _lock(contacts, owner, fields=(field,))
    changed = [pk for pk, current in rows if current != value]
    if changed:
        Contact.objects.filter(pk__in=changed).update(**{field: value, "updated_at": timezone.now()})
        if recompute:
            _recompute_later(owner_id, changed)
    return owner_id, changed


@transaction.atomic
def set_circle(contacts: Selection, circle: str, *, owner=None) -> int:
    """Move the selected contacts to ``circle``; their cadence, due date and nudges follow."""
    if circle not in Circle.values:
        raise BulkEditError(f"“{circle}” is not a circle; pick one of: {', '.join(Circle.labels)}.")
    return len(_set(contacts, owner, "circle", circle, recompute=True)[1])


def clean_cadence(days) -> int | None:
    if days in (None, ""):
        return None
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise BulkEditError(f"“{days}” is not a number of days.") from None
    low, high = CADENCE_RANGE
    if not low <= days <= high:
        raise BulkEditError(f"A cadence is between {low} and {high} days.")
    return days


@transaction.atomic
def set_cadence(contacts: Selection, days: int | None, *, owner=None) -> int:
    """Talk to the selected contacts every ``days`` days; None goes back to the circle's (or a learned) rhythm."""
    days = clean_cadence(days)
    return len(_set(contacts, owner, "cadence_days", days, recompute=True)[1])


@transaction.atomic
def archive(contacts: Selection, *, owner=None) -> int:
    """Archive the selected contacts: off the lists and out of the engine's passes.

    Their open and snoozed nudges go now rather than at the next nightly pass,
    which would drop them anyway; done and dismissed ones stay as history.
    """
    _, changed = _set(contacts, owner, "archived", True, recompute=False)
    if changed:
        Nudge.objects.filter(contact_id__in=changed, state__in=[Nudge.State.OPEN, Nudge.State.SNOOZED]).delete()
    return len(changed)


@transaction.atomic
def unarchive(contacts: Selection, *, owner=None) -> int:
    """Bring archived contacts back; the engine skipped them meanwhile, so they are recomputed."""
    return len(_set(contacts, owner, "archived", False, recompute=True)[1])
