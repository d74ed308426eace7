"""Every write in notify. Other apps call these; notify imports no other Pocket Council app.

Everything that sends is enqueued: rows go into the outbox in the caller's transaction (so a
rolled-back change sends nothing) and a worker delivers them after commit.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pocketcouncil.notify import conf, outbox, templates, tokens
from pocketcouncil.notify.models import (
    Channel,
    Event,
    Frequency,
    MessageTemplate,
    Notification,
    Preferences,
    PushSubscription,
    State,
    SubjectKind,
    Subscription,
    SubscriptionChannel,
    Topic,
)

LONDON = ZoneInfo("Europe/London")
# Channels a subscription uses unless the resident chooses others.
DEFAULT_CHANNELS = (Channel.INBOX, Channel.EMAIL)
# Quiet hours hold back these channels only: an email or inbox message wakes nobody.
QUIET_CHANNELS = (Channel.SMS, Channel.PUSH)


class NotifyInputError(ValidationError):
    """A caller passed something notify cannot send (an unknown channel, a bad address)."""


# Callers build a message's context with this, so each recipient reads it in their language.
in_every_language = templates.in_every_language


def _kick() -> None:
    """Enqueue delivery in the current transaction: it commits (or not) with the rows."""
    from pocketcouncil.notify.tasks import kick

    kick()


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


# --- timing: quiet hours and the daily summary ---------------------------------------------


def _in_quiet_hours(local: datetime, start: time, end: time) -> bool:
    now = local.time()
    if start == end:
        return False
    if start < end:
        return start <= now < end
    return now >= start or now < end  # wraps midnight, e.g. 21:00 to 07:00


def quiet_hours_end(*, now: datetime, start: time | None, end: time | None) -> datetime | None:
    """When quiet hours that cover ``now`` end (UK time), or None if ``now`` is not quiet."""
    if start is None or end is None:
        return None
    local = now.astimezone(LONDON)
    if not _in_quiet_hours(local, start, end):
        return None
    candidate = datetime.combine(local.date(), end, tzinfo=LONDON)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), end, tzinfo=LONDON)
    return candidate.astimezone(UTC)


def next_digest_at(*, now: datetime, hour: int) -> datetime:
    """The next time the daily summary goes out: ``hour`` o'clock UK time, today or tomorrow."""
    local = now.astimezone(LONDON)
    candidate = datetime.combine(local.date(), time(hour), tzinfo=LONDON)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), time(hour), tzinfo=LONDON)
    return candidate.astimezone(UTC)


# --- enqueueing ----------------------------------------------------------------------------


def _key(idempotency_key: str, user_id, channel: str, extra: str = "") -> str:
    raw = f"{idempotency_key}:{user_id}:{channel}{':' + extra if extra else ''}"
    if len(raw) <= 200:
        return raw
    return "h:" + hashlib.sha256(raw.encode()).hexdigest()


def _rows_for(
    *,
    council,
    event: str,
    context: dict,
    idempotency_key: str,
    targets: Iterable[tuple],
    push_by_user: dict[int, list[int]],
    subject_kind: str,
    subject_key: str,
    reason: str,
    now: datetime,
) -> tuple[list[tuple], datetime | None, bool]:
    """Outbox rows (tuples in ``outbox.COLUMNS`` order) for (user_id, email, subscription_id,
    channel, frequency, sms number, quiet hours start and end, digest hour) targets."""
    rows: list[tuple] = []
    reason = reason[:200]
    earliest_digest = None
    any_instant = False
    seen: set[str] = set()
    council_id = council.pk if council is not None else None
    for user_id, email, subscription_id, channel, frequency, sms, q_start, q_end, hour in targets:
        addresses: list[tuple[str, int | None]]
        if channel == Channel.EMAIL:
            addresses = [(email, None)] if email else []
        elif channel == Channel.SMS:
            addresses = [(sms, None)] if sms else []
        elif channel == Channel.PUSH:
            addresses = [("", push_id) for push_id in push_by_user.get(user_id, [])]
        else:
            addresses = [("", None)]
        for to, push_id in addresses:
            key = _key(idempotency_key, user_id, channel, str(push_id or ""))
            if key in seen:
                continue  # followed twice (the ward and a radius): one message per channel
            seen.add(key)
            state, next_at = State.QUEUED, now
            if channel == Channel.INBOX:
                pass  # always straight away; the worker writes the wording into the row
            elif frequency == Frequency.DIGEST:
                state = State.HELD
                next_at = next_digest_at(now=now, hour=hour if hour is not None else 18)
                earliest_digest = min(earliest_digest or next_at, next_at)
            elif channel in QUIET_CHANNELS:
                next_at = quiet_hours_end(now=now, start=q_start, end=q_end) or now
            if state == State.QUEUED:
                any_instant = True
            rows.append(
                (
                    council_id,
                    user_id,
                    channel,
                    to,
                    push_id,
                    event,
                    reason,
                    subject_kind,
                    subject_key,
                    subscription_id,
                    context,
                    "",
                    "",
                    key,
                    state,
                    0,
                    next_at,
                    "",
                    "",
                    "",
                    now,
                )
            )
    return rows, earliest_digest, any_instant


def _write(rows: list[tuple], earliest_digest, any_instant, event_key: str) -> int:
    """Insert the rows (duplicates by idempotency key are dropped) and wake the workers."""
    from pocketcouncil.notify.tasks import kick, schedule_digest

    inserted = outbox.insert_rows(rows, event_key=event_key)
    if inserted and any_instant:
        # A big fan-out gets a few tasks, so several workers can share it.
        for _ in range(min(4, max(1, inserted // 2000))):
            kick()
    if inserted and earliest_digest:
        schedule_digest(earliest_digest)
    return inserted


def _push_ids_for(user_ids) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for push_id, user_id in PushSubscription.objects.filter(user_id__in=user_ids).values_list(
        "id", "user_id"
    ):
        found.setdefault(user_id, []).append(push_id)
    return found


@transaction.atomic
def notification_enqueue(
    *,
    council,
    event: str,
    recipients: Iterable,
    context: dict,
    idempotency_key: str,
    channels: Iterable[str] = DEFAULT_CHANNELS,
    subject_kind: str = "",
    subject_key: str = "",
    reason: str = "",
) -> int:
    """Queue ``event`` for these users on these channels, straight away (no subscription needed).

    Use it for messages a person gets because of what they did (their own request was
    received). ``idempotency_key`` names the event: calling again with the same key queues
    nothing new. Returns how many rows were added to the outbox.
    """
    _check_event(event, idempotency_key)
    channels = list(channels)
    for channel in channels:
        if channel not in Channel.values:
            raise NotifyInputError(_("Unknown channel: %(c)s") % {"c": channel})
    users = list(recipients)
    prefs = {p.user_id: p for p in Preferences.objects.filter(user__in=[u.pk for u in users])}
    targets = []
    for user in users:
        pref = prefs.get(user.pk)
        for channel in channels:
            targets.append(
                (
                    user.pk,
                    user.email,
                    None,
                    channel,
                    Frequency.INSTANT,
                    pref.sms_number if pref else "",
                    pref.quiet_hours_start if pref else None,
                    pref.quiet_hours_end if pref else None,
                    pref.digest_hour if pref else None,
                )
            )
    push = _push_ids_for([u.pk for u in users]) if Channel.PUSH in channels else {}
    rows, digest_at, instant = _rows_for(
        council=council,
        event=event,
        context=context,
        idempotency_key=idempotency_key,
        targets=targets,
        push_by_user=push,
        subject_kind=subject_kind,
        subject_key=str(subject_key),
        reason=reason or str(Event(event).label),
        now=timezone.now(),
    )
    return _write(rows, digest_at, instant, idempotency_key)


RESERVED_KEY_PREFIXES = ("direct:", "digest:", "h:")


def _check_event(event: str, idempotency_key: str) -> None:
    if event not in Event.values or event in (Event.DIRECT, Event.DIGEST):
        raise NotifyInputError(_("Unknown event: %(e)s") % {"e": event})
    if not idempotency_key or idempotency_key.startswith(RESERVED_KEY_PREFIXES):
        # Notify's own keys start with these, so a caller's key can never collide with them.
        raise NotifyInputError(_("An event needs its own idempotency key, like case:42:event:7."))


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance in metres between two points on the Earth (a sphere of radius 6,371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


_TARGET_FIELDS = (
    "subscription__user_id",
    "subscription__user__email",
    "subscription_id",
    "channel",
    "frequency",
    "subscription__user__notify_preferences__sms_number",
    "subscription__user__notify_preferences__quiet_hours_start",
    "subscription__user__notify_preferences__quiet_hours_end",
    "subscription__user__notify_preferences__digest_hour",
)


@transaction.atomic
def fan_out_for_subject(
    *,
    council,
    subject_kind: str,
    subject_key: str,
    event: str,
    context: dict,
    idempotency_key: str,
    point: tuple[float, float] | None = None,
    category: str = "",
    exclude_user_ids: Iterable[int] = (),
    reason: str = "",
) -> int:
    """Queue ``event`` for everyone following this subject in ``council``, on their channels.

    - ``subject_kind="case"``, ``subject_key=<case id>``: followers of the case.
    - ``subject_kind="area"``, ``subject_key="ward:<area id>"``, ``point=(lat, lon)``,
      ``category``: followers of the ward plus everyone whose radius covers the point and whose
      categories include ``category`` (or who chose none).
    - ``subject_kind="topic"``, ``subject_key`` one of ``Topic``.

    A person following the subject twice gets one message per channel. Returns the number of
    rows added to the outbox (rows whose idempotency key exists already are skipped).
    """
    _check_event(event, idempotency_key)
    if subject_kind not in SubjectKind.values:
        raise NotifyInputError(_("Unknown subject kind: %(k)s") % {"k": subject_kind})
    subject_key = str(subject_key)
    if subject_kind == SubjectKind.AREA and subject_key.isdigit():
        subject_key = f"ward:{subject_key}"  # a bare ward id means the same ward
    base = SubscriptionChannel.objects.filter(
        subscription__council=council, subscription__user__is_active=True
    ).exclude(subscription__user_id__in=list(exclude_user_ids))
    wanted = Q(subscription__subject_kind=subject_kind, subscription__subject_key=subject_key)
    targets = list(base.filter(wanted).values_list(*_TARGET_FIELDS))
    subscriptions_with_category = None
    if subject_kind == SubjectKind.AREA:
        subscriptions_with_category = dict(
            Subscription.objects.filter(
                council=council, subject_kind=subject_kind, subject_key=subject_key
            )
            .exclude(categories=[])
            .values_list("id", "categories")
        )
        if point is not None:
            targets += _radius_targets(base=base, council=council, point=point, category=category)
    if subscriptions_with_category:
        targets = [
            t
            for t in targets
            if t[2] not in subscriptions_with_category
            or category in subscriptions_with_category[t[2]]
        ]
    push_users = {t[0] for t in targets if t[3] == Channel.PUSH}
    rows, digest_at, instant = _rows_for(
        council=council,
        event=event,
        context=context,
        idempotency_key=idempotency_key,
        targets=targets,
        push_by_user=_push_ids_for(push_users) if push_users else {},
        subject_kind=subject_kind,
        subject_key=subject_key,
        reason=reason or _("You follow this"),
        now=timezone.now(),
    )
    return _write(rows, digest_at, instant, idempotency_key)


def _radius_targets(*, base, council, point, category) -> list[tuple]:
    lat, lon = point
    # A bounding box in SQL (the largest radius we allow is 5 km), then the exact check here.
    margin_lat = 5000 / 111_000
    margin_lon = 5000 / (111_000 * max(math.cos(math.radians(lat)), 0.01))
    candidates = Subscription.objects.filter(
        council=council,
        subject_kind=SubjectKind.AREA,
        radius_m__isnull=False,
        latitude__range=(lat - margin_lat, lat + margin_lat),
        longitude__range=(lon - margin_lon, lon + margin_lon),
    ).values_list("id", "latitude", "longitude", "radius_m", "categories")
    inside = [
        sid
        for sid, slat, slon, radius, categories in candidates
        if haversine_m(lat, lon, slat, slon) <= radius
        and (not categories or category in categories)
    ]
    if not inside:
        return []
    return list(base.filter(subscription_id__in=inside).values_list(*_TARGET_FIELDS))


# --- the daily summary ---------------------------------------------------------------------


def _digest_item(row: Notification, *, council_id, channel: str):
    def build():
        language = translation.get_language()
        context = templates.localise(dict(row.context), language)
        context["council_name"] = row.council.name if row.council else ""
        message = templates.render(
            council_id=council_id, event=row.event, channel=channel, context=context
        )
        return {"item": message.subject}

    return templates.in_every_language(build)["item"]


@transaction.atomic
def digests_send_due(*, actor=None, now: datetime | None = None) -> int:
    """Gather held messages whose summary time has come into one summary per person, channel
    and council. Safe to run twice: each summary has an idempotency key for its day."""
    from pocketcouncil.notify.tasks import kick

    now = now or timezone.now()
    held = list(
        Notification.objects.select_for_update(of=("self",))
        .filter(state=State.HELD, next_attempt_at__lte=now)
        .select_related("council")
        .order_by("recipient_id", "channel", "council_id", "created_at", "id")
    )
    groups: dict[tuple, list[Notification]] = {}
    for row in held:
        groups.setdefault((row.recipient_id, row.channel, row.council_id), []).append(row)
    made = 0
    for (user_id, channel, council_id), rows in groups.items():
        first = rows[0]
        items = []
        for row in rows:
            # Each line in every language: the summary is rendered in the recipient's.
            items.append(_digest_item(row, council_id=council_id, channel=channel))
        day = first.next_attempt_at.astimezone(LONDON).date().isoformat()
        digest, created = Notification.objects.get_or_create(
            idempotency_key=f"digest:{user_id}:{channel}:{council_id}:{day}",
            defaults={
                "council_id": council_id,
                "recipient_id": user_id,
                "channel": channel,
                "to": first.to,
                "push_subscription_id": first.push_subscription_id,
                "event": Event.DIGEST,
                "reason": _("Your daily summary"),
                "subscription_id": first.subscription_id,
                "context": {"items": items},
                "state": State.QUEUED,
                "next_attempt_at": now,
                "created_at": now,
            },
        )
        if not created and digest.state == State.QUEUED:
            digest.context = {"items": digest.context.get("items", []) + items}
            digest.save(update_fields=["context"])
        Notification.objects.filter(pk__in=[r.pk for r in rows]).update(
            state=State.DIGESTED, digest=digest, status_at=now
        )
        made += int(created)
    if groups:
        kick()
    return made


# --- subscriptions -------------------------------------------------------------------------


def _set_channels(subscription: Subscription, channels: dict[str, str]) -> None:
    for channel, frequency in channels.items():
        if channel not in Channel.values or frequency not in Frequency.values:
            raise NotifyInputError(_("Choose how you want to hear about this."))
    subscription.channels.exclude(channel__in=list(channels)).delete()
    for channel, frequency in channels.items():
        SubscriptionChannel.objects.update_or_create(
            subscription=subscription, channel=channel, defaults={"frequency": frequency}
        )


MAX_RADIUS_M = 5000


@transaction.atomic
def subscription_create(
    *,
    actor,
    user,
    council,
    subject_kind: str,
    subject_key: str,
    label: str = "",
    channels: dict[str, str] | None = None,
    point: tuple[float, float] | None = None,
    radius_m: int | None = None,
    categories: Iterable[str] = (),
    automatic: bool = False,
) -> Subscription:
    """Follow a case, an area or a topic. Following again updates the existing subscription.

    ``channels`` maps channel to frequency ("instant" or "digest"); by default the inbox and
    email, straight away. ``actor`` is the resident, or None when the platform does it (a
    resident automatically follows their own case and cases they said "me too" to).
    """
    if actor is not None and actor.pk != user.pk and not actor.is_superuser:
        raise NotifyInputError(_("You can only change your own subscriptions."))
    if subject_kind not in SubjectKind.values:
        raise NotifyInputError(_("Choose what to follow."))
    subject_key = str(subject_key).strip()
    if subject_kind == SubjectKind.TOPIC and subject_key not in Topic.values:
        raise NotifyInputError(_("Choose a topic from the list."))
    latitude = longitude = None
    if subject_kind != SubjectKind.AREA:
        # Only an area has a place and a distance; a forged form may send them for a case.
        radius_m = None
    else:
        if radius_m is not None:
            if point is None:
                raise NotifyInputError(_("Choose a place to measure the distance from."))
            if not 50 <= int(radius_m) <= MAX_RADIUS_M:
                raise NotifyInputError(_("Choose a distance between 50 metres and 5 kilometres."))
            latitude, longitude = float(point[0]), float(point[1])
            subject_key = subject_key or f"point:{latitude:.5f},{longitude:.5f}:{int(radius_m)}"
        elif not subject_key.startswith("ward:"):
            raise NotifyInputError(_("Choose a ward or a distance around a place."))
    if not subject_key:
        raise NotifyInputError(_("Choose what to follow."))
    subscription, created = Subscription.objects.get_or_create(
        user=user,
        council=council,
        subject_kind=subject_kind,
        subject_key=subject_key,
        defaults={
            "label": label[:200],
            "latitude": latitude,
            "longitude": longitude,
            "radius_m": None if radius_m is None else int(radius_m),
            "categories": sorted(set(categories)),
            "automatic": automatic,
        },
    )
    if not created:
        subscription.categories = sorted(set(categories)) or subscription.categories
        subscription.label = label[:200] or subscription.label
        subscription.save(update_fields=["categories", "label"])
    if channels is not None or created:
        _set_channels(subscription, channels or dict.fromkeys(DEFAULT_CHANNELS, Frequency.INSTANT))
    return subscription


def _own(actor, subscription: Subscription) -> None:
    if actor is None or actor.pk != subscription.user_id:
        raise Subscription.DoesNotExist


@transaction.atomic
def subscription_update_channels(
    *, actor, subscription: Subscription, channels: dict[str, str]
) -> Subscription:
    _own(actor, subscription)
    if not channels:
        raise NotifyInputError(_("Choose at least one way to hear, or stop following it."))
    _set_channels(subscription, channels)
    return subscription


@transaction.atomic
def subscription_delete(*, actor, subscription: Subscription) -> None:
    _own(actor, subscription)
    # Messages not yet sent for it are no longer wanted.
    Notification.objects.filter(
        subscription=subscription, state__in=[State.QUEUED, State.HELD]
    ).update(state=State.CANCELLED, status_at=timezone.now())
    subscription.delete()


class UnsubscribeTokenError(Exception):
    """The unsubscribe link was changed, cut short, or made up."""


@transaction.atomic
def unsubscribe_with_token(*, token: str) -> dict:
    """Stop the subscription behind a message on that message's channel (no sign-in needed).

    Returns a dict describing what stopped, for the confirmation page. Using a link twice is
    fine: the second time there is nothing left to stop.
    """
    try:
        value = tokens.read_unsubscribe_token(token)
    except signing.BadSignature:
        raise UnsubscribeTokenError from None
    notification = (
        Notification.objects.select_related("subscription", "council").filter(pk=value["n"]).first()
    )
    if notification is None or notification.subscription_id != value.get("s"):
        # The message was deleted, or the subscription was replaced: nothing left to stop.
        return {"stopped": False, "label": "", "channel": ""}
    subscription = notification.subscription
    channel = notification.channel
    subscription.channels.filter(channel=channel).delete()
    Notification.objects.filter(
        subscription=subscription, channel=channel, state__in=[State.QUEUED, State.HELD]
    ).update(state=State.CANCELLED, status_at=timezone.now())
    label = str(subscription)
    if not subscription.channels.exists():
        subscription.delete()
    return {"stopped": True, "label": label, "channel": str(Channel(channel).label)}


# --- preferences, push subscriptions, inbox ------------------------------------------------


@transaction.atomic
def preferences_update(
    *,
    actor,
    user,
    sms_number: str | None = None,
    quiet_hours: tuple[time, time] | None | bool = False,
    digest_hour: int | None = None,
) -> Preferences:
    """Change a person's delivery settings. ``quiet_hours=None`` turns quiet hours off.

    The accounts app calls this with ``actor=None`` once it has verified a mobile number.
    """
    if actor is not None and actor.pk != user.pk:
        raise NotifyInputError(_("You can only change your own settings."))
    prefs, _created = Preferences.objects.get_or_create(user=user)
    fields = []
    if sms_number is not None:
        prefs.sms_number = _normalise_phone(sms_number) if sms_number.strip() else ""
        fields.append("sms_number")
    if quiet_hours is not False:
        if quiet_hours is None:
            prefs.quiet_hours_start = prefs.quiet_hours_end = None
        else:
            start, end = quiet_hours
            if start == end:
                raise NotifyInputError(_("Quiet hours must start and end at different times."))
            prefs.quiet_hours_start, prefs.quiet_hours_end = start, end
        fields += ["quiet_hours_start", "quiet_hours_end"]
    if digest_hour is not None:
        if not 0 <= int(digest_hour) <= 23:
            raise NotifyInputError(_("Choose an hour from 0 to 23."))
        prefs.digest_hour = int(digest_hour)
        fields.append("digest_hour")
    if fields:
        prefs.save(update_fields=fields)
    return prefs


@transaction.atomic
def push_subscription_save(
    *, actor, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> PushSubscription:
    """Remember a browser's push subscription for the signed-in person."""
    if actor is None or not actor.is_authenticated:
        raise NotifyInputError(_("Sign in to turn on notifications."))
    url = urlparse(endpoint)
    if url.scheme != "https" or not url.hostname or not conf.push_host_allowed(url.hostname):
        raise NotifyInputError(_("That is not a push service address."))
    if not p256dh or not auth or len(p256dh) > 200 or len(auth) > 100:
        raise NotifyInputError(_("The browser sent an incomplete subscription."))
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint[:1000],
        defaults={"user": actor, "p256dh": p256dh, "auth": auth, "user_agent": user_agent[:300]},
    )
    return subscription


@transaction.atomic
def push_subscription_delete(*, actor, endpoint: str) -> int:
    deleted, _rows = PushSubscription.objects.filter(user=actor, endpoint=endpoint).delete()
    return deleted


@transaction.atomic
def inbox_mark_read(*, actor, notification_id: int | None = None) -> int:
    """Mark one inbox message (or, with no id, all of them) as read."""
    rows = Notification.objects.filter(recipient=actor, channel=Channel.INBOX, read_at=None)
    if notification_id is not None:
        rows = rows.filter(pk=notification_id)
    return rows.update(read_at=timezone.now())


# --- delivery status callbacks from GOV.UK Notify ------------------------------------------

NOTIFY_STATUS = {
    "delivered": State.DELIVERED,
    "permanent-failure": State.FAILED,
    "temporary-failure": State.FAILED,
    "technical-failure": State.FAILED,
}


@transaction.atomic
def delivery_status_record(*, provider_id: str, reference: str, status: str) -> bool:
    """Record Notify's final word on a message. Returns False if we do not know the message."""
    rows = Notification.objects.filter(provider_id=provider_id) if provider_id else None
    if (rows is None or not rows.exists()) and reference.startswith("pc-"):
        try:
            rows = Notification.objects.filter(pk=int(reference[3:]))
        except ValueError:
            rows = None
    if rows is None:
        return False
    new_state = NOTIFY_STATUS.get(status)
    values = {"status_at": timezone.now()}
    if new_state is not None:
        values["state"] = new_state
    if new_state == State.FAILED:
        values["last_error"] = _("GOV.UK Notify reported: %(status)s") % {"status": status}
    return rows.filter(state__in=[State.SENT, State.DELIVERED, State.FAILED]).update(**values) > 0


# --- templates -----------------------------------------------------------------------------


@transaction.atomic
def message_template_save(
    *, actor, council, event: str, channel: str, subject: str, body: str
) -> MessageTemplate:
    """Save a council's own wording. Template mistakes are refused with the reason."""
    from django.template import TemplateSyntaxError

    if event not in Event.values or event == Event.DIRECT or channel not in Channel.values:
        raise NotifyInputError(_("Choose an event and a channel."))
    if not body.strip():
        raise NotifyInputError(_("Enter the message."))
    for source in (subject, body):
        try:
            templates.check(source)
        except TemplateSyntaxError as error:
            raise NotifyInputError(
                _("The message has a mistake in a {{ }} or {%% %%} part: %(error)s")
                % {"error": error}
            ) from None
    template, _created = MessageTemplate.objects.update_or_create(
        council=council,
        event=event,
        channel=channel,
        defaults={"subject": subject.strip(), "body": body.strip(), "updated_by": actor},
    )
    return template


@transaction.atomic
def message_template_reset(*, actor, council, event: str, channel: str) -> bool:
    """Go back to the standard wording. True if the council had its own."""
    deleted, _by_model = MessageTemplate.objects.filter(
        council=council, event=event, channel=channel
    ).delete()
    return bool(deleted)
