"""The "Today" page, logging conversations, editing and deleting them, and acting on nudges.

Every URL works as a plain page without JavaScript (a POST and a redirect);
with htmx the same URL answers with the fragments that changed.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from contacts.models import Contact
from relcrm.redirects import safe_next

from . import dashboard as data
from . import services
from .forms import InteractionForm
from .models import Interaction, Kind, Nudge

SUGGESTIONS = 8
DASHBOARD = "interactions/dashboard.html"
ITEM = "interactions/interaction_detail.html"


def _dashboard_page(request, form, status=200):
    dash = data.build(request.user)
    context = {"form": form, "dash": dash, "nudges": dash.nudges, "recent": dash.recent}
    return render(request, DASHBOARD, context, status=status)


def _changed(request, template, context, *, notice, focus=None, status=200):
    """An htmx answer: the fragment asked for, the message, and today's nudges as they now stand."""
    context = {
        **context,
        "notice": notice,
        "nudges": data.reach_out(request.user, timezone.localdate()),
        "oob": True,
    }
    response = render(request, template, context, status=status)
    if focus:
        trigger_client_event(response, "relcrm:focus", {"selector": focus})
    return response


@login_required
@vary_on_headers("HX-Request")
@require_GET
def dashboard(request):
    initial = {}
    # ?contact=Name prefills the form, e.g. after "Done" on a nudge.
    if request.GET.get("contact"):
        initial["contacts"] = request.GET["contact"]
    if request.GET.get("kind") in Kind.values:
        initial["kind"] = request.GET["kind"]
    return _dashboard_page(request, InteractionForm(owner=request.user, initial=initial or None))


@login_required
@vary_on_headers("HX-Request")
@require_POST
def log(request):
    form = InteractionForm(request.POST, owner=request.user)
    if not form.is_valid():
        if request.htmx:
            return render(request, f"{DASHBOARD}#log-form", {"form": form}, status=422)
        return _dashboard_page(request, form, status=422)
    with transaction.atomic():
        contacts = form.contacts_to_log()
        interaction = services.log_interaction(request.user, contacts=contacts, **form.interaction_fields())
    names = ", ".join(c.display_name for c in contacts)
    notice = f"Logged: {interaction.get_channel_display().lower()} with {names}."
    if request.htmx:
        context = {"form": InteractionForm(owner=request.user), "recent": data.recent(request.user)}
        return _changed(request, f"{DASHBOARD}#logged", context, notice=notice, focus="#id_contacts")
    messages.success(request, notice)
    return redirect("dashboard")


@login_required
@vary_on_headers("HX-Request")
@require_GET
def contact_search(request):
    """People whose name starts with (then contains) the last name typed: the type-ahead."""
    typed = request.GET.get("contacts", request.GET.get("q", ""))
    term = typed.split(",")[-1].strip()[:100]
    matches = []
    if term:
        matches = list(
            Contact.objects.for_user(request.user)
            .active()
            .filter(display_name__icontains=term)
            .annotate(
                prefix=Case(When(display_name__istartswith=term, then=Value(0)), default=Value(1),
                            output_field=IntegerField())
            )
            .order_by("prefix", Lower("display_name"), "pk")
            .only("id", "display_name")[:SUGGESTIONS]
        )
    exact = any(c.display_name.lower() == term.lower() for c in matches)
    context = {"term": term, "matches": matches, "offer_new": bool(term) and not exact}
    template = "interactions/contact_search.html"
    return render(request, f"{template}#suggestions" if request.htmx else template, context)


def _changed_elsewhere(request, context, *, notice):
    """An htmx answer on another page than Today (``next`` given): the fragment and the message only."""
    context = {**context, "notice": notice, "oob": True}
    return render(request, f"{ITEM}#changed", context)


@login_required
@vary_on_headers("HX-Request")
@require_GET
def detail(request, pk):
    interaction = get_object_or_404(Interaction.objects.for_user(request.user).with_contacts(), pk=pk)
    context = {"interaction": interaction, "next": safe_next(request)}
    return render(request, f"{ITEM}#item" if request.htmx else ITEM, context)


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    interaction = get_object_or_404(Interaction.objects.for_user(request.user), pk=pk)
    form = InteractionForm(request.POST or None, owner=request.user, instance=interaction)
    template = "interactions/interaction_form.html"
    back = safe_next(request)
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                contacts = form.contacts_to_log()
                services.update_interaction(interaction, contacts=contacts, **form.interaction_fields())
            if request.htmx:
                interaction = Interaction.objects.with_contacts().get(pk=interaction.pk)
                if back:
                    return _changed_elsewhere(request, {"interaction": interaction, "next": back}, notice="Saved.")
                return _changed(request, f"{DASHBOARD}#saved", {"interaction": interaction}, notice="Saved.",
                                focus=f"#interaction-{pk} .timeline-edit")
            messages.success(request, "Saved.")
            return redirect(back or "dashboard")
        status = 422
    else:
        status = 200
    context = {"form": form, "interaction": interaction, "next": back}
    return render(request, f"{template}#edit-item" if request.htmx else template, context, status=status)


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def delete(request, pk):
    interaction = get_object_or_404(Interaction.objects.for_user(request.user).with_contacts(), pk=pk)
    back = safe_next(request)
    if request.method == "POST":
        what = _describe(interaction)
        services.delete_interaction(interaction)
        notice = f"Deleted the {what}."
        if request.htmx:
            if back:
                return _changed_elsewhere(request, {}, notice=notice)
            return _changed(request, f"{DASHBOARD}#removed", {}, notice=notice, focus="#recent-heading")
        messages.success(request, notice)
        return redirect(back or "dashboard")
    template = "interactions/interaction_confirm_delete.html"
    context = {"interaction": interaction, "what": _describe(interaction), "next": back}
    return render(request, f"{template}#confirm" if request.htmx else template, context)


def _describe(interaction) -> str:
    names = ", ".join(c.display_name for c in interaction.contacts.all())
    when = timezone.localtime(interaction.occurred_at)
    return f"{interaction.get_channel_display().lower()} with {names} on {when.day} {when:%B %Y}"


@login_required
@vary_on_headers("HX-Request")
@require_POST
def nudge_action(request, pk, action):
    nudge = get_object_or_404(Nudge.objects.for_user(request.user).select_related("contact"), pk=pk)
    acted = services.act_on_nudge(nudge, action, today=timezone.localdate())
    name = nudge.contact.display_name
    if not acted:
        notice = f"That nudge about {name} was already taken care of."
    elif action == "done":
        notice = f"Done: {name}. Log how it went?"
    elif action == "snooze":
        notice = f"Snoozed {name} for {services.SNOOZE_DAYS} days."
    else:
        notice = f"Dismissed the nudge about {name}."
    prefill = {"contact": name}
    if nudge.reason == Nudge.Reason.BIRTHDAY:
        prefill["kind"] = Kind.CELEBRATION
    if request.htmx:
        context = {}
        focus = "#reach-heading"
        if acted and action == "done":
            context["form"] = InteractionForm(owner=request.user, initial={
                "contacts": name, "kind": prefill.get("kind", Kind.CATCH_UP)})
            focus = "#id_note"
        return _changed(request, f"{DASHBOARD}#acted", context, notice=notice, focus=focus)
    if acted and action == "done":
        messages.success(request, notice)
        return redirect(f"{reverse('dashboard')}?{urlencode(prefill)}#log-heading")
    (messages.success if acted else messages.info)(request, notice)
    return redirect("dashboard")
