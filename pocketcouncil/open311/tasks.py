"""Background tasks. Like notify's, they carry no data: the outbox rows (webhook deliveries,
cases to send to back offices) are the truth, so a task enqueued twice, or one that dies
half-way, never sends a row twice at once (the lease) and never loses one (the row stays
pending until an answer says it arrived).

Fetching updates back from back offices is a self-rescheduling task (as news does): start it
once with ``manage.py open311_outbound --schedule``, or run ``manage.py open311_outbound`` from
cron every few minutes instead.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from pocketcouncil.core.tasking import self_scheduling
from pocketcouncil.open311 import conf, outbound, webhooks


def _path(the_task) -> str:
    return f"{the_task.func.__module__}.{the_task.name}"


def _waiting(the_task) -> bool:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status="READY", task_path=_path(the_task)).exists()


# --- webhooks ----------------------------------------------------------------------------------


@task(queue_name="default")
def webhook_deliver_task() -> dict:
    report = webhooks.deliver_due(time_limit=60)
    due = webhooks.next_due_at()
    if due is not None and not _retry_scheduled():
        kick(at=max(due, timezone.now() + timedelta(seconds=1)))
    return {"delivered": report.delivered, "retried": report.retried, "failed": report.failed}


def _retry_scheduled() -> bool:
    return _waiting(webhook_deliver_task)


def kick(*, at=None) -> None:
    """Ask a worker to look at the outbox, in the current transaction (see notify.tasks.kick)."""
    if webhook_deliver_task.get_backend().supports_defer:
        if at is None:
            webhook_deliver_task.enqueue()
        else:
            webhook_deliver_task.using(run_after=at).enqueue()
    elif at is None:
        transaction.on_commit(webhook_deliver_task.enqueue)


# --- outbound Open311 --------------------------------------------------------------------------


@task(queue_name="default")
def outbound_send_task() -> dict:
    report = outbound.send_due(time_limit=60)
    due = outbound.next_due_at()
    if due is not None and not _waiting(outbound_send_task):
        outbound_kick(at=max(due, timezone.now() + timedelta(seconds=1)))
    return {
        "sent": report.sent,
        "adopted": report.adopted,
        "retried": report.retried,
        "failed": report.failed,
        "updates_sent": report.updates_sent + report.updates_adopted,
        "updates_retried": report.updates_retried,
        "updates_failed": report.updates_failed,
    }


def outbound_kick(*, at=None) -> None:
    """Ask a worker to send due cases (and residents' updates on them) to back offices, in the
    current transaction."""
    if outbound_send_task.get_backend().supports_defer:
        if at is None:
            outbound_send_task.enqueue()
        else:
            outbound_send_task.using(run_after=at).enqueue()
    elif at is None:
        transaction.on_commit(outbound_send_task.enqueue)


@task(queue_name="default")
def outbound_poll_task() -> dict:
    """Every few minutes: send anything left due (a send task lost with a dead worker leaves
    its rows to this), then fetch updates from back offices; then queue the next run."""
    sent = outbound.send_due(time_limit=60)
    report = outbound.fetch_updates()
    schedule_poll()
    return {
        "sent": sent.sent + sent.adopted,
        "updates_sent": sent.updates_sent + sent.updates_adopted,
        "added": report.added,
        "ids_found": report.ids_found,
        "errors": report.errors,
    }


def schedule_poll(*, at=None) -> bool:
    """Queue the next poll of back offices (unless one is already waiting)."""
    if not outbound_poll_task.get_backend().supports_defer or not self_scheduling():
        return False
    with transaction.atomic():
        if _waiting(outbound_poll_task):
            return False
        interval = timedelta(minutes=conf.outbound_fetch_minutes())
        outbound_poll_task.using(run_after=at or timezone.now() + interval).enqueue()
    return True
