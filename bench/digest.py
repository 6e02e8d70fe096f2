"""The daily digest for many users vs plain smtplib sending the same messages.

BENCH_DIGEST_USERS users (default 10,000), each with a few nudges, all due.
The measured figure is ``digest.send_due`` — what ``send_digests`` and, one
user per task, the worker run: find who is due, claim each day's row, read
the nudges, render both parts, sign the links, send over SMTP, record the
outcome. The floor sends the very same messages with nothing but the
standard library: their subjects, headers, text and HTML (rendered
beforehand, untimed) made into MIME messages by ``email`` and sent with
``smtplib`` over one connection. Both go to an SMTP server
that throws mail away (aiosmtpd's Sink) in a process of its own, on loopback.
The figure compared is throughput, messages a second: measured / floor.
"""

import datetime
import email.message
import email.policy
import email.utils
import os
import smtplib
import subprocess
import sys
import time

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import User
from contacts.models import Contact
from interactions import digest
from interactions.digest_content import build_content, render_message
from interactions.models import Digest, Nudge
from relcrm.settings import mailer_from_url

EMAIL_DOMAIN = "digest-bench.example"
NUDGES_PER_USER = (
    ("overdue", "red", "Last talked 47 days ago; about every 3 weeks — learned from 12 conversations"),
    ("overdue", "yellow", "Last talked 5 weeks ago; every month — the default for close friends"),
    ("birthday", "info", "Birthday in 3 days (turns 40)"),
    ("fading", "info", "Silent for 9 months; you used to talk every 3 weeks. Reconnect, or let go?"),
)
ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Auckland", "Pacific/Honolulu")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_sink(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            smtplib.SMTP("127.0.0.1", port, timeout=2).quit()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the SMTP sink did not start")


def _seed(count: int, today: datetime.date) -> None:
    """``count`` users, each with one contact per nudge and the nudges, in bulk."""
    User.objects.filter(email__endswith=EMAIL_DOMAIN).delete()
    password = make_password(None)
    users = User.objects.bulk_create(
        [
            User(
                email=f"user{i}@{EMAIL_DOMAIN}",
                name=f"Bench User {i}",
                password=password,
                time_zone=ZONES[i % len(ZONES)],
                digest_hour=0,
            )
            for i in range(count)
        ],
        batch_size=2000,
    )
    contacts = Contact.objects.bulk_create(
        [Contact(owner=u, display_name=f"Friend {n} of {u.pk}") for u in users for n in range(len(NUDGES_PER_USER))],
        batch_size=5000,
    )
    nudges = []
    for index, contact in enumerate(contacts):
        reason, level, message = NUDGES_PER_USER[index % len(NUDGES_PER_USER)]
        nudges.append(
            Nudge(
                owner_id=contact.owner_id,
                contact=contact,
                reason=reason,
                level=level,
                message=message,
                priority=len(NUDGES_PER_USER) - index % len(NUDGES_PER_USER),
                due_on=today - datetime.timedelta(days=1),
                show_from=today - datetime.timedelta(days=1),
            )
        )
    Nudge.objects.bulk_create(nudges, batch_size=5000)


def _messages(now: datetime.datetime) -> list[dict]:
    """What ``send_due`` would send at ``now``: each message's parts and headers, rendered."""
    users = {u.pk: u for u in User.objects.filter(email__endswith=EMAIL_DOMAIN)}
    out = []
    for user_id, day in digest.due_digests(now):
        message = render_message(build_content(users[user_id], day))
        out.append(
            {
                "from": message.from_email,
                "to": message.to,
                "subject": message.subject,
                "headers": message.extra_headers,
                "text": message.body,
                "html": message.alternatives[0].content,
            }
        )
    return out


def _send_plainly(port: int, messages: list[dict]) -> None:
    """The floor: the same messages built with the standard library and sent over one connection."""
    with smtplib.SMTP("127.0.0.1", port, timeout=20) as smtp:
        for parts in messages:
            message = email.message.EmailMessage(policy=email.policy.SMTP)
            message["Subject"] = parts["subject"]
            message["From"] = parts["from"]
            message["To"] = ", ".join(parts["to"])
            message["Date"] = email.utils.formatdate()
            message["Message-ID"] = email.utils.make_msgid(domain="localhost")
            for name, value in parts["headers"].items():
                message[name] = value
            message.set_content(parts["text"])
            message.add_alternative(parts["html"], subtype="html")
            smtp.send_message(message)


def run(count: int | None = None):
    count = count or int(os.environ.get("BENCH_DIGEST_USERS", 10_000))
    port = _free_port()
    sink = _start_sink(port)
    settings.MAILERS = {"default": mailer_from_url(f"smtp://127.0.0.1:{port}", timeout=20)}
    try:
        now = timezone.now().replace(hour=23, minute=30)  # past everyone's hour 0, in every zone listed
        print(f"\nSeeding {count:,} users with {len(NUDGES_PER_USER)} nudges each…", flush=True)
        _seed(count, now.date())
        # Only the benchmark's users are due (the demo users of other benchmarks are not).
        User.objects.exclude(email__endswith=EMAIL_DOMAIN).update(digest_enabled=False)
        messages = _messages(now)

        start = time.perf_counter()
        _send_plainly(port, messages)
        floor_time = time.perf_counter() - start

        Digest.objects.all().delete()
        start = time.perf_counter()
        outcomes = digest.send_due(now)
        measured = time.perf_counter() - start
        if outcomes["sent"] != len(messages):
            raise RuntimeError(f"sent {outcomes['sent']} digests, expected {len(messages)}: {dict(outcomes)}")
    finally:
        sink.terminate()
        sink.wait(timeout=10)
    sent = len(messages)
    print(
        f"daily digest to {sent:,} users: send_due {measured:.2f} s ({sent / measured:,.0f}/s), "
        f"plain smtplib {floor_time:.2f} s ({sent / floor_time:,.0f}/s), "
        f"throughput ratio {floor_time / measured:.2f} (target ≥ 0.5)"
    )
    # As time per message, so that the summary's "ratio ≤ 2" is throughput ≥ 0.5.
    return (f"daily digest, {sent:,} users", measured, floor_time, 2.0)
