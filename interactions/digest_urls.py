from django.urls import path

from . import digest_views

urlpatterns = [
    path("nudge/<str:token>/", digest_views.nudge_link, name="digest_nudge"),
    path("unsubscribe/<str:token>/", digest_views.unsubscribe, name="digest_unsubscribe"),
    path("preview/", digest_views.preview, name="digest_preview"),
    path("preview/email.html", digest_views.preview_html, name="digest_preview_html"),
]
