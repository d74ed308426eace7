"""The spending explorer's free-text search over a council's payments (supplier or purpose),
through an index on each database instead of reading every payment:

- PostgreSQL: a trigram GIN index (``pg_trgm``) on ``supplier || ' ' || purpose``, which serves
  ``ILIKE '%text%'``;
- SQLite: an FTS5 table with the trigram tokenizer (SQLite 3.34 or later) kept in step with the
  payments by triggers, which serves substring matches too.

Both match any part of a word, ignoring case, as the plain ``icontains`` search did. Trigrams
need three characters: a search of one or two matches supplier names only (through the monthly
totals and the supplier index). A database without either feature reads the council's payments
for the period, as the search always did.

The index is created by ``install``, run after every ``migrate`` (``apps.py``) rather than by a
migration: the test databases are made from the models without running migrations, and
``CREATE ... IF NOT EXISTS`` makes a second run cost nothing. On an existing database with many
payments the first ``migrate`` after upgrading builds it (about 20 seconds for a million
payments on PostgreSQL, during which payments cannot be imported).
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection, transaction
from django.db.models import Q

log = logging.getLogger(__name__)

TABLE = "transparency_payment"
FTS_TABLE = "transparency_payment_text"
PG_INDEX = "payment_text_trgm"
MINIMUM = 3  # characters a trigram index can serve

_SQLITE_TRIGGERS = {
    "payment_text_insert": """
        CREATE TRIGGER IF NOT EXISTS payment_text_insert AFTER INSERT ON transparency_payment BEGIN
            INSERT INTO transparency_payment_text(rowid, supplier, purpose)
            VALUES (new.id, new.supplier, new.purpose);
        END""",
    "payment_text_delete": """
        CREATE TRIGGER IF NOT EXISTS payment_text_delete AFTER DELETE ON transparency_payment BEGIN
            INSERT INTO transparency_payment_text
                (transparency_payment_text, rowid, supplier, purpose)
            VALUES ('delete', old.id, old.supplier, old.purpose);
        END""",
    "payment_text_update": """
        CREATE TRIGGER IF NOT EXISTS payment_text_update AFTER UPDATE OF supplier, purpose
        ON transparency_payment BEGIN
            INSERT INTO transparency_payment_text
                (transparency_payment_text, rowid, supplier, purpose)
            VALUES ('delete', old.id, old.supplier, old.purpose);
            INSERT INTO transparency_payment_text(rowid, supplier, purpose)
            VALUES (new.id, new.supplier, new.purpose);
        END""",
}


def install(using=connection) -> bool:
    """Create the search index if this database can have one; True if it has one after."""
    with using.cursor() as cursor:
        tables = using.introspection.table_names(cursor)
    if TABLE not in tables:
        return False
    if using.vendor == "postgresql":
        return _install_postgresql(using, tables)
    if using.vendor == "sqlite":
        return _install_sqlite(using, tables)
    return False


def _install_postgresql(using, tables) -> bool:
    try:
        with transaction.atomic(using=using.alias), using.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON {TABLE} "
                "USING gin ((supplier || ' ' || purpose) gin_trgm_ops)"
            )
    except DatabaseError as error:
        log.warning(
            "Spending search has no index (pg_trgm could not be used: %s); searches will read "
            "every payment of the period. Ask the database administrator to run "
            "CREATE EXTENSION pg_trgm.",
            error,
        )
        return False
    return True


def _install_sqlite(using, tables) -> bool:
    with transaction.atomic(using=using.alias), using.cursor() as cursor:
        if FTS_TABLE not in tables:
            try:
                cursor.execute(
                    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(supplier, purpose, "
                    f"content='{TABLE}', content_rowid='id', tokenize='trigram')"
                )
            except DatabaseError as error:  # no FTS5, or SQLite before 3.34
                log.warning(
                    "Spending search has no index (SQLite %s cannot: %s); searches will read "
                    "every payment of the period.",
                    using.Database.sqlite_version,
                    error,
                )
                return False
            # Payments stored before the index existed.
            cursor.execute(
                "INSERT INTO transparency_payment_text(transparency_payment_text)"
                " VALUES ('rebuild')"
            )
        for sql in _SQLITE_TRIGGERS.values():
            cursor.execute(sql)
    return True


def after_import(using=connection) -> None:
    """After an import has committed: merge the GIN index's pending list (new entries wait
    there) and refresh the planner's statistics, so that searches use the index at once. Before
    ANALYZE, PostgreSQL planned a million new payments as if they were a few: about 1 s a search
    instead of 1 to 170 ms (docs/benchmarks.md)."""
    if using.in_atomic_block:
        return  # inside a transaction (tests, tasks run immediately): nothing is committed yet
    if using.vendor != "postgresql":
        return  # FTS5 has no pending list, and SQLite's plan for the search needs no statistics
    with using.cursor() as cursor:
        if has_index(using):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [PG_INDEX])
        cursor.execute("ANALYZE transparency_payment")


_FOUND: set[tuple] = set()  # databases known to have the index (it is never dropped)


def has_index(using=connection) -> bool:
    key = (using.alias, str(using.settings_dict["NAME"]))
    if key in _FOUND:
        return True
    with using.cursor() as cursor:
        if using.vendor == "sqlite":
            found = FTS_TABLE in using.introspection.table_names(cursor)
        elif using.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [PG_INDEX])
            found = cursor.fetchone() is not None
        else:
            found = False
    if found:
        _FOUND.add(key)
    return found


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# A search matching more payments than this (on SQLite, 0.5% of a million) or more supplier
# names than COMMON_NAMES is "common": reading the payments newest first finds a page of matches
# within about 10,000 rows, sooner than collecting every match through the index and sorting.
COMMON_ROWS = 5_000
COMMON_NAMES = 200


def filter_text(rows, text: str, *, council_id: int):
    """``rows`` (payments of the council) narrowed to those whose supplier or purpose contains
    ``text`` (only the supplier, for one or two characters)."""
    text = text.strip()
    plain = rows.filter(Q(supplier__icontains=text) | Q(purpose__icontains=text))
    if len(text) < MINIMUM:
        return _filter_supplier_names(rows, text, council_id=council_id)
    if not has_index(connection):
        return plain
    if connection.vendor == "postgresql":
        # PostgreSQL's planner chooses between the index and reading newest first itself.
        return rows.extra(  # noqa: S610 - fixed SQL, the text is a parameter
            where=[f"({TABLE}.supplier || ' ' || {TABLE}.purpose) ILIKE %s"],
            params=[_like_pattern(text)],
        )
    phrase = '"' + text.replace('"', '""') + '"'
    with connection.cursor() as cursor:
        # The matches' ids, once: reading them is the search's cost, so not twice.
        cursor.execute(
            "SELECT rowid FROM transparency_payment_text"
            " WHERE transparency_payment_text MATCH %s LIMIT %s",
            [phrase, COMMON_ROWS + 1],
        )
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) > COMMON_ROWS:
        return plain
    return rows.filter(pk__in=ids)


def _filter_supplier_names(rows, text: str, *, council_id: int):
    """One or two characters ("BT", "O2") cannot use a trigram index: match supplier names
    only, found among the council's few thousand in the monthly totals, then their payments
    through the supplier index (reading every payment took up to a second at a million)."""
    from pocketcouncil.transparency.models import Dimension, SpendingTotal

    names = list(
        SpendingTotal.objects.filter(
            council_id=council_id, dimension=Dimension.SUPPLIER, value__icontains=text
        )
        .values_list("value", flat=True)
        .distinct()[: COMMON_NAMES + 1]
    )
    if not names:
        return rows.none()
    if len(names) > COMMON_NAMES:
        return rows.filter(supplier__icontains=text)
    return rows.filter(supplier__in=names)
