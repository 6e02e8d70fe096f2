"""Import and export of contacts and conversations, under /contacts/ (see relcrm/urls.py)."""

from django.urls import path

from . import transfer_views

urlpatterns = [
    path("import/", transfer_views.contact_import, name="contact_import"),
    path("import/<int:pk>/", transfer_views.import_job, name="contact_import_job"),
    path("import/<int:pk>/confirm/", transfer_views.import_confirm, name="contact_import_confirm"),
    path("import/<int:pk>/cancel/", transfer_views.import_cancel, name="contact_import_cancel"),
    path("export/<str:fmt>/", transfer_views.contact_export, name="contact_export"),
]
