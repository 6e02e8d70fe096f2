"""Writes to contacts that touch more than one row."""

from django.db import transaction
from django.db.models import Count

from interactions import activity
from interactions.models import Interaction

from .models import Contact


@transaction.atomic
def delete_contact(contact: Contact) -> None:
    """Delete a contact and the interactions that were only with them.

    A dinner with three friends stays on the others' timelines.
    """
    theirs = Interaction.objects.filter(contacts=contact).values("pk")
    only_theirs = list(
        Interaction.objects.filter(pk__in=theirs)
        .annotate(n=Count("contacts"))
        .filter(n=1)
        .values_list("pk", flat=True)
    )
    Interaction.objects.filter(pk__in=only_theirs).delete()
    contact.delete()
    if only_theirs:
        activity.stamp([contact.owner_id])
