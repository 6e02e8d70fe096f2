"""vCard 2.1, 3.0 and 4.0 as address-book programs really write them.

The file is read as bytes and split into cards and logical lines here:
folded lines (a line starting with a space or tab continues the one before),
quoted-printable values whose soft line breaks (``=`` at the end) continue
on the next line whatever it starts with, vCard 2.1 base64 blocks that run
unindented until a blank line, ``BEGIN:vCard`` in any case. Each logical line
is then split into group, name, parameters and value by vobject's content-line
grammar (``vobject.base.parseLine``), with a tolerant split of our own for the
lines vobject refuses. We do not hand whole cards to ``vobject.readComponents``:
on these files it drops the continuation lines of quoted-printable values and
stops on some 2.1 photos.

Values are decoded by their own ``CHARSET`` (UTF-8 when none is given) after
quoted-printable, so a 2.1 card may mix charsets; bytes that do not decode
make that card an error. Photos, logos, sounds and keys are skipped unread.
"""

import codecs
import quopri
import re
from collections.abc import Iterator

from vobject.base import ParseError, parseLine

from .records import ContactImportError, ContactRecord, parse_day, refuse

BINARY_PROPERTIES = {"PHOTO", "LOGO", "SOUND", "KEY"}
ANNIVERSARIES = {"ANNIVERSARY", "X-ANNIVERSARY", "X-MS-ANNIVERSARY", "X-EVOLUTION-ANNIVERSARY"}
# Types that say nothing a person would use as a label.
NOISE_TYPES = {"internet", "pref", "voice", "x400", "msg", "text", "uri", "other"}
TYPE_LABELS = {"cell": "mobile", "iphone": "mobile"}
_PROPERTY_START = re.compile(rb"^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)?[;:]")
_APPLE_LABEL = re.compile(r"_\$!<(.*)>!\$_")
_UNESCAPE = re.compile(r"\\(.)")


def looks_like_vcard(data: bytes) -> bool:
    head = data[:4096].lstrip(codecs.BOM_UTF8 + b" \t\r\n").upper()
    return head.startswith(b"BEGIN:VCARD")


def _unescape(text: str) -> str:
    return _UNESCAPE.sub(lambda m: "\n" if m[1] in "nN" else m[1], text)


def _split(text: str, sep: str) -> list[str]:
    """Split on ``sep`` where it is not escaped with a backslash, then unescape each part."""
    parts, current, escaped = [], [], False
    for ch in text:
        if escaped:
            current.append("\\" + ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == sep:
            parts.append(_unescape("".join(current)))
            current = []
        else:
            current.append(ch)
    parts.append(_unescape("".join(current)))
    return parts


def _logical_lines(lines: list[bytes], start: int) -> Iterator[tuple[int, bytes]]:
    """(line number, logical line) for the physical lines of one card."""
    current, number, quoted, binary = None, start, False, False
    for offset, raw in enumerate(lines):
        here = start + offset
        if current is not None and quoted and current.endswith(b"="):
            current = current[:-1] + raw.lstrip() if raw[:1] in b" \t" else current[:-1] + raw
            continue
        if current is not None and raw[:1] in (b" ", b"\t"):
            current += raw[1:]
            continue
        if binary and raw.strip() and not _PROPERTY_START.match(raw):
            continue  # a vCard 2.1 base64 block goes on unindented until a blank line
        binary = False
        if current is not None:
            yield number, current
        if not raw.strip():
            current = None
            continue
        current, number = raw, here
        head = raw.split(b":", 1)[0].upper()
        quoted = b"QUOTED-PRINTABLE" in head
        binary = b"BASE64" in head or b"ENCODING=B" in head
    if current is not None:
        yield number, current


def _fallback_parse(line: str):
    """Group, name, parameters and value of a line vobject's grammar refuses, or None."""
    head, colon, value = line.partition(":")
    if not colon or not head:
        return None
    name, *params = head.split(";")
    group, dot, bare = name.rpartition(".")
    pairs = []
    for param in params:
        key, equals, val = param.partition("=")
        pairs.append([key, *val.strip('"').split(",")] if equals else [param])
    return (bare if dot else name), pairs, value, (group or None)


def _params(pairs) -> dict[str, list[str]]:
    """vCard 2.1 bare parameters (``TEL;CELL;PREF``) become TYPEs, as 3.0 spells them."""
    params: dict[str, list[str]] = {}
    for key, *values in pairs:
        if not values:
            key, values = "TYPE", [key]
        for value in values:
            params.setdefault(key.upper(), []).extend(v.strip() for v in value.split(",") if v.strip())
    return params


def _decode(value: str, params: dict[str, list[str]], warnings: list[str], name: str) -> str:
    raw = value.encode("latin-1")  # the file was read as latin-1: this gives its bytes back
    quoted = "QUOTED-PRINTABLE" in (e.upper() for e in params.get("ENCODING", ()))
    if quoted:
        raw = quopri.decodestring(raw)
    charset = (params.get("CHARSET") or ["utf-8"])[0]
    try:
        text = raw.decode(charset)
    except LookupError:
        raise ValueError(f"unknown CHARSET {charset!r}") from None
    except UnicodeDecodeError as error:
        if not quoted:
            raise ValueError(
                f"the text is not {charset} (byte 0x{raw[error.start]:02x}); save the file as UTF-8"
            ) from None
        # Some phones cut a character in half when they encode a long value:
        # the stray bytes are dropped, the rest of the card is good.
        text = raw.decode(charset, errors="replace").replace("\ufffd", "")
        warnings.append(f"{name}: bytes that are not {charset} were left out")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _label(params: dict[str, list[str]], group: str | None, labels: dict[str, str]) -> str:
    if group and group.lower() in labels:
        return labels[group.lower()]
    kinds = [t.lower() for t in params.get("TYPE", ()) if t.lower() not in NOISE_TYPES]
    kinds = [TYPE_LABELS.get(k, k) for k in kinds]
    return " ".join(dict.fromkeys(kinds))[:50]


def _card_properties(lines: list[bytes], start: int) -> tuple[list, list[str]]:
    """(name, params, raw value, group) for each property of one card, and why lines were unreadable."""
    properties, problems = [], []
    for number, raw in _logical_lines(lines, start):
        line = raw.decode("latin-1")
        try:
            name, pairs, value, group = parseLine(line, number)
        except ParseError:
            parsed = _fallback_parse(line)
            if parsed is None:
                problems.append(f"line {number:,} is not a vCard property: {line[:40]!r}")
                continue
            name, pairs, value, group = parsed
        properties.append((name.upper(), _params(pairs), value, group, number))
    return properties, problems


def _record(properties, where: str) -> tuple[ContactRecord, list[str]]:
    record, problems = ContactRecord(where), []
    labels = {
        (group or "").lower(): (_APPLE_LABEL.sub(r"\1", _unescape(value)))[:50]
        for name, _, value, group, _ in properties
        if name == "X-ABLABEL" and group
    }
    notes = []
    for name, params, value, group, number in properties:
        if name in BINARY_PROPERTIES or name in ("BEGIN", "END", "VERSION"):
            continue
        try:
            text = _decode(value, params, record.warnings, name)
        except ValueError as error:
            problems.append(f"line {number:,} ({name}): {error}")
            continue
        if name == "FN" and not record.display_name:
            record.display_name = " ".join(_unescape(text).split())
        elif name == "N" and not (record.family_name or record.given_name):
            parts = [" ".join(p.split()) for p in _split(text, ";")] + [""] * 5
            record.family_name, record.given_name = parts[0][:100], parts[1][:100]
        elif name == "NICKNAME" and not record.nickname:
            record.nickname = _unescape(text).strip()[:100]
        elif name == "ORG" and not record.company:
            record.company = _split(text, ";")[0].strip()[:200]
        elif name == "TITLE" and not record.title:
            record.title = _unescape(text).strip()[:200]
        elif name == "NOTE":
            if note := _unescape(text).strip():
                notes.append(note)
        elif name == "UID" and not record.uid:
            record.uid = text.strip()[:255]
        elif name == "EMAIL":
            if address := text.strip():
                record.emails.append((_label(params, group, labels), address[:255]))
        elif name == "TEL":
            number_text = re.sub(r"^tel:", "", text.strip(), flags=re.I)
            number_text = re.sub(r";ext=", " ext. ", number_text)
            if any(ch.isdigit() for ch in number_text):
                record.phones.append((_label(params, group, labels), number_text[:255]))
            elif number_text:
                record.warnings.append(f"phone {number_text[:40]!r} left out: it has no digits")
        elif name == "URL":
            if url := _unescape(text).strip():
                record.websites.append((_label(params, group, labels), url))
        elif name == "CATEGORIES":
            # Some programs escape the commas between categories: both spellings separate.
            record.tags += [t.strip()[:50] for t in re.split(r"\\?,", text) if t.strip()]
        elif name == "BDAY" and record.birthday is None:
            try:
                record.birthday = parse_day(text)
            except ValueError as error:
                record.warnings.append(f"birthday left out: {error}")
        elif name in ANNIVERSARIES:
            try:
                if day := parse_day(text):
                    record.dates.append(("Anniversary", day))
            except ValueError as error:
                record.warnings.append(f"anniversary left out: {error}")
        elif name == "X-ABDATE":
            # Apple and Google: a date named by its group's X-ABLabel ("Anniversary", or the user's own).
            label = labels.get((group or "").lower()) or "Date"
            try:
                if day := parse_day(text):
                    record.dates.append((label, day))
            except ValueError as error:
                record.warnings.append(f"date “{label}” left out: {error}")
    record.notes = "\n\n".join(notes)
    return record, problems


def _cards(data: bytes) -> Iterator[tuple[int, list[bytes] | None, str]]:
    """(first line, the card's lines, problem) for each card; lines is None for a broken one."""
    lines = data.split(b"\n")
    inside, start, body = False, 0, []
    for index, raw in enumerate(lines, start=1):
        line = raw.rstrip(b"\r")
        upper = line.strip().upper()
        if upper.startswith(b"BEGIN:VCARD"):
            if inside:
                yield start, None, f"no END:VCARD before the next card on line {index:,}"
            inside, start, body = True, index, []
        elif upper.startswith(b"END:VCARD") and inside:
            yield start, body, ""
            inside = False
        elif inside:
            body.append(line)
        elif line.strip():
            yield index, None, f"text outside any card: {line[:40].decode('latin-1')!r}"
    if inside:
        yield start, None, "the file ends inside this card (no END:VCARD): it looks cut short"


def parse_vcards(data: bytes, *, max_cards: int | None = None, progress=None) -> list[ContactRecord]:
    """The cards of a .vcf file as records; every broken card listed in one ContactImportError.

    ``progress(done)`` is called every 500 cards.
    """
    data = data.removeprefix(codecs.BOM_UTF8)
    if b"\x00" in data:
        raise ContactImportError("The file is binary (it contains NUL bytes), not a vCard file.")
    if not looks_like_vcard(data):
        raise ContactImportError("This is not a vCard file: it should start with BEGIN:VCARD.")
    records, errors = [], []
    for count, (start, lines, problem) in enumerate(_cards(data), start=1):
        if max_cards is not None and count > max_cards:
            raise ContactImportError(f"The file has more than {max_cards:,} contacts, the most one import takes.")
        where = f"card {count:,} (line {start:,})"
        if lines is None:
            errors.append((where, problem))
            continue
        properties, problems = _card_properties(lines, start + 1)
        record, more = _record(properties, where)
        if problems or more:
            errors.append((where, "; ".join(problems + more)))
        else:
            records.append(record)
        if progress and count % 500 == 0:
            progress(count)
    if errors:
        raise refuse(errors)
    if not records:
        raise ContactImportError("The file has no contacts in it.")
    return records
