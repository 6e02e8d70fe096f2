import datetime
import zoneinfo
from functools import cache

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    names = sorted(zoneinfo.available_timezones() - {"Factory", "localtime"})
    return [(name, name.replace("_", " ")) for name in names]


# The reasons a nudge can have (interactions.models.Nudge.Reason), named here so
# that accounts does not import interactions.
DIGEST_REASONS = [
    ("overdue", "Overdue: time to talk again"),
    ("birthday", "Birthdays"),
    ("date", "Other important dates"),
    ("give_and_take", "Give and take"),
    ("fading", "A fading relationship"),
]


def digest_reason_defaults() -> list[str]:
    return [value for value, _ in DIGEST_REASONS]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person using relcrm. Signs in with an email address; there is no username.

    The profile (time zone, daily email preferences) lives on the user row: it
    is read on every request and by every digest, and a separate table would
    only add a join.
    """

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    name = models.CharField("name", max_length=150, blank=True)
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        choices=time_zone_choices,
        help_text="Dates and the daily email follow this time zone.",
    )
    digest_enabled = models.BooleanField(
        "send the daily email",
        default=True,
        help_text="One email a day with the people to reach out to.",
    )
    digest_hour = models.PositiveSmallIntegerField(
        "send it at",
        default=7,
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
        help_text="Local time.",
    )

    nudge_cap = models.PositiveSmallIntegerField(
        "people a day",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="At most this many nudges a day, the most important first.",
    )
    birthday_lead_days = models.PositiveSmallIntegerField(
        "remind me of birthdays",
        default=7,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
        help_text="Days ahead.",
    )

    digest_reasons = models.JSONField(
        "nudges in the email",
        default=digest_reason_defaults,
        blank=True,
        help_text="The kinds of nudge the daily email includes.",
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(digest_hour__lte=23), name="user_digest_hour_valid"
            ),
        ]

    def __str__(self):
        return self.email

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return self.name.split(" ")[0] if self.name else self.email

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The user's time zone; the site's (``TIME_ZONE``) when unset or unknown to this machine."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return timezone.get_default_timezone()

    def local_date(self, moment: datetime.datetime | None = None) -> datetime.date:
        """The day it is where the user lives, or was at ``moment``."""
        return (moment or timezone.now()).astimezone(self.zone).date()
