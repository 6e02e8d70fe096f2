"""Likely duplicates among one user's contacts: the same email, the same phone, or the same name.

Names are compared normalised in Python (accents, case, punctuation and word
order dropped: "Lima, Ána" is "ana lima"), and also by first and last word, so
"Ana Maria Lima" meets "Ana Lima". Phones are compared by their last nine
digits, which survive the many ways of writing a country code. Two queries
for the whole address book; contacts linked by any of these end up in one
group (a chain of matches is one person written down several times).
"""

import dataclasses
import re
import unicodedata
from collections import defaultdict

from django.db.models import Count

from .models import Contact, ContactMethod

PHONE_DIGITS = 9
MIN_PHONE_DIGITS = 7


def normalise_name(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(sorted(re.findall(r"\w+", text)))


def _first_last(name: str) -> str | None:
    text = unicodedata.normalize("NFKD", name.casefold())
    words = re.findall(r"\w+", "".join(ch for ch in text if not unicodedata.combining(ch)))
    return " ".join(sorted([words[0], words[-1]])) if len(words) > 2 else None


def phone_key(value: str) -> str | None:
    digits = re.sub(r"\D", "", value)
    return digits[-PHONE_DIGITS:] if len(digits) >= MIN_PHONE_DIGITS else None


@dataclasses.dataclass
class Group:
    contacts: list[Contact]
    reasons: list[str]

    @property
    def ids(self) -> list[int]:
        return [c.pk for c in self.contacts]

    @property
    def keeper(self) -> int:
        return suggested_keeper(self.contacts)


def suggested_keeper(contacts) -> int:
    """The one with the most conversations (then the oldest): the likeliest to keep. Needs ``interaction_count``."""
    return max(contacts, key=lambda c: (c.interaction_count, -c.pk)).pk


class _Union:
    def __init__(self):
        self.parent = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, a, b):
        self.parent[self.find(a)] = self.find(b)


def find_duplicates(owner) -> list[Group]:
    """Groups of ``owner``'s contacts that are probably the same person, by name, each with why."""
    contacts = {
        c.pk: c
        for c in Contact.objects.for_user(owner).annotate(interaction_count=Count("interactions")).order_by("pk")
    }
    keys = defaultdict(set)  # (reason, value) → contact ids
    for contact in contacts.values():
        if name := normalise_name(contact.display_name):
            keys[("the same name", name)].add(contact.pk)
    for contact in contacts.values():
        # "Ana Maria Lima" is "Ana Lima" only when someone is called just that.
        first_last = _first_last(contact.display_name)
        if first_last and ("the same name", first_last) in keys:
            keys[("the same name", first_last)].add(contact.pk)
    for contact_id, kind, value in ContactMethod.objects.for_user(owner).filter(
        kind__in=[ContactMethod.Kind.EMAIL, ContactMethod.Kind.PHONE]
    ).values_list("contact_id", "kind", "value"):
        if kind == ContactMethod.Kind.EMAIL:
            keys[("the same email", value.lower())].add(contact_id)
        elif key := phone_key(value):
            keys[("the same phone", key)].add(contact_id)

    union = _Union()
    for ids in keys.values():
        first, *rest = sorted(ids)
        for pk in rest:
            union.join(pk, first)
    members, reasons = defaultdict(list), defaultdict(set)
    for pk in contacts:
        members[union.find(pk)].append(contacts[pk])
    for (reason, _), ids in keys.items():
        if len(ids) > 1:
            reasons[union.find(next(iter(ids)))].add(reason)
    groups = [
        Group(contacts=sorted(people, key=lambda c: (c.display_name.casefold(), c.pk)), reasons=sorted(reasons[root]))
        for root, people in members.items()
        if len(people) > 1
    ]
    return sorted(groups, key=lambda g: (g.contacts[0].display_name.casefold(), g.ids))
