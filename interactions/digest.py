"""The daily digest: one email per user per local day, at their hour, never twice.

Who is due (``due_digests``): users with the email on whose local clock their
hour has come, and who have no digest row for their local date yet (or one
waiting to retry whose time has come).

Sending one (``deliver``) claims the row first — an INSERT unique on (user,
local date), or a conditional UPDATE of a row waiting to retry — and only the
caller that claimed it renders and sends. The claim is committed before the
SMTP conversation starts, so a worker that dies mid-send leaves a row in
``sending`` and its redelivered task finds the day taken: at most one email,
never two. A send the server refused (it could not be reached, or it answered
with an error) is known not to have been delivered and is retried with
backoff; one cut off after the message went out might have been delivered and
is marked failed instead.
"""

import datetime
import smtplib
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import digest_links
from .models import Digest, Nudge
from .services import SNOOZE_DAYS

# A row still "sending" after this long belongs to a worker that died.
INTERRUPTED_AFTER = datetime.timedelta(hours=1)
RETRY_AT_MOST = datetime.timedelta(hours=1)
SUBJECT_NAMES = 2


class RetryLater(Exception):
    """The server did not take the message; try again after ``countdown`` seconds."""

    def __init__(self, error: str, countdown: int):
        super().__init__(error)
        self.countdown = countdown


class NotAccepted(Exception):
    """The SMTP server did not take the message: nothing was delivered.

    ``permanent`` for a 5xx answer (a bad address): sending again cannot help.
    """

    def __init__(self, error: str, permanent: bool = False):
        super().__init__(error)
        self.permanent = permanent


# --- Who is due ------------------------------------------------------------------


def due_digests(now: datetime.datetime) -> list[tuple[int, datetime.date]]:
    """(user id, local date) of everyone whose digest should go out at ``now``."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, digest_enabled=True)
        .order_by("pk")
        .values_list("pk", "time_zone", "digest_hour")
    )
    local_now = {}
    due = {}
    for pk, zone, hour in users:
        if zone not in local_now:
            local_now[zone] = now.astimezone(zoneinfo.ZoneInfo(zone))
        here = local_now[zone]
        if here.hour >= hour:
            due[pk] = here.date()
    if not due:
        return []
    settled = set(Digest.objects.settled_on(set(due.values()), now).values_list("owner_id", "local_date"))
    return [(pk, day) for pk, day in due.items() if (pk, day) not in settled]


def fail_interrupted(now: datetime.datetime) -> int:
    """Rows left in ``sending`` by a worker that died: failed, for people to see, never resent."""
    return Digest.objects.interrupted(now - INTERRUPTED_AFTER).update(
        state=Digest.State.FAILED,
        error="Interrupted while sending; it may or may not have been delivered, so it is not sent again.",
    )


# --- What it says ------------------------------------------------------------------


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


YEARLY = {Nudge.Reason.BIRTHDAY, Nudge.Reason.DATE}


def build_content(user, day: datetime.date) -> DigestContent:
    """What ``user``'s email for ``day`` says: their chosen kinds of nudge, at most their
    daily cap, the most important first, with at most one fading relationship."""
    reasons = [r for r in (user.digest_reasons or []) if r in Nudge.Reason.values]
    active = Nudge.objects.for_user(user).active_on(day).filter(reason__in=reasons).select_related("contact")
    order = ("-priority", "due_on", "pk")
    chosen = list(active.exclude(reason=Nudge.Reason.FADING).order_by(*order)[: user.nudge_cap])
    chosen += list(active.filter(reason=Nudge.Reason.FADING).order_by(*order)[:1])
    chosen = sorted(chosen, key=lambda n: (-n.priority, n.due_on, n.pk))[: user.nudge_cap]
    content = DigestContent(user=user, day=day)
    for nudge in chosen:
        item = DigestItem(nudge, digest_links.nudge_url(nudge, "done"), digest_links.nudge_url(nudge, "snooze"))
        if nudge.reason == Nudge.Reason.FADING:
            content.fading = item
        elif nudge.reason in YEARLY:
            content.coming_up.append(item)
        else:
            content.reach_out.append(item)
    return content


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


# --- Sending ----------------------------------------------------------------------


class Outbox:
    """An SMTP connection (any ``MAILERS["default"]`` backend) shared by several sends.

    Sorts failures into "not delivered" (``NotAccepted``: the server could not
    be reached or answered with an error) and the rest, where the message may
    have gone out; after any failure the next send opens a fresh connection.
    """

    def __init__(self):
        self.connection = None

    def send(self, message: EmailMultiAlternatives) -> None:
        if self.connection is None:
            connection = mailers.default
            try:
                connection.open()
            except (OSError, smtplib.SMTPException) as exc:
                connection.close()
                raise NotAccepted(_describe(exc)) from exc
            self.connection = connection
        try:
            self.connection.send_messages([message])
        except smtplib.SMTPResponseException as exc:
            self.close()
            raise NotAccepted(_describe(exc), permanent=exc.smtp_code >= 500) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            self.close()
            codes = [code for code, _ in exc.recipients.values()]
            raise NotAccepted(_describe(exc), permanent=all(code >= 500 for code in codes)) from exc
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            finally:
                self.connection = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:1000]


def claim(user_id: int, day: datetime.date, now: datetime.datetime) -> Digest | None:
    """Take the right to send ``user_id``'s email for ``day``; None when someone else has it.

    Either the first INSERT of the (user, day) row, or the conditional UPDATE
    of a row waiting to retry. Committed at once, before any sending.
    """
    try:
        with transaction.atomic():
            return Digest.objects.create(owner_id=user_id, local_date=day, claimed_at=now)
    except IntegrityError:
        pass
    waiting = Digest.objects.filter(owner_id=user_id, local_date=day, state=Digest.State.RETRY)
    if not waiting.update(state=Digest.State.SENDING, attempts=F("attempts") + 1, claimed_at=now, retry_at=None):
        return None
    return Digest.objects.get(owner_id=user_id, local_date=day)


def deliver(
    user_id: int, day: datetime.date, *, now: datetime.datetime | None = None, outbox: Outbox | None = None
) -> str:
    """Send ``user_id``'s digest for ``day`` once; returns what happened.

    ``sent``, ``empty`` (nothing to say: recorded, nothing sent), ``taken``
    (already claimed by someone else), ``off`` (the user turned the email
    off), or ``failed``. Raises ``RetryLater`` when the server did not take
    the message and attempts are left; the row then waits in ``retry``.
    ``now`` is the dispatch's clock (``send_digests --now``), for the claim
    and the next retry.
    """
    now = now or timezone.now()
    user = get_user_model().objects.filter(pk=user_id, is_active=True, digest_enabled=True).first()
    if user is None:
        return "off"
    digest = claim(user_id, day, now)
    if digest is None:
        return "taken"
    content = build_content(user, day)
    if not content.count:
        _finish(digest, Digest.State.EMPTY)
        return "empty"
    message = render_message(content)
    try:
        if outbox is None:
            with Outbox() as own:
                own.send(message)
        else:
            outbox.send(message)
    except NotAccepted as exc:
        return _not_accepted(digest, exc, now)
    except Exception as exc:
        _finish(
            digest,
            Digest.State.FAILED,
            error=f"{_describe(exc)} — cut off after the message went out; it may have been "
            "delivered, so it is not sent again.",
        )
        return "failed"
    _finish(digest, Digest.State.SENT, sent_at=timezone.now(), nudge_count=content.count, subject=message.subject)
    return "sent"


def _not_accepted(digest: Digest, exc: NotAccepted, now: datetime.datetime) -> str:
    if exc.permanent or digest.attempts >= settings.DIGEST_MAX_ATTEMPTS:
        _finish(digest, Digest.State.FAILED, error=str(exc))
        return "failed"
    countdown = retry_delay(digest.attempts)
    _finish(digest, Digest.State.RETRY, error=str(exc), retry_at=now + datetime.timedelta(seconds=countdown))
    raise RetryLater(str(exc), countdown)


def retry_delay(attempts: int) -> int:
    """Seconds to wait after ``attempts`` failed sends: doubling, at most an hour."""
    delay = settings.DIGEST_RETRY_SECONDS * 2 ** (attempts - 1)
    return int(min(delay, RETRY_AT_MOST.total_seconds()))


def _finish(digest: Digest, state: str, **fields) -> None:
    # Only the claimant writes its row, and only while it holds the claim.
    Digest.objects.filter(pk=digest.pk, state=Digest.State.SENDING).update(state=state, **fields)


# --- The synchronous dispatch (send_digests) ------------------------------------------

OUTCOME_WORDS = {
    "retry": "to retry later",
    "failed": "failed",
    "taken": "already being sent",
    "off": "turned off meanwhile",
    "interrupted": "interrupted earlier, marked failed",
}


def send_due(now: datetime.datetime) -> Counter:
    """Everything due at ``now``, sent here and now over one connection; counts by outcome.

    What ``send_digests`` runs for cron users and tests. A refused send waits
    in ``retry`` for the next run (or a worker) rather than blocking this one.
    """
    outcomes = Counter()
    outcomes["interrupted"] = fail_interrupted(now)
    due = due_digests(now)
    outcomes["due"] = len(due)
    with Outbox() as outbox:
        for user_id, day in due:
            try:
                outcomes[deliver(user_id, day, now=now, outbox=outbox)] += 1
            except RetryLater:
                outcomes["retry"] += 1
    return outcomes
