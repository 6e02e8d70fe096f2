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
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from .digest_content import build_contents, render_message
from .models import Digest

# A row still "sending" after this long belongs to a worker that died.
INTERRUPTED_AFTER = datetime.timedelta(hours=1)
RETRY_AT_MOST = datetime.timedelta(hours=1)
# Users per round of send_due: one claim, one read of nudges, one write of outcomes each.
BATCH = 100


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
            mailer = mailers.default
            try:
                mailer.open()
            except (OSError, smtplib.SMTPException) as exc:
                mailer.close()
                raise NotAccepted(_describe(exc)) from exc
            self.connection = mailer
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


@dataclass
class Claim:
    user: object
    day: datetime.date
    digest_id: int
    attempts: int


@dataclass
class Outcome:
    user_id: int
    name: str  # sent, empty, taken, retry, failed
    countdown: int | None = None
    error: str = ""


def claim(wanted: list[tuple[object, datetime.date]], now: datetime.datetime) -> list[Claim]:
    """Take the right to send each (user, local date)'s email; returns the ones this call got.

    New rows in one ``INSERT … ON CONFLICT DO NOTHING RETURNING``; rows waiting
    to retry by a conditional UPDATE each. Each statement commits on its own,
    before anything is sent.
    """
    if not wanted:
        return []
    by_owner = {user.pk: (user, day) for user, day in wanted}
    if len(by_owner) != len(wanted):
        raise ValueError("One day per user at a time.")
    fields = [Digest._meta.get_field(name) for name in ("owner", "local_date", "state", "claimed_at")]
    columns = ", ".join(f.column for f in fields)
    values = []
    for user, day in wanted:
        values += [
            f.get_db_prep_value(v, connection) for f, v in zip(fields, (user.pk, day, Digest.State.SENDING, now))
        ]
    rows = ", ".join(["(%s, %s, %s, %s, 1, 0, '', '')"] * len(wanted))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Digest._meta.db_table} ({columns}, attempts, nudge_count, subject, error) "
            f"VALUES {rows} ON CONFLICT (owner_id, local_date) DO NOTHING RETURNING id, owner_id",
            values,
        )
        inserted = {owner_id: pk for pk, owner_id in cursor.fetchall()}
    claims = [Claim(*by_owner[owner_id], digest_id=pk, attempts=1) for owner_id, pk in inserted.items()]
    for owner_id in by_owner.keys() - inserted.keys():
        user, day = by_owner[owner_id]
        waiting = Digest.objects.filter(owner_id=owner_id, local_date=day, state=Digest.State.RETRY)
        if waiting.update(state=Digest.State.SENDING, attempts=F("attempts") + 1, claimed_at=now, retry_at=None):
            row = Digest.objects.only("attempts").get(owner_id=owner_id, local_date=day)
            claims.append(Claim(user, day, row.pk, row.attempts))
    return claims


def deliver_many(
    wanted: list[tuple[object, datetime.date]], *, now: datetime.datetime, outbox: Outbox
) -> list[Outcome]:
    """Claim, render and send the email of each (user, local date); at most once each.

    The outcome of each is one of: ``sent``; ``empty`` (nothing to say:
    recorded, nothing sent); ``taken`` (someone else claimed it); ``retry``
    (the server did not take it: the row waits, ``countdown`` seconds); or
    ``failed`` (attempts used up, the address refused, or the connection was
    lost after the message went out, so it may have been delivered). Outcomes
    are written in one transaction at the end; rows of a sender that dies
    before then stay claimed and are never sent again.
    """
    claims = claim(wanted, now)
    claimed = {c.user.pk for c in claims}
    outcomes = [Outcome(user.pk, "taken") for user, _ in wanted if user.pk not in claimed]
    contents = build_contents([(c.user, c.day) for c in claims])
    rows = []
    for c in claims:
        content = contents[c.user.pk]
        row = Digest(pk=c.digest_id, state=Digest.State.EMPTY, error="", sent_at=None, nudge_count=0, subject="")
        rows.append(row)
        if not content.count:
            outcomes.append(Outcome(c.user.pk, "empty"))
            continue
        message = render_message(content)
        try:
            outbox.send(message)
        except NotAccepted as exc:
            outcome = _not_accepted(c, exc, now)
            row.state, row.error, row.retry_at = outcome.name, outcome.error, _retry_at(outcome, now)
        except Exception as exc:
            outcome = Outcome(
                c.user.pk,
                "failed",
                error=f"{_describe(exc)} — cut off after the message went out; "
                "it may have been delivered, so it is not sent again.",
            )
            row.state, row.error = Digest.State.FAILED, outcome.error
        else:
            outcome = Outcome(c.user.pk, "sent")
            row.state, row.sent_at, row.nudge_count, row.subject = (
                Digest.State.SENT,
                timezone.now(),
                content.count,
                message.subject,
            )
        outcomes.append(outcome)
    _record(rows)
    return outcomes


def _record(rows: list[Digest]) -> None:
    """Write the outcomes of a batch: one UPDATE per row, sent together in one transaction."""
    fields = [
        Digest._meta.get_field(name) for name in ("state", "error", "sent_at", "nudge_count", "subject", "retry_at")
    ]
    assignments = ", ".join(f"{f.column} = %s" for f in fields)
    params = [
        [f.get_db_prep_value(getattr(row, f.attname), connection) for f in fields] + [row.pk, Digest.State.SENDING]
        for row in rows
    ]
    if not params:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        # Only a row still claimed is written: one taken over as interrupted stays failed.
        cursor.executemany(f"UPDATE {Digest._meta.db_table} SET {assignments} WHERE id = %s AND state = %s", params)


def deliver(
    user_id: int, day: datetime.date, *, now: datetime.datetime | None = None, outbox: Outbox | None = None
) -> str:
    """Send ``user_id``'s digest for ``day`` at most once; returns the outcome's name
    (see ``deliver_many``), or ``off`` when the user has turned the email off.

    Raises ``RetryLater`` when the server did not take the message and
    attempts are left; the row then waits in ``retry``.
    """
    now = now or timezone.now()
    user = get_user_model().objects.filter(pk=user_id, is_active=True, digest_enabled=True).first()
    if user is None:
        return "off"
    with Outbox() as own:
        [outcome] = deliver_many([(user, day)], now=now, outbox=outbox or own)
    if outcome.name == "retry":
        raise RetryLater(outcome.error, outcome.countdown)
    return outcome.name


def _not_accepted(c: Claim, exc: NotAccepted, now: datetime.datetime) -> Outcome:
    if exc.permanent or c.attempts >= settings.DIGEST_MAX_ATTEMPTS:
        return Outcome(c.user.pk, "failed", error=str(exc))
    return Outcome(c.user.pk, "retry", countdown=retry_delay(c.attempts), error=str(exc))


def _retry_at(outcome: Outcome, now: datetime.datetime) -> datetime.datetime | None:
    return now + datetime.timedelta(seconds=outcome.countdown) if outcome.countdown else None


def retry_delay(attempts: int) -> int:
    """Seconds to wait after ``attempts`` failed sends: doubling, at most an hour."""
    delay = settings.DIGEST_RETRY_SECONDS * 2 ** (attempts - 1)
    return int(min(delay, RETRY_AT_MOST.total_seconds()))


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

    What ``send_digests`` runs for cron users and tests, in batches of
    ``BATCH`` users: a handful of statements per batch. A refused send waits in
    ``retry`` for the next run (or a worker) rather than holding this one up.
    """
    outcomes = Counter()
    outcomes["interrupted"] = fail_interrupted(now)
    due = due_digests(now)
    outcomes["due"] = len(due)
    User = get_user_model()
    with Outbox() as outbox:
        for start in range(0, len(due), BATCH):
            batch = dict(due[start : start + BATCH])
            users = User.objects.filter(pk__in=batch, is_active=True, digest_enabled=True)
            outcomes["off"] += len(batch) - len(users)
            for outcome in deliver_many([(u, batch[u.pk]) for u in users], now=now, outbox=outbox):
                outcomes[outcome.name] += 1
    return outcomes
