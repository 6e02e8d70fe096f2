"""Possible duplicates, and merging the ones the user picks: parse, authorise, call, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render

from .duplicates import find_duplicates, suggested_keeper
from .merging import MergeError, merge_contacts
from .models import Contact


@login_required
def duplicates(request):
    groups = find_duplicates(request.user)
    prefetch_related_objects([c for group in groups for c in group.contacts], "methods", "tags")
    return render(request, "contacts/merge/duplicates.html", {"groups": groups})


def _picked(request, data):
    """The user's contacts named by ``ids`` (someone else's → 404) and the one to keep, if any."""
    try:
        ids = {int(pk) for pk in data.getlist("ids")}
        keep = int(data["keep"]) if data.get("keep") else None
    except ValueError:
        raise Http404("No such contacts.") from None
    contacts = list(
        Contact.objects.for_user(request.user)
        .filter(pk__in=ids)
        .annotate(interaction_count=Count("interactions"))
        .prefetch_related("methods", "tags")
        .by_name()
    )
    if not ids or len(contacts) != len(ids) or (keep is not None and keep not in ids):
        raise Http404("No such contacts.")
    return contacts, keep


@login_required
def merge(request):
    """GET: confirm which contact to keep. POST: merge the others into it."""
    contacts, keep = _picked(request, request.POST if request.method == "POST" else request.GET)
    if len(contacts) < 2:
        messages.error(request, "Pick at least two contacts to merge.")
        return redirect("contact_duplicates")
    if request.method == "POST":
        if keep is None:
            messages.error(request, "Pick the contact to keep.")
        else:
            try:
                merged = merge_contacts(keep, [c.pk for c in contacts], owner=request.user)
            except MergeError as error:
                messages.error(request, str(error))
                return redirect("contact_duplicates")
            messages.success(
                request, f"Merged {merged.removed + 1} contacts into {merged.contact}: everything they held is here."
            )
            return redirect(merged.contact)
    if keep is None:
        keep = suggested_keeper(contacts)
    return render(request, "contacts/merge/confirm.html", {"contacts": contacts, "keep": keep})
