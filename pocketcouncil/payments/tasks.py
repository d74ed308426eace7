"""Background tasks. Each calls an action that is safe to run any number of times."""

from __future__ import annotations

from django_tasks import task

from pocketcouncil.payments import actions


@task(queue_name="default")
def payments_reconcile_task() -> dict:
    """Settle payments left open (run every few minutes: ``manage.py payments_reconcile`` from
    cron does the same, docs/payments.md)."""
    return actions.payments_reconcile()
