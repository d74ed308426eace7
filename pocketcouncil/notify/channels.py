"""Channels behind one interface: ``send`` a rendered message, ``find_previous`` after a crash.

A backend raises ``PermanentDeliveryError`` for a message that will never go (a bad address, a
push subscription the browser has withdrawn) and any other exception for one worth retrying.

``find_previous`` answers "did the provider already accept this message?" for a row a crashed
worker left in doubt. GOV.UK Notify can answer (we send our own ``reference`` with every message
and look it up); SMTP and Web Push cannot, so for them a crash in the short window between the
provider accepting and the row being marked sent can send the message twice (at least once,
never lost). docs/notifications.md says so.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils.module_loading import import_string

from pocketcouncil.notify import conf
from pocketcouncil.notify.models import Channel, Notification
from pocketcouncil.notify.templates import RenderedMessage

logger = logging.getLogger("pocketcouncil.notify")


class PermanentDeliveryError(Exception):
    """The message can never be delivered as addressed; do not retry."""


class ChannelBackend(Protocol):
    def send(self, notification: Notification, message: RenderedMessage) -> str: ...

    def find_previous(self, notification: Notification) -> str | None: ...


def provider_reference(notification: Notification) -> str:
    """Our reference for a message, sent to the provider so a lost reply can be looked up."""
    return f"pc-{notification.pk}"


# --- text messages --------------------------------------------------------------------------

_locmem_lock = threading.Lock()


class LocmemSMS:
    """Keeps sent texts in ``pocketcouncil.notify.testing.sms_outbox`` (tests only)."""

    def send(self, notification, message):
        from pocketcouncil.notify import testing

        with _locmem_lock:
            testing.sms_outbox.append(
                {
                    "to": notification.to,
                    "body": message.text,
                    "reference": provider_reference(notification),
                }
            )
        return provider_reference(notification)

    def find_previous(self, notification):
        from pocketcouncil.notify import testing

        reference = provider_reference(notification)
        return reference if any(m["reference"] == reference for m in testing.sms_outbox) else None


class ConsoleSMS:
    """Writes texts to the log (development: no keys needed)."""

    def send(self, notification, message):
        logger.warning("Text message to %s: %s", notification.to, message.text)
        return provider_reference(notification)

    def find_previous(self, notification):
        return None


# --- GOV.UK Notify --------------------------------------------------------------------------

_notify_clients = threading.local()


def notify_client():
    """A GOV.UK Notify client per thread (the client keeps a requests session)."""
    from notifications_python_client.notifications import NotificationsAPIClient

    key = (conf.get("NOTIFY_API_KEY", ""), conf.get("NOTIFY_BASE_URL", ""))
    client = getattr(_notify_clients, "client", None)
    if client is None or getattr(_notify_clients, "key", None) != key:
        if not key[0]:
            raise PermanentDeliveryError("NOTIFY_API_KEY is not set, so GOV.UK Notify is off.")
        client = NotificationsAPIClient(key[0], base_url=key[1], timeout=10)
        _notify_clients.client, _notify_clients.key = client, key
    return client


def _notify_call(function, **kwargs) -> dict:
    from notifications_python_client.errors import HTTPError

    try:
        return function(**kwargs)
    except HTTPError as error:
        # 400: Notify will never accept this (bad number, bad template); 403 is a key problem
        # staff must fix, and 429/5xx pass: both are retried.
        if error.status_code == 400:
            raise PermanentDeliveryError(str(error)) from error
        raise


class GovukNotify:
    def __init__(self, channel: str):
        self.channel = channel

    def send(self, notification, message):
        client = notify_client()
        reference = provider_reference(notification)
        if self.channel == Channel.SMS:
            response = _notify_call(
                client.send_sms_notification,
                phone_number=notification.to,
                template_id=conf.get("NOTIFY_SMS_TEMPLATE_ID", ""),
                personalisation={"body": message.text},
                reference=reference,
            )
        else:
            response = _notify_call(
                client.send_email_notification,
                email_address=notification.to,
                template_id=conf.get("NOTIFY_EMAIL_TEMPLATE_ID", ""),
                personalisation={"subject": message.subject, "body": message.text},
                reference=reference,
            )
        return str(response.get("id", reference))

    def find_previous(self, notification):
        client = notify_client()
        found = client.get_all_notifications(reference=provider_reference(notification))
        for item in found.get("notifications", []):
            if item.get("reference") == provider_reference(notification):
                return str(item["id"])
        return None


# --- email through any Django email backend -------------------------------------------------


def unsubscribe_url(notification: Notification) -> str:
    from pocketcouncil.notify import tokens

    return tokens.unsubscribe_url(notification)


class DjangoEmail:
    """Plain text and HTML parts, with one-click unsubscribe headers (RFC 8058)."""

    def send(self, notification, message):
        headers = {"X-Pocket-Council-Reference": provider_reference(notification)}
        link = unsubscribe_url(notification)
        if link:
            headers["List-Unsubscribe"] = f"<{link}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.to],
            headers=headers,
            connection=get_connection(fail_silently=False),
        )
        email.attach_alternative(message.html, "text/html")
        email.send()
        return provider_reference(notification)

    def find_previous(self, notification):
        return None


# --- Web Push ------------------------------------------------------------------------------


class WebPush:
    def send(self, notification, message):
        from pywebpush import WebPushException, webpush

        subscription = notification.push_subscription
        if subscription is None:
            raise PermanentDeliveryError("The browser subscription has been removed.")
        private_key = conf.get("NOTIFY_VAPID_PRIVATE_KEY", "")
        if not private_key:
            raise PermanentDeliveryError(
                "NOTIFY_VAPID_PRIVATE_KEY is not set: run manage.py notify_generate_vapid_keys."
            )
        payload = json.dumps(
            {
                "title": message.subject,
                "body": message.text[:300],
                "url": notification.context.get("url", "/"),
                "tag": provider_reference(notification),
            }
        )
        try:
            response = webpush(
                subscription_info={
                    "endpoint": subscription.endpoint,
                    "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                },
                data=payload,
                vapid_private_key=private_key,
                vapid_claims={"sub": conf.get("NOTIFY_VAPID_SUBJECT", "mailto:noreply@localhost")},
                timeout=10,
            )
        except WebPushException as error:
            status = getattr(error.response, "status_code", None)
            if status in (404, 410):
                # The browser withdrew the subscription: forget it, and do not retry.
                subscription.delete()
                raise PermanentDeliveryError(f"Push subscription expired ({status}).") from error
            raise
        return response.headers.get("Location", provider_reference(notification))

    def find_previous(self, notification):
        return None


# --- the in-app inbox ----------------------------------------------------------------------


class Inbox:
    """The row itself is the message; nothing leaves the site."""

    def send(self, notification, message):
        return ""

    def find_previous(self, notification):
        return None


def backend_for(channel: str) -> ChannelBackend:
    if channel == Channel.SMS:
        name = conf.sms_backend()
        if name == "locmem":
            return LocmemSMS()
        if name == "console":
            return ConsoleSMS()
        if name == "govuk_notify":
            return GovukNotify(Channel.SMS)
        return import_string(name)()
    if channel == Channel.EMAIL:
        name = conf.email_backend()
        if name == "django":
            return DjangoEmail()
        if name == "govuk_notify":
            return GovukNotify(Channel.EMAIL)
        return import_string(name)()
    if channel == Channel.PUSH:
        return WebPush()
    if channel == Channel.INBOX:
        return Inbox()
    raise PermanentDeliveryError(f"Unknown channel {channel!r}.")
