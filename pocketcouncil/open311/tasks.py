"""Background tasks. Like notify's, they carry no data: the webhook outbox rows are the truth,
so a task enqueued twice, or one that dies half-way, never sends a delivery twice at once
(the lease) and never loses one (the row stays pending until a response says 2xx)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from pocketcouncil.open311 import webhooks


@task(queue_name="default")
def webhook_deliver_task() -> dict:
    report = webhooks.deliver_due(time_limit=60)
    due = webhooks.next_due_at()
    if due is not None and not _retry_scheduled():
        kick(at=max(due, timezone.now() + timedelta(seconds=1)))
    return {"delivered": report.delivered, "retried": report.retried, "failed": report.failed}


def _retry_scheduled() -> bool:
    from django_tasks_db.models import DBTaskResult

    path = f"{webhook_deliver_task.func.__module__}.{webhook_deliver_task.name}"
    return DBTaskResult.objects.filter(status="READY", task_path=path).exists()


def kick(*, at=None) -> None:
    """Ask a worker to look at the outbox, in the current transaction (see notify.tasks.kick)."""
    if webhook_deliver_task.get_backend().supports_defer:
        if at is None:
            webhook_deliver_task.enqueue()
        else:
            webhook_deliver_task.using(run_after=at).enqueue()
    elif at is None:
        transaction.on_commit(webhook_deliver_task.enqueue)
