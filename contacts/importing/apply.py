"""Apply parsed contact records to one user's address book, in one transaction.

Each record is matched to a contact the user already has — by vCard UID, then
any email address, then any phone number (its last nine digits, as
``contacts.duplicates`` compares them; only when the names share a word, since
a landline is shared by a family), then the name (accents, case and word
order ignored) — or to one made earlier from the same file; otherwise it makes
a new contact. A matched contact is completed, never overwritten: empty fields
are filled, missing email addresses, phones, websites, dates and tags are
added, and notes the contact does not already hold are appended. So importing
the same file again changes nothing and reports every card as unchanged.

Counts, per card or row: created, updated (something was added), unchanged,
skipped (no name, email address or phone to make a contact from).
"""

import dataclasses
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from interactions import tasks

from ..duplicates import normalise_name, phone_key
from ..models import Contact, ContactMethod, ImportantDate, Tag
from .records import ContactRecord

FILLED_FIELDS = ("given_name", "family_name", "nickname", "company", "title", "how_we_met")
IGNORED_TAGS = {"my contacts", "mycontacts", "starred"}  # system groups of Google and Android
BATCH_SIZE = 2000
MAX_WARNINGS = 50
SAMPLE_SIZE = 20
Kind = ContactMethod.Kind


@dataclasses.dataclass
class ContactImportResult:
    email: str
    source: str = ""  # "vCard", "Google Contacts CSV"…
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    dry_run: bool = False
    warnings: list[str] = dataclasses.field(default_factory=list)
    contact_ids: list[int] = dataclasses.field(default_factory=list)
    sample: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (name, what happens), the first few

    @property
    def counts(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged, "skipped": self.skipped}

    def summary(self) -> str:
        """One line, e.g. ``Imported 3 contacts for ana@example.com from vCard: 2 created, 1 updated, …``."""
        total = sum(self.counts.values())
        verb = "Dry run: would import" if self.dry_run else "Imported"
        figures = ", ".join(f"{n:,} {what}" for what, n in self.counts.items())
        line = f"{verb} {total:,} {'contact' if total == 1 else 'contacts'} for {self.email}"
        line += f" from {self.source}: {figures}" if self.source else f": {figures}"
        return line + (". Nothing was written." if self.dry_run else ".")


class _Book:
    """The user's contacts and what identifies them, kept current as the file is applied."""

    def __init__(self, owner):
        self.contacts = {c.pk: c for c in Contact.objects.for_user(owner)}
        self.uids, self.emails, self.phones, self.names = {}, {}, {}, {}
        self.methods = {pk: set() for pk in self.contacts}
        self.dates = {pk: set() for pk in self.contacts}
        self.tags = {pk: set() for pk in self.contacts}
        for contact in self.contacts.values():
            self._index_contact(contact)
        for contact_id, kind, value in ContactMethod.objects.for_user(owner).values_list("contact_id", "kind", "value"):
            self._index_method(self.contacts[contact_id], kind, value)
        for contact_id, label, month, day in ImportantDate.objects.for_user(owner).values_list(
            "contact_id", "label", "month", "day"
        ):
            self.dates[contact_id].add((label.lower(), month, day))
        for contact_id, name in Contact.tags.through.objects.filter(contact__owner=owner).values_list(
            "contact_id", "tag__name"
        ):
            self.tags[contact_id].add(name.lower())

    def key(self, contact):
        return contact.pk if contact.pk is not None else id(contact)

    def add(self, contact):
        key = self.key(contact)
        self.methods[key], self.dates[key], self.tags[key] = set(), set(), set()
        self._index_contact(contact)

    def _index_contact(self, contact):
        if contact.uid:
            self.uids.setdefault(contact.uid, contact)
        if name := normalise_name(contact.display_name):
            self.names.setdefault(name, contact)

    def _index_method(self, contact, kind, value):
        self.methods[self.key(contact)].add((kind, value.lower()))
        if kind == Kind.EMAIL:
            self.emails.setdefault(value.lower(), contact)
        elif kind == Kind.PHONE and (digits := phone_key(value)):
            self.phones.setdefault(digits, contact)
            # "020 7946 0018" and "+44 20 7946 0018" are one number on one person.
            self.methods[self.key(contact)].add(("phone-digits", digits))

    def match(self, record: ContactRecord, name: str):
        if record.uid and (found := self.uids.get(record.uid)):
            return found
        for _, email in record.emails:
            if found := self.emails.get(email.lower()):
                return found
        for _, phone in record.phones:
            if (digits := phone_key(phone)) and (found := self.phones.get(digits)) and _names_agree(found, name):
                return found
        found = self.names.get(normalise_name(name))
        # The same name with another UID is somebody else of that name.
        if found and not (found.uid and record.uid and found.uid != record.uid):
            return found
        return None


def _names_agree(contact, name: str) -> bool:
    """A shared phone (a family's landline, an office switchboard) is the same person only when
    the names share a word, or one side has no real name."""
    theirs, ours = set(normalise_name(contact.display_name).split()), set(normalise_name(name).split())
    return not theirs or not ours or bool(theirs & ours)


def _valid_emails(record: ContactRecord) -> list[tuple[str, str]]:
    valid = []
    for label, address in record.emails:
        try:
            validate_email(address)
        except ValidationError:
            record.warnings.append(f"email address {address[:40]!r} left out: it is not valid")
            continue
        valid.append((label, address.lower()))
    return valid


class _Plan:
    """What to write once every record is matched: new contacts, changed fields, rows to add."""

    def __init__(self):
        self.new: list[Contact] = []
        self.changed: dict[int, Contact] = {}
        self.methods: list[tuple[Contact, str, str, str]] = []
        self.dates: list[tuple[Contact, str, object]] = []
        self.tags: list[tuple[Contact, str]] = []


def _complete(contact: Contact, record: ContactRecord, book: _Book, plan: _Plan, emails) -> bool:
    """Add to ``contact`` what ``record`` knows and it lacks; True when anything was added."""
    changed = False
    for field in FILLED_FIELDS:
        value = getattr(record, field)
        if value and not getattr(contact, field):
            setattr(contact, field, value)
            changed = True
    if record.uid and not contact.uid:
        contact.uid = record.uid
        changed = True
    if record.notes and record.notes not in contact.notes:
        contact.notes = f"{contact.notes}\n\n{record.notes}" if contact.notes else record.notes
        changed = True
    if record.birthday and not contact.birthday_month:
        born = record.birthday
        contact.birthday_month, contact.birthday_day, contact.birthday_year = born.month, born.day, born.year
        changed = True
    fields_changed = changed
    key = book.key(contact)
    for kind, pairs in ((Kind.EMAIL, emails), (Kind.PHONE, record.phones), (Kind.WEBSITE, record.websites)):
        for label, value in pairs:
            digits = phone_key(value) if kind == Kind.PHONE else None
            if (kind, value.lower()) not in book.methods[key] and ("phone-digits", digits) not in book.methods[key]:
                book._index_method(contact, kind, value)
                plan.methods.append((contact, kind, label, value))
                changed = True
    for label, day in record.dates:
        if (label.lower(), day.month, day.day) not in book.dates[key]:
            book.dates[key].add((label.lower(), day.month, day.day))
            plan.dates.append((contact, label, day))
            changed = True
    for tag in record.tags:
        if tag.lower() not in IGNORED_TAGS and tag.lower() not in book.tags[key]:
            book.tags[key].add(tag.lower())
            plan.tags.append((contact, tag))
            changed = True
    if fields_changed and contact.pk is not None:
        plan.changed[contact.pk] = contact
    return changed


def apply_records(owner, records: list[ContactRecord], *, dry_run: bool = False, source: str = "",
                  progress: Callable[[int], None] | None = None) -> ContactImportResult:
    """Match and write ``records`` for ``owner`` in one transaction; see the module docstring.

    With ``dry_run`` everything is matched and counted, and nothing is
    written. Scores and nudges of the contacts touched are recomputed by the
    worker once the transaction commits.
    """
    result = ContactImportResult(owner.email, source=source, dry_run=dry_run)
    with transaction.atomic():
        if not dry_run:
            # Two imports for one user at once would each miss the other's new contacts.
            type(owner).objects.select_for_update().filter(pk=owner.pk).first()
        book, plan = _Book(owner), _Plan()
        created_here: set[int] = set()
        for done, record in enumerate(records, start=1):
            emails = _valid_emails(record)
            record.emails = emails
            name = record.best_name()[:200]
            if not name:
                result.skipped += 1
                record.warnings.append("skipped: no name, email address or phone")
            else:
                contact = book.match(record, name)
                if contact is None:
                    contact = Contact(owner=owner, display_name=name)
                    book.add(contact)
                    plan.new.append(contact)
                    created_here.add(id(contact))
                    _complete(contact, record, book, plan, emails)
                    result.created += 1
                    action = "new"
                elif _complete(contact, record, book, plan, emails) and id(contact) not in created_here:
                    result.updated += 1
                    action = f"adds to {contact.display_name}"
                else:
                    result.unchanged += 1
                    action = f"already there as {contact.display_name}"
                if len(result.sample) < SAMPLE_SIZE:
                    result.sample.append((name, action))
            result.warnings += [f"{record.where}: {w}" for w in record.warnings][: MAX_WARNINGS - len(result.warnings)]
            if progress and done % 500 == 0:
                progress(done)
        if not dry_run:
            result.contact_ids = _write(owner, plan)
            if result.contact_ids:
                tasks.recompute_contacts.delay_on_commit(owner.pk, result.contact_ids)
    return result


def _write(owner, plan: _Plan) -> list[int]:
    Contact.objects.bulk_create(plan.new, batch_size=BATCH_SIZE)
    if plan.changed:
        Contact.objects.bulk_update(
            plan.changed.values(),
            [*FILLED_FIELDS, "uid", "notes", "birthday_month", "birthday_day", "birthday_year"],
            batch_size=BATCH_SIZE,
        )
    ContactMethod.objects.bulk_create(
        [
            ContactMethod(contact=c, kind=kind, label=label[:50], value=value.lower() if kind == Kind.EMAIL else value)
            for c, kind, label, value in plan.methods
        ],
        batch_size=BATCH_SIZE,
        ignore_conflicts=True,  # "Ana@x" and "ana@x" on one card are one address
    )
    ImportantDate.objects.bulk_create(
        [ImportantDate(contact=c, label=label[:100], month=d.month, day=d.day, year=d.year) for c, label, d in plan.dates],
        batch_size=BATCH_SIZE,
    )
    if plan.tags:
        tags = {t.name.lower(): t for t in Tag.objects.for_user(owner)}
        missing = {name.lower(): name for _, name in plan.tags if name.lower() not in tags}
        for tag in Tag.objects.bulk_create([Tag(owner=owner, name=name) for name in missing.values()]):
            tags[tag.name.lower()] = tag
        link = Contact.tags.through
        link.objects.bulk_create(
            [link(contact_id=c.pk, tag_id=tags[name.lower()].pk) for c, name in plan.tags],
            batch_size=BATCH_SIZE,
            ignore_conflicts=True,
        )
    touched = {c.pk for c in plan.new} | set(plan.changed)
    touched |= {c.pk for c, *_ in plan.methods} | {c.pk for c, *_ in plan.dates} | {c.pk for c, _ in plan.tags}
    return sorted(touched)
