"""``manage.py export_contacts --user EMAIL --format csv|vcf|json [--output FILE]``.

CSV (a row per contact), vCard 4.0 (:mod:`contacts.vcard_export`) or the whole
account as JSON (:mod:`contacts.account_json`, which ``import_contacts``
restores into an empty account).

Without ``--output`` the CSV goes to standard output and the one-line summary
to standard error, so that the CSV can be piped; with it the file is written
atomically (whole or not at all) and the summary goes to standard output:
``Exported 240 contacts for demo@example.com to contacts.csv.`` The columns
and the guard against formulas are described in :mod:`contacts.exporting`.
"""

import io
import os

from django.core.management.base import BaseCommand, CommandError

from contacts.account_json import write_json
from contacts.exporting import atomic_text_file, write_csv
from contacts.vcard_export import write_vcf
from relcrm.command_input import user_by_email

WRITERS = {"csv": write_csv, "vcf": write_vcf, "json": write_json}


class Command(BaseCommand):
    help = "Export one user's contacts (CSV, vCard 4.0 or the whole account as JSON) to a file or standard output."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, metavar="EMAIL", help="Whose contacts to export.")
        parser.add_argument("--format", required=True, choices=sorted(WRITERS), help="File format.")
        parser.add_argument("--output", metavar="FILE", help="Write here instead of to standard output.")

    def handle(self, *args, user, format, output, **options):
        owner = user_by_email(user)
        write = WRITERS[format]
        if output:
            try:
                with atomic_text_file(output) as stream:
                    count = write(owner, stream)
            except OSError as error:
                raise CommandError(f"Cannot write {output}: {error.strerror or error}.") from None
            self.stdout.write(f"Exported {count:,} {_contacts(count)} for {owner.email} to {output}.")
            return
        count = self._write_stdout(write, owner)
        self.stderr.write(f"Exported {count:,} {_contacts(count)} for {owner.email}.")

    def _write_stdout(self, write, owner) -> int:
        # Straight to the byte stream when there is one: UTF-8 and \r\n
        # whatever the locale and the platform's newline translation.
        binary = getattr(self.stdout, "buffer", None)
        if binary is None:  # a StringIO, e.g. from call_command
            text = io.StringIO(newline="")
            count = write(owner, text)
            self.stdout.write(text.getvalue(), ending="")
            return count
        self.stdout.flush()
        stream = io.TextIOWrapper(binary, encoding="utf-8", newline="", write_through=True)
        try:
            return write(owner, stream)
        except BrokenPipeError:
            # The reader went away (`| head`): further writes, and the flush at
            # exit, go nowhere instead of raising again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), binary.fileno())
            raise CommandError("Standard output was closed before the export was complete.") from None
        finally:
            stream.flush()
            stream.detach()  # leave sys.stdout open


def _contacts(count: int) -> str:
    return "contact" if count == 1 else "contacts"
