"""The People list: search, filters, sorting and paging, read from the query string.

The view parses nothing itself: :func:`people_page` takes the GET parameters
and returns one page of contacts with everything a row shows, in a fixed
number of queries whatever the page size.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Lower

from . import scoring
from .models import Circle, Contact, ContactMethod, Tag

PAGE_SIZE = 50
MAX_TERMS = 6
SORTS = {
    "name": "Name",
    "last": "Last talked",
    "depth": "Depth",
}
DUE_CHOICES = {"due": "Due or overdue", "overdue": "Overdue"}


@dataclass(frozen=True)
class Filters:
    q: str = ""
    circle: str = ""
    tag: str = ""
    due: str = ""
    archived: bool = False
    sort: str = "name"

    @classmethod
    def from_params(cls, params) -> "Filters":
        """Unknown values are ignored rather than refused: a stale link still shows a list."""
        circle = params.get("circle", "")
        due = params.get("due", "")
        sort = params.get("sort", "name")
        return cls(
            q=" ".join(params.get("q", "").split())[:200],
            circle=circle if circle in Circle.values else "",
            tag=params.get("tag", "").strip()[:50],
            due=due if due in DUE_CHOICES else "",
            archived=params.get("archived") == "1",
            sort=sort if sort in SORTS else "name",
        )

    def params(self, **changes) -> dict:
        values = {"q": self.q, "circle": self.circle, "tag": self.tag, "due": self.due,
                  "archived": "1" if self.archived else "", "sort": "" if self.sort == "name" else self.sort}
        values.update(changes)
        return {key: value for key, value in values.items() if value}

    def querystring(self, **changes) -> str:
        return urlencode(self.params(**changes))

    @property
    def narrowed(self) -> bool:
        return bool(self.q or self.circle or self.tag or self.due or self.archived)


def _term_q(term: str) -> Q:
    methods = ContactMethod.objects.filter(contact=OuterRef("pk"), value__icontains=term)
    return (
        Q(display_name__icontains=term)
        | Q(nickname__icontains=term)
        | Q(company__icontains=term)
        | Q(notes__icontains=term)
        | Q(Exists(methods))
    )


def search(contacts, query: str):
    """Every word typed must match a name, nickname, company, handle or the notes.

    On PostgreSQL a misspelt name still matches by trigram similarity, and the
    notes also match by full-text search ("climbed" finds "climbing"); SQLite
    (the embedded set-up) has only the substring match.
    """
    terms = query.split()[:MAX_TERMS]
    if not terms:
        return contacts
    match = Q()
    for term in terms:
        match &= _term_q(term)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        contacts = contacts.alias(notes_search=SearchVector("notes", config="english"))
        match |= Q(display_name__trigram_word_similar=query)
        match |= Q(notes_search=SearchQuery(query, config="english", search_type="websearch"))
    return contacts.filter(match)


def filtered(user, filters: Filters, today: datetime.date):
    contacts = Contact.objects.for_user(user)
    contacts = contacts.archived() if filters.archived else contacts.active()
    if filters.circle:
        contacts = contacts.filter(circle=filters.circle)
    if filters.tag:
        tagged = Tag.objects.filter(contacts=OuterRef("pk"), name__iexact=filters.tag)
        contacts = contacts.filter(Exists(tagged))
    if filters.due == "due":
        contacts = contacts.filter(next_due_on__lte=today)
    elif filters.due == "overdue":
        contacts = contacts.filter(next_due_on__lt=today)
    contacts = search(contacts, filters.q)
    if filters.sort == "last":
        return contacts.order_by(F("last_interaction_at").desc(nulls_last=True), Lower("display_name"), "pk")
    if filters.sort == "depth":
        return contacts.order_by(F("depth_score").desc(nulls_last=True), Lower("display_name"), "pk")
    return contacts.by_name()


def due_badge(contact, today: datetime.date) -> dict | None:
    """What a row says about when to talk next: overdue (yellow/red), due today, or nothing."""
    level = scoring.overdue_level(today, contact.next_due_on, contact.effective_cadence_days)
    if level is None:
        return None
    late = (today - contact.next_due_on).days
    if late == 0:
        return {"level": level, "label": "Due today"}
    return {"level": level, "label": f"Overdue {late} day{'s' if late != 1 else ''}"}


def people_page(user, params, today: datetime.date) -> tuple[Filters, Page]:
    """One page of the user's People list: a count, the rows, and their tags (three queries)."""
    filters = Filters.from_params(params)
    contacts = filtered(user, filters, today).prefetch_related("tags")
    page = Paginator(contacts, PAGE_SIZE).get_page(params.get("page"))
    for contact in page.object_list:
        contact.due = due_badge(contact, today)
    return filters, page
