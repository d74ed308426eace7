"""Background tasks (Django's Tasks API, run by ``manage.py db_worker``)."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone
from django_tasks import task

from pocketcouncil.core.tasking import self_scheduling
from pocketcouncil.transparency import actions
from pocketcouncil.transparency.models import ImportState, SpendingImport

logger = logging.getLogger(__name__)

# How often, at most, progress is written for the staff page.
PROGRESS_EVERY_SECONDS = 1.0


class _ProgressWriter:
    """Writes an import's progress through a second database connection.

    The payments are stored in one transaction, which other connections cannot see into until it
    commits; progress must therefore be written outside it. PostgreSQL allows that (the import
    row is not locked by the transaction). SQLite allows one writer at a time, so there the staff
    page shows "Importing" until the end instead of a moving figure.
    """

    def __init__(self, spending_import_id: int):
        self.spending_import_id = spending_import_id
        self.last = 0.0
        self.connection = None
        default = connections["default"]
        # Inside a transaction (tasks run immediately, as in tests) the import row may be locked
        # by this very connection: a second connection writing it would wait for ever.
        if default.vendor == "postgresql" and not default.in_atomic_block:
            self.connection = connections.create_connection("default")

    def __call__(self, rows_read: int, bytes_read: int) -> None:
        now = time.monotonic()
        if self.connection is None or now - self.last < PROGRESS_EVERY_SECONDS:
            return
        self.last = now
        table = SpendingImport._meta.db_table
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET rows_read = %s, bytes_read = %s WHERE id = %s",  # noqa: S608
                [rows_read, bytes_read, self.spending_import_id],
            )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


@task(queue_name="default")
def spending_import_task(spending_import_id: int) -> dict:
    """Run a queued spending import. Safe to run twice: only a QUEUED import is started."""
    spending_import = SpendingImport.objects.filter(
        pk=spending_import_id, state=ImportState.QUEUED
    ).first()
    if spending_import is None:
        return {"skipped": True}
    writer = _ProgressWriter(spending_import_id)
    try:
        result = actions.spending_import_run(
            spending_import=spending_import, actor=None, progress=writer
        )
    finally:
        writer.close()
    logger.info("Spending import %s finished: %s", spending_import_id, result.state)
    return {
        "state": result.state,
        "rows_read": result.rows_read,
        "rows_imported": result.rows_imported,
        "rows_skipped": result.rows_skipped,
    }


# ---------------------------------------------------------------------------------------------
# Performance indicators: recomputed every TRANSPARENCY_INDICATORS_INTERVAL_MINUTES (60).


def interval() -> timedelta:
    return timedelta(minutes=getattr(settings, "TRANSPARENCY_INDICATORS_INTERVAL_MINUTES", 60))


@task(queue_name="default")
def indicators_refresh_task() -> dict:
    """Recompute every council's indicators, then queue the next run. Idempotent: each run
    replaces the snapshot; a failure for one council does not stop the others."""
    from pocketcouncil.councils import queries as councils_queries

    done = {}
    for council in councils_queries.council_list():
        try:
            result = actions.indicators_refresh(council=council)
        except Exception:
            logger.exception("Indicators for %s could not be computed", council.slug)
            done[council.slug] = "failed"
        else:
            done[council.slug] = result.cases
    schedule_next()
    return done


def _path() -> str:
    return f"{indicators_refresh_task.func.__module__}.{indicators_refresh_task.name}"


def schedule_next(*, at=None) -> bool:
    """Queue the next run (unless one is already waiting). Returns whether one was queued."""
    if not indicators_refresh_task.get_backend().supports_defer or not self_scheduling():
        return False
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        if DBTaskResult.objects.filter(status="READY", task_path=_path()).exists():
            return False
        indicators_refresh_task.using(run_after=at or timezone.now() + interval()).enqueue()
    return True
