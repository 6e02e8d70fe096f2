"""Pages behind the daily email's links, and its preview.

The email's links work without signing in: a signed token names the row. A
GET only shows a confirmation page with a button, because mail scanners
follow links; the POST acts. Unsubscribing also accepts the one-click POST of
RFC 8058, which comes from the mail client without a CSRF token.
"""


from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.csp import CSP
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import digest_content, digest_links, services
from .models import Digest, Nudge


def _bad_link(request, error: digest_links.BadLink, what: str):
    return render(request, "interactions/digest/bad_link.html", {"expired": error.expired, "what": what}, status=400)


@require_http_methods(["GET", "POST"])
def nudge_link(request, token):
    try:
        link = digest_links.read_nudge_token(token)
    except digest_links.BadLink as error:
        return _bad_link(request, error, "nudge")
    nudge = Nudge.objects.filter(owner_id=link.user_id, pk=link.nudge_id).select_related("contact", "owner").first()
    if nudge is None:
        # The nightly recompute drops nudges that no longer apply.
        return render(request, "interactions/digest/nudge_gone.html", status=410)
    context = {"nudge": nudge, "action": link.action, "snooze_days": services.SNOOZE_DAYS}
    if request.method == "POST":
        today = nudge.owner.local_date()
        context["acted"] = services.act_on_nudge(nudge, link.action, today=today)
        return render(request, "interactions/digest/nudge_done.html", context)
    return render(request, "interactions/digest/nudge_confirm.html", context)


@csrf_exempt  # RFC 8058 one-click: the mail client posts without a CSRF token; the signed token guards it.
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        user_id = digest_links.read_unsubscribe_token(token)
    except digest_links.BadLink as error:
        return _bad_link(request, error, "unsubscribe")
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return _bad_link(request, digest_links.BadLink(expired=False), "unsubscribe")
    if request.method == "POST":
        get_user_model().objects.filter(pk=user.pk).update(digest_enabled=False)
        return render(request, "interactions/digest/unsubscribed.html", {"email": user.email})
    return render(request, "interactions/digest/unsubscribe_confirm.html", {"email": user.email})


def _todays_email(user):
    content = digest_content.build_content(user, timezone.localdate())
    return content, digest_content.render_message(content)


@login_required
def preview(request):
    content, message = _todays_email(request.user)
    context = {
        "content": content,
        "message": message,
        "sent": Digest.objects.for_user(request.user).filter(local_date=content.day).first(),
    }
    return render(request, "interactions/digest/preview.html", context)


# The email's HTML carries its styles inline (as email clients need them); shown
# on its own, in the preview's frame, with no scripts at all.
@csp_override(
    {
        "default-src": [CSP.NONE],
        "style-src": [CSP.UNSAFE_INLINE],
        "img-src": [CSP.SELF, "data:"],
        "frame-ancestors": [CSP.SELF],
        "form-action": [CSP.SELF],
    }
)
@xframe_options_sameorigin
@login_required
def preview_html(request):
    _, message = _todays_email(request.user)
    return HttpResponse(message.alternatives[0].content)
