from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "relcrm administration"
admin.site.site_title = "relcrm admin"
# The lists need the width: the home page and the breadcrumbs lead to every model.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("", include("interactions.urls")),
    path("contacts/", include("contacts.transfer_urls")),
    path("contacts/", include("contacts.urls")),
    path("account/", include("accounts.urls")),
    path("digest/", include("interactions.digest_urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
]
