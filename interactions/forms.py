import datetime

from django import forms
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact

from .models import Channel, Direction, Interaction, Kind

WHEN_FORMAT = "%Y-%m-%dT%H:%M"
# Clocks drift and people type fast: a few minutes ahead is still "now".
FUTURE_SLACK = datetime.timedelta(minutes=10)


def _now_local_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


class InteractionForm(forms.Form):
    """Log or edit a conversation. People are typed by name, several separated by commas."""

    # Before "contacts": cleaned first, so clean_contacts knows whether to create the unknown names.
    new_people = forms.BooleanField(
        label="Add names not yet in relcrm as new people",
        required=False,
    )
    contacts = forms.CharField(
        label="Contact",
        max_length=2000,
        help_text="Type a name; separate several people with commas.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "Type the name of at least one contact."},
    )
    channel = forms.ChoiceField(label="Channel", choices=Channel.choices, initial=Channel.IN_PERSON)
    occurred_at = forms.DateTimeField(
        label="When",
        input_formats=[WHEN_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=WHEN_FORMAT),
    )
    direction = forms.ChoiceField(label="Who reached out", choices=Direction.choices, initial=Direction.MUTUAL)
    kind = forms.ChoiceField(label="Kind", choices=Kind.choices, initial=Kind.CATCH_UP)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    duration_minutes = forms.IntegerField(label="Minutes", required=False, min_value=0, max_value=60 * 24 * 7)
    quality = forms.TypedChoiceField(
        label="How was it?",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—")] + [(n, str(n)) for n in range(1, 6)],
    )

    def __init__(self, *args, owner, instance: Interaction | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "contacts": ", ".join(c.display_name for c in instance.contacts.all()),
                "channel": instance.channel,
                "occurred_at": timezone.localtime(instance.occurred_at),
                "direction": instance.direction,
                "kind": instance.kind,
                "note": instance.note,
                "duration_minutes": instance.duration_minutes,
                "quality": instance.quality,
            }
        kwargs.setdefault("label_suffix", "")
        if instance is not None:
            # Edited in place beside the Today page's log form: ids of its own, so each label
            # names its own field.
            kwargs.setdefault("auto_id", f"id_{instance.pk}_%s")
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.instance = instance
        self.new_names: list[str] = []
        # The type-ahead (see contact_search) of the log form, whose suggestion box it fills.
        if instance is None:
            self._add_type_ahead()
        self.fields["occurred_at"].initial = _now_local_minute

    def _add_type_ahead(self):
        self.fields["contacts"].widget.attrs.update(
            {
                "hx-get": reverse("contact_search"),
                "hx-trigger": "input changed delay:200ms, search",
                "hx-target": "#contact-suggestions",
                # Not the form's outerHTML (inherited): the box must stay for the next name typed.
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
                "aria-controls": "contact-suggestions",
                "aria-autocomplete": "list",
            }
        )

    def blank_key(self) -> str | None:
        """For a form not yet filled in, what its fields' HTML depends on: their starting values.

        The time is to the minute in the user's zone, so a blank form is drawn
        once a minute at most; a submitted form (values, errors) is never cached.
        """
        if self.is_bound:
            return None
        return repr([(name, self[name].value()) for name in self.fields])

    def clean_contacts(self):
        names = [n.strip() for n in self.cleaned_data["contacts"].split(",") if n.strip()]
        if not names:
            raise forms.ValidationError("Type the name of at least one contact.")
        wanted = {n.lower(): n for n in names}
        found: dict[str, list[Contact]] = {}
        for contact in (
            Contact.objects.for_user(self.owner)
            .annotate(lname=Lower("display_name"))
            .filter(lname__in=list(wanted))
            .order_by("archived", "pk")
        ):
            found.setdefault(contact.lname, []).append(contact)
        errors, contacts, new_names = [], [], []
        for key, name in wanted.items():
            matches = found.get(key, [])
            active = [c for c in matches if not c.archived] or matches
            if not matches:
                if self.cleaned_data.get("new_people"):
                    new_names.append(name)
                else:
                    errors.append(
                        f"No contact is named “{name}”. Check the spelling, or tick “Add names not yet in "
                        "relcrm as new people”."
                    )
            elif len(active) > 1:
                errors.append(f"{len(active)} contacts are named “{name}”; give one of them a distinct name.")
            else:
                contacts.append(active[0])
        if errors:
            raise forms.ValidationError(errors)
        self.new_names = [n[:200] for n in new_names]
        return contacts

    def contacts_to_log(self) -> list[Contact]:
        """The people named, the new ones created first (call inside the transaction that logs)."""
        created = [Contact.objects.create(owner=self.owner, display_name=name) for name in self.new_names]
        return self.cleaned_data["contacts"] + created

    def clean_occurred_at(self):
        when = self.cleaned_data["occurred_at"]
        if when > timezone.now() + FUTURE_SLACK:
            raise forms.ValidationError("That is in the future: log it once it has happened.")
        return when

    def interaction_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("contacts")
        data.pop("new_people")
        return data
