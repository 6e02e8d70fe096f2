"""ImportJob: one uploaded file on its way from preview to the address book.

The upload is kept in the row (``data``) between the preview and the
confirmation, and while a worker imports it; it is emptied once the job is
done or failed, so personal data does not linger in a second place.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from .models import OwnedQuerySet


class ImportJob(models.Model):
    class Kind(models.TextChoices):
        CONTACTS = "contacts", "Contacts"
        INTERACTIONS = "interactions", "Conversations"

    class Status(models.TextChoices):
        PREVIEW = "preview", "Waiting for confirmation"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Importing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs")
    kind = models.CharField(max_length=20, choices=Kind)
    status = models.CharField(max_length=10, choices=Status, default=Status.PREVIEW)
    filename = models.CharField(max_length=255, blank=True)
    data = models.BinaryField(blank=True, default=b"")
    total = models.PositiveIntegerField(default=0)  # cards or rows in the file
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    counts = models.JSONField(default=dict, blank=True)
    summary = models.TextField(blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="importjob_owner_created")]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="importjob_progress_range"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.filename or 'a file'} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("contact_import_job", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
