"""The "Import and export" page: uploads previewed then confirmed, progress, summaries, downloads."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from interactions.importing import HEADER as INTERACTION_HEADER
from interactions.importing import InteractionImportError

from . import import_jobs
from .account_json import json_chunks
from .exporting import csv_chunks
from .importing import ContactImportError
from .jobs import ImportJob
from .vcard_export import vcard_chunks

DOWNLOADS = {
    "csv": (csv_chunks, "text/csv; charset=utf-8", "csv"),
    "vcf": (vcard_chunks, "text/vcard; charset=utf-8", "vcf"),
    "json": (json_chunks, "application/json", "json"),
}
RECENT_JOBS = 5


class UploadForm(forms.Form):
    kind = forms.ChoiceField(choices=ImportJob.Kind.choices, widget=forms.HiddenInput)
    file = forms.FileField(label="File")


def _page(request, forms_by_kind=None, status=200):
    forms_by_kind = forms_by_kind or {}
    context = {
        "contact_form": forms_by_kind.get("contacts") or UploadForm(initial={"kind": "contacts"}, prefix="contacts"),
        "interaction_form": forms_by_kind.get("interactions")
        or UploadForm(initial={"kind": "interactions"}, prefix="interactions"),
        "jobs": ImportJob.objects.for_user(request.user)[:RECENT_JOBS],
        "interaction_header": INTERACTION_HEADER,
    }
    return render(request, "contacts/import/page.html", context, status=status)


@login_required
def contact_import(request):
    if request.method != "POST":
        return _page(request)
    prefix = "interactions" if "interactions-kind" in request.POST else "contacts"
    form = UploadForm(request.POST, request.FILES, prefix=prefix)
    if form.is_valid():
        try:
            job = import_jobs.start(request.user, form.cleaned_data["kind"], form.cleaned_data["file"])
        except (ContactImportError, InteractionImportError) as error:
            form.add_error("file", str(error))
        else:
            return redirect(job)
    return _page(request, {prefix: form}, status=400)


def _own_job(request, pk) -> ImportJob:
    return get_object_or_404(ImportJob.objects.for_user(request.user), pk=pk)


@login_required
def import_job(request, pk):
    job = _own_job(request, pk)
    template = "contacts/import/job.html"
    if request.htmx:
        template += "#job-status"
    return render(request, template, {"job": job, "preview": job.counts.get("preview", {}),
                                      "result": job.counts.get("result", {})})


@login_required
@require_POST
def import_confirm(request, pk):
    job = _own_job(request, pk)
    if job.status != ImportJob.Status.PREVIEW:
        messages.info(request, "That file has already been imported.")
        return redirect(job)
    import_jobs.confirm(job)
    return redirect(job)


@login_required
@require_POST
def import_cancel(request, pk):
    job = _own_job(request, pk)
    if job.status != ImportJob.Status.PREVIEW:
        raise Http404("Only a file waiting for confirmation can be cancelled.")
    job.delete()
    messages.info(request, f"Nothing was imported from {job.filename}.")
    return redirect("contact_import")


@login_required
def contact_export(request, fmt):
    if fmt not in DOWNLOADS:
        raise Http404("No such format.")
    chunks, content_type, extension = DOWNLOADS[fmt]
    response = StreamingHttpResponse(chunks(request.user), content_type=content_type)
    name = f"relcrm-{'account' if fmt == 'json' else 'contacts'}-{timezone.localdate():%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
