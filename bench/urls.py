"""The app's URLs and one more: a plain page on the same stack, the dashboard benchmark's floor."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from relcrm.urls import urlpatterns as app_urlpatterns


@login_required
def plain(request):
    """The least a signed-in page costs here: session, user, middleware, base.html."""
    return render(request, "base.html", {"title": "Plain"})


urlpatterns = [path("bench/plain/", plain, name="bench_plain"), *app_urlpatterns]
