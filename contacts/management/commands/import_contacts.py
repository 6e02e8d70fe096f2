"""``manage.py import_contacts --user EMAIL FILE [--dry-run]``.

FILE is a .vcf (vCard 2.1, 3.0 or 4.0), a contacts CSV exported from Google
Contacts, Outlook or LinkedIn, or a relcrm JSON export (into an empty
account). Prints one line, e.g. ``Imported 240 contacts for ana@example.com
from vCard: 200 created, 30 updated, 10 unchanged, 0 skipped.`` Any broken
card or row refuses the whole file (exit status 1, each one listed, nothing
written). The rules are in :mod:`contacts.importing`.
"""

from django.core.management.base import BaseCommand, CommandError

from contacts.importing import ContactImportError, import_file
from relcrm.command_input import read_file, user_by_email


class Command(BaseCommand):
    help = "Import contacts for one user from a vCard file, a Google/Outlook/LinkedIn CSV or a relcrm JSON export."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, metavar="EMAIL", help="Whose contacts these are.")
        parser.add_argument("file", metavar="FILE", help="The .vcf, .csv or .json file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and count what would change; write nothing."
        )

    def handle(self, *args, user, file, dry_run, **options):
        owner = user_by_email(user)
        data = read_file(file, "a contacts file")
        try:
            result = import_file(owner, data, dry_run=dry_run)
        except ContactImportError as error:
            raise CommandError(f"{file}: {error}") from None
        for warning in result.warnings:
            self.stderr.write(f"{file}: {warning}")
        self.stdout.write(result.summary())
