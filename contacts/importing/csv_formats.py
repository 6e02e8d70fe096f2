"""Contacts CSV from Google Contacts, Outlook and LinkedIn, recognised by their header.

- Google Contacts (both the older ``Given Name``/``E-mail 1 - Value`` export and
  the newer ``First Name``/``E-mail 1 - Value`` one): several values in one
  cell are separated by `` ::: ``; ``Group Membership``/``Labels`` become tags.
- Outlook: ``First Name``, ``E-mail Address``, ``Mobile Phone``…; a birthday of
  ``0/0/00`` means none, others are month/day/year.
- LinkedIn ``Connections.csv``: a few ``Notes:`` lines come before the header
  ``First Name,Last Name,URL,Email Address,Company,Position,Connected On``.
- relcrm's own CSV export (``name,given_name,…``): the ``'`` the export puts in
  front of a cell that could run as a formula is taken off again.
"""

import csv
import io
import re

from interactions.importing import decode_csv_text

from ..exporting import FORMULA_STARTS, LIST_SEPARATOR
from .records import ContactImportError, ContactRecord, parse_day, refuse

EXPECTED = (
    "a Google Contacts export (columns 'Given Name' or 'First Name', and 'E-mail 1 - Value'), "
    "an Outlook export ('First Name', 'Last Name', 'E-mail Address') or LinkedIn's Connections.csv "
    "('First Name', 'Last Name', 'Email Address', 'Connected On'), or relcrm's own CSV export "
    "('name', 'emails', 'phones', 'circle')"
)
HEADER_SEARCH_LINES = 10  # LinkedIn's notes before the header
MULTI = " ::: "
OUTLOOK_EMAILS = ("E-mail Address", "E-mail 2 Address", "E-mail 3 Address")
OUTLOOK_PHONES = {
    "Mobile Phone": "mobile", "Home Phone": "home", "Home Phone 2": "home", "Business Phone": "work",
    "Business Phone 2": "work", "Primary Phone": "", "Other Phone": "", "Car Phone": "car",
    "Business Fax": "work fax", "Home Fax": "home fax", "Pager": "pager",
}


def _decode(data: bytes) -> str:
    # Binary junk is named as such before its first bad byte is.
    if b"\x00" in data:
        raise ContactImportError("The file is binary (it contains NUL bytes), not a vCard or CSV file.")
    # Not a vCard either (that was looked for first), so name both.
    hint = "a contacts file is a vCard (.vcf) or a CSV saved in UTF-8."
    return decode_csv_text(data, ContactImportError, hint)


def _flavour(header: list[str]) -> str | None:
    names = {h.strip() for h in header}
    if {"name", "emails", "phones", "circle"} <= names:
        return "relcrm"
    if "E-mail 1 - Value" in names and ({"Given Name", "First Name", "Name"} & names):
        return "google"
    if {"First Name", "Last Name", "Email Address", "Connected On"} <= names:
        return "linkedin"
    if {"First Name", "Last Name", "E-mail Address"} <= names:
        return "outlook"
    return None


def _numbered(row: dict, kind: str, values: str) -> list[tuple[str, str]]:
    """Google's ``E-mail 1 - Type``/``E-mail 1 - Value`` … pairs (``Label`` in the newer export)."""
    found = []
    for n in range(1, 10):
        cell = row.get(f"{kind} {n} - {values}")
        if cell is None:
            break
        label = (row.get(f"{kind} {n} - Type") or row.get(f"{kind} {n} - Label") or "").strip()
        label = label.lstrip("* ").lower()
        found += [(label[:50], v.strip()) for v in cell.split(MULTI) if v.strip()]
    return found


def _google(row: dict, record: ContactRecord) -> None:
    record.given_name = (row.get("Given Name") or row.get("First Name") or "").strip()
    record.family_name = (row.get("Family Name") or row.get("Last Name") or "").strip()
    middle = (row.get("Additional Name") or row.get("Middle Name") or "").strip()
    record.display_name = (row.get("Name") or "").strip() or " ".join(
        p for p in (record.given_name, middle, record.family_name) if p
    )
    record.nickname = (row.get("Nickname") or "").strip()
    record.company = (row.get("Organization 1 - Name") or row.get("Organization Name") or "").strip()
    record.title = (row.get("Organization 1 - Title") or row.get("Organization Title") or "").strip()
    record.notes = (row.get("Notes") or "").strip()
    record.birthday = parse_day(row.get("Birthday") or "")
    record.emails = _numbered(row, "E-mail", "Value")
    record.phones = _numbered(row, "Phone", "Value")
    record.websites = _numbered(row, "Website", "Value")
    groups = row.get("Group Membership") or row.get("Labels") or ""
    record.tags = [g.strip().lstrip("* ").strip() for g in groups.split(MULTI) if g.strip()]


def _outlook(row: dict, record: ContactRecord) -> None:
    record.given_name = (row.get("First Name") or "").strip()
    record.family_name = (row.get("Last Name") or "").strip()
    middle = (row.get("Middle Name") or "").strip()
    record.display_name = " ".join(p for p in (record.given_name, middle, record.family_name) if p)
    record.nickname = (row.get("Nickname") or "").strip()
    record.company = (row.get("Company") or "").strip()
    record.title = (row.get("Job Title") or "").strip()
    record.notes = (row.get("Notes") or "").strip()
    record.birthday = parse_day(row.get("Birthday") or "", slashed=True)
    if anniversary := parse_day(row.get("Anniversary") or "", slashed=True):
        record.dates.append(("Anniversary", anniversary))
    record.emails = [("", row[c].strip()) for c in OUTLOOK_EMAILS if (row.get(c) or "").strip()]
    record.phones = [(label, row[c].strip()) for c, label in OUTLOOK_PHONES.items() if (row.get(c) or "").strip()]
    if page := (row.get("Web Page") or "").strip():
        record.websites.append(("", page))
    record.tags = [t.strip() for t in re.split(r"[;,]", row.get("Categories") or "") if t.strip()]


def _linkedin(row: dict, record: ContactRecord) -> None:
    record.given_name = (row.get("First Name") or "").strip()
    record.family_name = (row.get("Last Name") or "").strip()
    record.display_name = " ".join(p for p in (record.given_name, record.family_name) if p)
    record.company = (row.get("Company") or "").strip()
    record.title = (row.get("Position") or "").strip()
    if email := (row.get("Email Address") or "").strip():
        record.emails.append(("", email))
    if url := (row.get("URL") or "").strip():
        record.websites.append(("LinkedIn", url))
    if connected := (row.get("Connected On") or "").strip():
        record.how_we_met = f"Connected on LinkedIn on {connected}."


def _typed(row: dict, column: str) -> str:
    """A cell of relcrm's export without the quote that kept a spreadsheet from running it."""
    value = (row.get(column) or "").strip()
    return value[1:] if value.startswith("'") and value[1:2] in FORMULA_STARTS else value


def _relcrm(row: dict, record: ContactRecord) -> None:
    record.display_name = _typed(row, "name")
    record.given_name, record.family_name = _typed(row, "given_name"), _typed(row, "family_name")
    record.nickname, record.company, record.title = _typed(row, "nickname"), _typed(row, "company"), _typed(row, "title")
    record.notes = _typed(row, "notes")
    record.emails = [("", v.strip()) for v in _typed(row, "emails").split(LIST_SEPARATOR) if v.strip()]
    record.phones = [("", v.strip()) for v in _typed(row, "phones").split(LIST_SEPARATOR) if v.strip()]
    record.tags = [t.strip() for t in _typed(row, "tags").split(LIST_SEPARATOR) if t.strip()]
    record.birthday = parse_day(row.get("birthday") or "")


READERS = {"google": _google, "outlook": _outlook, "linkedin": _linkedin, "relcrm": _relcrm}


def parse_contacts_csv(data: bytes, *, max_contacts: int | None = None) -> tuple[str, list[ContactRecord]]:
    """(flavour, records) of a contacts CSV; an unknown header names what was expected."""
    text = _decode(data)
    rows = csv.reader(io.StringIO(text, newline=""))
    flavour, header, first = None, [], None
    try:
        for _ in range(HEADER_SEARCH_LINES):
            header = next(rows, None)
            if header is None:
                break
            first = first or (header if any(c.strip() for c in header) else None)
            if flavour := _flavour(header):
                break
    except csv.Error as error:
        raise ContactImportError(f"The file cannot be read as CSV: {error}.") from None
    if flavour is None:
        found = ",".join((first or [])[:8])
        raise ContactImportError(f"Unknown CSV header: expected {EXPECTED}; the file starts with {found!r}.")
    names = [h.strip() for h in header]
    records, errors = [], []
    try:
        for row_cells in rows:
            if not any(c.strip() for c in row_cells):
                continue
            where = f"line {rows.line_num:,}"
            if max_contacts is not None and len(records) + len(errors) >= max_contacts:
                raise ContactImportError(f"The file has more than {max_contacts:,} contacts, the most one import takes.")
            record = ContactRecord(where)
            try:
                READERS[flavour](dict(zip(names, row_cells)), record)
            except ValueError as error:
                errors.append((where, str(error)))
                continue
            records.append(record)
    except csv.Error as error:
        raise ContactImportError(f"Line {rows.line_num:,} cannot be read as CSV: {error}.") from None
    if errors:
        raise refuse(errors, "row")
    if not records:
        raise ContactImportError("The file has a header but no contacts.")
    return flavour, records
