"""Delivering the outbox: claim due rows, send them, record the outcome.

The protocol, so that any number of workers can run and a killed worker loses nothing:

1. **Claim** (one short transaction): pick up to ``batch_size`` due rows with
   ``SELECT ... FOR UPDATE SKIP LOCKED`` (PostgreSQL; on SQLite the IMMEDIATE transaction takes
   the database write lock instead, so run one worker there), set them to ``sending`` with a
   lease (``lease_until``) and count the attempt. A safety task is enqueued in the same
   transaction to run when the lease ends, so if this worker dies the rows are picked up again.
2. **Send** each row through its channel, outside any transaction (a slow provider holds no
   locks). A row whose earlier lease ran out is "in doubt": the worker first asks the provider
   whether it already has our reference (GOV.UK Notify can say; see ``channels.py``).
3. **Record** the outcome: ``sent`` with the provider's id, a retry with exponential backoff and
   jitter, or ``failed`` after ``NOTIFY_MAX_ATTEMPTS`` or a permanent error, with the error kept
   for staff. Outcomes are written only if this worker still holds the lease.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from pocketcouncil.notify import conf, templates
from pocketcouncil.notify.channels import PermanentDeliveryError, backend_for
from pocketcouncil.notify.models import Event, Notification, State

logger = logging.getLogger("pocketcouncil.notify")


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    recovered: int = 0
    next_retry_at: datetime | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed


def backoff(attempts: int) -> timedelta:
    """Exponential backoff with jitter: about base x 2^(attempts-1), capped at six hours."""
    base = conf.retry_base_seconds() * (2 ** max(attempts - 1, 0))
    seconds = min(base, 6 * 60 * 60) * random.uniform(0.5, 1.5)  # noqa: S311 (not security)
    return timedelta(seconds=seconds)


def _due(now: datetime):
    return Notification.objects.filter(
        Q(state=State.QUEUED, next_attempt_at__lte=now)
        | Q(state=State.SENDING, lease_until__lte=now)
    )


def claim(*, batch_size: int, now: datetime | None = None) -> tuple[str, list[Notification]]:
    """Lease up to ``batch_size`` due rows to this worker. Returns (lease token, rows)."""
    from pocketcouncil.notify.tasks import schedule_recheck

    now = now or timezone.now()
    lease_until = now + timedelta(seconds=conf.lease_seconds())
    token = uuid.uuid4().hex
    with transaction.atomic():
        due = _due(now).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        rows = list(due.select_related("council", "push_subscription", "recipient")[:batch_size])
        if not rows:
            return token, []
        Notification.objects.filter(pk__in=[r.pk for r in rows]).update(
            state=State.SENDING,
            lease_until=lease_until,
            lease_token=token,
            attempts=F("attempts") + 1,
        )
        # If this worker dies, a task then picks the rows up again once the lease has run out.
        schedule_recheck(lease_until)
    for row in rows:
        row.in_doubt = row.state == State.SENDING
        row.state = State.SENDING
        row.attempts += 1
        row.lease_token = token
    return token, rows


def render(notification: Notification) -> templates.RenderedMessage:
    if notification.event == Event.DIRECT:
        return templates.RenderedMessage(
            subject=notification.subject,
            text=notification.body,
            html=templates._html_from_text(notification.body),
        )
    from pocketcouncil.notify.tokens import unsubscribe_url

    context = dict(notification.context)
    if notification.council_id:
        context.setdefault("council_name", notification.council.name)
    if notification.recipient_id:
        context.setdefault("recipient_name", notification.recipient.get_short_name())
    context["unsubscribe_url"] = unsubscribe_url(notification)
    message = templates.render(
        council_id=notification.council_id,
        event=notification.event,
        channel=notification.channel,
        context=context,
    )
    if context["unsubscribe_url"] and notification.channel == "email":
        footer = f"\n\n--\nTo stop these messages: {context['unsubscribe_url']}"
        message = templates.RenderedMessage(
            subject=message.subject,
            text=message.text + footer,
            html=message.html + templates._html_from_text(footer),
        )
    return message


def _finish(token: str, outcomes: list[tuple[Notification, dict]]) -> None:
    """Write outcomes for rows this worker still holds (a row re-leased elsewhere is skipped)."""
    for notification, values in outcomes:
        Notification.objects.filter(
            pk=notification.pk, state=State.SENDING, lease_token=token
        ).update(lease_until=None, **values)


def deliver_one(notification: Notification, report: DeliveryReport) -> dict:
    now = timezone.now()
    try:
        backend = backend_for(notification.channel)
        if getattr(notification, "in_doubt", False):
            previous = backend.find_previous(notification)
            if previous:
                report.recovered += 1
                report.sent += 1
                return {"state": State.SENT, "provider_id": previous, "sent_at": now}
        message = render(notification)
        if notification.event != Event.DIRECT:
            # Keep what was said, for the delivery log and the inbox.
            notification.subject, notification.body = message.subject, message.text
        provider_id = backend.send(notification, message)
    except PermanentDeliveryError as error:
        report.failed += 1
        report.errors.append(str(error))
        return {"state": State.FAILED, "last_error": str(error)[:2000], "status_at": now}
    except Exception as error:  # noqa: BLE001 - anything else is worth another try
        message = f"{type(error).__name__}: {error}"[:2000]
        report.errors.append(message)
        if notification.attempts >= conf.max_attempts():
            report.failed += 1
            logger.error("Giving up on notification %s: %s", notification.pk, message)
            return {"state": State.FAILED, "last_error": message, "status_at": now}
        retry_at = now + backoff(notification.attempts)
        report.retried += 1
        if report.next_retry_at is None or retry_at < report.next_retry_at:
            report.next_retry_at = retry_at
        return {"state": State.QUEUED, "last_error": message, "next_attempt_at": retry_at}
    report.sent += 1
    return {
        "state": State.SENT,
        "provider_id": (provider_id or "")[:100],
        "sent_at": now,
        "subject": notification.subject[:300],
        "body": notification.body,
        "last_error": "",
    }


def deliver_batch(*, batch_size: int | None = None) -> DeliveryReport:
    report = DeliveryReport()
    token, rows = claim(batch_size=batch_size or conf.batch_size())
    outcomes = []
    for notification in rows:
        outcomes.append((notification, deliver_one(notification, report)))
    _finish(token, outcomes)
    return report


def deliver_due(
    *, time_limit: float | None = None, batch_size: int | None = None
) -> DeliveryReport:
    """Deliver batches until nothing is due (or ``time_limit`` seconds have passed)."""
    total = DeliveryReport()
    started = time.monotonic()
    while True:
        report = deliver_batch(batch_size=batch_size)
        total.sent += report.sent
        total.retried += report.retried
        total.failed += report.failed
        total.recovered += report.recovered
        total.errors.extend(report.errors[:10])
        if report.next_retry_at and (
            total.next_retry_at is None or report.next_retry_at < total.next_retry_at
        ):
            total.next_retry_at = report.next_retry_at
        if report.handled == 0:
            return total
        if time_limit is not None and time.monotonic() - started > time_limit:
            return total


def has_due(now: datetime | None = None) -> bool:
    return _due(now or timezone.now()).exists()
