"""``manage.py recompute_scores [--user EMAIL] [--as-of YYYY-MM-DD]``."""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from interactions import engine


class Command(BaseCommand):
    help = (
        "Recompute cadences, depth scores and nudges. With --as-of, rebuild the weekly score "
        "history up to that day and score everyone as they stood at its end (no nudges)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", metavar="EMAIL", help="only this user (default: every active user)")
        parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="score as of the end of this day")

    def handle(self, *args, user=None, as_of=None, **options):
        User = get_user_model()
        if user:
            try:
                users = [User.objects.get(email__iexact=user.strip())]
            except User.DoesNotExist:
                raise CommandError(f"No user with the email address {user!r}.") from None
        else:
            users = list(User.objects.filter(is_active=True).order_by("pk"))
        moment = None
        if as_of:
            try:
                day = datetime.date.fromisoformat(as_of)
            except ValueError:
                raise CommandError(f"--as-of must be a date like 2026-01-31, not {as_of!r}.") from None
            moment = datetime.datetime.combine(day, datetime.time.max, tzinfo=datetime.UTC)
            if moment > timezone.now() + datetime.timedelta(days=1):
                raise CommandError("--as-of cannot be in the future.")
        weeks = 0
        if moment is not None:
            for person in users:
                weeks += engine.rebuild_score_history(person.pk, moment, weeks=engine.HISTORY_WEEKS)
        summary = engine.recompute_users([u.pk for u in users], as_of=moment)
        when = f" as of {as_of}" if as_of else ""
        history = f", {weeks} weeks of history" if moment is not None else ""
        nudges = "" if moment is not None else f", {summary.nudges} nudges"
        self.stdout.write(
            f"Recomputed {summary.contacts:,} contacts of {summary.users} user{'s' * (summary.users != 1)}"
            f"{when}{nudges}{history}."
        )
