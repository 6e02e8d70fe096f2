from django import forms
from django.contrib.auth import forms as auth_forms
from django.db import transaction

from contacts.models import Circle, CircleCadence

from .models import DIGEST_REASONS, User

PROFILE_FIELDS = ["name", "time_zone"]
DIGEST_FIELDS = ["digest_enabled", "digest_hour", "nudge_cap", "digest_reasons", "birthday_lead_days"]


class ProfileForm(forms.ModelForm):
    """Profile, daily-nudge preferences and the default rhythm of each circle."""

    digest_reasons = forms.MultipleChoiceField(
        label="What the email includes",
        choices=DIGEST_REASONS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="The dashboard always shows every kind.",
    )

    class Meta:
        model = User
        fields = PROFILE_FIELDS + DIGEST_FIELDS
        labels = {"name": "Your name", "time_zone": "Time zone"}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        current = CircleCadence.for_owner(self.instance.pk) if self.instance.pk else Circle.default_cadences()
        for circle, label in Circle.choices:
            self.fields[f"cadence_{circle}"] = forms.IntegerField(
                label=f"{label}: talk every (days)",
                required=False,
                min_value=1,
                max_value=3650,
                initial=current[circle],
                help_text="Empty: learn it from your history with each person.",
            )

    def cadence_fields(self):
        return [self[f"cadence_{circle}"] for circle in Circle.values]

    def profile_fields(self):
        return [self[name] for name in PROFILE_FIELDS]

    def digest_fields(self):
        return [self[name] for name in DIGEST_FIELDS]

    @transaction.atomic
    def save(self, commit=True):
        user = super().save(commit=True)
        for circle in Circle.values:
            CircleCadence.objects.update_or_create(
                owner=user, circle=circle, defaults={"cadence_days": self.cleaned_data[f"cadence_{circle}"]}
            )
        return user


class AdminUserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class AdminUserChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
