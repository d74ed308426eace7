"""Answers go back on the channel the resident used: email and text messages through the notify
app's outbox (so they are retried and logged like every other message), social media through
the network's adapter, in the same thread and with the same visibility."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from pocketcouncil.channels.models import (
    Channel,
    InboundMessage,
    MessageStatus,
    OutboundReply,
    ReplyState,
    SmsOptOut,
)
from pocketcouncil.channels.social.base import SocialError, adapter_for
from pocketcouncil.notify import actions as notify


class ReplyNotAllowedError(ValueError):
    """This reply cannot be sent; the message says why."""


def _subject(message: InboundMessage) -> str:
    subject = message.subject or _("Your message to %(council)s") % {
        "council": message.council.name
    }
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"[:300]


@transaction.atomic
def reply_send(*, message: InboundMessage, body: str, actor, case=None) -> OutboundReply:
    """Send ``body`` to whoever wrote ``message``, on the same channel."""
    body = (body or "").strip()
    if not body:
        raise ReplyNotAllowedError(_("Write your reply"))
    reply = OutboundReply(
        council=message.council,
        message=message,
        channel=message.channel,
        to=message.sender,
        case=case or message.case,
        body=body,
        sent_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if message.channel == Channel.EMAIL:
        if message.status in (MessageStatus.IGNORED, MessageStatus.SPAM):
            raise ReplyNotAllowedError(_("Automatic messages and spam are not answered."))
        notify.direct_message_send(
            channel="email",
            to=message.sender,
            subject=_subject(message),
            body=body,
            reason=_("A reply to your email"),
            council=message.council,
        )
        reply.state = ReplyState.SENT
    elif message.channel == Channel.SMS:
        if SmsOptOut.objects.filter(council=message.council, number=message.sender).exists():
            raise ReplyNotAllowedError(
                _("This number texted STOP: it gets no more text messages from us.")
            )
        notify.direct_message_send(
            channel="sms",
            to=message.sender,
            subject="",
            body=body,
            reason=_("A reply to your text message"),
            council=message.council,
        )
        reply.state = ReplyState.SENT
    else:
        try:
            reply.external_id = adapter_for(message.channel).reply(
                message.account,
                to_item_id=message.thread_id or message.external_id,
                to_author=message.sender,
                text=body,
                visibility=message.visibility,
            )
            reply.state = ReplyState.SENT
        except SocialError as error:
            reply.state = ReplyState.FAILED
            reply.error = str(error)[:1000]
    reply.save()
    return reply
