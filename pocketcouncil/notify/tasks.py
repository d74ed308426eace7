"""Background tasks (Django's Tasks API, run by ``manage.py db_worker``).

Tasks carry no message data: the outbox rows are the truth, and a task only says "look at the
outbox". So enqueuing a task twice, or a task that dies half-way, never sends anything twice.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from pocketcouncil.notify import delivery

# How long one task keeps delivering before handing over to a fresh task, so a long fan-out
# does not pin one task result row (and other queued tasks still get a turn).
TIME_LIMIT_SECONDS = 60


@task(queue_name="default")
def notification_deliver_task() -> dict:
    report = delivery.deliver_due(time_limit=TIME_LIMIT_SECONDS)
    if delivery.has_due():
        notification_deliver_task.enqueue()
    if report.next_retry_at:
        notification_deliver_task.using(
            run_after=max(report.next_retry_at, timezone.now() + timedelta(seconds=1))
        ).enqueue()
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
