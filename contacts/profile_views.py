"""A person's ways to reach them, edited in place on their page: parse, authorise, call, render.

Each URL is also a plain page (a form, then a redirect back to the person);
with htmx the "Reach them" card is swapped with the form or the new list.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from .forms import ContactMethodForm
from .models import ContactMethod
from .views import DETAIL, own_contact

METHOD_FORM = "contacts/method_form.html"


def _methods_card(request, contact, *, form=None, editing=None, notice="", removed=None, status=200):
    """The "Reach them" card; ``removed``, a method just deleted, gets an Undo that adds it back."""
    context = {"contact": contact, "methods": list(contact.methods.all()), "method_form": form,
               "editing": editing, "notice": notice, "removed": removed}
    return render(request, f"{DETAIL}#methods", context, status=status)


def _back(contact):
    return redirect(f"{contact.get_absolute_url()}#methods-heading")


@login_required
@vary_on_headers("HX-Request")
@require_GET
def methods(request, pk):
    """The card as it stands (htmx "Cancel"); without htmx, the person's page."""
    contact = own_contact(request, pk)
    if request.htmx:
        return _methods_card(request, contact)
    return _back(contact)


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def method_edit(request, pk, method_pk=None):
    """Add a way to reach someone (no ``method_pk``) or change one."""
    contact = own_contact(request, pk)
    method = get_object_or_404(contact.methods, pk=method_pk) if method_pk else None
    form = ContactMethodForm(request.POST or None, instance=method, contact=contact)
    editing = method_pk or "new"
    status = 200
    if request.method == "POST":
        if form.is_valid():
            saved = form.save()
            notice = f"{'Saved' if method else 'Added'} {saved.get_kind_display().lower()} {saved.value}."
            if request.htmx:
                return _methods_card(request, contact, notice=notice)
            messages.success(request, notice)
            return _back(contact)
        status = 422
    if request.htmx:
        return _methods_card(request, contact, form=form, editing=editing, status=status)
    return render(request, METHOD_FORM, {"contact": contact, "method": method, "method_form": form,
                                         "editing": editing}, status=status)


@login_required
@vary_on_headers("HX-Request")
@require_POST
def method_delete(request, pk, method_pk):
    contact = own_contact(request, pk)
    method = get_object_or_404(ContactMethod.objects.filter(contact=contact), pk=method_pk)
    method.delete()
    notice = f"Removed {method.get_kind_display().lower()} {method.value}."
    if request.htmx:
        return _methods_card(request, contact, notice=notice, removed=method)
    messages.success(request, notice)
    return _back(contact)
