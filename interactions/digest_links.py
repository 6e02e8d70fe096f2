"""Signed links in the daily email: act on a nudge or unsubscribe, without signing in.

A link carries a signed, timestamped token (``TimestampSigner``), so it works
only for the row it was made for and only for a while. Each kind of link has
its own salt: a snooze token is not an unsubscribe token.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

NUDGE_SALT = "relcrm.digest.nudge"
UNSUBSCRIBE_SALT = "relcrm.digest.unsubscribe"
# Long enough for a weekend away from email; a week-old nudge is stale anyway.
NUDGE_LINK_MAX_AGE = datetime.timedelta(days=7)
# Unsubscribing must keep working long after the email arrived.
UNSUBSCRIBE_LINK_MAX_AGE = datetime.timedelta(days=365)
NUDGE_ACTIONS = ("done", "snooze")


class BadLink(Exception):
    """A token that is forged, damaged or too old; ``expired`` tells which."""

    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


@dataclass(frozen=True)
class NudgeLink:
    user_id: int
    nudge_id: int
    action: str


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def nudge_token(nudge, action: str) -> str:
    if action not in NUDGE_ACTIONS:
        raise ValueError(f"No email link for {action!r}.")
    return signing.TimestampSigner(salt=NUDGE_SALT).sign_object({"u": nudge.owner_id, "n": nudge.pk, "a": action})


def nudge_url(nudge, action: str) -> str:
    return absolute(reverse("digest_nudge", args=[nudge_token(nudge, action)]))


def read_nudge_token(token: str) -> NudgeLink:
    data = _unsign(token, NUDGE_SALT, NUDGE_LINK_MAX_AGE)
    try:
        link = NudgeLink(user_id=int(data["u"]), nudge_id=int(data["n"]), action=str(data["a"]))
    except (KeyError, TypeError, ValueError):
        raise BadLink(expired=False) from None
    if link.action not in NUDGE_ACTIONS:
        raise BadLink(expired=False)
    return link


def unsubscribe_url(user) -> str:
    token = signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).sign_object({"u": user.pk})
    return absolute(reverse("digest_unsubscribe", args=[token]))


def read_unsubscribe_token(token: str) -> int:
    data = _unsign(token, UNSUBSCRIBE_SALT, UNSUBSCRIBE_LINK_MAX_AGE)
    try:
        return int(data["u"])
    except (KeyError, TypeError, ValueError):
        raise BadLink(expired=False) from None


def _unsign(token: str, salt: str, max_age: datetime.timedelta) -> dict:
    try:
        data = signing.TimestampSigner(salt=salt).unsign_object(token, max_age=max_age)
    except signing.SignatureExpired:
        raise BadLink(expired=True) from None
    except (signing.BadSignature, ValueError, UnicodeDecodeError):
        raise BadLink(expired=False) from None
    if not isinstance(data, dict):
        raise BadLink(expired=False)
    return data
