"""On real data, the depth score ranks whom people write to next better than recency alone.

The README promises it; this is the check, on the UC Irvine CollegeMsg network
(59,835 private messages among 1,899 students, April–October 2004).
"""

import collections
import csv
import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from contacts.models import Contact
from interactions import engine
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
COLLEGE_MSG = DATA / "interactions" / "CollegeMsg.txt"
PEOPLE = 20
HORIZON = datetime.timedelta(days=30)


def roc_auc(scores, labels) -> float:
    """Mann–Whitney ROC AUC: the chance that a random positive scores above a random negative (ties ½)."""
    positives = [s for s, positive in zip(scores, labels, strict=True) if positive]
    negatives = [s for s, positive in zip(scores, labels, strict=True) if not positive]
    assert positives and negatives, "an AUC needs positives and negatives"
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def read_messages() -> list[tuple[int, int, int]]:
    """(sender, recipient, Unix seconds) for every message, in time order."""
    with COLLEGE_MSG.open() as f:
        next(f)  # header: src dst time
        return sorted(((int(s), int(d), int(t)) for s, d, t in (line.split() for line in f if line.strip())),
                      key=lambda m: m[2])


def study_design(messages):
    """The cutoff (midnight UTC of the day of the median message) and the people studied.

    The people: the PEOPLE most active senders before the cutoff among those
    who send at least one message in the HORIZON after it (without one there is
    nothing to predict for them).
    """
    median = messages[len(messages) // 2][2]
    day = datetime.datetime.fromtimestamp(median, datetime.UTC).date()
    cutoff = datetime.datetime.combine(day, datetime.time(0), tzinfo=datetime.UTC)
    start, end = cutoff.timestamp(), (cutoff + HORIZON).timestamp()
    sent_before = collections.Counter(s for s, _, t in messages if t < start)
    sends_after = {s for s, _, t in messages if start <= t < end}
    people = [p for p, _ in sent_before.most_common() if p in sends_after][:PEOPLE]
    return cutoff, people


def name(student: int) -> str:
    return f"Student {student}"


def write_log(path: Path, person: int, messages, before: float) -> None:
    """The person's messages before the cutoff, as the import CSV."""
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["occurred_at", "contact", "channel", "direction", "note"])
        for s, d, t in messages:
            if t >= before:
                break
            if s == person and d != person:
                out.writerow([t, name(d), "message", "outgoing", ""])
            elif d == person and s != person:
                out.writerow([t, name(s), "message", "incoming", ""])


def test_depth_ranks_next_months_contacts_better_than_recency(tmp_path):
    """What is measured, exactly.

    Cutoff: midnight UTC on the day of the median message (2004-05-21), so the
    data has as many messages before it as after. People: the 20 students who
    sent the most messages before the cutoff, among those who send at least one
    message in the 30 days after it. For each of them a user is created, their
    messages before the cutoff are imported with ``import_interactions`` (sent →
    outgoing, received → incoming, channel message, contact "Student <id>"), and
    every user is scored with ``engine.recompute_users(..., as_of=cutoff)``.
    (The command's own recompute runs on commit, which never happens inside the
    test's transaction, so nothing is computed twice.) Imported contacts are in
    the default circle (network, a 180-day cadence).

    Items: every (person, contact) pair with at least one message before the
    cutoff, pooled over the 20 people. Positive: the person sends that contact
    at least one message in the 30 days from the cutoff. Scores: (a) the stored
    ``depth_score`` as of the cutoff; (b) minus the days from the contact's
    ``last_interaction_at`` to the cutoff (fewer days ranks higher). One ROC AUC
    (Mann–Whitney, ties ½) each over the pooled pairs; the mean of the
    per-person AUCs is printed as well.
    """
    messages = read_messages()
    cutoff, people = study_design(messages)
    assert len(people) == PEOPLE
    start, end = cutoff.timestamp(), (cutoff + HORIZON).timestamp()
    writes_to = collections.defaultdict(set)
    for s, d, t in messages:
        if start <= t < end:
            writes_to[s].add(name(d))

    users = {}
    for person in people:
        user = UserFactory(email=f"student{person}@collegemsg.example")
        path = tmp_path / f"student{person}.csv"
        write_log(path, person, messages, start)
        out = io.StringIO()
        call_command("import_interactions", "--user", user.email, str(path), stdout=out)
        assert out.getvalue().startswith("Imported "), out.getvalue()
        users[person] = user
    engine.recompute_users([u.pk for u in users.values()], as_of=cutoff)

    depth, recency, labels, per_person = [], [], [], []
    for person, user in users.items():
        rows = list(Contact.objects.filter(owner=user).values_list("display_name", "depth_score", "last_interaction_at"))
        assert rows and all(last is not None and last < cutoff for _, _, last in rows)
        d = [score for _, score, _ in rows]
        r = [-(cutoff - last).total_seconds() / 86400 for _, _, last in rows]
        y = [contact in writes_to[person] for contact, _, _ in rows]
        if any(y) and not all(y):
            per_person.append((roc_auc(d, y), roc_auc(r, y)))
        depth += d
        recency += r
        labels += y

    depth_auc, recency_auc = roc_auc(depth, labels), roc_auc(recency, labels)
    mean_depth = sum(a for a, _ in per_person) / len(per_person)
    mean_recency = sum(b for _, b in per_person) / len(per_person)
    figures = (
        f"cutoff {cutoff:%Y-%m-%d}, {len(people)} people, {len(labels):,} contacts, {sum(labels):,} written to "
        f"in the next 30 days: pooled AUC depth {depth_auc:.3f}, days since last contact {recency_auc:.3f}; "
        f"mean per-person AUC ({len(per_person)} people) depth {mean_depth:.3f}, days {mean_recency:.3f}"
    )
    print("\n" + figures)
    assert depth_auc > 0.5, f"depth is no better than chance: {figures}"
    assert depth_auc >= recency_auc, f"depth ranks worse than days since last contact: {figures}"
