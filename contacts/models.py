import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, Q
from django.db.models.functions import Lower
from django.urls import reverse


class Circle(models.TextChoices):
    """Dunbar's layers: the rings of people we can keep up with at each closeness."""

    INNER = "inner", "Inner circle"
    CLOSE = "close", "Close friends"
    FRIENDS = "friends", "Friends"
    NETWORK = "network", "Network"
    ACQUAINTANCE = "acquaintance", "Acquaintances"

    @classmethod
    def sizes(cls) -> dict[str, int | None]:
        """How many people each ring holds for most of us (Dunbar 1993; Zhou et al. 2005)."""
        return {cls.INNER: 5, cls.CLOSE: 15, cls.FRIENDS: 50, cls.NETWORK: 150, cls.ACQUAINTANCE: None}

    @classmethod
    def default_cadences(cls) -> dict[str, int | None]:
        """Days between conversations unless the user changes them: weekly to twice a year."""
        return {cls.INNER: 7, cls.CLOSE: 30, cls.FRIENDS: 90, cls.NETWORK: 180, cls.ACQUAINTANCE: None}


class CadenceSource(models.TextChoices):
    CONTACT = "contact", "set for this person"
    CIRCLE = "circle", "circle default"
    LEARNED = "learned", "learned from history"
    NONE = "none", "no rhythm yet"


def partial_date_constraints(prefix: str, *, field: str = "") -> list[models.CheckConstraint]:
    """Database rules for a day of the year with an optional year.

    ``{field}month``/``{field}day`` are both set or both empty, the day exists in
    that month (29 February included: the year may be unknown), and a year is
    only given together with a day.
    """
    month, day, year = f"{field}month", f"{field}day", f"{field}year"
    valid_day = (
        Q(**{f"{month}__in": [1, 3, 5, 7, 8, 10, 12], f"{day}__lte": 31})
        | Q(**{f"{month}__in": [4, 6, 9, 11], f"{day}__lte": 30})
        | Q(**{month: 2, f"{day}__lte": 29})
    )
    return [
        models.CheckConstraint(
            condition=Q(**{f"{month}__isnull": True, f"{day}__isnull": True, f"{year}__isnull": True})
            # Spelled out: SQL lets a CHECK pass when it is NULL, so a NULL
            # month must not reach the comparisons below.
            | (Q(**{f"{month}__isnull": False, f"{day}__isnull": False, f"{day}__gte": 1}) & valid_day),
            name=f"{prefix}_{field}date_valid",
        ),
    ]


def check_partial_date(month, day, year, *, field: str) -> None:
    """The rules of :func:`partial_date_constraints`, as form errors, plus leap years."""
    if month is None and day is None:
        if year is not None:
            raise ValidationError({field: "Give the month and day too, or leave the year empty."})
        return
    if month is None or day is None:
        raise ValidationError({field: "Give both the month and the day."})
    probe_year = year if year is not None else 2000  # a leap year: 29 February is allowed
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(probe_year, month)[1]:
        raise ValidationError({field: "That day does not exist."})


class OwnedQuerySet(models.QuerySet):
    def for_user(self, user):
        """Rows that belong to ``user``: the start of every read of user data."""
        return self.filter(owner=user)


class ContactPartQuerySet(models.QuerySet):
    def for_user(self, user):
        """Rows of ``user``'s contacts."""
        return self.filter(contact__owner=user)


class CircleCadence(models.Model):
    """A user's own default cadence for one circle (absent row: Circle.default_cadences)."""

    # No index of its own: the unique constraint below starts with it.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="circle_cadences", db_index=False
    )
    circle = models.CharField(max_length=20, choices=Circle)
    cadence_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )

    objects = OwnedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint("owner", "circle", name="circlecadence_unique"),
            models.CheckConstraint(
                condition=Q(cadence_days__isnull=True) | Q(cadence_days__range=(1, 3650)),
                name="circlecadence_range",
            ),
        ]

    @staticmethod
    def for_owner(owner_id: int) -> dict[str, int | None]:
        """Circle → cadence days in force for one user."""
        cadences = Circle.default_cadences()
        for circle, days in CircleCadence.objects.filter(owner_id=owner_id).values_list("circle", "cadence_days"):
            cadences[circle] = days
        return cadences


class Tag(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=50)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("owner", Lower("name"), name="tag_name_unique_per_owner"),
            models.CheckConstraint(condition=~Q(name=""), name="tag_name_not_empty"),
        ]

    def __str__(self):
        return self.name


class ContactQuerySet(OwnedQuerySet):
    def active(self):
        return self.filter(archived=False)

    def archived(self):
        return self.filter(archived=True)

    def by_name(self):
        return self.order_by(Lower("display_name"), "pk")

    def circle_summary(self, now):
        """One row per circle: total, and how many were talked to in the last 30 and 90 days."""
        return (
            self.order_by()
            .values("circle")
            .annotate(
                total=Count("pk"),
                last_30=Count("pk", filter=Q(last_interaction_at__gte=now - datetime.timedelta(days=30))),
                last_90=Count("pk", filter=Q(last_interaction_at__gte=now - datetime.timedelta(days=90))),
            )
        )


class Contact(models.Model):
    # No index of its own: the indexes below start with it.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contacts", db_index=False
    )
    display_name = models.CharField("name", max_length=200)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    nickname = models.CharField(max_length=100, blank=True)
    company = models.CharField(max_length=200, blank=True)
    title = models.CharField("job title", max_length=200, blank=True)
    how_we_met = models.TextField(blank=True)
    met_on = models.DateField("met on", null=True, blank=True)
    birthday_month = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    birthday_day = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    birthday_year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    circle = models.CharField(max_length=20, choices=Circle, default=Circle.NETWORK)
    cadence_days = models.PositiveSmallIntegerField(
        "talk every (days)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text="Leave empty to use the circle's default.",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="contacts")
    notes = models.TextField(blank=True)
    introduced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="introduced",
    )
    archived = models.BooleanField(default=False)
    # The UID of the vCard the contact came from: a re-import finds it by this first.
    uid = models.CharField("vCard UID", max_length=255, blank=True, editable=False)
    # Kept by interactions.services whenever an interaction is added, edited or deleted.
    last_interaction_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Written by the engine (interactions.engine); see contacts.scoring.
    depth_score = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    depth_components = models.JSONField(default=dict, blank=True, editable=False)
    effective_cadence_days = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    cadence_source = models.CharField(
        max_length=10, choices=CadenceSource, default=CadenceSource.NONE, editable=False
    )
    cadence_sample = models.PositiveIntegerField(default=0, editable=False)
    next_due_on = models.DateField(null=True, blank=True, editable=False)
    scored_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["display_name"]
        indexes = [
            models.Index(fields=["owner", "archived", "circle"], name="contact_owner_circle"),
            models.Index(fields=["owner", "last_interaction_at"], name="contact_owner_last"),
            models.Index(fields=["owner", "next_due_on"], name="contact_owner_due"),
            models.Index(fields=["owner", "uid"], name="contact_owner_uid"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(display_name=""), name="contact_name_not_empty"),
            models.CheckConstraint(
                condition=Q(cadence_days__isnull=True) | Q(cadence_days__range=(1, 3650)),
                name="contact_cadence_range",
            ),
            models.CheckConstraint(
                condition=~Q(introduced_by=F("pk")), name="contact_not_introduced_by_self"
            ),
            *partial_date_constraints("contact", field="birthday_"),
            models.CheckConstraint(
                condition=Q(depth_score__isnull=True) | Q(depth_score__lte=100), name="contact_depth_range"
            ),
        ]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("contact_detail", args=[self.pk])

    @property
    def birthday(self) -> datetime.date | None:
        """The birthday as a date, when its year is known."""
        if self.birthday_month and self.birthday_day and self.birthday_year:
            return datetime.date(self.birthday_year, self.birthday_month, self.birthday_day)
        return None

    @property
    def birthday_display(self) -> str:
        if not (self.birthday_month and self.birthday_day):
            return ""
        text = f"{self.birthday_day} {calendar.month_name[self.birthday_month]}"
        return f"{text} {self.birthday_year}" if self.birthday_year else text

    def cadence(self):
        """The cadence in force, as the engine last worked it out."""
        from .scoring import Cadence

        return Cadence(self.effective_cadence_days, self.cadence_source, self.cadence_sample)

    @property
    def cadence_explanation(self) -> str:
        return self.cadence().explain(self.get_circle_display())

    def clean(self):
        check_partial_date(
            self.birthday_month, self.birthday_day, self.birthday_year, field="birthday_month"
        )
        if self.introduced_by_id is not None:
            if self.pk is not None and self.introduced_by_id == self.pk:
                raise ValidationError({"introduced_by": "Nobody introduces themselves."})
            if self.introduced_by.owner_id != self.owner_id:
                raise ValidationError({"introduced_by": "Pick one of your own contacts."})


class ContactMethod(models.Model):
    class Kind(models.TextChoices):
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone"
        SOCIAL = "social", "Social handle"
        WEBSITE = "website", "Website"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="methods")
    kind = models.CharField(max_length=10, choices=Kind)
    label = models.CharField(max_length=50, blank=True, help_text="home, work, Mastodon…")
    value = models.CharField(max_length=255)

    objects = ContactPartQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "pk"]
        indexes = [models.Index(fields=["kind", "value"], name="contactmethod_lookup")]
        constraints = [
            models.UniqueConstraint(
                "contact", "kind", Lower("value"), name="contactmethod_unique_per_contact"
            ),
            models.CheckConstraint(condition=~Q(value=""), name="contactmethod_value_not_empty"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"

    def save(self, *args, **kwargs):
        self.value = self.value.strip()
        if self.kind == self.Kind.EMAIL:
            self.value = self.value.lower()
        super().save(*args, **kwargs)


class ImportantDate(models.Model):
    """A yearly date worth remembering: an anniversary, a name day, a loss."""

    # No index of its own: the unique constraint below starts with it.
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="important_dates", db_index=False)
    label = models.CharField(max_length=100)
    month = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(12)])
    day = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(31)])
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )

    objects = ContactPartQuerySet.as_manager()

    class Meta:
        ordering = ["month", "day"]
        constraints = [
            models.CheckConstraint(condition=~Q(label=""), name="importantdate_label_not_empty"),
            models.UniqueConstraint(
                "contact", "label", "month", "day", name="importantdate_unique_per_contact"
            ),
            *partial_date_constraints("importantdate"),
        ]

    def __str__(self):
        return f"{self.label}: {self.day} {calendar.month_name[self.month]}"

    def clean(self):
        check_partial_date(self.month, self.day, self.year, field="month")


class ScoreSnapshot(models.Model):
    """A contact's depth score in one week (Monday), for the trend."""

    # No index of its own: the unique constraint below starts with it.
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="score_history", db_index=False)
    week = models.DateField()
    score = models.PositiveSmallIntegerField()

    objects = ContactPartQuerySet.as_manager()

    class Meta:
        ordering = ["week"]
        constraints = [
            models.UniqueConstraint("contact", "week", name="scoresnapshot_unique"),
            models.CheckConstraint(condition=Q(score__lte=100), name="scoresnapshot_range"),
        ]


from .jobs import ImportJob  # noqa: E402,F401  (a model of this app, kept in its own module)
