"""Periodic work: tell followers about announcements that have started, and send bin-day
reminders the evening before.

Notify has no general scheduler (its daily summaries are deferred tasks enqueued when a held
message is written), so news runs one small self-rescheduling task: ``news_send_due_task`` does
the work and enqueues itself again ``INTERVAL`` later with django-tasks' ``run_after``. Start it
once with ``manage.py news_send_due --schedule`` (it is idempotent: it never queues a second
copy). Without a worker, run ``manage.py news_send_due`` from cron or a systemd timer every 15
minutes instead. Both are safe to run together: every message has an idempotency key.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from pocketcouncil.core.tasking import self_scheduling

INTERVAL = timedelta(minutes=15)


def send_due() -> dict:
    from pocketcouncil.news import actions

    return {
        "announcements": actions.announcements_send_due(),
        "bin_reminders": actions.bin_reminders_send_due(),
    }


@task(queue_name="default")
def news_send_due_task() -> dict:
    result = send_due()
    schedule_next()
    return result


def _path() -> str:
    return f"{news_send_due_task.func.__module__}.{news_send_due_task.name}"


def schedule_next(*, at=None) -> bool:
    """Queue the next run (unless one is already waiting). Returns whether one was queued."""
    if not news_send_due_task.get_backend().supports_defer or not self_scheduling():
        return False
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        if DBTaskResult.objects.filter(status="READY", task_path=_path()).exists():
            return False
        news_send_due_task.using(run_after=at or timezone.now() + INTERVAL).enqueue()
    return True
