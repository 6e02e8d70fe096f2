"""Importing contact files: parsers that return plain records, and one service that applies them.

``import_file`` is what the command, the web flow and the worker call: it
checks the size, recognises the format (vCard by its first line, a relcrm
JSON export by its ``format`` key, a CSV by its header), parses every card
or row, and applies them all in one transaction — or raises
:class:`ContactImportError` and writes nothing.
"""

from django.conf import settings

from .. import account_json
from .apply import ContactImportResult, apply_records
from .csv_formats import parse_contacts_csv
from .records import ContactImportError, ContactRecord
from .vcard import looks_like_vcard, parse_vcards

__all__ = ["ContactImportError", "ContactImportResult", "ContactRecord", "count_entries", "import_file"]

CSV_NAMES = {
    "google": "Google Contacts CSV", "outlook": "Outlook CSV", "linkedin": "LinkedIn CSV", "relcrm": "relcrm CSV",
}


def check_size(size: int) -> None:
    limit = settings.CONTACT_IMPORT_MAX_BYTES
    if size > limit:
        raise ContactImportError(f"The file is {size / 1e6:,.1f} MB; the largest accepted is {limit / 1e6:,.1f} MB.")
    if size == 0:
        raise ContactImportError("The file is empty.")


def count_entries(data: bytes) -> int:
    """Roughly how many contacts the file holds, cheaply: to choose between inline and the worker."""
    if looks_like_vcard(data):
        return data.upper().count(b"BEGIN:VCARD")
    return data.count(b"\n")


def parse(data: bytes, progress=None) -> tuple[str, list[ContactRecord]]:
    """(what the file is, its records); raises ContactImportError."""
    limit = settings.CONTACT_IMPORT_MAX_CONTACTS
    if looks_like_vcard(data):
        return "vCard", parse_vcards(data, max_cards=limit, progress=progress)
    flavour, records = parse_contacts_csv(data, max_contacts=limit)
    return CSV_NAMES[flavour], records


def import_file(owner, data: bytes, *, dry_run: bool = False, progress=None) -> ContactImportResult:
    """Import a .vcf, a contacts CSV or a relcrm JSON export into ``owner``'s account."""
    check_size(len(data))
    if account_json.looks_like_export(data):
        return account_json.restore(owner, data, dry_run=dry_run)
    source, records = parse(data, progress)
    return apply_records(owner, records, dry_run=dry_run, source=source)
