from django import forms
from django.db import transaction
from django.db.models.functions import Lower

from .models import Contact, ContactMethod, Tag


class TagsField(forms.CharField):
    """Tags typed as a comma-separated list: ``family, climbing``."""

    def to_python(self, value):
        names = super().to_python(value)
        seen, tags = set(), []
        for name in (n.strip() for n in names.split(",")):
            if name and name.lower() not in seen:
                if len(name) > 50:
                    raise forms.ValidationError(f"“{name[:20]}…” is too long for a tag (50 characters at most).")
                seen.add(name.lower())
                tags.append(name)
        return tags


class ContactForm(forms.ModelForm):
    tags = TagsField(required=False, help_text="Separate tags with commas.")

    class Meta:
        model = Contact
        fields = [
            "display_name",
            "nickname",
            "given_name",
            "family_name",
            "circle",
            "cadence_days",
            "company",
            "title",
            "birthday_day",
            "birthday_month",
            "birthday_year",
            "met_on",
            "how_we_met",
            "introduced_by",
            "notes",
        ]
        labels = {
            "display_name": "Name",
            "birthday_day": "Birthday: day",
            "birthday_month": "Birthday: month",
            "birthday_year": "Birthday: year (optional)",
        }
        widgets = {
            "met_on": forms.DateInput(attrs={"type": "date"}),
            "how_we_met": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 5}),
            "birthday_month": forms.Select(
                choices=[("", "—")] + [(m, name) for m, name in enumerate(
                    ["January", "February", "March", "April", "May", "June", "July",
                     "August", "September", "October", "November", "December"], start=1)]
            ),
        }

    # ``tags`` is saved by hand below (names, not ids), so it is not a Meta field.
    field_order = [*Meta.fields[:-1], "tags", "notes"]

    def __init__(self, *args, owner, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.instance.owner = owner
        others = Contact.objects.for_user(owner).active().by_name()
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
            self.initial["tags"] = ", ".join(t.name for t in self.instance.tags.all())
        self.fields["introduced_by"].queryset = others
        self.fields["introduced_by"].empty_label = "—"

    @transaction.atomic
    def save(self, commit=True):
        contact = super().save(commit=True)
        names = self.cleaned_data["tags"]
        existing = {t.name.lower(): t for t in Tag.objects.for_user(self.owner).annotate(
            lname=Lower("name")).filter(lname__in=[n.lower() for n in names])}
        tags = [existing.get(n.lower()) or Tag.objects.create(owner=self.owner, name=n) for n in names]
        contact.tags.set(tags)
        return contact


class ContactMethodForm(forms.ModelForm):
    """An email, phone, handle or website of one contact (the contact is set by the view)."""

    class Meta:
        model = ContactMethod
        fields = ["kind", "value", "label"]
        labels = {"kind": "Type", "value": "Address, number or handle"}

    def __init__(self, *args, contact, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.instance.contact = contact

    def clean(self):
        cleaned = super().clean()
        kind, value = cleaned.get("kind"), (cleaned.get("value") or "").strip()
        if kind and value:
            same = ContactMethod.objects.filter(contact=self.instance.contact, kind=kind, value__iexact=value)
            if self.instance.pk:
                same = same.exclude(pk=self.instance.pk)
            if same.exists():
                self.add_error("value", "This person already has that one.")
        return cleaned
