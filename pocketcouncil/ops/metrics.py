"""Prometheus metrics about the whole deployment, read at scrape time.

``django-prometheus`` counts each web process's requests, responses and database queries. The
figures here are about the cluster rather than one process (how long the task queue is, how
late messages go out, how many back-office sends failed, payments by state), so they are read
from the database and Redis when Prometheus scrapes, and every web process gives the same
answer. They are cached for ``METRICS_CACHE_SECONDS`` (15 s) in the process so a scrape every
few seconds costs the database a handful of indexed counts at most.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count, F
from django.utils import timezone
from prometheus_client.core import REGISTRY, GaugeMetricFamily

logger = logging.getLogger(__name__)

LATENCY_WINDOW = timedelta(hours=1)
LATENCY_SAMPLE = 5000  # newest sent messages in the window, enough for a stable p95


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    index = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return values[index]


def queue_depth() -> list[tuple[dict, float]]:
    """(labels, value) for tasks waiting, by backend and state."""
    backend = settings.TASKS["default"]["BACKEND"]
    rows = []
    if backend.endswith("RQBackend"):
        import django_rq
        from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

        for name in settings.RQ_QUEUES:
            queue = django_rq.get_queue(name)
            rows.append(({"backend": "rq", "queue": name, "state": "ready"}, queue.count))
            for state, registry in (
                ("scheduled", ScheduledJobRegistry),
                ("running", StartedJobRegistry),
                ("failed", FailedJobRegistry),
            ):
                rows.append(
                    ({"backend": "rq", "queue": name, "state": state}, registry(queue=queue).count)
                )
    elif backend == "django_tasks_db.DatabaseBackend":
        from django.db.models import Q
        from django_tasks_db.models import DBTaskResult

        now = timezone.now()
        ready = DBTaskResult.objects.filter(status="READY")
        due = ready.filter(Q(run_after__isnull=True) | Q(run_after__lte=now)).count()
        total = ready.count()
        running = DBTaskResult.objects.filter(status="RUNNING").count()
        rows += [
            ({"backend": "database", "queue": "all", "state": "ready"}, due),
            ({"backend": "database", "queue": "all", "state": "scheduled"}, total - due),
            ({"backend": "database", "queue": "all", "state": "running"}, running),
        ]
    return rows


def notification_latency() -> dict[str, float]:
    """Seconds from queueing to sending, for messages sent in the last hour (not summaries)."""
    from pocketcouncil.notify.models import Notification

    since = timezone.now() - LATENCY_WINDOW
    delays = [
        delay.total_seconds()
        for delay in Notification.objects.filter(sent_at__gte=since)
        .order_by("-sent_at")
        .annotate(delay=F("sent_at") - F("created_at"))
        .values_list("delay", flat=True)[:LATENCY_SAMPLE]
        if delay is not None
    ]
    return {
        "0.5": _quantile(delays, 0.5),
        "0.95": _quantile(delays, 0.95),
        "1": max(delays, default=0.0),
        "count": float(len(delays)),
    }


def counts_by(model, field: str, **filters) -> dict[str, int]:
    return {
        row[field]: row["n"]
        for row in model.objects.filter(**filters).values(field).annotate(n=Count("pk"))
    }


class ClusterCollector:
    """Collects the cluster-wide gauges; registered once per process (``OpsConfig.ready``)."""

    def __init__(self, cache_seconds: float = 15.0):
        self.cache_seconds = cache_seconds
        self._lock = threading.Lock()
        self._cached: tuple[float, list] | None = None

    def describe(self):
        return []  # the metrics are read lazily; no database access at registration

    def collect(self):
        with self._lock:
            if self._cached and time.monotonic() - self._cached[0] < self.cache_seconds:
                return list(self._cached[1])
            try:
                families = self._read()
            except (DatabaseError, OSError, Exception) as error:  # noqa: BLE001
                # A scrape must not fail because one source is down; /readyz says which.
                logger.warning("Metrics could not be read: %s", error)
                up = GaugeMetricFamily(
                    "pocketcouncil_metrics_up", "Whether the cluster metrics could be read."
                )
                up.add_metric([], 0)
                return [up]
            self._cached = (time.monotonic(), families)
            return list(families)

    def _read(self) -> list:
        from pocketcouncil.notify.models import Notification, State
        from pocketcouncil.open311.models import OutboundSend, OutboundUpdateSend, WebhookDelivery
        from pocketcouncil.payments.models import Payment

        families = []
        depth = GaugeMetricFamily(
            "pocketcouncil_task_queue_depth",
            "Background tasks by state: ready (due now), scheduled (later), running, failed.",
            labels=["backend", "queue", "state"],
        )
        for labels, value in queue_depth():
            depth.add_metric([labels["backend"], labels["queue"], labels["state"]], value)
        families.append(depth)

        pending = GaugeMetricFamily(
            "pocketcouncil_notifications_pending",
            "Messages not yet sent, by channel and state (queued, sending, held for a summary).",
            labels=["channel", "state"],
        )
        for row in (
            Notification.objects.filter(state__in=[State.QUEUED, State.SENDING, State.HELD])
            .values("channel", "state")
            .annotate(n=Count("pk"))
        ):
            pending.add_metric([row["channel"], row["state"]], row["n"])
        families.append(pending)

        latency = notification_latency()
        delay = GaugeMetricFamily(
            "pocketcouncil_notification_delivery_latency_seconds",
            "Seconds from queueing a message to handing it to its provider, over the last hour.",
            labels=["quantile"],
        )
        for q in ("0.5", "0.95", "1"):
            delay.add_metric([q], latency[q])
        families.append(delay)
        sent = GaugeMetricFamily(
            "pocketcouncil_notifications_sent_last_hour", "Messages sent in the last hour."
        )
        sent.add_metric([], latency["count"])
        families.append(sent)
        failed = GaugeMetricFamily(
            "pocketcouncil_notifications_failed_last_day", "Messages that failed in the last day."
        )
        failed.add_metric(
            [],
            Notification.objects.filter(
                state=State.FAILED, created_at__gte=timezone.now() - timedelta(days=1)
            ).count(),
        )
        families.append(failed)

        sends = GaugeMetricFamily(
            "pocketcouncil_open311_sends",
            "Sends to back offices by kind (case, update, webhook) and state; "
            "'failed' means given up after every retry.",
            labels=["kind", "state"],
        )
        for kind, model in (
            ("case", OutboundSend),
            ("update", OutboundUpdateSend),
            ("webhook", WebhookDelivery),
        ):
            for state, n in counts_by(model, "state").items():
                sends.add_metric([kind, state], n)
        families.append(sends)
        retrying = GaugeMetricFamily(
            "pocketcouncil_open311_send_failures",
            "Case sends to back offices still waiting after at least one failed attempt.",
        )
        retrying.add_metric(
            [], OutboundSend.objects.filter(state="pending", attempts__gt=0).count()
        )
        families.append(retrying)

        payments = GaugeMetricFamily(
            "pocketcouncil_payments", "Payments by GOV.UK Pay state.", labels=["status"]
        )
        for status, n in counts_by(Payment, "status").items():
            payments.add_metric([status], n)
        families.append(payments)

        up = GaugeMetricFamily(
            "pocketcouncil_metrics_up", "Whether the cluster metrics could be read."
        )
        up.add_metric([], 1)
        families.append(up)
        return families


_collector: ClusterCollector | None = None


def register() -> ClusterCollector:
    global _collector
    if _collector is None:
        _collector = ClusterCollector(getattr(settings, "METRICS_CACHE_SECONDS", 15.0))
        REGISTRY.register(_collector)
    return _collector
