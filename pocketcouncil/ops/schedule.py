"""The periodic jobs, and the one scheduler that queues them (``manage.py scheduler``).

Each job has an interval; time is cut into slots of that length, counted from the Unix epoch,
and each slot's run is queued once: the scheduler claims ``(job, slot)`` in the shared cache
with an atomic ``add`` before queueing, so a second scheduler, a restarted one or one that
missed its lease queues nothing twice. Only the leader (``locks.leader_lock``) even tries.

Jobs marked ``chained`` queue their own next run on the database backend
(``pocketcouncil.core.tasking``); there the scheduler leaves them to it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.core.cache import cache

from pocketcouncil.core.tasking import self_scheduling

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    task_path: str
    interval: timedelta
    chained: bool = False  # queues its own next run on the database backend
    description: str = ""

    def task(self):
        module, name = self.task_path.rsplit(".", 1)
        return getattr(import_module(module), name)


def jobs() -> list[Job]:
    from pocketcouncil.open311 import conf as open311_conf

    # The app's own reading of the setting (a Django setting or the environment variable).
    open311_minutes = open311_conf.outbound_fetch_minutes()
    indicators_minutes = getattr(settings, "TRANSPARENCY_INDICATORS_INTERVAL_MINUTES", 60)
    return [
        Job(
            "notify-deliver",
            "pocketcouncil.notify.tasks.notification_deliver_task",
            timedelta(minutes=1),
            description="Send what is due and rescue messages a dead worker was holding.",
        ),
        Job(
            "notify-digests",
            "pocketcouncil.notify.tasks.notification_digest_task",
            timedelta(minutes=15),
            description="Send daily summaries whose time has come.",
        ),
        Job(
            "news-send-due",
            "pocketcouncil.news.tasks.news_send_due_task",
            timedelta(minutes=15),
            chained=True,
            description="Announcements that have started and bin-day reminders.",
        ),
        Job(
            "open311-poll",
            "pocketcouncil.open311.tasks.outbound_poll_task",
            timedelta(minutes=open311_minutes),
            chained=True,
            description="Send cases left due to back offices and fetch their updates.",
        ),
        Job(
            "transparency-indicators",
            "pocketcouncil.transparency.tasks.indicators_refresh_task",
            timedelta(minutes=indicators_minutes),
            chained=True,
            description="Recompute the published performance figures.",
        ),
        Job(
            "payments-reconcile",
            "pocketcouncil.payments.tasks.payments_reconcile_task",
            timedelta(minutes=5),
            description="Settle payments left open with GOV.UK Pay.",
        ),
        Job(
            "accounts-clean-up",
            "pocketcouncil.ops.tasks.accounts_clean_up_task",
            timedelta(days=1),
            description="Retention: delete expired text-message codes.",
        ),
        Job(
            "directory-remind-stale",
            "pocketcouncil.ops.tasks.directory_remind_stale_task",
            timedelta(days=1),
            description="Remind organisations to check listings older than six months.",
        ),
    ]


def slot_of(job: Job, now: datetime) -> int:
    return int(now.timestamp() // job.interval.total_seconds())


def claim_slot(job: Job, slot: int) -> bool:
    """True for exactly one caller per job and slot across the cluster (atomic cache add)."""
    # Kept two intervals, so a late scheduler still sees the claim; at least an hour.
    timeout = max(3600, int(job.interval.total_seconds() * 2))
    return cache.add(f"ops:schedule:{job.name}:{slot}", datetime.now(UTC).isoformat(), timeout)


def due_jobs() -> list[Job]:
    chains = self_scheduling()
    return [job for job in jobs() if not (job.chained and chains)]


# The slot this process last claimed for each job. The cache's claims are what keep two
# schedulers apart; this keeps one scheduler from queueing a slot again when the cache has
# forgotten its claims (Redis restarted empty in the middle of a slot).
_claimed: dict[str, int] = {}


def tick(now: datetime | None = None) -> list[str]:
    """Queue every job whose current slot has not been queued yet; return their names."""
    now = now or datetime.now(UTC)
    queued = []
    for job in due_jobs():
        slot = slot_of(job, now)
        if _claimed.get(job.name) == slot or not claim_slot(job, slot):
            continue
        _claimed[job.name] = slot
        try:
            job.task().enqueue()
        except Exception:
            # The claim stays: the next slot tries again. Every job is a sweep, so a missed
            # slot delays work by one interval and loses nothing.
            logger.exception("Scheduler could not queue %s", job.name)
            continue
        logger.info("Scheduler queued %s", job.name, extra={"job": job.name})
        queued.append(job.name)
    return queued
