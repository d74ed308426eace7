"""Reads other code needs from notify. Staff reads take the council explicitly."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from pocketcouncil.notify.models import (
    Channel,
    Event,
    MessageTemplate,
    Notification,
    Preferences,
    PushSubscription,
    State,
    Subscription,
    SubscriptionChannel,
)

LOG_FIELDS = (
    "id",
    "channel",
    "to",
    "event",
    "reason",
    "subject",
    "state",
    "attempts",
    "last_error",
    "created_at",
    "sent_at",
    "status_at",
    "next_attempt_at",
    "subject_kind",
    "subject_key",
    "recipient_id",
    "council_id",
    "provider_id",
)


def inbox_list_for_user(*, user, limit: int = 50) -> list[Notification]:
    """A person's inbox messages, newest first, across every council."""
    return list(
        Notification.objects.filter(recipient=user, channel=Channel.INBOX)
        .exclude(state__in=[State.CANCELLED, State.HELD, State.DIGESTED])
        .select_related("council")
        .order_by("-created_at", "-id")[:limit]
    )


def inbox_message_get(*, user, notification_id: int) -> Notification:
    """One of the person's own inbox messages; raises ``Notification.DoesNotExist``."""
    return Notification.objects.select_related("council").get(
        pk=notification_id, recipient=user, channel=Channel.INBOX
    )


def inbox_unread_count(*, user) -> int:
    return Notification.objects.filter(
        recipient=user, channel=Channel.INBOX, read_at=None, state=State.SENT
    ).count()


def subscription_list_for_user(*, user) -> list[Subscription]:
    return list(
        Subscription.objects.filter(user=user)
        .select_related("council")
        .prefetch_related(
            Prefetch("channels", queryset=SubscriptionChannel.objects.order_by("channel"))
        )
        .order_by("council__name", "subject_kind", "-created_at")
    )


def subscription_get_for_user(*, user, subscription_id: int) -> Subscription:
    return Subscription.objects.select_related("council").get(pk=subscription_id, user=user)


def preferences_get(*, user) -> Preferences:
    """The person's settings, unsaved defaults if they have none yet."""
    return Preferences.objects.filter(user=user).first() or Preferences(user=user)


def push_subscription_count(*, user) -> int:
    return PushSubscription.objects.filter(user=user).count()


def followers_count(*, council, subject_kind: str, subject_key: str) -> int:
    return Subscription.objects.filter(
        council=council, subject_kind=subject_kind, subject_key=str(subject_key)
    ).count()


def is_following(*, user, council, subject_kind: str, subject_key: str) -> bool:
    return Subscription.objects.filter(
        user=user, council=council, subject_kind=subject_kind, subject_key=str(subject_key)
    ).exists()


def delivery_log_for_subject(
    *, council, subject_kind: str, subject_key: str, limit: int = 200
) -> list[Notification]:
    """What was sent about one case (or area, or topic) in one council, newest first."""
    return list(
        Notification.objects.filter(
            council=council, subject_kind=subject_kind, subject_key=str(subject_key)
        )
        .select_related("recipient")
        .order_by("-created_at", "-id")[:limit]
    )


def delivery_log_for_resident(*, council, user, limit: int = 200) -> list[Notification]:
    """What one council sent one resident, newest first."""
    return list(
        Notification.objects.filter(council=council, recipient=user)
        .select_related("recipient")
        .order_by("-created_at", "-id")[:limit]
    )


def delivery_log_failures(*, council, limit: int = 200) -> list[Notification]:
    """Messages that will not be sent without help, for staff to look at."""
    return list(
        Notification.objects.filter(council=council, state=State.FAILED)
        .select_related("recipient")
        .order_by("-created_at", "-id")[:limit]
    )


def outbox_counts() -> dict[str, int]:
    """Rows per state, for operators (``manage.py notify_status``)."""
    from django.db.models import Count

    return dict(Notification.objects.values_list("state").annotate(n=Count("id")).order_by("state"))


# Events a council can reword: everything but one-off messages such as security codes.
EDITABLE_EVENTS = [e for e in Event if e != Event.DIRECT]


@dataclass(frozen=True)
class TemplateRow:
    event: str
    event_label: str
    channel: str
    channel_label: str
    own: bool
    updated_at: object


def message_template_overview(*, council) -> list[TemplateRow]:
    """Every event and channel, with whether the council uses its own wording."""
    own = {
        (t.event, t.channel): t.updated_at
        for t in MessageTemplate.objects.filter(council=council).only(
            "event", "channel", "updated_at"
        )
    }
    return [
        TemplateRow(
            event=event.value,
            event_label=str(event.label),
            channel=channel.value,
            channel_label=str(channel.label),
            own=(event.value, channel.value) in own,
            updated_at=own.get((event.value, channel.value)),
        )
        for event in EDITABLE_EVENTS
        for channel in Channel
    ]


def message_template_get(*, council, event: str, channel: str) -> MessageTemplate | None:
    return MessageTemplate.objects.filter(council=council, event=event, channel=channel).first()


def latest_subject_sent_to(*, channel: str, to: str, since, council=None) -> tuple | None:
    """What the last message sent to this address or number was about (subject kind, key and
    when it was queued), or None. The channels app threads a text message reply into the case
    we last texted the resident about (issue 21)."""
    rows = Notification.objects.filter(
        channel=channel, to=to, created_at__gte=since, subject_kind__gt=""
    )
    if council is not None:
        rows = rows.filter(council=council)
    row = (
        rows.order_by("-created_at", "-id")
        .values_list("subject_kind", "subject_key", "created_at")
        .first()
    )
    return tuple(row) if row else None
