from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("interactions/log/", views.log, name="interaction_log"),
    path("interactions/people/", views.contact_search, name="contact_search"),
    path("interactions/<int:pk>/", views.detail, name="interaction_detail"),
    path("interactions/<int:pk>/edit/", views.edit, name="interaction_edit"),
    path("interactions/<int:pk>/delete/", views.delete, name="interaction_delete"),
    path("nudges/<int:pk>/done/", views.nudge_action, {"action": "done"}, name="nudge_done"),
    path("nudges/<int:pk>/snooze/", views.nudge_action, {"action": "snooze"}, name="nudge_snooze"),
    path("nudges/<int:pk>/dismiss/", views.nudge_action, {"action": "dismiss"}, name="nudge_dismiss"),
]
