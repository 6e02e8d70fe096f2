"""Export a user's contacts: the service behind ``manage.py export_contacts``.

The CSV is here; vCard is in :mod:`contacts.vcard_export`, the whole account
as JSON in :mod:`contacts.account_json`. The CSV follows RFC 4180: the
``csv`` module's default dialect, ``\\r\\n`` line ends, a header first, UTF-8
without a byte order mark.

Formula injection: spreadsheets run a cell that starts with ``=``, ``+``,
``-`` or ``@`` (and some also one that starts with a tab or a carriage return)
as a formula, so a contact named ``=HYPERLINK("http://evil.example", "Hi")``
would become a live link in the exporting user's spreadsheet. Every cell that
holds text someone typed (names, company, notes, email addresses, phone
numbers, tags) and starts with one of those characters gets a single quote in
front (OWASP's advice), which spreadsheets show as text. A phone number
written ``+44 …`` therefore comes out as ``'+44 …``. Values the exporter
formats itself (dates, numbers, ``true``/``false``, the circle) are left
alone: they cannot carry a formula, and ``--MM-DD`` is the standard spelling
of a birthday without a year.
"""

import csv
import datetime
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from django.db.models import Prefetch

from .models import Contact, ContactMethod, Tag

CSV_COLUMNS = (
    "name", "given_name", "family_name", "nickname", "emails", "phones", "company", "title", "circle",
    "tags", "birthday", "cadence_days", "cadence_source", "depth_score", "last_interaction_at",
    "next_due_on", "archived", "notes",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = ";"


def neutralise(text: str) -> str:
    """``text`` made safe to open in a spreadsheet: a leading ``'`` when it could start a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def contacts_for_export(user):
    """The user's contacts, archived ones too, with their methods and tags: three queries."""
    return (
        Contact.objects.for_user(user)
        .by_name()
        .prefetch_related(
            Prefetch(
                "methods",
                queryset=ContactMethod.objects.filter(
                    kind__in=[ContactMethod.Kind.EMAIL, ContactMethod.Kind.PHONE]
                ).order_by("pk"),
            ),
            Prefetch("tags", queryset=Tag.objects.order_by("name")),
        )
    )


def birthday_text(contact: Contact) -> str:
    """``YYYY-MM-DD``, or ``--MM-DD`` when the year is unknown (as in vCard), or empty."""
    if not (contact.birthday_month and contact.birthday_day):
        return ""
    if contact.birthday_year:
        return f"{contact.birthday_year:04d}-{contact.birthday_month:02d}-{contact.birthday_day:02d}"
    return f"--{contact.birthday_month:02d}-{contact.birthday_day:02d}"


def _text(value) -> str:
    return "" if value is None else str(value)


def csv_row(contact: Contact, tz: datetime.tzinfo) -> list[str]:
    """One contact as the cells of :data:`CSV_COLUMNS`."""
    emails = [m.value for m in contact.methods.all() if m.kind == ContactMethod.Kind.EMAIL]
    phones = [m.value for m in contact.methods.all() if m.kind == ContactMethod.Kind.PHONE]
    last = contact.last_interaction_at
    typed = [
        contact.display_name, contact.given_name, contact.family_name, contact.nickname,
        LIST_SEPARATOR.join(emails), LIST_SEPARATOR.join(phones), contact.company, contact.title,
    ]
    return [
        *map(neutralise, typed),
        contact.circle,
        neutralise(LIST_SEPARATOR.join(tag.name for tag in contact.tags.all())),
        birthday_text(contact),
        _text(contact.effective_cadence_days),
        contact.cadence_source,
        _text(contact.depth_score),
        last.astimezone(tz).isoformat(timespec="seconds") if last else "",
        contact.next_due_on.isoformat() if contact.next_due_on else "",
        "true" if contact.archived else "false",
        neutralise(contact.notes),
    ]


def csv_rows(user) -> Iterator[list[str]]:
    """The header, then one row per contact of ``user``, sorted by name."""
    tz = user.zone
    yield list(CSV_COLUMNS)
    for contact in contacts_for_export(user):
        yield csv_row(contact, tz)


def write_csv(user, stream: TextIO) -> int:
    """Write ``user``'s contacts to ``stream`` (opened with ``newline=""``); returns how many."""
    writer = csv.writer(stream, lineterminator="\r\n")
    rows = csv_rows(user)
    writer.writerow(next(rows))
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


class _Line:
    """A file-like object that hands back what is written to it: one CSV row at a time."""

    def write(self, text: str) -> str:
        return text


def csv_chunks(user) -> Iterator[str]:
    """The CSV as text, one row at a time (for a streaming response)."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    for row in csv_rows(user):
        yield writer.writerow(row)


@contextmanager
def atomic_text_file(path: str | os.PathLike):
    """Open a UTF-8 text file that appears at ``path`` whole or not at all.

    The text goes to a temporary file in the same folder, which replaces
    ``path`` (``os.replace``) only when the block finishes without an error.
    The file is readable by its owner only: exports hold personal data.
    """
    target = Path(path)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with open(handle, "w", encoding="utf-8", newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
