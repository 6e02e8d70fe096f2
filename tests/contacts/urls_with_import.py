"""The project's URLs plus a page named ``contact_import``, as the import branch adds it."""

from django.http import HttpResponse
from django.urls import path

from relcrm.urls import urlpatterns as project_urls

urlpatterns = [
    path("contacts/import/", lambda request: HttpResponse("import"), name="contact_import"),
    *project_urls,
]
