"""Background tasks (Django's Tasks API, run by ``manage.py db_worker``).

Tasks carry no message data: the outbox rows are the truth, and a task only says "look at the
outbox". So enqueuing a task twice, or a task that dies half-way, never sends anything twice.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from pocketcouncil.core.tasking import self_scheduling
from pocketcouncil.notify import conf, delivery

# How long one task keeps delivering before handing over to a fresh task, so a long fan-out
# does not pin one task result row (and other queued tasks still get a turn).
TIME_LIMIT_SECONDS = 60


@task(queue_name="default")
def notification_deliver_task() -> dict:
    report = delivery.deliver_due(time_limit=TIME_LIMIT_SECONDS)
    if delivery.has_due():
        kick()
    if report.next_retry_at:
        kick(at=max(report.next_retry_at, timezone.now() + timedelta(seconds=1)))
    return {
        "sent": report.sent,
        "retried": report.retried,
        "failed": report.failed,
        "recovered": report.recovered,
    }


@task(queue_name="default")
def notification_digest_task() -> dict:
    from pocketcouncil.notify import actions

    made = actions.digests_send_due(actor=None)
    return {"digests": made}


def _can_defer(task_) -> bool:
    return task_.get_backend().supports_defer


def kick(*, at: datetime | None = None) -> None:
    """Ask a worker to look at the outbox (now, or at ``at``), in the current transaction.

    With the database backend the task row commits or rolls back with the caller's change.
    The immediate backend (TASKS_RUN_IMMEDIATELY, development only) would send before the
    caller commits, so there the task runs after commit instead, and deferred runs are left
    to ``manage.py notify_deliver``.
    """
    if _can_defer(notification_deliver_task):
        if at is None:
            notification_deliver_task.enqueue()
        else:
            notification_deliver_task.using(run_after=at).enqueue()
    elif at is None:
        transaction.on_commit(notification_deliver_task.enqueue)


def schedule_digest(at: datetime) -> None:
    if _can_defer(notification_digest_task):
        notification_digest_task.using(run_after=at).enqueue()


def schedule_recheck(lease_until: datetime) -> None:
    """Make sure a task runs after ``lease_until`` to rescue rows a dead worker was holding.

    Batches whose leases end close together share one recheck (time is cut into buckets of a
    tenth of the lease, at most a minute), so a big fan-out adds one task per bucket, not one
    per batch, and rescue comes at most a bucket after the lease ends.
    """
    if not _can_defer(notification_deliver_task) or not self_scheduling():
        # Without the database queue the scheduler's one-minute sweep rescues the rows.
        return
    bucket = max(1, min(60, conf.lease_seconds() // 10))
    seconds = int(lease_until.timestamp()) // bucket * bucket + bucket
    at = datetime.fromtimestamp(seconds, tz=UTC)
    from django_tasks_db.models import DBTaskResult

    path = f"{notification_deliver_task.func.__module__}.{notification_deliver_task.name}"
    if not DBTaskResult.objects.filter(status="READY", task_path=path, run_after=at).exists():
        notification_deliver_task.using(run_after=at).enqueue()
