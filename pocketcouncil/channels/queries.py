"""Every read the channels app's pages and other code need. Each takes the council."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Case as When_
from django.db.models import IntegerField, Q, Value, When
from django.utils import timezone

from pocketcouncil.cases import queries as cases_queries
from pocketcouncil.channels.models import (
    OPEN_STATUSES,
    CannedReply,
    Channel,
    InboundMessage,
    OutboundReply,
)
from pocketcouncil.notify import queries as notify_queries

FILTERS = ("open", "risk", "mine", "all")


def message_list_for_council(*, council, show: str = "open", user=None):
    """The staff inbox: messages at risk first, then those due soonest."""
    rows = InboundMessage.objects.filter(council=council).select_related(
        "case", "assigned_to", "account"
    )
    if show == "open":
        rows = rows.filter(Q(status__in=OPEN_STATUSES) | ~Q(risk_flag=""), replies__isnull=True)
    elif show == "risk":
        rows = rows.exclude(risk_flag="")
    elif show == "mine" and user is not None:
        rows = rows.filter(assigned_to=user, status__in=OPEN_STATUSES)
    return (
        rows.annotate(
            at_risk=When_(
                When(~Q(risk_flag=""), then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("at_risk", "due_at", "-received_at", "-id")
        .distinct()
    )


def message_get(*, council, message_id: int) -> InboundMessage | None:
    return (
        InboundMessage.objects.select_related("case", "assigned_to", "account", "council")
        .filter(council=council, pk=message_id)
        .first()
    )


def replies_for(message: InboundMessage) -> list[OutboundReply]:
    return list(message.replies.select_related("sent_by"))


def canned_replies_for(*, council) -> list[CannedReply]:
    return list(CannedReply.objects.filter(council=council))


def case_for_reply(message: InboundMessage):
    """The case a text message or social media post continues, if any.

    A text message continues the case we last texted that number about (within
    ``CHANNELS_SMS_THREAD_DAYS``); a post continues the case of the post it replies to."""
    if message.channel == Channel.SMS:
        since = timezone.now() - timedelta(days=settings.CHANNELS_SMS_THREAD_DAYS)
        ours = (
            OutboundReply.objects.filter(
                council=message.council,
                channel=Channel.SMS,
                to=message.sender,
                case__isnull=False,
                sent_at__gte=since,
            )
            .order_by("-sent_at", "-id")
            .first()
        )
        found = notify_queries.latest_subject_sent_to(
            channel="sms", to=message.sender, since=since, council=message.council
        )
        if found and found[0] == "case" and (ours is None or found[2] > ours.sent_at):
            try:
                return cases_queries.case_get_by_id(council=message.council, case_id=int(found[1]))
            except ValueError:
                return None
        return ours.case if ours else None
    if not message.in_reply_to:
        return None
    reply = (
        OutboundReply.objects.filter(
            council=message.council,
            channel=message.channel,
            external_id=message.in_reply_to,
            case__isnull=False,
        )
        .select_related("case")
        .first()
    )
    if reply:
        return reply.case
    earlier = (
        InboundMessage.objects.filter(
            account=message.account, external_id=message.in_reply_to, case__isnull=False
        )
        .select_related("case")
        .first()
    )
    return earlier.case if earlier else None
