from django.urls import path

from . import views

urlpatterns = [
    path("", views.contact_list, name="contact_list"),
    path("new/", views.contact_create, name="contact_create"),
    path("<int:pk>/", views.contact_detail, name="contact_detail"),
    path("<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("<int:pk>/archive/", views.contact_archive, name="contact_archive"),
    path("<int:pk>/delete/", views.contact_delete, name="contact_delete"),
]

from . import merge_views  # noqa: E402

urlpatterns += [
    path("duplicates/", merge_views.duplicates, name="contact_duplicates"),
    path("merge/", merge_views.merge, name="contact_merge"),
]
