"""Signed webhooks: the outbox, signing and delivery with retries and backoff.

Each request carries:

    X-PocketCouncil-Event: status_changed
    X-PocketCouncil-Delivery: 1234            (the same on every retry and replay: dedupe on it)
    X-PocketCouncil-Timestamp: 1763717400     (Unix seconds when this try was sent)
    X-PocketCouncil-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>" with the secret>

A receiver recomputes the HMAC over the timestamp, a full stop and the raw body, compares in
constant time, and refuses timestamps more than five minutes old (replayed captures).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from pocketcouncil.open311 import urlguard
from pocketcouncil.open311.models import (
    DeliveryState,
    Webhook,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
)

MAX_ATTEMPTS = 8
LEASE = timedelta(seconds=60)
TIMEOUT_SECONDS = 10
BATCH = 20


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + digest.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, tolerance=300) -> bool:
    """What a receiver does (also used by our tests)."""
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, int(timestamp), body), signature)


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min ... at most 6 hours between tries."""
    return min(timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), timedelta(hours=6))


# --- the outbox (called inside the case action's transaction) ----------------------------------

_KINDS = {
    "created": WebhookEvent.CASE_CREATED,
    "status_changed": WebhookEvent.STATUS_CHANGED,
    "public_update": WebhookEvent.UPDATE_ADDED,
}


def payload_for(event) -> dict:
    case = event.case
    return {
        "event": _KINDS[event.kind],
        "council": case.council.slug,
        "service_request_id": case.reference,
        "service_code": str(case.service.lgsl),
        "status": case.status,
        "from_status": event.from_status or None,
        "to_status": event.to_status or None,
        "note": event.note if event.is_public else "",
        "occurred_at": event.created_at.isoformat(),
        "case_event_id": event.pk,
    }


def on_case_event(event) -> None:
    """``cases.actions.EVENT_HOOKS`` member: write one delivery per subscribed webhook."""
    kind = _KINDS.get(event.kind)
    if kind is None or not event.is_public:
        return
    hooks = [
        hook
        for hook in Webhook.objects.filter(council_id=event.council_id, disabled_at__isnull=True)
        if kind in hook.events
    ]
    if not hooks:
        return
    payload = payload_for(event)
    for hook in hooks:
        try:
            with transaction.atomic():
                WebhookDelivery.objects.create(
                    council_id=event.council_id,
                    webhook=hook,
                    event=kind,
                    event_key=f"case-event-{event.pk}",
                    payload=payload,
                )
        except IntegrityError:
            pass  # already in the outbox
    from pocketcouncil.open311 import tasks

    tasks.kick()


# --- delivery ----------------------------------------------------------------------------------


@dataclass
class Report:
    delivered: int = 0
    retried: int = 0
    failed: int = 0


def _claim(now) -> list[WebhookDelivery]:
    with transaction.atomic():
        due = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(
                state=DeliveryState.PENDING,
                next_attempt_at__lte=now,
                webhook__disabled_at__isnull=True,  # held while the webhook is switched off
            )
            .exclude(lease_until__gt=now)
            .order_by("next_attempt_at", "pk")[:BATCH]
        )
        WebhookDelivery.objects.filter(pk__in=[d.pk for d in due]).update(lease_until=now + LEASE)
    return due


def _post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    try:
        urlguard.check(delivery.webhook.url)  # again now: a name can resolve elsewhere later
    except urlguard.UnsafeUrlError as problem:
        return None, str(problem)[:500]
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = int(time.time())
    request = urllib.request.Request(  # noqa: S310 (http(s) only: URLField)
        delivery.webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "PocketCouncil-Webhooks/1",
            "X-PocketCouncil-Event": delivery.event,
            "X-PocketCouncil-Delivery": str(delivery.pk),
            "X-PocketCouncil-Timestamp": str(timestamp),
            "X-PocketCouncil-Signature": sign(delivery.webhook.secret, timestamp, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status, ""
    except urllib.error.HTTPError as problem:
        return problem.code, f"HTTP {problem.code}"
    except (urllib.error.URLError, OSError, ValueError) as problem:
        return None, str(getattr(problem, "reason", problem))[:500]


def deliver_one(delivery: WebhookDelivery) -> str:
    started = time.monotonic()
    code, error = _post(delivery)
    now = timezone.now()
    ok = code is not None and 200 <= code < 300
    with transaction.atomic():
        WebhookAttempt.objects.create(
            council_id=delivery.council_id,
            delivery=delivery,
            status_code=code,
            error=error,
            duration_ms=int((time.monotonic() - started) * 1000),
        )
        attempts = delivery.attempts + 1
        fields = {"attempts": attempts, "last_status_code": code, "last_error": error}
        if ok:
            fields.update(state=DeliveryState.DELIVERED, delivered_at=now, lease_until=None)
            outcome = "delivered"
        elif attempts >= MAX_ATTEMPTS:
            fields.update(state=DeliveryState.FAILED, lease_until=None)
            outcome = "failed"
        else:
            fields.update(next_attempt_at=now + backoff(attempts), lease_until=None)
            outcome = "retried"
        WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    return outcome


def deliver_due(*, time_limit: float = 60) -> Report:
    report = Report()
    deadline = time.monotonic() + time_limit
    while time.monotonic() < deadline:
        batch = _claim(timezone.now())
        if not batch:
            break
        for delivery in batch:
            outcome = deliver_one(delivery)
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def next_due_at():
    row = (
        WebhookDelivery.objects.filter(
            state=DeliveryState.PENDING, webhook__disabled_at__isnull=True
        )
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    return row
