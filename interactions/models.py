from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from contacts.models import Contact, ContactPartQuerySet, OwnedQuerySet


class Channel(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    CALL = "call", "Call"
    VIDEO = "video", "Video call"
    MESSAGE = "message", "Message"
    EMAIL = "email", "Email"
    SOCIAL = "social", "Social media"
    LETTER = "letter", "Letter"
    OTHER = "other", "Other"


class Direction(models.TextChoices):
    OUTGOING = "outgoing", "I reached out"
    INCOMING = "incoming", "They reached out"
    MUTUAL = "mutual", "Both / planned together"


class Kind(models.TextChoices):
    CATCH_UP = "catch_up", "Catch-up"
    FAVOUR_ASKED = "favour_asked", "I asked a favour"
    FAVOUR_GIVEN = "favour_given", "I did a favour"
    INTRODUCTION = "introduction", "Introduction"
    CELEBRATION = "celebration", "Celebration"
    SUPPORT = "support", "Support"
    WORK = "work", "Work"
    OTHER = "other", "Other"


class InteractionQuerySet(OwnedQuerySet):
    def recent(self):
        return self.order_by("-occurred_at", "-pk")

    def with_contacts(self):
        return self.prefetch_related(
            # What a timeline shows of each person: the name and the link.
            models.Prefetch("contacts", queryset=Contact.objects.only("id", "owner_id", "display_name").order_by("display_name"))
        )


class Interaction(models.Model):
    """Something that happened between the owner and one or more contacts.

    A dinner with three friends is one interaction that counts for each of them.
    """

    # No index of its own: interaction_owner_when starts with it.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interactions", db_index=False
    )
    contacts = models.ManyToManyField(
        Contact, through="InteractionContact", related_name="interactions"
    )
    occurred_at = models.DateTimeField("when")
    channel = models.CharField(max_length=20, choices=Channel, default=Channel.IN_PERSON)
    direction = models.CharField(max_length=10, choices=Direction, default=Direction.MUTUAL)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.CATCH_UP)
    note = models.TextField(blank=True)
    duration_minutes = models.PositiveIntegerField("duration (minutes)", null=True, blank=True)
    quality = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=[(n, str(n)) for n in range(1, 6)],
        help_text="How good was it, 1 to 5?",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InteractionQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-occurred_at"], name="interaction_owner_when")]
        constraints = [
            models.CheckConstraint(
                condition=Q(quality__isnull=True) | Q(quality__range=(1, 5)),
                name="interaction_quality_range",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True) | Q(duration_minutes__lte=60 * 24 * 7),
                name="interaction_duration_at_most_a_week",
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} on {self.occurred_at:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("interaction_edit", args=[self.pk])


class InteractionContact(models.Model):
    # The two composite indexes below serve both directions of the join, so
    # the single-column indexes Django adds for foreign keys would be redundant.
    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, db_index=False)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, db_index=False)
    # The interaction's own moment, kept here by database triggers (migration
    # 0008) on every write, whatever the path: a person's conversations in a
    # span of time are then one range of the index below, without a visit to
    # each interaction.
    occurred_at = models.DateTimeField(null=True, editable=False)

    objects = ContactPartQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint("interaction", "contact", name="interactioncontact_unique"),
        ]
        indexes = [models.Index(fields=["contact", "occurred_at", "interaction"], name="interactioncontact_when")]

    def clean(self):
        if self.contact.owner_id != self.interaction.owner_id:
            raise ValidationError({"contact": "Pick one of the interaction owner's contacts."})


class ActivityStamp(models.Model):
    """A number that moves whenever any of an owner's conversations is added, edited or deleted.

    What is computed from all of them (the heat map) is cached under it: one
    primary-key read tells whether the cached copy still holds, in any process.
    ``activity.refresh`` moves it in the transaction of every write path;
    ``stamp`` does for the others (deleting a contact deletes conversations).
    """

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    version = models.PositiveBigIntegerField(default=1)

    def __str__(self):
        return f"{self.owner_id}: {self.version}"


class TodayStamp(models.Model):
    """A number that moves whenever any of an owner's people or nudges is added, changed or deleted.

    The Today page's lists (nudges, fading, birthdays, circles) are cached under
    it. Database triggers move it (migration ``0007_today_stamp``), so every
    write counts whatever made it: a form, a queryset ``update()``, the engine's
    own SQL, a merge, an import, the admin. On PostgreSQL it moves at commit
    (a deferred trigger), once per owner and transaction, so its row is locked
    for an instant however long the writing transaction; it still becomes
    visible with the writes it counts.
    """

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    version = models.PositiveBigIntegerField(default=1)

    def __str__(self):
        return f"{self.owner_id}: {self.version}"


class NudgeQuerySet(OwnedQuerySet):
    @staticmethod
    def active_on_q(today) -> Q:
        """The condition of ``active_on`` without the contact's, to combine with others."""
        return (Q(state=Nudge.State.OPEN) | Q(state=Nudge.State.SNOOZED, snoozed_until__lte=today)) & Q(
            show_from__lte=today
        )

    def active_on(self, today):
        """Open nudges, and snoozed ones whose snooze has run out, due by ``today``."""
        return self.filter(self.active_on_q(today), contact__archived=False)

    def shown(self):
        """With what a list of nudges shows of each: the message and the person's name and link."""
        return self.select_related("contact").only(
            "id", "contact_id", "reason", "level", "message", "priority", "due_on", "contact__id",
            "contact__owner_id", "contact__display_name",
        )

    def for_today(self, user, today, limit=None):
        """What the dashboard shows: the most important first, at most the user's daily cap."""
        nudges = self.for_user(user).active_on(today).shown().order_by("-priority", "due_on", "pk")
        return nudges[: limit or user.nudge_cap]


class Nudge(models.Model):
    """A reason to reach out to someone, on a day. Made by the engine, acted on by the user."""

    class Reason(models.TextChoices):
        OVERDUE = "overdue", "Overdue"
        BIRTHDAY = "birthday", "Birthday"
        DATE = "date", "Important date"
        GIVE_AND_TAKE = "give_and_take", "Give and take"
        FADING = "fading", "Fading"

    class State(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        SNOOZED = "snoozed", "Snoozed"
        DISMISSED = "dismissed", "Dismissed"

    class Level(models.TextChoices):
        INFO = "info", "Info"
        YELLOW = "yellow", "Due"
        RED = "red", "Overdue"

    # No indexes of their own: nudge_owner_state_show starts with the owner, the unique
    # constraint below with the contact. Fewer indexes to write on the nightly upsert.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nudges", db_index=False)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="nudges", db_index=False)
    reason = models.CharField(max_length=20, choices=Reason)
    # The day it is about (the birthday, the day a conversation was due) and the
    # day it appears: birthdays show a few days ahead, the rest on the day.
    due_on = models.DateField()
    show_from = models.DateField()
    level = models.CharField(max_length=10, choices=Level, default=Level.INFO)
    message = models.CharField(max_length=300)
    important_date = models.ForeignKey(
        "contacts.ImportantDate", on_delete=models.CASCADE, null=True, blank=True, related_name="nudges"
    )
    # depth × how overdue: the order of the daily list.
    priority = models.FloatField(default=0)
    state = models.CharField(max_length=10, choices=State, default=State.OPEN)
    snoozed_until = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = NudgeQuerySet.as_manager()

    class Meta:
        ordering = ["-priority", "due_on"]
        indexes = [
            models.Index(fields=["owner", "state", "show_from"], name="nudge_owner_state_show"),
            # The Today page's lists, most important first: read from the top and stop at the
            # few shown, rather than sort every active nudge (done ones pile up beside them).
            models.Index(
                fields=["owner", "-priority"],
                condition=Q(state__in=["open", "snoozed"]),
                name="nudge_owner_active_priority",
            ),
        ]
        constraints = [
            # A recompute may run any number of times: it can never make a second nudge.
            models.UniqueConstraint("contact", "reason", "due_on", name="nudge_unique_per_day"),
            models.CheckConstraint(
                condition=~Q(state="snoozed") | Q(snoozed_until__isnull=False), name="nudge_snooze_has_date"
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.contact} ({self.due_on})"


class ContactActivity(models.Model):
    """What one contact's interactions add up to, kept current by ``interactions.activity``.

    The all-time figures cover every interaction. The ``recent_*`` figures and
    ``weighted_recent`` cover those after ``window_since``: they stay exact for
    any later window start up to ``recent_first_at``, when the oldest of them
    leaves the window and is taken off (see the README, "Stored figures").
    """

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, primary_key=True, related_name="activity")
    count = models.PositiveIntegerField(default=0)
    first_at = models.DateTimeField(null=True)
    last_at = models.DateTimeField(null=True)
    outgoing = models.PositiveIntegerField(default=0)
    incoming = models.PositiveIntegerField(default=0)
    mutual = models.PositiveIntegerField(default=0)
    favours_asked = models.PositiveIntegerField(default=0)
    favours_given = models.PositiveIntegerField(default=0)
    last_asked_at = models.DateTimeField(null=True)
    last_given_at = models.DateTimeField(null=True)
    # Favours asked since the last one given (all of them when none was): the give-and-take nudge.
    asks_since_given = models.PositiveIntegerField(default=0)
    with_note = models.PositiveIntegerField(default=0)
    quality_sum = models.PositiveIntegerField(default=0)
    quality_count = models.PositiveIntegerField(default=0)
    window_since = models.DateTimeField()
    weighted_recent = models.PositiveIntegerField(default=0)  # in hundredths: see activity._depth
    recent_count = models.PositiveIntegerField(default=0)
    recent_first_at = models.DateTimeField(null=True)
    recent_last_at = models.DateTimeField(null=True)

    def __str__(self):
        return f"{self.contact_id}: {self.count} interactions"


class DigestQuerySet(OwnedQuerySet):
    def settled_on(self, days, now):
        """Rows that keep their user out of a dispatch: all but retries whose time has come."""
        return self.filter(local_date__in=days).exclude(state=Digest.State.RETRY, retry_at__lte=now)

    def interrupted(self, before):
        """Claimed for sending before ``before`` and never finished: the worker died mid-send."""
        return self.filter(state=Digest.State.SENDING, claimed_at__lt=before)


class Digest(models.Model):
    """One user's daily email for one local date: claimed before it is sent, never sent twice.

    The row is inserted (unique on owner and local date) before anything is
    rendered or sent, so whoever inserts it is the only one to send that day's
    email. A send that failed before the server took the message is retried
    through the ``retry`` state; one that may have reached the server is not.
    """

    class State(models.TextChoices):
        SENDING = "sending", "Sending"
        RETRY = "retry", "Waiting to retry"
        SENT = "sent", "Sent"
        EMPTY = "empty", "Nothing to send"
        FAILED = "failed", "Failed"

    # No index of its own: the unique constraint below starts with it.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests", db_index=False)
    local_date = models.DateField(help_text="The day in the user's own time zone.")
    state = models.CharField(max_length=10, choices=State, default=State.SENDING)
    attempts = models.PositiveSmallIntegerField(default=1)
    nudge_count = models.PositiveSmallIntegerField(default=0)
    subject = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    retry_at = models.DateTimeField(null=True, blank=True)

    objects = DigestQuerySet.as_manager()

    class Meta:
        ordering = ["-local_date", "owner_id"]
        constraints = [
            models.UniqueConstraint("owner", "local_date", name="digest_one_per_user_and_day"),
        ]
        indexes = [models.Index(fields=["local_date", "state"], name="digest_day_state")]

    def __str__(self):
        return f"{self.owner} on {self.local_date}: {self.get_state_display()}"
