"""Signed one-click unsubscribe links: no sign-in needed, tampering detected.

A token names one notification; unsubscribing stops the subscription that caused it on that
message's channel. Tokens are salted so no other signed value in the platform can stand in.
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from pocketcouncil.notify import conf

SALT = "pocketcouncil.notify.unsubscribe"


def unsubscribe_token(notification) -> str:
    return signing.dumps({"n": notification.pk, "s": notification.subscription_id}, salt=SALT)


def read_unsubscribe_token(token: str) -> dict:
    """The token's content. Raises ``signing.BadSignature`` if it was changed or made up."""
    value = signing.loads(token, salt=SALT)
    if not isinstance(value, dict) or not isinstance(value.get("n"), int):
        raise signing.BadSignature("Not an unsubscribe token.")
    return value


def unsubscribe_url(notification) -> str:
    """The link, or "" for messages that come from no subscription (such as security codes)."""
    if not notification.subscription_id:
        return ""
    path = reverse("notify:unsubscribe", args=[unsubscribe_token(notification)])
    return conf.site_url() + path
