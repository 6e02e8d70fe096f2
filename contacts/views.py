"""People: the list, a person's page, adding, editing, archiving and deleting.

Every URL works as a plain page without JavaScript; with htmx the same URL
answers with the fragment that changed (Vary: HX-Request).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from . import bulk, profile, services
from .forms import ContactForm
from .listing import DUE_CHOICES, SORTS, people_page
from .models import Circle, Contact, Tag

LIST = "contacts/contact_list.html"
DETAIL = "contacts/contact_detail.html"
FORM = "contacts/contact_form.html"


def own_contact(request, pk, queryset=None):
    """The signed-in user's contact ``pk``; someone else's is a 404."""
    base = Contact.objects if queryset is None else queryset
    return get_object_or_404(base.for_user(request.user), pk=pk)


def list_context(request, params, **extra):
    filters, page = people_page(request.user, params, timezone.localdate())
    return {
        "filters": filters,
        "page": page,
        "circles": Circle.choices,
        "sorts": SORTS,
        "due_choices": DUE_CHOICES,
        "tags": Tag.objects.for_user(request.user),
        "list_url": reverse("contact_list") + (f"?{filters.querystring()}" if filters.params() else ""),
        **extra,
    }


@login_required
@vary_on_headers("HX-Request")
@require_GET
def contact_list(request):
    context = list_context(request, request.GET)
    if request.htmx:
        # "More" (a further page) adds rows; the search form replaces the results.
        if request.GET.get("page"):
            return render(request, f"{LIST}#rows", context)
        # The address bar shows the list as a link would spell it, without the empty fields.
        return push_url(render(request, f"{LIST}#results", context), context["list_url"])
    return render(request, LIST, context)


@login_required
@vary_on_headers("HX-Request")
@require_GET
def contact_detail(request, pk):
    contact = own_contact(request, pk, Contact.objects.select_related("introduced_by"))
    if request.htmx and request.GET.get("part") == "about":  # "Cancel" of the profile edited in place
        return render(request, f"{DETAIL}#about", profile.about_context(contact))
    timeline = profile.timeline_page(request.user, contact, request.GET.get("page"))
    if request.htmx and request.GET.get("page"):
        return render(request, f"{DETAIL}#timeline-items", {"contact": contact, "timeline": timeline,
                                                            "next": contact.get_absolute_url()})
    return render(request, DETAIL, profile.detail_context(contact, timeline))


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request):
    form = ContactForm(request.POST or None, owner=request.user)
    if request.method == "POST":
        if form.is_valid():
            contact = form.save()
            messages.success(request, f"Added {contact}.")
            return redirect(contact)
        return render(request, FORM, {"form": form}, status=422)
    return render(request, FORM, {"form": form})


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def contact_edit(request, pk):
    """The whole profile: a page of its own, or with htmx the About card edited in place."""
    contact = own_contact(request, pk)
    form = ContactForm(request.POST or None, instance=contact, owner=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            form.save()
            if request.htmx:
                contact = own_contact(request, pk, Contact.objects.select_related("introduced_by"))
                context = {**profile.about_context(contact), "notice": f"Saved {contact}."}
                return render(request, f"{DETAIL}#about", context)
            messages.success(request, f"Saved {contact}.")
            return redirect(contact)
        status = 422
    template = f"{FORM}#inline-form" if request.htmx else FORM
    return render(request, template, {"form": form, "contact": contact}, status=status)


@login_required
@require_POST
def contact_archive(request, pk):
    """Archive (with an Undo on the list it lands on), or restore with ``archived=0``."""
    contact = own_contact(request, pk)
    if request.POST.get("archived", "1") == "1":
        bulk.archive([contact.pk], owner=request.user)
        remember_archived(request, [contact.pk])
        messages.success(request, f"Archived {contact}.", extra_tags="undo")
        return redirect("contact_list")
    bulk.unarchive([contact.pk], owner=request.user)
    messages.success(request, f"Restored {contact}.")
    return redirect(contact)


def remember_archived(request, ids):
    """The contacts the last archive took away, for its Undo button."""
    request.session["undo_archive"] = list(ids)


@login_required
@require_http_methods(["GET", "POST"])
def contact_delete(request, pk):
    contact = own_contact(request, pk)
    if request.method == "POST":
        services.delete_contact(contact)
        messages.success(request, f"Deleted {contact}.")
        return redirect("contact_list")
    return render(request, "contacts/contact_confirm_delete.html", {"contact": contact})
