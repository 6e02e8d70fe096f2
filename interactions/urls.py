from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("interactions/log/", views.log, name="interaction_log"),
    path("interactions/<int:pk>/edit/", views.edit, name="interaction_edit"),
    path("interactions/<int:pk>/delete/", views.delete, name="interaction_delete"),
]
