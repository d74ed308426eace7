"""Every write in notify. Other apps call these; notify imports no other Pocket Council app.

Everything that sends is enqueued: rows go into the outbox in the caller's transaction (so a
rolled-back change sends nothing) and a worker delivers them after commit.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pocketcouncil.notify.models import Channel, Event, Notification, State


class NotifyInputError(ValidationError):
    """A caller passed something notify cannot send (an unknown channel, a bad address)."""


def _kick() -> None:
    """Enqueue delivery in the current transaction: it commits (or not) with the rows."""
    from pocketcouncil.notify.tasks import notification_deliver_task

    notification_deliver_task.enqueue()


def _normalise_phone(number: str) -> str:
    digits = "".join(ch for ch in number if ch.isdigit() or ch == "+")
    bare = digits.lstrip("+")
    if not bare.isdigit() or not 10 <= len(bare) <= 15:
        raise NotifyInputError(_("Enter a phone number, like 07700 900 982."))
    return digits


@transaction.atomic
def direct_message_send(
    *, channel: str, to: str, subject: str, body: str, reason: str, council=None
) -> Notification:
    """Send one message to one address (such as a phone verification code).

    The row is written in the caller's transaction and delivered by the worker like every
    other message. ``reason`` says why, for the delivery log. Not subject to quiet hours or
    unsubscribe: the person asked for it.
    """
    if channel not in (Channel.SMS, Channel.EMAIL):
        raise NotifyInputError(_("A direct message goes by text message or email."))
    to = (to or "").strip()
    if channel == Channel.EMAIL:
        try:
            validate_email(to)
        except ValidationError:
            raise NotifyInputError(_("Enter an email address, like name@example.com.")) from None
    else:
        to = _normalise_phone(to)
    if not body.strip():
        raise NotifyInputError(_("A message needs some text."))
    now = timezone.now()
    key_source = f"direct:{channel}:{to}:{now.isoformat()}:{body}"
    notification = Notification.objects.create(
        council=council,
        channel=channel,
        to=to,
        event=Event.DIRECT,
        reason=reason[:200],
        subject=subject[:300],
        body=body,
        idempotency_key="direct:"
        + hashlib.sha256(key_source.encode()).hexdigest()[:40]
        + f":{now.timestamp():.6f}",
        state=State.QUEUED,
        next_attempt_at=now,
        created_at=now,
    )
    _kick()
    return notification
