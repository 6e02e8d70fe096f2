import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from contacts.models import Circle, Contact

from . import services
from .forms import InteractionForm
from .models import Interaction, Nudge

RECENT = 15


def _circle_health(user):
    """Per circle: how many people, and how many you talked to in the last 30 / 90 days."""
    now = timezone.now()
    rows = {row["circle"]: row for row in Contact.objects.for_user(user).active().circle_summary(now)}
    circles = []
    for value, label in Circle.choices:
        row = rows.get(value, {"total": 0, "last_30": 0, "last_90": 0})
        circles.append({"value": value, "label": label, "size": Circle.sizes()[value], **row})
    return circles


def _render_dashboard(request, form, status=200):
    user = request.user
    since = timezone.now() - datetime.timedelta(days=30)
    circles = _circle_health(user)
    context = {
        "form": form,
        "circles": circles,
        "contact_count": sum(c["total"] for c in circles),
        "talked_30": sum(c["last_30"] for c in circles),
        "interactions_30": Interaction.objects.for_user(user).filter(occurred_at__gte=since).count(),
        "recent": Interaction.objects.for_user(user).with_contacts().recent()[:RECENT],
        "nudges": Nudge.objects.for_today(user, timezone.localdate()),
    }
    return render(request, "interactions/dashboard.html", context, status=status)


@login_required
def dashboard(request):
    # ?contact=Name prefills the form, e.g. after "Done" on a nudge.
    initial = {"contacts": request.GET["contact"]} if request.GET.get("contact") else None
    return _render_dashboard(request, InteractionForm(owner=request.user, initial=initial))


@login_required
@require_POST
def log(request):
    form = InteractionForm(request.POST, owner=request.user)
    if not form.is_valid():
        return _render_dashboard(request, form, status=422)
    interaction = services.log_interaction(
        request.user, contacts=form.cleaned_data["contacts"], **form.interaction_fields()
    )
    names = ", ".join(c.display_name for c in form.cleaned_data["contacts"])
    messages.success(request, f"Logged: {interaction.get_channel_display().lower()} with {names}.")
    return redirect("dashboard")


@login_required
def edit(request, pk):
    interaction = get_object_or_404(Interaction.objects.for_user(request.user), pk=pk)
    form = InteractionForm(request.POST or None, owner=request.user, instance=interaction)
    if request.method == "POST" and form.is_valid():
        services.update_interaction(
            interaction, contacts=form.cleaned_data["contacts"], **form.interaction_fields()
        )
        messages.success(request, "Saved.")
        return redirect("dashboard")
    return render(request, "interactions/interaction_form.html", {"form": form, "interaction": interaction})


@login_required
@require_POST
def delete(request, pk):
    interaction = get_object_or_404(Interaction.objects.for_user(request.user), pk=pk)
    services.delete_interaction(interaction)
    messages.success(request, "Deleted the conversation.")
    return redirect("dashboard")


@login_required
@require_POST
def nudge_action(request, pk, action):
    nudge = get_object_or_404(Nudge.objects.for_user(request.user).select_related("contact"), pk=pk)
    today = timezone.localdate()
    acted = services.act_on_nudge(nudge, action, today=today)
    name = nudge.contact.display_name
    if not acted:
        messages.info(request, f"That nudge about {name} was already taken care of.")
    elif action == "done":
        messages.success(request, f"Done: {name}. Log how it went?")
        return redirect(f"{reverse('dashboard')}?{urlencode({'contact': name})}#log-heading")
    elif action == "snooze":
        messages.success(request, f"Snoozed {name} for {services.SNOOZE_DAYS} days.")
    else:
        messages.success(request, f"Dismissed the nudge about {name}.")
    return redirect("dashboard")
