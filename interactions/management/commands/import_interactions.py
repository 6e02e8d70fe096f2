"""``manage.py import_interactions --user EMAIL FILE``: a CSV log of conversations.

The format and the rules are in :mod:`interactions.importing`; this command
finds the user, reads the file and prints the one-line summary, e.g.
``Imported 1,234 interactions with 56 people (12 new) for ana@example.com;
skipped 3 already there.`` Any bad row refuses the whole file (exit status 1,
every bad row listed, nothing written). ``--dry-run`` checks and counts only.
"""

from django.core.management.base import BaseCommand, CommandError

from interactions.importing import HEADER, InteractionImportError, import_interactions
from relcrm.command_input import read_file, user_by_email


class Command(BaseCommand):
    help = f"Import interactions for one user from a CSV file with the header {HEADER}."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, metavar="EMAIL", help="Whose interactions these are.")
        parser.add_argument("file", metavar="FILE", help="The CSV file (UTF-8).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and count what would change; write nothing."
        )

    def handle(self, *args, user, file, dry_run, **options):
        owner = user_by_email(user)
        data = read_file(file, "a CSV file")
        try:
            result = import_interactions(owner, data, dry_run=dry_run)
        except InteractionImportError as error:
            raise CommandError(f"{file}: {error}") from None
        self.stdout.write(result.summary())
