"""Contacts as vCard 4.0 (RFC 6350): names, emails, phones, websites, company, birthday, dates, tags, notes.

Text is escaped (backslash, comma, semicolon, newlines) and lines are folded
at 75 octets without splitting a UTF-8 character, with CRLF line ends.
Birthdays without a year are written ``--MMDD``; a contact's vCard UID is
kept when it came from one.
"""

from collections.abc import Iterator

from django.db.models import Prefetch

from .models import Contact, ContactMethod, ImportantDate, Tag

LABEL_TYPES = {"mobile": "cell", "home": "home", "work": "work", "fax": "fax", "pager": "pager"}


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """``line`` folded into pieces of at most 75 octets, each continuation starting with a space."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line + "\r\n"
    pieces, start, limit = [], 0, 75
    while start < len(raw):
        end = min(start + limit, len(raw))
        while end < len(raw) and (raw[end] & 0xC0) == 0x80:  # never cut a character in half
            end -= 1
        pieces.append(raw[start:end].decode("utf-8"))
        start, limit = end, 74  # continuation lines carry the leading space
    return "\r\n ".join(pieces) + "\r\n"


def _day(month, day, year) -> str:
    return f"{year:04d}{month:02d}{day:02d}" if year else f"--{month:02d}{day:02d}"


def _types(label: str) -> str:
    kinds = [LABEL_TYPES[w] for w in label.lower().split() if w in LABEL_TYPES]
    return f";TYPE={','.join(kinds)}" if kinds else ""


def vcard(contact: Contact) -> str:
    """One contact as a vCard 4.0 card (methods, dates and tags prefetched)."""
    lines = ["BEGIN:VCARD", "VERSION:4.0", f"FN:{escape(contact.display_name)}"]
    lines.append(f"N:{escape(contact.family_name)};{escape(contact.given_name)};;;")
    if contact.uid:
        lines.append(f"UID:{escape(contact.uid)}")
    if contact.nickname:
        lines.append(f"NICKNAME:{escape(contact.nickname)}")
    if contact.company:
        lines.append(f"ORG:{escape(contact.company)}")
    if contact.title:
        lines.append(f"TITLE:{escape(contact.title)}")
    for method in contact.methods.all():
        name = {"email": "EMAIL", "phone": "TEL", "website": "URL"}.get(method.kind)
        if name:
            lines.append(f"{name}{_types(method.label)}:{escape(method.value)}")
    if contact.birthday_month and contact.birthday_day:
        lines.append(f"BDAY:{_day(contact.birthday_month, contact.birthday_day, contact.birthday_year)}")
    items = 0
    for date in contact.important_dates.all():
        day = _day(date.month, date.day, date.year)
        if date.label.lower() == "anniversary":
            lines.append(f"ANNIVERSARY:{day}")
        else:
            # vCard has no other named dates: Apple's and Google's grouped pair, which they read back.
            items += 1
            lines += [f"item{items}.X-ABDATE:{day}", f"item{items}.X-ABLabel:{escape(date.label)}"]
    if tags := [escape(t.name) for t in contact.tags.all()]:
        lines.append(f"CATEGORIES:{','.join(tags)}")
    if contact.notes:
        lines.append(f"NOTE:{escape(contact.notes)}")
    lines.append("END:VCARD")
    return "".join(fold(line) for line in lines)


def vcard_chunks(user) -> Iterator[str]:
    """Every contact of ``user`` as vCard text, one card at a time (for streaming)."""
    contacts = (
        Contact.objects.for_user(user)
        .by_name()
        .prefetch_related(
            Prefetch("methods", queryset=ContactMethod.objects.order_by("kind", "pk")),
            Prefetch("important_dates", queryset=ImportantDate.objects.order_by("pk")),
            Prefetch("tags", queryset=Tag.objects.order_by("name")),
        )
    )
    for contact in contacts.iterator(chunk_size=1000):
        yield vcard(contact)


def write_vcf(user, stream) -> int:
    count = 0
    for card in vcard_chunks(user):
        stream.write(card)
        count += 1
    return count
