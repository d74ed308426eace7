"""Writing many outbox rows fast, with the idempotency key deciding what is new.

PostgreSQL uses ``COPY`` (see ``insert_rows``): 100,000 rows take a few seconds, against tens of
seconds through ``bulk_create``, whose per-value Python preparation dominates. Other databases
use ``bulk_create(ignore_conflicts=True)``. Both run in the caller's transaction.
"""

from __future__ import annotations

import json
from datetime import datetime

from django.db import connection

from pocketcouncil.notify.models import EventKey, Notification

# The columns a new row sets; everything else is NULL (nullable) until delivery.
COLUMNS = (
    "council_id",
    "recipient_id",
    "channel",
    "to",
    "push_subscription_id",
    "event",
    "reason",
    "subject_kind",
    "subject_key",
    "subscription_id",
    "context",
    "subject",
    "body",
    "idempotency_key",
    "state",
    "attempts",
    "next_attempt_at",
    "lease_token",
    "last_error",
    "provider_id",
    "created_at",
)
BULK_BATCH = 5000


def insert_rows(rows: list[tuple], *, event_key: str) -> int:
    """Insert rows (tuples in ``COLUMNS`` order, ``context`` a dict); return how many were new.

    ``event_key`` is the caller's idempotency key. The first time it is seen, no row can
    already exist, so PostgreSQL copies straight into the outbox; after that, rows go through
    a staging table and ``ON CONFLICT DO NOTHING`` drops the ones already there.
    """
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        return _insert_postgresql(rows, event_key)
    before = Notification.objects.count()
    objects = [Notification(**dict(zip(COLUMNS, row, strict=True))) for row in rows]
    Notification.objects.bulk_create(objects, batch_size=BULK_BATCH, ignore_conflicts=True)
    return Notification.objects.count() - before


def _copy_text(value, cache: dict) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        text = cache.get(id(value))
        if text is None:
            text = cache[id(value)] = _copy_text(json.dumps(value), cache)
        return text
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def _copy(cursor, table: str, columns: str, rows: list[tuple]) -> None:
    cache: dict = {}
    chunk = []
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            chunk.append("\t".join([_copy_text(value, cache) for value in row]))
            if len(chunk) >= 5000:
                copy.write("\n".join(chunk) + "\n")
                chunk = []
        if chunk:
            copy.write("\n".join(chunk) + "\n")


def _insert_postgresql(rows: list[tuple], event_key: str) -> int:
    table = Notification._meta.db_table
    columns = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {EventKey._meta.db_table} (key, created_at) "  # noqa: S608
            "VALUES (%s, now()) ON CONFLICT (key) DO NOTHING",
            [event_key],
        )
        if cursor.rowcount == 1:
            _copy(cursor.cursor, table, columns, rows)
            return len(rows)
        # Same column types, no constraints (CREATE TABLE AS copies neither NOT NULL nor keys).
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS notify_stage "  # noqa: S608 (fixed names)
            f"ON COMMIT DELETE ROWS AS SELECT {columns} FROM {table} WITH NO DATA"
        )
        cursor.execute("TRUNCATE notify_stage")
        _copy(cursor.cursor, "notify_stage", columns, rows)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM notify_stage "  # noqa: S608
            "ON CONFLICT (idempotency_key) DO NOTHING"
        )
        inserted = cursor.rowcount
        cursor.execute("TRUNCATE notify_stage")
    return inserted
