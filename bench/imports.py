"""Importing a 10,000-card vCard file and a 100,000-row conversation CSV: time and peak memory.

Each import runs as ``import_contacts`` / ``import_interactions`` would, in a
process of its own (``python -m bench.imports child …``), into an empty
account, so its peak resident memory (``getrusage`` maxrss) is its own; the
process's memory before the import (Django loaded, the file read) is printed
beside it. The conversation import includes what it does once it commits:
the scores and the weekly history of the people in the file.

The floor is the same rows written with nothing else: the contacts, their
email addresses and phones (or the conversations and their links) built in
Python beforehand and written with ``bulk_create`` in one transaction, rolled
back. Target for the vCard import: at most 10 s and under 300 MB.
"""

import datetime
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VCARDS = 10_000
ROWS = 100_000
PEOPLE = 2_000
VCARD_SECONDS, VCARD_MB = 10.0, 300


def make_vcards(path: Path, n: int = VCARDS) -> None:
    """Cards as phones write them: 3.0 and 2.1 with quoted-printable notes, folded lines, birthdays."""
    rng = random.Random(7)
    with open(path, "w", encoding="utf-8", newline="") as out:
        for i in range(n):
            given, family = rng.choice(["Ana", "Ben", "Chloé", "Dmitri", "Eve", "Fátima"]), f"Family{i}"
            if i % 3:
                out.write(
                    f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bench-{i}\r\nN:{family};{given};;;\r\nFN:{given} {family}\r\n"
                    f"EMAIL;TYPE=INTERNET,HOME:{given.lower()}.{i}@example.com\r\n"
                    f"TEL;TYPE=CELL:+44 7700 {i:06d}\r\nORG:Company {i % 97};Dept\r\nBDAY:19{60 + i % 40}-0{1 + i % 9}-1{i % 9}\r\n"
                    f"NOTE:Met at the conference in {2000 + i % 25}\\, talked about climbing\\nand the long\r\n"
                    " folded line that follows it.\r\nEND:VCARD\r\n"
                )
            else:
                out.write(
                    f"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8:{family};{given}\r\nFN;CHARSET=UTF-8:{given} {family}\r\n"
                    f"TEL;CELL;PREF:07700{i:06d}\r\nEMAIL;PREF;INTERNET:{given.lower()}.{i}@example.org\r\n"
                    "NOTE;ENCODING=QUOTED-PRINTABLE:First line=0D=0A=\r\nsecond line\r\nBDAY:--0415\r\nEND:VCARD\r\n"
                )


def make_interactions(path: Path, n: int = ROWS) -> None:
    rng = random.Random(8)
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC).timestamp()
    channels, directions = ("call", "message", "email", "in_person", "video"), ("outgoing", "incoming", "mutual")
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("occurred_at,contact,channel,direction,note\n")
        for i in range(n):
            moment = int(start + rng.random() * 700 * 86400)
            who = f"person{rng.randrange(PEOPLE)}@example.com"
            out.write(f"{moment},{who},{rng.choice(channels)},{rng.choice(directions)},note {i}\n")


def _child(kind: str, email: str, path: str) -> None:
    import django

    django.setup()
    from accounts.models import User

    user = User.objects.get(email=email)
    data = Path(path).read_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    if kind == "vcf":
        from contacts.importing import import_file

        summary = import_file(user, data).summary()
    else:
        from interactions.importing import import_interactions

        summary = import_interactions(user, data).summary()
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": elapsed, "peak_mb": peak, "before_mb": before, "summary": summary}))


def _measure(kind: str, email: str, path: Path) -> dict:
    env = {**os.environ, "CELERY_TASK_ALWAYS_EAGER": "true", "CONTACT_IMPORT_MAX_BYTES": str(50 * 1024 * 1024)}
    done = subprocess.run(
        [sys.executable, "-m", "bench.imports", "child", kind, email, str(path)],
        capture_output=True, text=True, env=env, check=False,
    )
    if done.returncode:
        raise RuntimeError(f"the {kind} import failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _fresh_user(email: str):
    from accounts.models import User

    User.objects.filter(email=email).delete()
    return User.objects.create_user(email, "bench")


def _floor_contacts(user, n: int) -> float:
    from django.db import transaction

    from contacts.models import Contact, ContactMethod

    contacts = [Contact(owner=user, display_name=f"Person {i}", given_name="Person") for i in range(n)]
    started = time.perf_counter()
    with transaction.atomic():
        Contact.objects.bulk_create(contacts, batch_size=2000)
        ContactMethod.objects.bulk_create(
            [ContactMethod(contact=c, kind=k, value=f"{k}-{c.pk}") for c in contacts for k in ("email", "phone")],
            batch_size=2000,
        )
        transaction.set_rollback(True)
    return time.perf_counter() - started


def _floor_interactions(user, n: int) -> float:
    from django.db import transaction
    from django.utils import timezone

    from contacts.models import Contact
    from interactions.models import Interaction, InteractionContact

    now = timezone.now()
    with transaction.atomic():
        people = Contact.objects.bulk_create([Contact(owner=user, display_name=f"P{i}") for i in range(PEOPLE)])
        rows = [Interaction(owner=user, occurred_at=now, channel="call", direction="outgoing") for _ in range(n)]
        started = time.perf_counter()
        made = Interaction.objects.bulk_create(rows, batch_size=5000)
        InteractionContact.objects.bulk_create(
            [InteractionContact(interaction=m, contact=people[i % PEOPLE]) for i, m in enumerate(made)], batch_size=5000
        )
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def run() -> list[tuple]:
    """Rows for the summary table; prints the figures, memory and the vCard target as it goes."""
    results = []
    with tempfile.TemporaryDirectory() as folder:
        vcf, csv = Path(folder) / "bench.vcf", Path(folder) / "bench.csv"
        make_vcards(vcf)
        make_interactions(csv)
        print(f"vCard import: {VCARDS:,} cards, {vcf.stat().st_size / 1e6:.1f} MB…", flush=True)
        user = _fresh_user("bench-vcard@example.com")
        figures = _measure("vcf", user.email, vcf)
        floor = _floor_contacts(_fresh_user("bench-vcard-floor@example.com"), VCARDS)
        ok = figures["seconds"] <= VCARD_SECONDS and figures["peak_mb"] < VCARD_MB
        print(f"  {figures['summary']}")
        print(f"  {figures['seconds']:.2f} s, peak {figures['peak_mb']:.0f} MB (the process held "
              f"{figures['before_mb']:.0f} MB before the import); target ≤ {VCARD_SECONDS:.0f} s and "
              f"< {VCARD_MB} MB: {'ok' if ok else 'MISSED'}", flush=True)
        results.append(("import 10,000 vCards", figures["seconds"], floor, None))

        print(f"Conversation import: {ROWS:,} rows, {csv.stat().st_size / 1e6:.1f} MB…", flush=True)
        user = _fresh_user("bench-csv@example.com")
        figures = _measure("csv", user.email, csv)
        floor = _floor_interactions(_fresh_user("bench-csv-floor@example.com"), ROWS)
        print(f"  {figures['summary']}")
        print(f"  {figures['seconds']:.2f} s, peak {figures['peak_mb']:.0f} MB (before: {figures['before_mb']:.0f} MB)",
              flush=True)
        results.append(("import 100,000 conversations", figures["seconds"], floor, None))
    return results


if __name__ == "__main__" and sys.argv[1:2] == ["child"]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relcrm.settings")
    _child(*sys.argv[2:5])
