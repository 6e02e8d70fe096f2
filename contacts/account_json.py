"""The whole account as one JSON document, and back into an empty account.

What it holds: the profile settings, circle cadences, tags, every contact with
its methods, important dates and tags (and who introduced whom), every
conversation with the people in it, and every nudge with its state. Figures
the engine works out (scores, cadences learned, stored activity) are not in
it: they are recomputed from the rest after a restore. A restore goes into an
account with no contacts and no conversations only — anything else would
mix two address books — in one transaction.
"""

import datetime
import json
from collections.abc import Iterator

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from .models import CircleCadence, Contact, ContactMethod, ImportantDate, Tag

FORMAT = "relcrm-account"
VERSION = 1
PROFILE_FIELDS = ("name", "time_zone", "digest_enabled", "digest_hour", "nudge_cap", "birthday_lead_days", "digest_reasons")
CONTACT_FIELDS = (
    "display_name", "given_name", "family_name", "nickname", "company", "title", "how_we_met", "met_on",
    "birthday_month", "birthday_day", "birthday_year", "circle", "cadence_days", "notes", "archived", "uid",
)
INTERACTION_FIELDS = ("channel", "direction", "kind", "note", "duration_minutes", "quality")
NUDGE_FIELDS = ("reason", "level", "message", "priority", "state")
NUDGE_DATES = ("due_on", "show_from", "snoozed_until")


def _value(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def json_chunks(user) -> Iterator[str]:
    """The export as pieces of text, one contact or conversation at a time (for streaming)."""
    from interactions.models import Interaction, Nudge

    head = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "email": user.email,
        "profile": {f: getattr(user, f) for f in PROFILE_FIELDS},
        "circle_cadences": [
            {"circle": c, "cadence_days": d}
            for c, d in CircleCadence.objects.for_user(user).order_by("circle").values_list("circle", "cadence_days")
        ],
        "tags": list(Tag.objects.for_user(user).order_by("name").values_list("name", flat=True)),
    }
    yield json.dumps(head, ensure_ascii=False)[:-1]
    contacts = Contact.objects.for_user(user).order_by("pk").prefetch_related(
        Prefetch("methods", queryset=ContactMethod.objects.order_by("pk")),
        Prefetch("important_dates", queryset=ImportantDate.objects.order_by("pk")),
        Prefetch("tags", queryset=Tag.objects.order_by("name")),
    )
    yield ', "contacts": ['
    for n, contact in enumerate(contacts.iterator(chunk_size=1000)):
        row = {"id": contact.pk, **{f: _value(getattr(contact, f)) for f in CONTACT_FIELDS}}
        row["introduced_by"] = contact.introduced_by_id
        row["tags"] = [t.name for t in contact.tags.all()]
        row["methods"] = [{"kind": m.kind, "label": m.label, "value": m.value} for m in contact.methods.all()]
        row["dates"] = [
            {"label": d.label, "month": d.month, "day": d.day, "year": d.year} for d in contact.important_dates.all()
        ]
        yield ("" if n == 0 else ",") + "\n" + json.dumps(row, ensure_ascii=False)
    yield '], "interactions": ['
    interactions = Interaction.objects.for_user(user).order_by("occurred_at", "pk").prefetch_related(
        Prefetch("contacts", queryset=Contact.objects.only("pk").order_by("pk"))
    )
    for n, interaction in enumerate(interactions.iterator(chunk_size=2000)):
        row = {"occurred_at": interaction.occurred_at.isoformat(), **{f: getattr(interaction, f) for f in INTERACTION_FIELDS}}
        row["contacts"] = [c.pk for c in interaction.contacts.all()]
        yield ("" if n == 0 else ",") + "\n" + json.dumps(row, ensure_ascii=False)
    yield '], "nudges": ['
    nudges = Nudge.objects.for_user(user).order_by("pk").select_related("important_date")
    for n, nudge in enumerate(nudges.iterator(chunk_size=2000)):
        row = {"contact": nudge.contact_id, **{f: getattr(nudge, f) for f in NUDGE_FIELDS}}
        row |= {f: _value(getattr(nudge, f)) for f in NUDGE_DATES}
        row["resolved_at"] = _value(nudge.resolved_at)
        date = nudge.important_date
        row["important_date"] = [date.label, date.month, date.day] if date else None
        yield ("" if n == 0 else ",") + "\n" + json.dumps(row, ensure_ascii=False)
    yield "]}\n"


def write_json(user, stream) -> int:
    """Write the export of ``user`` to a text stream; returns how many contacts."""
    for chunk in json_chunks(user):
        stream.write(chunk)
    return Contact.objects.for_user(user).count()


def looks_like_export(data: bytes) -> bool:
    head = data[:200].lstrip()
    return head.startswith(b"{") and f'"format": "{FORMAT}"'.encode() in head


def _date(text):
    return datetime.date.fromisoformat(text) if text else None


def _moment(text):
    return datetime.datetime.fromisoformat(text) if text else None


def restore(owner, data: bytes, *, dry_run: bool = False):
    """Put a JSON export into ``owner``'s empty account; returns a ContactImportResult.

    Raises ContactImportError (nothing written) for an account that already
    has contacts or conversations, or a document that is damaged.
    """
    from interactions.importing import recompute_scores
    from interactions.models import Interaction, InteractionContact

    from .importing.apply import ContactImportResult
    from .importing.records import ContactImportError

    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ContactImportError(f"The JSON export cannot be read: {error}.") from None
    if doc.get("format") != FORMAT or doc.get("version") != VERSION:
        raise ContactImportError(f"This is not a relcrm export of version {VERSION}.")
    if Contact.objects.for_user(owner).exists() or Interaction.objects.for_user(owner).exists():
        raise ContactImportError(
            "A full export goes into an empty account only: this account already has contacts or conversations."
        )
    contacts = doc.get("contacts") or []
    result = ContactImportResult(owner.email, source="relcrm JSON export", dry_run=dry_run, created=len(contacts))
    if dry_run:
        return result
    try:
        with transaction.atomic():
            ids = _restore_rows(owner, doc, Interaction, InteractionContact)
            result.contact_ids = sorted(ids.values())
            transaction.on_commit(lambda: recompute_scores(owner.pk, result.contact_ids, None))
    except (KeyError, TypeError, ValueError, AttributeError, IntegrityError) as error:
        raise ContactImportError(f"The JSON export is damaged and nothing was imported: {error!r}.") from None
    return result


def _restore_rows(owner, doc, Interaction, InteractionContact) -> dict[int, int]:
    from interactions.models import Nudge
    from interactions.services import refresh_contact_figures

    for field, value in (doc.get("profile") or {}).items():
        if field in PROFILE_FIELDS:
            setattr(owner, field, value)
    owner.full_clean(exclude=["password", "email", "last_login", "date_joined"])
    owner.save(update_fields=list(PROFILE_FIELDS))
    CircleCadence.objects.bulk_create(
        [CircleCadence(owner=owner, circle=c["circle"], cadence_days=c["cadence_days"]) for c in doc["circle_cadences"]]
    )
    tags = {t.name.lower(): t for t in Tag.objects.bulk_create([Tag(owner=owner, name=n) for n in doc["tags"]])}
    rows = doc["contacts"]
    made = []
    for row in rows:
        values = {f: row.get(f) for f in CONTACT_FIELDS if f in row}
        values["met_on"] = _date(values.get("met_on"))
        contact = Contact(owner=owner, **values)
        contact.full_clean(exclude=["owner", "introduced_by", "tags"])
        made.append(contact)
    Contact.objects.bulk_create(made, batch_size=2000)
    ids = {row["id"]: contact.pk for row, contact in zip(rows, made)}
    introduced = []
    for row, contact in zip(rows, made):
        if row.get("introduced_by"):
            contact.introduced_by_id = ids[row["introduced_by"]]
            introduced.append(contact)
    Contact.objects.bulk_update(introduced, ["introduced_by"])
    ContactMethod.objects.bulk_create(
        [ContactMethod(contact=c, **m) for row, c in zip(rows, made) for m in row["methods"]], batch_size=2000
    )
    dates = ImportantDate.objects.bulk_create(
        [ImportantDate(contact=c, **d) for row, c in zip(rows, made) for d in row["dates"]], batch_size=2000
    )
    date_ids = {(d.contact_id, d.label, d.month, d.day): d.pk for d in dates}
    link = Contact.tags.through
    link.objects.bulk_create(
        [link(contact_id=c.pk, tag_id=tags[name.lower()].pk) for row, c in zip(rows, made) for name in row["tags"]],
        batch_size=2000,
    )
    items = doc["interactions"]
    interactions = Interaction.objects.bulk_create(
        [
            Interaction(owner=owner, occurred_at=_moment(i["occurred_at"]), **{f: i[f] for f in INTERACTION_FIELDS})
            for i in items
        ],
        batch_size=2000,
    )
    InteractionContact.objects.bulk_create(
        [InteractionContact(interaction=made_i, contact_id=ids[c]) for i, made_i in zip(items, interactions) for c in i["contacts"]],
        batch_size=5000,
    )
    nudges = []
    for n in doc["nudges"]:
        contact_id = ids[n["contact"]]
        date = n.get("important_date")
        nudges.append(
            Nudge(
                owner=owner, contact_id=contact_id, **{f: n[f] for f in NUDGE_FIELDS},
                **{f: _date(n.get(f)) for f in NUDGE_DATES}, resolved_at=_moment(n.get("resolved_at")),
                important_date_id=date_ids[(contact_id, *date)] if date else None,
            )
        )
    Nudge.objects.bulk_create(nudges, batch_size=2000)
    refresh_contact_figures(ids.values())
    return ids
