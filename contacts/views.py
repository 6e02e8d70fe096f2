from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from interactions.models import Interaction

from . import scoring, services
from .forms import ContactForm
from .models import Circle, Contact


def _own_contact(request, pk):
    return get_object_or_404(Contact.objects.for_user(request.user), pk=pk)


@login_required
def contact_list(request):
    contacts = Contact.objects.for_user(request.user).prefetch_related("tags").by_name()
    query = request.GET.get("q", "").strip()
    circle = request.GET.get("circle", "")
    show_archived = request.GET.get("archived") == "1"
    contacts = contacts.archived() if show_archived else contacts.active()
    if query:
        contacts = contacts.filter(
            Q(display_name__icontains=query) | Q(nickname__icontains=query) | Q(company__icontains=query)
        )
    if circle in Circle.values:
        contacts = contacts.filter(circle=circle)
    page = Paginator(contacts, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "contacts/contact_list.html",
        {"page": page, "query": query, "circle": circle, "circles": Circle.choices, "show_archived": show_archived},
    )


@login_required
def contact_detail(request, pk):
    contact = _own_contact(request, pk)
    timeline = Interaction.objects.for_user(request.user).filter(contacts=contact).with_contacts().recent()[:50]
    return render(
        request,
        "contacts/contact_detail.html",
        {
            "contact": contact,
            "methods": contact.methods.all(),
            "dates": contact.important_dates.all(),
            "tags": contact.tags.all(),
            "introduced": contact.introduced.all(),
            "timeline": timeline,
            "components": scoring.explain_components(contact.depth_components),
        },
    )


@login_required
def contact_create(request):
    form = ContactForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        contact = form.save()
        messages.success(request, f"Added {contact}.")
        return redirect(contact)
    return render(request, "contacts/contact_form.html", {"form": form})


@login_required
def contact_edit(request, pk):
    contact = _own_contact(request, pk)
    form = ContactForm(request.POST or None, instance=contact, owner=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved {contact}.")
        return redirect(contact)
    return render(request, "contacts/contact_form.html", {"form": form, "contact": contact})


@login_required
@require_POST
def contact_archive(request, pk):
    contact = _own_contact(request, pk)
    archived = request.POST.get("archived", "1") == "1"
    Contact.objects.filter(pk=contact.pk).update(archived=archived)
    messages.success(request, f"{'Archived' if archived else 'Restored'} {contact}.")
    return redirect(contact)


@login_required
def contact_delete(request, pk):
    contact = _own_contact(request, pk)
    if request.method == "POST":
        services.delete_contact(contact)
        messages.success(request, f"Deleted {contact}.")
        return redirect("contact_list")
    return render(request, "contacts/contact_confirm_delete.html", {"contact": contact})
