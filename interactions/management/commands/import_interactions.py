"""``manage.py import_interactions --user EMAIL FILE``: a CSV log of conversations.

The format and the rules are in :mod:`interactions.importing`; this command
finds the user, reads the file and prints the one-line summary, e.g.
``Imported 1,234 interactions with 56 people (12 new) for ana@example.com;
skipped 3 already there.`` Any bad row refuses the whole file (exit status 1,
every bad row listed, nothing written). ``--dry-run`` checks and counts only.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from interactions.importing import HEADER, InteractionImportError, import_interactions


class Command(BaseCommand):
    help = f"Import interactions for one user from a CSV file with the header {HEADER}."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, metavar="EMAIL", help="Whose interactions these are.")
        parser.add_argument("file", metavar="FILE", help="The CSV file (UTF-8).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and count what would change; write nothing."
        )

    def handle(self, *args, user, file, dry_run, **options):
        owner = User.objects.filter(email__iexact=user.strip()).first()
        if owner is None:
            raise CommandError(f"There is no user with the email address {user!r}.")
        try:
            data = Path(file).read_bytes()
        except FileNotFoundError:
            raise CommandError(f"File not found: {file}") from None
        except IsADirectoryError:
            raise CommandError(f"{file} is a directory, not a CSV file.") from None
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}.") from None
        try:
            result = import_interactions(owner, data, dry_run=dry_run)
        except InteractionImportError as error:
            raise CommandError(f"{file}: {error}") from None
        self.stdout.write(result.summary())
