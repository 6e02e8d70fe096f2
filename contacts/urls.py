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

from . import bulk_views, profile_views  # noqa: E402

urlpatterns += [
    path("bulk/", bulk_views.bulk_edit, name="contact_bulk"),
    path("undo-archive/", bulk_views.undo_archive, name="contact_undo_archive"),
    path("<int:pk>/methods/", profile_views.methods, name="contact_methods"),
    path("<int:pk>/methods/add/", profile_views.method_edit, name="contact_method_add"),
    path("<int:pk>/methods/<int:method_pk>/edit/", profile_views.method_edit, name="contact_method_edit"),
    path("<int:pk>/methods/<int:method_pk>/delete/", profile_views.method_delete, name="contact_method_delete"),
]
