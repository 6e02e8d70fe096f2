"""The People list's bulk edit and the Undo of an archive: parse, authorise, call, render.

Without JavaScript each is a form POST and a redirect back to the list as it
was (its query string travels in ``next``); with htmx the list's results are
swapped in place with the message.
"""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from relcrm.redirects import safe_next

from . import bulk
from .models import Circle, Contact
from .views import LIST, list_context, remember_archived

ACTIONS = {
    "add_tag": "Add tag",
    "remove_tag": "Remove tag",
    "set_circle": "Set circle",
    "set_cadence": "Set cadence",
    "archive": "Archive",
    "unarchive": "Unarchive",
}


def _people(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


def _apply(request, action: str, ids: list[int]) -> tuple[str, str]:
    """Run one bulk edit on the user's selected contacts; (message level, text). Raises BulkEditError."""
    user, data = request.user, request.POST
    if action == "add_tag":
        name = bulk.clean_tag_name(data.get("tag"))
        count = bulk.add_tag(ids, name, owner=user)
        return "success", f"Tagged {_people(count)} “{name}”."
    if action == "remove_tag":
        name = bulk.clean_tag_name(data.get("tag"))
        count = bulk.remove_tag(ids, name, owner=user)
        return "success", f"Took the tag “{name}” off {_people(count)}."
    if action == "set_circle":
        count = bulk.set_circle(ids, data.get("circle", ""), owner=user)
        return "success", f"Moved {_people(count)} to {Circle(data['circle']).label}."
    if action == "set_cadence":
        days = bulk.clean_cadence(data.get("cadence"))
        count = bulk.set_cadence(ids, days, owner=user)
        rhythm = f"every {days} days" if days else "their circle's rhythm"
        return "success", f"Set {_people(count)} to {rhythm}."
    if action == "archive":
        count = bulk.archive(ids, owner=user)
        remember_archived(request, ids)
        return "undo", f"Archived {_people(count)}."
    count = bulk.unarchive(ids, owner=user)
    return "success", f"Restored {_people(count)}."


def _selected_ids(request) -> list[int] | None:
    try:
        return sorted({int(pk) for pk in request.POST.getlist("ids")})
    except ValueError:
        return None


@login_required
@vary_on_headers("HX-Request")
@require_POST
def bulk_edit(request):
    back = safe_next(request, reverse("contact_list"))
    action = request.POST.get("action", "")
    ids = _selected_ids(request)
    level, status = "error", 422
    if action not in ACTIONS:
        text = "Pick what to do with the selected people."
    elif not ids:
        text = "Select at least one person first."
    elif not Contact.objects.for_user(request.user).filter(pk__in=ids).exists():
        text = "None of the selected people are in your list any more (deleted meanwhile?): nothing changed."
    else:
        try:
            # owner= narrows the selection to the user's rows: another user's id is not touched.
            level, text = _apply(request, action, ids)
            status = 200
        except bulk.BulkEditError as error:
            text = str(error)
    if request.htmx:
        params = QueryDict(urlsplit(back).query)
        context = list_context(request, params, notice=text, notice_level=level)
        return render(request, f"{LIST}#results", context, status=status)
    if level == "undo":
        messages.success(request, text, extra_tags="undo")
    else:
        getattr(messages, level)(request, text)
    return redirect(back)


@login_required
@require_POST
def undo_archive(request):
    """Bring back the contacts the last archive took away (the user's own only)."""
    ids = request.session.pop("undo_archive", [])
    count = bulk.unarchive(ids, owner=request.user) if ids else 0
    if count:
        messages.success(request, f"Restored {_people(count)}.")
    else:
        messages.info(request, "Nothing to undo.")
    return redirect(safe_next(request, reverse("contact_list")))
