"""What the daily email says, and the email itself (plain text and HTML from templates).

The nudges of many users are read in one query, whatever their time zones:
each user's chosen kinds, active on their own local date, the most important
first, numbered per user by a window function so only what can be shown is
fetched.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.mail import EmailMultiAlternatives
from django.db.models import Case, F, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.template.loader import render_to_string
from django.urls import reverse

from . import digest_links
from .models import Nudge
from .services import SNOOZE_DAYS

SUBJECT_NAMES = 2
YEARLY = {Nudge.Reason.BIRTHDAY, Nudge.Reason.DATE}
ORDER = ("-priority", "due_on", "pk")


@dataclass
class DigestItem:
    nudge: Nudge
    done_url: str
    snooze_url: str


@dataclass
class DigestContent:
    """The nudges of one user's email for one day, by section."""

    user: object
    day: datetime.date
    reach_out: list[DigestItem] = field(default_factory=list)
    coming_up: list[DigestItem] = field(default_factory=list)
    fading: DigestItem | None = None

    @property
    def items(self) -> list[DigestItem]:
        return self.reach_out + self.coming_up + ([self.fading] if self.fading else [])

    @property
    def sections(self) -> list[tuple[str, list[DigestItem]]]:
        """The email's sections in order, the empty ones left out."""
        sections = [("Reach out", self.reach_out), ("Coming up", self.coming_up), ("Fading", [self.fading])]
        return [(title, items) for title, items in sections if items and items[0]]

    @property
    def count(self) -> int:
        return len(self.reach_out) + len(self.coming_up) + (1 if self.fading else 0)

    @property
    def subject(self) -> str:
        names = list(dict.fromkeys(item.nudge.contact.display_name for item in self.items))
        shown = ", ".join(names[:SUBJECT_NAMES])
        more = len(names) - SUBJECT_NAMES
        if more > 0:
            shown += f" and {more} more"
        noun = "nudge" if self.count == 1 else "nudges"
        return f"{self.count} {noun} today: {shown}"

    def add(self, nudge: Nudge) -> None:
        item = DigestItem(nudge, digest_links.nudge_url(nudge, "done"), digest_links.nudge_url(nudge, "snooze"))
        if nudge.reason == Nudge.Reason.FADING:
            self.fading = item
        elif nudge.reason in YEARLY:
            self.coming_up.append(item)
        else:
            self.reach_out.append(item)


def _reasons(user) -> tuple[str, ...]:
    return tuple(sorted(r for r in (user.digest_reasons or []) if r in Nudge.Reason.values))


def build_contents(wanted: list[tuple[object, datetime.date]]) -> dict[int, DigestContent]:
    """Each (user, local date)'s email: the chosen kinds of nudge, at most the daily cap,
    the most important first, at most one of them a fading relationship. One query."""
    contents = {user.pk: DigestContent(user=user, day=day) for user, day in wanted}
    groups = defaultdict(list)  # users who see the same kinds on the same day share a condition
    for user, day in wanted:
        if _reasons(user):
            groups[(day, _reasons(user))].append(user.pk)
    if not groups:
        return contents
    scope = Q()
    for (day, reasons), owner_ids in groups.items():
        scope |= Q(owner_id__in=owner_ids, reason__in=reasons) & Nudge.objects.active_on_q(day)
    fading = Case(When(reason=Nudge.Reason.FADING, then=Value(1)), default=Value(0))
    cap = max(user.nudge_cap for user, _ in wanted)
    rows = (
        Nudge.objects.filter(scope, contact__archived=False)
        .annotate(rank=Window(RowNumber(), partition_by=[F("owner_id"), fading], order_by=ORDER))
        .filter(Q(rank__lte=cap, reason__in=[r for r in Nudge.Reason.values if r != Nudge.Reason.FADING]) | Q(rank=1))
        .select_related("contact")
        .order_by("owner_id", *ORDER)
    )
    picked = defaultdict(list)
    for nudge in rows:
        picked[nudge.owner_id].append(nudge)
    for owner_id, nudges in picked.items():
        content = contents[owner_id]
        for nudge in nudges[: content.user.nudge_cap]:
            content.add(nudge)
    return contents


def build_content(user, day: datetime.date) -> DigestContent:
    """One user's email for one day (see ``build_contents``)."""
    return build_contents([(user, day)])[user.pk]


def render_message(content: DigestContent) -> EmailMultiAlternatives:
    """The email: plain text and HTML from templates, with one-click unsubscribe (RFC 8058)."""
    unsubscribe = digest_links.unsubscribe_url(content.user)
    context = {
        "content": content,
        "user": content.user,
        "unsubscribe_url": unsubscribe,
        "dashboard_url": digest_links.absolute(reverse("dashboard")),
        "settings_url": digest_links.absolute(reverse("profile")),
        "snooze_days": SNOOZE_DAYS,
    }
    message = EmailMultiAlternatives(
        subject=content.subject,
        body=render_to_string("interactions/email/digest.txt", context),
        to=[content.user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # Tells auto-responders not to answer a machine.
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(render_to_string("interactions/email/digest.html", context), "text/html")
    return message
