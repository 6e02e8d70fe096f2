"""What every parser returns: plain records, one per person, and the errors that refuse a file."""

import calendar
import dataclasses
import datetime
import re

MAX_LISTED_ERRORS = 20


class ContactImportError(ValueError):
    """The file cannot be imported and nothing was written.

    ``errors`` lists ``(where, reason)`` for each bad card or row (empty when
    the file as a whole is wrong); ``str()`` is a message for people.
    """

    def __init__(self, message: str, errors: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.errors = errors or []


def refuse(errors: list[tuple[str, str]], what: str = "card") -> ContactImportError:
    """The error for a file with bad cards or rows: each listed, up to :data:`MAX_LISTED_ERRORS`."""
    listed = [f"{where}: {reason}" for where, reason in errors[:MAX_LISTED_ERRORS]]
    if len(errors) > MAX_LISTED_ERRORS:
        listed.append(f"… and {len(errors) - MAX_LISTED_ERRORS:,} more.")
    noun = what if len(errors) == 1 else what + "s"
    return ContactImportError(f"{len(errors):,} bad {noun}; nothing was imported.\n" + "\n".join(listed), errors)


@dataclasses.dataclass
class DatePart:
    """A day of the year, with the year when known."""

    month: int
    day: int
    year: int | None = None


@dataclasses.dataclass
class ContactRecord:
    """One person as a file describes them, before it is matched to the address book."""

    where: str  # "card 3 (line 41)", "row 7": for messages
    display_name: str = ""
    given_name: str = ""
    family_name: str = ""
    nickname: str = ""
    company: str = ""
    title: str = ""
    notes: str = ""
    uid: str = ""
    emails: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (label, value)
    phones: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    websites: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    birthday: DatePart | None = None
    dates: list[tuple[str, DatePart]] = dataclasses.field(default_factory=list)  # (label, date)
    tags: list[str] = dataclasses.field(default_factory=list)
    how_we_met: str = ""
    warnings: list[str] = dataclasses.field(default_factory=list)

    def best_name(self) -> str:
        """FN, else the name parts, else the company, else the email address's local part."""
        name = " ".join(self.display_name.split())
        if not name:
            name = " ".join(part for part in (self.given_name, self.family_name) if part)
        return name or self.nickname or self.company or (self.emails[0][1].split("@")[0] if self.emails else "")


_ISO = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})(?:[T ].*)?")
_NO_YEAR = re.compile(r"--(\d{2})-?(\d{2})")
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})")
_YEARS = (1900, 2100)  # the model's bounds; Apple writes 1604 for "no year"


def parse_day(text: str, *, slashed: bool = False) -> DatePart | None:
    """``1980-03-22``, ``19800322``, ``--0415``, ``--04-15`` (and ``4/15/1980`` when ``slashed``).

    Returns None for an empty value or a day that is not given; raises
    ``ValueError`` for a date that does not exist.
    """
    text = text.strip()
    if not text or (slashed and text in ("0/0/00", "0/0/0000")):
        return None
    if match := _NO_YEAR.fullmatch(text):
        year, month, day = None, int(match[1]), int(match[2])
    elif match := _ISO.fullmatch(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif slashed and (match := _SLASHED.fullmatch(text)):
        month, day, year = int(match[1]), int(match[2]), int(match[3])
        if year < 100:
            year += 1900 if year > datetime.date.today().year % 100 else 2000
    else:
        raise ValueError(f"{text!r} is not a date (1980-03-22, 19800322 or --0322)")
    if year is not None and not _YEARS[0] <= year <= _YEARS[1]:
        year = None
    probe = year if year is not None else 2000  # a leap year: 29 February may be a birthday
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(probe, month)[1]:
        raise ValueError(f"{text!r} is not a day that exists")
    return DatePart(month, day, year)
