"""Import interactions from a CSV file: the service behind ``manage.py import_interactions``.

The file has a header ``occurred_at,contact,channel,direction,note`` (``note``
optional; names case-insensitive, in any order) and one interaction per row:

- ``occurred_at``: ISO 8601, a date (taken as noon in the user's time zone, so
  that the day survives any later change of zone) or a date and time, with or
  without an offset (naive times are in the user's time zone); or Unix seconds,
  integer or decimal. A value made of digits only is always Unix seconds.
- ``contact``: an email address (matched against the user's email contact
  methods) or a display name, case-insensitively. Someone not found is created
  in the default circle: from an email address, named after its local part and
  given that address. A name shared by several contacts is an error.
- ``channel`` and ``direction``: the values of :class:`~interactions.models.Channel`
  and :class:`~interactions.models.Direction`, in any case.

All rows are checked before anything is written; one bad row and the file is
refused whole, with every bad row listed (:class:`InteractionImportError`).
A row the user already has — same contact, moment, channel and direction — is
skipped, so importing a file twice adds nothing the second time. Rows are
written with ``bulk_create`` in batches, in one transaction; the contacts'
scores are recomputed once it commits.
"""

import codecs
import csv
import datetime
import io
import re
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from functools import partial
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from contacts.models import Contact, ContactMethod

from .models import Channel, Direction, Interaction, InteractionContact
from .services import refresh_contact_figures

REQUIRED_COLUMNS = ("occurred_at", "contact", "channel", "direction")
OPTIONAL_COLUMNS = ("note",)
HEADER = ",".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
BATCH_SIZE = 5000
MAX_LISTED_ERRORS = 20
# Import mistakes that put rows in the future are caught; a day of slack covers
# time zones and clocks that run a little ahead.
FUTURE_SLACK = datetime.timedelta(days=1)
# Larger "seconds" are almost certainly milliseconds (10**11 s is the year 5138).
MAX_UNIX_SECONDS = 10**11
DATE_ONLY_TIME = datetime.time(12, 0)

_UNIX_SECONDS = re.compile(r"[+-]?\d+(?:\.\d*)?|[+-]?\.\d+")
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_NAME_MAX = Contact._meta.get_field("display_name").max_length
_METHOD_MAX = ContactMethod._meta.get_field("value").max_length


class InteractionImportError(ValueError):
    """The file cannot be imported and nothing was written.

    ``errors`` lists ``(line, reason)`` for every bad row (empty when the file
    as a whole is wrong: not UTF-8, empty, wrong header); ``str()`` is a message
    for people, with at most :data:`MAX_LISTED_ERRORS` rows spelled out.
    """

    def __init__(self, message: str, errors: list[tuple[int, str]] | None = None):
        super().__init__(message)
        self.errors = errors or []


@dataclass
class ImportResult:
    email: str
    imported: int = 0  # interactions written (or that would be, in a dry run)
    people: int = 0  # distinct contacts among them
    new_contacts: int = 0
    already_there: int = 0  # rows skipped: the user already had them
    repeated: int = 0  # rows skipped: the same interaction earlier in the file
    dry_run: bool = False

    def summary(self) -> str:
        """One line, e.g. ``Imported 1,234 interactions with 56 people (12 new) for ana@example.com;
        skipped 3 already there.``"""
        interactions = _plural(self.imported, "interaction")
        people = _plural(self.people, "person", "people")
        verb, skip = ("Dry run: would import", "would skip") if self.dry_run else ("Imported", "skipped")
        line = f"{verb} {interactions} with {people} ({self.new_contacts:,} new) for {self.email}"
        skipped = []
        if self.already_there:
            skipped.append(f"{self.already_there:,} already there")
        if self.repeated:
            skipped.append(f"{self.repeated:,} repeated in the file")
        if skipped:
            line += f"; {skip} " + " and ".join(skipped)
        return line + (". Nothing was written." if self.dry_run else ".")


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


@dataclass(slots=True)
class _Row:
    line: int
    occurred_at: datetime.datetime
    contact: tuple[str, str]  # ("email" | "name", folded key)
    channel: str
    direction: str
    note: str


@dataclass(slots=True)
class _NewContact:
    display_name: str
    email: str = ""
    pk: int | None = None


# --- Reading ---------------------------------------------------------------------------


def decode_csv_text(
    data: bytes, error_class: type[ValueError] = InteractionImportError, hint: str = "save it as CSV in UTF-8."
) -> str:
    """The text of a UTF-8 CSV file; ``error_class`` with a message for people when it is not one."""
    data = data.removeprefix(codecs.BOM_UTF8)  # Excel's "CSV UTF-8" starts with one
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise error_class(
            f"The file is not UTF-8 text (byte 0x{data[error.start]:02x} on line {line:,}); {hint}"
        ) from None
    if "\x00" in text:
        raise error_class("The file is binary (it contains NUL bytes), not a CSV file.")
    if not text.strip():
        raise error_class("The file is empty.")
    return text


def _column_key(name: str) -> str:
    return re.sub(r"[\s-]+", "_", name.strip().lower())


def _header(cells: list[str]) -> dict[str, int]:
    names = [_column_key(cell) for cell in cells]
    known = set(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
    problems = []
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        problems.append(f"missing {', '.join(missing)}")
    unknown = [cell.strip() for cell, name in zip(cells, names) if name not in known]
    if unknown:
        problems.append(f"unknown {', '.join(repr(u) for u in unknown)}")
    repeated = sorted(name for name, n in Counter(names).items() if n > 1 and name in known)
    if repeated:
        problems.append(f"repeated {', '.join(repeated)}")
    if problems:
        raise InteractionImportError(
            f"The first line must be the header {HEADER} (note is optional); "
            f"found {','.join(c.strip() for c in cells)!r}: {'; '.join(problems)}."
        )
    return {name: index for index, name in enumerate(names)}


def _records(text: str):
    """(line where the record starts, cells) for each non-blank record, the header included."""
    reader = csv.reader(io.StringIO(text, newline=""))
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise InteractionImportError(f"Line {line:,} cannot be read as CSV: {error}.") from None
        if any(cell.strip() for cell in cells):  # blank lines and ",,,," rows left by spreadsheets
            yield line, cells


# --- Checking one row ------------------------------------------------------------------


def parse_occurred_at(text: str, tz: datetime.tzinfo) -> datetime.datetime:
    """An ISO 8601 date or date-time, or Unix seconds, as an aware datetime in UTC.

    Naive values are read in ``tz``; a bare date is noon there. Raises
    ``ValueError`` with a message for people.
    """
    if _UNIX_SECONDS.fullmatch(text):
        seconds = Decimal(text)
        if abs(seconds) >= MAX_UNIX_SECONDS:
            raise ValueError(f"occurred_at {text!r} is too large for Unix seconds (milliseconds?)")
        whole = seconds.to_integral_value(rounding=ROUND_FLOOR)
        micro = int(((seconds - whole) * 1_000_000).to_integral_value())
        try:
            return _EPOCH + datetime.timedelta(seconds=int(whole), microseconds=micro)
        except OverflowError:
            raise ValueError(f"occurred_at {text!r} is out of range") from None
    try:
        if len(text) <= 10 and "T" not in text.upper():
            day = datetime.date.fromisoformat(text)
            value = datetime.datetime.combine(day, DATE_ONLY_TIME)
        else:
            value = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"occurred_at {text!r} is not an ISO 8601 date or time (2024-05-17, 2024-05-17T18:30, "
            "2024-05-17T18:30:00+02:00) nor Unix seconds"
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    try:
        return value.astimezone(datetime.UTC)
    except OverflowError:
        raise ValueError(f"occurred_at {text!r} is out of range") from None


_CHOICES = {"channel": tuple(Channel.values), "direction": tuple(Direction.values)}


def _choice(column: str, text: str) -> str:
    allowed = _CHOICES[column]
    value = text.lower()
    if value in allowed:
        return value
    value = re.sub(r"[\s-]+", "_", value)  # "In person", "in-person"
    if value in allowed:
        return value
    if not text:
        raise ValueError(f"{column} is empty; it must be one of {', '.join(allowed)}")
    raise ValueError(f"{column} {text!r} is not one of {', '.join(allowed)}")


def _normal_name(text: str) -> str:
    return " ".join(text.split())


def _contact_key(text: str) -> tuple[str, str]:
    if not text:
        raise ValueError("contact is empty; give a name or an email address")
    if "@" in text and not any(ch.isspace() for ch in text):
        try:
            validate_email(text)
        except ValidationError:
            raise ValueError(f"contact {text!r} is not a valid email address") from None
        if len(text) > _METHOD_MAX:
            raise ValueError(f"contact {text[:40]!r}… is longer than {_METHOD_MAX} characters")
        return "email", text.casefold()
    name = _normal_name(text)
    if len(name) > _NAME_MAX:
        raise ValueError(f"contact {name[:40]!r}… is longer than {_NAME_MAX} characters")
    return "name", name.casefold()


def _parse_rows(text: str, tz: datetime.tzinfo, now: datetime.datetime):
    """Rows, the original spelling of each contact, and (line, reason) for bad rows."""
    records = _records(text)
    first = next(records, None)
    if first is None:
        raise InteractionImportError("The file is empty.")
    columns = _header(first[1])
    width = len(first[1])
    at, who, chan, dirn = (columns[name] for name in REQUIRED_COLUMNS)
    note_at = columns.get("note")
    latest = now + FUTURE_SLACK
    rows: list[_Row] = []
    spelling: dict[tuple[str, str], str] = {}
    errors: list[tuple[int, str]] = []
    keys: dict[str, tuple[str, str]] = {}  # the same few people come back on row after row
    for line, cells in records:
        if len(cells) > width:
            errors.append((line, f"{len(cells)} cells but the header has {width} (quote notes that hold commas)"))
            continue
        cells = [cell.strip() for cell in cells] + [""] * (width - len(cells))
        reasons = []
        if not cells[at]:
            reasons.append("occurred_at is empty")
        else:
            try:
                occurred_at = parse_occurred_at(cells[at], tz)
                if occurred_at > latest:
                    reasons.append(f"occurred_at {cells[at]!r} is in the future")
            except ValueError as error:
                reasons.append(str(error))
        key = keys.get(cells[who])
        if key is None:
            try:
                key = keys[cells[who]] = _contact_key(cells[who])
            except ValueError as error:
                reasons.append(str(error))
        try:
            channel = _choice("channel", cells[chan])
        except ValueError as error:
            reasons.append(str(error))
        try:
            direction = _choice("direction", cells[dirn])
        except ValueError as error:
            reasons.append(str(error))
        if reasons:
            errors.append((line, "; ".join(reasons)))
            continue
        spelling.setdefault(key, cells[who] if key[0] == "email" else _normal_name(cells[who]))
        note = cells[note_at] if note_at is not None else ""
        rows.append(_Row(line, occurred_at, key, channel, direction, note))
    if not rows and not errors:
        raise InteractionImportError("The file has a header but no interactions.")
    return rows, spelling, errors


# --- Contacts and duplicates --------------------------------------------------------------

Target = int | _NewContact  # an existing contact's pk, or one to create


def _resolve_contacts(user, spelling: dict[tuple[str, str], str]):
    """Map each contact key of the file to a contact pk or a contact to create.

    Names match ignoring case; when several contacts match, one spelled exactly
    the same wins. Returns (key → target, key → reason for keys that still fit
    several contacts).
    """
    by_name: dict[str, list[tuple[int, str]]] = {}
    for pk, name in Contact.objects.for_user(user).values_list("pk", "display_name"):
        name = _normal_name(name)
        by_name.setdefault(name.casefold(), []).append((pk, name))
    by_email: dict[str, set[int]] = {}
    emails = ContactMethod.objects.for_user(user).filter(kind=ContactMethod.Kind.EMAIL)
    for contact_id, value in emails.values_list("contact_id", "value"):
        by_email.setdefault(value.strip().casefold(), set()).add(contact_id)
    resolved: dict[tuple[str, str], Target] = {}
    ambiguous: dict[tuple[str, str], str] = {}
    for key, text in spelling.items():
        kind, folded = key
        if kind == "email":
            found = sorted(by_email.get(folded, ()))
        else:
            found = [pk for pk, _ in by_name.get(folded, [])]
            # "Ben" and "ben" (say, made from ben@example.com): the exact spelling decides.
            exact = [pk for pk, name in by_name.get(folded, []) if name == text]
            if len(found) > 1 and len(exact) == 1:
                found = exact
        if len(found) == 1:
            resolved[key] = found[0]
        elif found:
            if kind == "email":
                reason = f"{len(found)} of your contacts have the email address {text!r}; keep it on one only"
            else:
                reason = f"{len(found)} of your contacts are named {text!r}; rename one or use an email address"
            ambiguous[key] = reason
        elif kind == "email":
            address = text.lower()
            resolved[key] = _NewContact(address.rsplit("@", 1)[0][:_NAME_MAX], email=address)
        else:
            resolved[key] = _NewContact(text)
    return resolved, ambiguous


def _existing(user, contact_ids: list[int], rows: list[_Row]) -> set[tuple]:
    """(contact, moment, channel, direction) of the user's interactions in the file's time span."""
    if not contact_ids:
        return set()
    span = (min(row.occurred_at for row in rows), max(row.occurred_at for row in rows))
    links = InteractionContact.objects.filter(
        interaction__owner=user, interaction__occurred_at__range=span, contact_id__in=contact_ids
    ).values_list("contact_id", "interaction__occurred_at", "interaction__channel", "interaction__direction")
    return set(links)


def _error_message(errors: list[tuple[int, str]]) -> str:
    listed = [f"line {line:,}: {reason}" for line, reason in errors[:MAX_LISTED_ERRORS]]
    if len(errors) > MAX_LISTED_ERRORS:
        listed.append(f"… and {len(errors) - MAX_LISTED_ERRORS:,} more bad rows.")
    return f"{_plural(len(errors), 'bad row')}; nothing was imported.\n" + "\n".join(listed)


# --- The service -------------------------------------------------------------------------


def import_interactions(user, source: bytes | BinaryIO, *, dry_run: bool = False,
                        now: datetime.datetime | None = None) -> ImportResult:
    """Import a CSV of interactions for ``user``; see the module docstring for the format.

    ``source`` is the file's bytes or a binary file (an upload). Raises
    :class:`InteractionImportError` and writes nothing when any row is bad.
    With ``dry_run`` everything is checked and counted but nothing is
    written. ``now`` (default: the clock) decides what is in the future.
    Once the import commits, :func:`recompute_scores` runs for the user
    (``transaction.on_commit``).
    """
    data = source if isinstance(source, bytes | bytearray) else source.read()
    tz = user.zone
    rows, spelling, errors = _parse_rows(decode_csv_text(bytes(data)), tz, now or timezone.now())
    result = ImportResult(user.email, dry_run=dry_run)
    with transaction.atomic():
        if not dry_run:
            # Two imports for one user at once would each miss the other's rows
            # when looking for duplicates: they take turns.
            type(user).objects.select_for_update().filter(pk=user.pk).first()
        resolved, ambiguous = _resolve_contacts(user, spelling)
        errors += [(row.line, ambiguous[row.contact]) for row in rows if row.contact in ambiguous]
        if errors:
            errors.sort()
            raise InteractionImportError(_error_message(errors), errors)
        existing = _existing(user, [t for t in resolved.values() if isinstance(t, int)], rows)
        todo: list[_Row] = []
        seen: set[tuple] = set()
        used: set = set()  # who gets an interaction: pks and keys of new contacts
        for row in rows:
            target = resolved[row.contact]
            # The same person may be reached by name and by email address: compare pks.
            who = target if isinstance(target, int) else row.contact
            identity = (who, row.occurred_at, row.channel, row.direction)
            if identity in seen:
                result.repeated += 1
            elif identity in existing:
                result.already_there += 1
            else:
                seen.add(identity)
                todo.append(row)
                used.add(who)
        new = [resolved[key] for key in spelling if key in used]
        result.imported, result.people, result.new_contacts = len(todo), len(used), len(new)
        if dry_run or not todo:
            return result
        _write(user, todo, resolved, new)
        touched = sorted({_pk(resolved[row.contact]) for row in todo})
        refresh_contact_figures(touched)
        earliest = min(row.occurred_at for row in todo)
        transaction.on_commit(partial(recompute_scores, user.pk, touched, earliest))
    return result


def _write(user, todo: list[_Row], resolved: dict[tuple[str, str], Target], new: list[_NewContact]) -> None:
    contacts = Contact.objects.bulk_create(
        [Contact(owner=user, display_name=n.display_name) for n in new], batch_size=BATCH_SIZE
    )
    for pending, contact in zip(new, contacts):
        pending.pk = contact.pk
    ContactMethod.objects.bulk_create(
        [ContactMethod(contact_id=n.pk, kind=ContactMethod.Kind.EMAIL, value=n.email) for n in new if n.email],
        batch_size=BATCH_SIZE,
    )
    for start in range(0, len(todo), BATCH_SIZE):
        batch = todo[start : start + BATCH_SIZE]
        interactions = Interaction.objects.bulk_create(
            [
                Interaction(owner_id=user.pk, occurred_at=row.occurred_at, channel=row.channel,
                            direction=row.direction, note=row.note)
                for row in batch
            ],
            batch_size=BATCH_SIZE,
        )
        InteractionContact.objects.bulk_create(
            [
                InteractionContact(interaction_id=interaction.pk, contact_id=_pk(resolved[row.contact]))
                for interaction, row in zip(interactions, batch)
            ],
            batch_size=BATCH_SIZE,
        )


def _pk(target: Target) -> int:
    return target.pk if isinstance(target, _NewContact) else target


def recompute_scores(user_id: int, contact_ids=None, since: datetime.datetime | None = None) -> None:
    """Scores, cadences and nudges of one user, after the weekly history of the imported people.

    Only ``contact_ids`` (the people in the file) have a different past, and
    only from ``since`` (its earliest conversation): the history is rebuilt
    for them, from the week holding it.
    """
    from . import engine

    engine.recompute_user(user_id, rebuild_history=True, contact_ids=contact_ids, history_since=since)
