import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from interactions import digest


def _moment(value: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--now {value!r} is not an ISO 8601 date and time, e.g. 2026-11-22T07:30:00+00:00."
        ) from None
    if timezone.is_naive(moment):
        raise CommandError(f"--now {value!r} has no UTC offset; add one, e.g. {value}+00:00 or {value}Z.")
    return moment


class Command(BaseCommand):
    help = "Send the daily digests that are due now (or at --now), here and now, without a worker."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="Act as if it were this moment (ISO 8601 with an offset); default: now.")

    def handle(self, *args, now=None, **options):
        outcomes = digest.send_due(_moment(now) if now else timezone.now())
        parts = [f"{outcomes['sent']} sent", f"{outcomes['empty']} with nothing to send"]
        for outcome in ("retry", "failed", "taken", "off", "interrupted"):
            if outcomes[outcome]:
                parts.append(f"{outcomes[outcome]} {digest.OUTCOME_WORDS[outcome]}")
        self.stdout.write(f"Digests: {', '.join(parts)} ({outcomes['due']} due).")
        if outcomes["failed"]:
            raise CommandError(f"{outcomes['failed']} digest(s) failed; see Digests in the admin.")
