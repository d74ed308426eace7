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

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.urls import translate_url
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pocketcouncil.notify import conf, templates
from pocketcouncil.notify.channels import PermanentDeliveryError, backend_for
from pocketcouncil.notify.models import Channel, Event, Notification, State

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
    # A claimed row's next_attempt_at is its lease end, so one indexed range finds both rows
    # waiting to go and rows a dead worker was holding.
    return Notification.objects.filter(
        state__in=[State.QUEUED, State.SENDING], next_attempt_at__lte=now
    )


def claim(*, batch_size: int, now: datetime | None = None) -> tuple[str, list[Notification]]:
    """Lease up to ``batch_size`` due rows to this worker. Returns (lease token, rows)."""
    from pocketcouncil.notify.tasks import schedule_recheck

    now = now or timezone.now()
    lease_until = now + timedelta(seconds=conf.lease_seconds())
    token = uuid.uuid4().hex
    with transaction.atomic():
        # Lock ids only: a plain ordered range on the partial index, whatever the statistics.
        due = _due(now).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        claimed = dict(due.values_list("id", "state")[:batch_size])
        if not claimed:
            return token, []
        Notification.objects.filter(pk__in=list(claimed)).update(
            state=State.SENDING,
            lease_until=lease_until,
            next_attempt_at=lease_until,
            lease_token=token,
            attempts=F("attempts") + 1,
        )
        # If this worker dies, a task then picks the rows up again once the lease has run out.
        schedule_recheck(lease_until)
    # The rows are ours until the lease ends: read them without holding locks.
    rows = list(
        Notification.objects.filter(pk__in=list(claimed), lease_token=token)
        .select_related("council", "push_subscription", "recipient")
        .order_by("next_attempt_at", "id")
    )
    for row in rows:
        row.in_doubt = claimed[row.pk] == State.SENDING
    return token, rows


def recipient_language(notification: Notification) -> str:
    """The language the recipient chose on their account, or "" when they have not chosen."""
    if notification.recipient_id is None:
        return ""
    return getattr(notification.recipient, "preferred_language", "") or ""


def render(notification: Notification, sources: dict | None = None) -> templates.RenderedMessage:
    """The message in the recipient's language. For a council under the Welsh Language
    Standards, a recipient who has not chosen Welsh gets Welsh and English together, in the
    council's layout (``pocketcouncil.languages``); one who chose Welsh gets Welsh only."""
    if notification.event == Event.DIRECT:
        return templates.RenderedMessage(subject=notification.subject, text=notification.body)
    from pocketcouncil.languages.queries import bilingual_layout_for

    # A batch usually holds one event for one council: look its wording up once.
    sources = {} if sources is None else sources
    layout_key = ("layout", notification.council_id)
    if layout_key not in sources:
        sources[layout_key] = bilingual_layout_for(council_id=notification.council_id)
    layout = sources[layout_key]
    language = recipient_language(notification) or settings.LANGUAGE_CODE
    if layout is None or language == WELSH:
        return _render_in(notification, language, sources)
    welsh = _render_in(notification, WELSH, sources)
    english = _render_in(notification, settings.LANGUAGE_CODE, sources)
    subject = f"{welsh.subject} / {english.subject}" if welsh.subject else english.subject
    text = f"{welsh.text}\n\n----------\n\n{english.text}"
    html = templates.side_by_side_html(welsh, english) if layout == "side_by_side" else ""
    return templates.RenderedMessage(subject=subject, text=text, html_override=html)


WELSH = "cy"


def _localised_url(url, language: str):
    """A link to our own site, in ``language`` (``/cy/...`` for Welsh)."""
    site = settings.POCKETCOUNCIL_SITE_URL
    if not isinstance(url, str) or not url.startswith(site + "/"):
        return url
    path = url[len(site) :]
    current = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    with translation.override(current):
        return site + translate_url(path, language)


def _render_in(
    notification: Notification, language: str, sources: dict
) -> templates.RenderedMessage:
    from pocketcouncil.notify.tokens import unsubscribe_url

    with translation.override(language):
        context = templates.localise(dict(notification.context), language)
        if "url" in context:
            context["url"] = _localised_url(context["url"], language)
        if notification.council_id:
            context.setdefault("council_name", notification.council.name)
        if notification.recipient_id:
            context.setdefault("recipient_name", notification.recipient.get_short_name())
        link = unsubscribe_url(notification) if notification.channel == Channel.EMAIL else None
        if link:
            link = _localised_url(link, language)
        # Other channels make the link only if their wording uses it (templates call callables).
        context["unsubscribe_url"] = (
            link if link is not None else lambda: unsubscribe_url(notification)
        )
        key = (notification.council_id, notification.event, notification.channel, language)
        if key not in sources:
            sources[key] = templates.source_for(
                council_id=notification.council_id,
                event=notification.event,
                channel=notification.channel,
            )
        message = templates.render_sources(*sources[key], context=context, event=notification.event)
        if link:
            footer = "\n\n--\n" + _("To stop these messages: %(link)s") % {"link": link}
            message = templates.RenderedMessage(subject=message.subject, text=message.text + footer)
    return message


OUTCOME_FIELDS = [
    "state",
    "provider_id",
    "sent_at",
    "subject",
    "body",
    "last_error",
    "next_attempt_at",
    "status_at",
]
OUTCOME_TYPES = {
    "state": "varchar",
    "provider_id": "varchar",
    "sent_at": "timestamptz",
    "subject": "varchar",
    "body": "text",
    "last_error": "text",
    "next_attempt_at": "timestamptz",
    "status_at": "timestamptz",
}


def _finish(token: str, outcomes: list[tuple[Notification, dict]]) -> None:
    """Write a batch's outcomes in one statement and one commit (a commit per message would
    cost a disk flush each).

    Only rows this worker still holds are written: a row whose lease ran out and was claimed
    again elsewhere is left to its new holder.
    """
    if not outcomes:
        return
    for notification, values in outcomes:
        for name, value in values.items():
            setattr(notification, name, value)
    table = Notification._meta.db_table
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            casts = ["bigint", *(OUTCOME_TYPES[name] for name in OUTCOME_FIELDS)]
            row = "(" + ", ".join(f"%s::{cast}" for cast in casts) + ")"
            names = ", ".join(["id", *OUTCOME_FIELDS])
            assignments = ", ".join(f"{quote(n)} = v.{quote(n)}" for n in OUTCOME_FIELDS)
            params = []
            for notification, _values in outcomes:
                params += [notification.pk, *(getattr(notification, n) for n in OUTCOME_FIELDS)]
            cursor.execute(
                f"UPDATE {table} AS n SET {assignments}, lease_until = NULL "  # noqa: S608
                f"FROM (VALUES {', '.join([row] * len(outcomes))}) AS v({names}) "
                "WHERE n.id = v.id AND n.state = %s AND n.lease_token = %s",
                [*params, State.SENDING, token],
            )
            return
        assignments = ", ".join(f"{quote(name)} = %s" for name in OUTCOME_FIELDS)
        cursor.executemany(
            f"UPDATE {table} SET {assignments}, lease_until = NULL "  # noqa: S608
            "WHERE id = %s AND state = %s AND lease_token = %s",
            [
                [*(getattr(n, name) for name in OUTCOME_FIELDS), n.pk, State.SENDING, token]
                for n, _values in outcomes
            ],
        )


def deliver_one(
    notification: Notification, report: DeliveryReport, sources: dict | None = None
) -> dict:
    now = timezone.now()
    try:
        backend = backend_for(notification.channel)
        if getattr(notification, "in_doubt", False):
            previous = backend.find_previous(notification)
            if previous:
                report.recovered += 1
                report.sent += 1
                return {"state": State.SENT, "provider_id": previous, "sent_at": now}
        message = render(notification, sources)
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
    sources: dict = {}
    for notification in rows:
        outcomes.append((notification, deliver_one(notification, report, sources)))
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
