"""Every write of the transparency app: spending imports (prepare, confirm, run, roll back).

Importing a file
----------------
1. ``spending_file_prepare`` keeps the uploaded file, hashes it, finds its header line and guesses
   which column holds each field. Nothing is imported yet (state PENDING).
2. Staff confirm or correct the columns: ``spending_import_confirm`` queues the import as a
   background task (``tasks.spending_import_task``), in the same transaction.
3. ``spending_import_run`` streams the file and stores payments in batches inside ONE database
   transaction: if anything goes wrong, nothing of the file is kept and the import is marked
   failed with the reason.

Not importing the same payment twice
------------------------------------
Two guards. The same file (same SHA-256) cannot be imported twice for a council: a partial unique
constraint on the import says so at once. And every payment carries a fingerprint, unique per
council: a hash of its date, amount, supplier, service area, expense type and reference, plus
which occurrence of that combination it is in its file. So a payment already stored from another
file (councils publish monthly files and then a yearly one) is skipped and reported as a
duplicate, while two identical lines in one file (Manchester pays three identical £570 season
ticket loans in one transaction) are kept as the separate payments they are, with a warning.
The occurrence is worked out against the database (which holds this import's earlier batches), so
memory stays flat however long the file is. Only payments that may be stored already are looked
up: those in a month the council had payments in before, and those a fixed-size Bloom filter of
this import's own fingerprints cannot rule out. A council's new monthly file needs no lookups,
and on PostgreSQL its payments go to the database in one COPY while the file is still being read.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

import numpy as np
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from pocketcouncil.accounts import permissions
from pocketcouncil.councils.models import Council
from pocketcouncil.transparency import budgets_csv, indicators, search_index, spending_csv
from pocketcouncil.transparency.models import (
    ACTIVE_STATES,
    BudgetLine,
    ImportIssue,
    ImportState,
    IndicatorScope,
    IndicatorSnapshot,
    IssueSeverity,
    Payment,
    Precept,
    SpendingImport,
    SpendingTotal,
    pence_to_pounds,
)
from pocketcouncil.transparency.spending_csv import Issue, IssueKind, ParsedRow, SpendingFileError

BATCH_SIZE = 5000
# Rejected lines and warnings kept in memory before they are written (see _PaymentStream).
ISSUE_BUFFER = 5000
UPLOAD_FOLDER = "transparency/spending-uploads"


def _action(preferred: str) -> str:
    """The permission to check. The role table grants "transparency.publish" to council admins
    today; the finer actions this app asks for are used as soon as the role table has them."""
    return preferred if preferred in permissions.ACTIONS else "transparency.publish"


IMPORT_SPENDING = _action("transparency.import_spending")
EDIT_BUDGETS = _action("transparency.edit_budgets")


class SpendingImportError(Exception):
    """An import cannot be done (the message says why, in plain words)."""


class SpendingFileAlreadyImportedError(SpendingImportError):
    pass


class SpendingImportStateError(SpendingImportError):
    pass


ProgressCallback = Callable[[int, int], None]  # (rows read so far, bytes read so far)


def _require(actor, action: str, council: Council) -> None:
    if actor is not None:  # None: the platform itself (command line, demo loader)
        permissions.require(actor, action, council)


def _sha256_of(binary: BinaryIO) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    binary.seek(0)
    while chunk := binary.read(1024 * 1024):
        digest.update(chunk)
        size += len(chunk)
    binary.seek(0)
    return digest.hexdigest(), size


def _already_imported(council: Council, sha256: str, exclude_pk=None) -> SpendingImport | None:
    found = SpendingImport.objects.filter(council=council, sha256=sha256, state__in=ACTIVE_STATES)
    if exclude_pk:
        found = found.exclude(pk=exclude_pk)
    return found.first()


def _refuse_if_imported(council: Council, sha256: str, exclude_pk=None) -> None:
    earlier = _already_imported(council, sha256, exclude_pk)
    if earlier is not None:
        raise SpendingFileAlreadyImportedError(
            f"This file was already imported for {council.name} as import {earlier.pk} "
            f"({earlier.file_name}, {earlier.get_state_display().lower()})."
        )


@transaction.atomic
def spending_file_prepare(
    *, council: Council, upload: BinaryIO, file_name: str, actor, keep_file: bool = True
) -> SpendingImport:
    """Record an uploaded file and guess its columns. Raises SpendingImportError if it cannot be
    read at all or was already imported."""
    _require(actor, IMPORT_SPENDING, council)
    sha256, size = _sha256_of(upload)
    if size == 0:
        raise SpendingImportError("The file is empty.")
    _refuse_if_imported(council, sha256)
    try:
        info = spending_csv.preview(_Unclosable(upload))
    except SpendingFileError as error:
        raise SpendingImportError(str(error)) from None
    finally:
        upload.seek(0)
    stored = ""
    if keep_file:
        name = f"{UPLOAD_FOLDER}/{council.slug}/{sha256[:16]}.csv"
        stored = default_storage.save(name, File(upload, name=os.path.basename(file_name)))
    return SpendingImport.objects.create(
        council=council,
        file_name=os.path.basename(file_name)[:255],
        stored_file=stored,
        sha256=sha256,
        size_bytes=size,
        encoding=info["encoding"],
        header=info["header"],
        header_line=info["header_line"],
        mapping=info["mapping"],
        created_by=actor,
    )


@transaction.atomic
def spending_import_confirm(
    *, spending_import: SpendingImport, mapping: dict[str, int | None], actor
) -> SpendingImport:
    """Staff confirmed the columns: queue the import to run in the background."""
    from pocketcouncil.transparency.tasks import spending_import_task

    spending_import = SpendingImport.objects.select_for_update().get(pk=spending_import.pk)
    _require(actor, IMPORT_SPENDING, spending_import.council)
    if spending_import.state != ImportState.PENDING:
        raise SpendingImportStateError("This import has already been started.")
    try:
        spending_csv.check_mapping(mapping, spending_import.header)
    except SpendingFileError as error:
        raise SpendingImportError(str(error)) from None
    _refuse_if_imported(spending_import.council, spending_import.sha256, spending_import.pk)
    spending_import.mapping = mapping
    spending_import.state = ImportState.QUEUED
    spending_import.save(update_fields=["mapping", "state"])
    spending_import_task.enqueue(spending_import.pk)
    return spending_import


@transaction.atomic
def spending_import_cancel(*, spending_import: SpendingImport, actor) -> SpendingImport:
    spending_import = SpendingImport.objects.select_for_update().get(pk=spending_import.pk)
    _require(actor, IMPORT_SPENDING, spending_import.council)
    if spending_import.state != ImportState.PENDING:
        raise SpendingImportStateError("Only an import that has not started can be cancelled.")
    spending_import.state = ImportState.CANCELLED
    spending_import.save(update_fields=["state"])
    _delete_stored_file(spending_import)
    return spending_import


def spending_import_file(
    *,
    council: Council,
    path: str | Path,
    actor,
    mapping: dict[str, int | None] | None = None,
    progress: ProgressCallback | None = None,
) -> SpendingImport:
    """Import a file from disk now, in this process (command line, demo loader, benchmarks).

    The guessed mapping is used unless one is given. Returns the import; its state says whether
    it worked (IMPORTED) or not (FAILED, with ``error``).
    """
    path = Path(path)
    with path.open("rb") as binary:
        # One transaction: a mapping that cannot be used leaves no half-made import behind.
        with transaction.atomic():
            spending_import = spending_file_prepare(
                council=council, upload=binary, file_name=path.name, actor=actor, keep_file=False
            )
            if mapping is not None:
                spending_import.mapping = mapping
            try:
                spending_csv.check_mapping(spending_import.mapping, spending_import.header)
            except SpendingFileError as error:
                raise SpendingImportError(str(error)) from None
            spending_import.state = ImportState.QUEUED
            spending_import.save(update_fields=["mapping", "state"])
        return spending_import_run(
            spending_import=spending_import, binary=binary, actor=actor, progress=progress
        )


def spending_import_run(
    *,
    spending_import: SpendingImport,
    actor,
    binary: BinaryIO | None = None,
    progress: ProgressCallback | None = None,
    today: dt.date | None = None,
) -> SpendingImport:
    """Run a queued import. All its payments are stored, or none are.

    Not wrapped in one atomic block on purpose: the import is marked RUNNING (and, if it fails,
    FAILED) outside the transaction that stores the payments, so staff can see what happened.
    """
    _require(actor, IMPORT_SPENDING, spending_import.council)
    claimed = (
        SpendingImport.objects.filter(pk=spending_import.pk, state=ImportState.QUEUED).update(
            state=ImportState.RUNNING, started_at=timezone.now()
        )
        == 1
    )
    if not claimed:
        raise SpendingImportStateError("This import is not waiting to run.")
    spending_import.refresh_from_db()
    today = today or timezone.localdate()
    opened = binary is None
    try:
        if opened:
            binary = default_storage.open(spending_import.stored_file, "rb")
        with transaction.atomic(), _no_cyclic_gc():
            counts = _store_rows(spending_import, binary, progress=progress, today=today)
            spending_import.__dict__.update(counts)
            spending_import.state = ImportState.IMPORTED
            spending_import.finished_at = timezone.now()
            spending_import.error = ""
            spending_import.save()
    except (SpendingFileError, SpendingImportError, IntegrityError, OSError) as error:
        _mark_failed(spending_import, error)
        return spending_import
    except Exception as error:
        _mark_failed(spending_import, error)
        raise
    finally:
        if opened and binary is not None:
            binary.close()
    _delete_stored_file(spending_import)
    search_index.after_import()
    return spending_import


@contextmanager
def _no_cyclic_gc():
    """Python's cycle collector off for the import: it walked the millions of short-lived
    objects an import makes (none in cycles; reference counting frees them at once) and cost a
    tenth of the import's time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _mark_failed(spending_import: SpendingImport, error: Exception) -> None:
    message = str(error) or error.__class__.__name__
    if isinstance(error, IntegrityError):
        message = (
            "Another import for this council stored some of the same payments at the same "
            "time, so nothing was imported. Import the file again: those payments will be "
            "skipped as already imported."
        )
    elif isinstance(error, OSError):
        message = f"The uploaded file could not be read ({error.__class__.__name__})."
    SpendingImport.objects.filter(pk=spending_import.pk).update(
        state=ImportState.FAILED, error=message[:2000], finished_at=timezone.now()
    )
    spending_import.refresh_from_db()


def _delete_stored_file(spending_import: SpendingImport) -> None:
    if spending_import.stored_file and default_storage.exists(spending_import.stored_file):
        default_storage.delete(spending_import.stored_file)


@dataclass
class _Counts:
    rows_read: int = 0
    rows_imported: int = 0
    rows_skipped: int = 0
    rows_with_warnings: int = 0
    total_pence: int = 0
    first_paid_on: dt.date | None = None
    last_paid_on: dt.date | None = None
    bytes_read: int = 0
    # Fingerprints of payments this file repeats from earlier imports (see the module docstring).
    claimed: set[str] = field(default_factory=set)
    # (month, dimension, value) -> [pence, payments]. Its size grows with the number of distinct
    # suppliers, service areas and expense types per month, not with the number of lines.
    totals: dict[tuple, list[int]] = field(default_factory=dict)
    import_names: dict[int, str] = field(default_factory=dict)
    # Issues waiting to be written (at most ISSUE_BUFFER), so the payments' COPY stays open.
    issues: list = field(default_factory=list)
    # Months ("yyyymm", as fingerprints start) in which the council had payments before this
    # import: only a payment in one of them can repeat another import's.
    earlier_months: frozenset = frozenset()
    # Fingerprints this import has stored, as a Bloom filter of fixed size (see _StoredFilter).
    stored: _StoredFilter | None = None

    def as_fields(self) -> dict:
        return {"total_amount": pence_to_pounds(self.total_pence)} | {
            name: getattr(self, name)
            for name in (
                "rows_read",
                "rows_imported",
                "rows_skipped",
                "rows_with_warnings",
                "first_paid_on",
                "last_paid_on",
                "bytes_read",
            )
        }


def _store_rows(
    spending_import: SpendingImport,
    binary: BinaryIO,
    *,
    progress: ProgressCallback | None,
    today: dt.date,
) -> dict:
    binary.seek(0)
    reader = spending_csv.SpendingReader(_Unclosable(binary))
    counts = _Counts(
        earlier_months=frozenset(
            month.strftime("%Y%m")
            for month in Payment.objects.filter(council_id=spending_import.council_id).dates(
                "paid_on", "month"
            )
        ),
        stored=_StoredFilter(),
    )
    batch: list[ParsedRow | Issue] = []
    with _PaymentStream() as stream:
        for item in reader.rows(spending_import.mapping, today=today):
            batch.append(item)
            if len(batch) >= BATCH_SIZE:
                _store_batch(spending_import, batch, counts, stream)
                batch = []
                counts.bytes_read = reader.bytes_read
                if progress:
                    progress(counts.rows_read, counts.bytes_read)
        _store_batch(spending_import, batch, counts, stream)
    _flush_issues(counts, at_least=1)
    _insert_rows(
        SpendingTotal,
        ("council", "spending_import", "month", "dimension", "value", "total_pence", "payments"),
        [
            (spending_import.council_id, spending_import.pk, month, dimension, value, *total)
            for (month, dimension, value), total in counts.totals.items()
        ],
    )
    counts.bytes_read = spending_import.size_bytes or reader.bytes_read
    if progress:
        progress(counts.rows_read, counts.bytes_read)
    return counts.as_fields()


def _key(row: ParsedRow) -> bytes:
    return "\x1f".join(
        (
            row.paid_on.isoformat(),
            str(row.amount_pence),
            row.supplier.casefold(),
            row.service_area.casefold(),
            row.expense_type.casefold(),
            row.reference.casefold(),
        )
    ).encode()


def _fingerprint(key: bytes, occurrence: int) -> str:
    """32 characters: the payment date (yyyymmdd, the key's first 10 bytes) and 96 bits of hash.
    Starting with the date keeps the unique index's inserts close together (a file is mostly
    in date order) instead of scattered at random, which made inserts three times slower."""
    digest = hashlib.blake2b(key + b"\x1e%d" % occurrence, digest_size=12).hexdigest()
    return _date_digits(key[:10]) + digest


@lru_cache(maxsize=4096)
def _date_digits(iso: bytes) -> str:
    """b"2025-04-01" -> "20250401" (a file has few distinct dates: worked out once each)."""
    return iso.decode().replace("-", "")


def _owners(council_id: int, fingerprints: list[str]) -> dict[str, int]:
    """Which import stored each of these fingerprints already (for this council). Plain SQL:
    building an IN query of hundreds of values through the ORM cost more than running it."""
    if not fingerprints:
        return {}
    table = connection.ops.quote_name(Payment._meta.db_table)
    if connection.vendor == "postgresql":
        # One array parameter: psycopg's client-side binding of hundreds of separate
        # parameters cost more than the query itself.
        sql = f"SELECT fingerprint, spending_import_id FROM {table} "  # noqa: S608
        sql += "WHERE council_id = %s AND fingerprint = ANY(%s)"
        params = [council_id, list(fingerprints)]
    else:
        placeholders = ", ".join(["%s"] * len(fingerprints))
        sql = f"SELECT fingerprint, spending_import_id FROM {table} "  # noqa: S608
        sql += f"WHERE council_id = %s AND fingerprint IN ({placeholders})"
        params = [council_id, *fingerprints]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def _import_name(counts: _Counts, import_id: int) -> str:
    if import_id not in counts.import_names:
        counts.import_names[import_id] = (
            SpendingImport.objects.filter(pk=import_id).values_list("file_name", flat=True).first()
            or ""
        )
    return counts.import_names[import_id]


def _store_batch(
    spending_import: SpendingImport,
    batch: list[ParsedRow | Issue],
    counts: _Counts,
    stream: _PaymentStream,
) -> None:
    council_id = spending_import.council_id
    import_id = spending_import.pk
    earlier_months, stored = counts.earlier_months, counts.stored

    def may_be_stored(fingerprint: str) -> bool:
        """Whether the database may hold this fingerprint already: from an earlier import (only
        possible in a month the council had payments in) or from this one's earlier batches."""
        return (fingerprint[:6] in earlier_months) or bool(stored.may_contain([fingerprint])[0])

    claimed = counts.claimed
    # Each payment with its first-occurrence fingerprint and whether the database may hold that
    # already (the filter answers for the whole batch at once).
    parsed = [item for item in batch if isinstance(item, ParsedRow)]
    fingerprints = [_fingerprint(_key(item), 1) for item in parsed]
    in_filter = stored.may_contain(fingerprints).tolist() if fingerprints else []
    rows = []
    lookups: list[str] = []
    for item, fingerprint, maybe in zip(parsed, fingerprints, in_filter, strict=True):
        maybe = maybe or fingerprint[:6] in earlier_months
        if maybe:
            lookups.append(fingerprint)
        rows.append((item, fingerprint, maybe))
    # What the database said of the fingerprints looked up (None: not stored).
    known: dict[str, int | None] = dict.fromkeys(lookups)
    if lookups:
        stream.pause()
        # Parameters per query stay under SQLite's limit of 999.
        step = len(lookups) if connection.vendor == "postgresql" else 900
        for start in range(0, len(lookups), step):
            known.update(_owners(council_id, lookups[start : start + step]))
    assigned: set[str] = set()
    payments: list[tuple] = []

    def issue(line: int, kind: str, message: str, raw: str = "", *, rejected: bool) -> None:
        counts.issues.append(
            ImportIssue(
                council_id=council_id,
                spending_import_id=import_id,
                line_number=line,
                severity=IssueSeverity.REJECTED if rejected else IssueSeverity.WARNING,
                kind=kind,
                message=message[:300],
                raw=raw[:500],
            )
        )

    totals = counts.totals
    totals_get = totals.get
    first_paid_on, last_paid_on = counts.first_paid_on, counts.last_paid_on
    rows_iter = iter(rows)
    for item in batch:
        counts.rows_read += 1
        if isinstance(item, Issue):
            counts.rows_skipped += 1
            issue(item.line_number, item.kind, item.message, item.raw, rejected=True)
            continue
        row, fingerprint, maybe = next(rows_iter)
        key = None
        occurrence = 1
        owner = None
        # The usual case, a payment not stored before and not repeated: nothing to work out.
        if maybe or fingerprint in assigned or fingerprint in claimed:
            while True:
                if fingerprint in assigned or fingerprint in claimed:
                    occurrence += 1
                    key = key or _key(row)
                    fingerprint = _fingerprint(key, occurrence)
                    continue
                if fingerprint not in known:
                    known[fingerprint] = None
                    if may_be_stored(fingerprint):
                        stream.pause()
                        known.update(_owners(council_id, [fingerprint]))
                owner = known[fingerprint]
                if owner == import_id:
                    occurrence += 1
                    key = key or _key(row)
                    fingerprint = _fingerprint(key, occurrence)
                    continue
                break
        if owner is not None:
            counts.rows_skipped += 1
            counts.claimed.add(fingerprint)
            stream.pause()
            issue(
                row.line_number,
                IssueKind.DUPLICATE,
                f"Already imported: the same payment is in import {owner} "
                f"({_import_name(counts, owner)}).",
                rejected=True,
            )
            continue
        assigned.add(fingerprint)
        warnings = row.warnings or []
        if occurrence > 1:
            warnings.append(
                (
                    IssueKind.REPEATED_IN_FILE,
                    "Identical to an earlier line of this file: kept as a separate payment.",
                )
            )
        if warnings:
            counts.rows_with_warnings += 1
            for kind, message in warnings:
                issue(row.line_number, kind, message, rejected=False)
        paid_on, pence = row.paid_on, row.amount_pence
        counts.rows_imported += 1
        counts.total_pence += pence
        month = paid_on.replace(day=1)
        for key in (
            (month, "service_area", row.service_area),
            (month, "expense_type", row.expense_type),
            (month, "supplier", row.supplier),
        ):
            total = totals_get(key)
            if total is None:
                totals[key] = [pence, 1]
            else:
                total[0] += pence
                total[1] += 1
        if first_paid_on is None or paid_on < first_paid_on:
            first_paid_on = paid_on
        if last_paid_on is None or paid_on > last_paid_on:
            last_paid_on = paid_on
        payments.append(
            (
                council_id,
                import_id,
                row.line_number,
                paid_on,
                pence,
                row.supplier,
                row.service_area,
                row.expense_type,
                row.reference,
                row.purpose,
                fingerprint,
            )
        )
    counts.first_paid_on, counts.last_paid_on = first_paid_on, last_paid_on
    if assigned:
        stored.add(list(assigned))
    if len(counts.issues) >= ISSUE_BUFFER:
        stream.pause()
        _flush_issues(counts)
    stream.write(payments)


def _flush_issues(counts: _Counts, at_least: int = ISSUE_BUFFER) -> None:
    if len(counts.issues) >= at_least:
        ImportIssue.objects.bulk_create(counts.issues, batch_size=_insert_batch_size())
        counts.issues = []


class _StoredFilter:
    """A Bloom filter of the fingerprints an import has stored: "no" is certain, "maybe" is
    checked against the database. 16 MiB of bits and three probes make a false "maybe" about 1
    in 90,000 at 1,000,000 payments and 1 in 800 at 5,000,000 (each costs an indexed lookup),
    and the size does not grow with the file. The probes come from 64 bits of the fingerprint's
    hash part (double hashing), and a batch is checked and added at once with NumPy."""

    BITS = 1 << 27
    MASK = np.uint64(BITS - 1)
    PROBES = 3

    def __init__(self):
        self.bits = np.zeros(self.BITS // 8, dtype=np.uint8)

    def _probes(self, fingerprints: list[str]) -> list[np.ndarray]:
        hashes = np.fromiter(
            (int(f[8:24], 16) for f in fingerprints), dtype=np.uint64, count=len(fingerprints)
        )
        first, step = hashes & np.uint64(0xFFFFFFFF), hashes >> np.uint64(32)
        return [(first + np.uint64(i) * step) & self.MASK for i in range(self.PROBES)]

    def may_contain(self, fingerprints: list[str]) -> np.ndarray:
        """For each fingerprint, whether it may have been added."""
        found = np.ones(len(fingerprints), dtype=bool)
        for probe in self._probes(fingerprints):
            found &= ((self.bits[probe >> np.uint64(3)] >> (probe & np.uint64(7))) & 1).astype(bool)
        return found

    def add(self, fingerprints: list[str]) -> None:
        for probe in self._probes(fingerprints):
            bit = np.left_shift(np.uint8(1), (probe & np.uint64(7)).astype(np.uint8))
            np.bitwise_or.at(self.bits, probe >> np.uint64(3), bit)


class _PaymentStream:
    """Writes payments. On PostgreSQL one COPY stays open from batch to batch, so the database
    stores rows while this process reads the next lines (two processors at work instead of
    one); it is finished whenever the connection is needed for anything else (a lookup, the
    issues) and opened again for the next payments. SQLite gets each batch at once."""

    def __init__(self):
        self.postgresql = connection.vendor == "postgresql"
        self.cursor = None
        self.copying = None
        self.copy = None

    def __enter__(self) -> _PaymentStream:
        return self

    def write(self, rows: list[tuple]) -> None:
        if not rows:
            return
        if not self.postgresql:
            _insert_payments(rows)
            return
        if self.copy is None:
            quote = connection.ops.quote_name
            table = quote(Payment._meta.db_table)
            columns = ", ".join(quote(Payment._meta.get_field(f).column) for f in _PAYMENT_COLUMNS)
            self.cursor = connection.cursor()
            self.copying = self.cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN")
            self.copy = self.copying.__enter__()
        write_row = self.copy.write_row
        for row in rows:
            write_row(row)

    def pause(self, *error) -> None:
        """Finish the COPY in progress (with ``error``, abandon it)."""
        if self.copy is not None:
            copying, cursor = self.copying, self.cursor
            self.copying = self.copy = self.cursor = None
            try:
                copying.__exit__(*(error or (None, None, None)))
            finally:
                cursor.close()

    def __exit__(self, *error) -> None:
        self.pause(*error)


_PAYMENT_COLUMNS = (
    "council",
    "spending_import",
    "line_number",
    "paid_on",
    "amount_pence",
    "supplier",
    "service_area",
    "expense_type",
    "reference",
    "purpose",
    "fingerprint",
)


def _insert_payments(rows: list[tuple]) -> None:
    _insert_rows(Payment, _PAYMENT_COLUMNS, rows)


def _insert_rows(model, fields: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert plain tuples (dates as date objects): the ORM's bulk_create spent more time
    building model instances and SQL than the database spent storing them. PostgreSQL gets
    COPY, the fastest way in; SQLite one prepared statement run per row by executemany."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(f).column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            # Dates as ISO text, as Django stores them in SQLite (only the date columns are
            # converted: this runs for every row of a million-line file).
            dates = [i for i, value in enumerate(rows[0]) if isinstance(value, dt.date)]
            if dates:
                rows = [list(row) for row in rows]
                for row in rows:
                    for i in dates:
                        row[i] = row[i].isoformat()
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608
                rows,
            )


def _insert_batch_size() -> int:
    # SQLite allows 999 parameters per statement as Django counts them; PostgreSQL many more.
    return 1000 if connection.vendor == "postgresql" else 999 // 12


@dataclass
class BudgetImportResult:
    financial_year: int
    bodies: int
    budget_lines: int
    replaced_bodies: int


@transaction.atomic
def budgets_import(*, council: Council, binary: BinaryIO, source: str, actor) -> BudgetImportResult:
    """Replace the council tax precepts and budget lines of one financial year of a billing
    council with those of a budget file (``budgets_csv`` describes it). All or nothing: a file
    with any problem raises ``budgets_csv.BudgetFileError`` and changes nothing."""
    _require(actor, EDIT_BUDGETS, council)
    source = source.strip()
    if not source:
        raise budgets_csv.BudgetFileError([(0, "Say where the figures come from.")])
    areas = {
        code: pk for pk, code in council.areas.exclude(gss_code="").values_list("pk", "gss_code")
    }
    budget = budgets_csv.read_budget_file(binary, area_codes=areas)
    old = Precept.objects.filter(council=council, financial_year=budget.financial_year)
    replaced = old.count()
    old.delete()  # and their budget lines
    lines = 0
    for body in budget.bodies:
        precept = Precept.objects.create(
            council=council,
            financial_year=budget.financial_year,
            kind=body.kind,
            name=body.name,
            band_d=body.band_d,
            area_id=areas.get(body.area_gss_code),
            source=source[:300],
        )
        BudgetLine.objects.bulk_create(
            BudgetLine(
                council=council,
                precept=precept,
                service=line.service,
                amount=line.net_budget,
                position=position,
            )
            for position, line in enumerate(body.lines)
        )
        lines += len(body.lines)
    return BudgetImportResult(budget.financial_year, len(budget.bodies), lines, replaced)


@transaction.atomic
def spending_import_rollback(*, spending_import: SpendingImport, actor) -> SpendingImport:
    """Remove every payment an import stored; keep the import, marked rolled back, and its log."""
    spending_import = SpendingImport.objects.select_for_update().get(pk=spending_import.pk)
    _require(actor, IMPORT_SPENDING, spending_import.council)
    if spending_import.state != ImportState.IMPORTED:
        raise SpendingImportStateError("Only a finished import can be rolled back.")
    Payment.objects.filter(spending_import=spending_import).delete()
    SpendingTotal.objects.filter(spending_import=spending_import).delete()
    spending_import.state = ImportState.ROLLED_BACK
    spending_import.rolled_back_at = timezone.now()
    spending_import.rolled_back_by = actor
    spending_import.save(update_fields=["state", "rolled_back_at", "rolled_back_by"])
    return spending_import


class _Unclosable:
    """A file wrapper whose close() does nothing, so a text reader can be dropped without
    closing the caller's file."""

    def __init__(self, binary: BinaryIO):
        self._binary = binary

    def close(self) -> None:
        pass

    @property
    def closed(self) -> bool:
        return False

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return False

    def seekable(self) -> bool:
        return True

    def flush(self) -> None:
        pass

    def __getattr__(self, name):
        return getattr(self._binary, name)


# ---------------------------------------------------------------------------------------------
# Performance indicators


def indicators_to_data(found: indicators.Indicators) -> dict:
    """An ``Indicators`` as JSON-ready data for the snapshot."""
    data = asdict(found)
    data["trend"] = [{**point, "month": point["month"].isoformat()} for point in data["trend"]]
    return data


@dataclass
class RefreshResult:
    council: str
    cases: int
    snapshots: int
    seconds: float


def indicators_refresh(*, council: Council, now: dt.datetime | None = None) -> RefreshResult:
    """Compute a council's performance indicators and case statistics from its cases in ONE
    streamed pass, and replace its stored snapshot in one transaction. Safe to run at any time
    and repeatedly: each run replaces the last."""
    from pocketcouncil.cases import queries as cases_queries

    started = time.monotonic()
    now = now or timezone.now()
    since = now - dt.timedelta(days=indicators.TREND_MONTHS * 31 + 31)
    services: dict[int, str] = {}
    wards: dict[str, str] = {}
    statistics = indicators.CaseStatistics(now=now)
    seen = 0

    def facts():
        nonlocal seen
        for row in cases_queries.case_facts_for_council(
            council_id=council.pk, since=since, until=now
        ):
            seen += 1
            ward = row.ward_code or row.ward_name
            if row.service_lgsl not in services:
                services[row.service_lgsl] = row.service_name
            if ward not in wards:
                wards[ward] = row.ward_name or row.ward_code
            statistics.add(
                received_at=row.received_at,
                service_lgsl=row.service_lgsl,
                ward=ward,
                status=row.status,
            )
            yield indicators.CaseFact(
                received_at=row.received_at,
                resolved_at=row.resolved_at,
                due_at=row.due_at,
                reopened=row.reopened,
                satisfaction=row.satisfaction,
                service_lgsl=row.service_lgsl,
                ward=ward,
            )

    found = indicators.compute(facts(), now=now)
    found.setdefault((None, None), _empty(now))
    snapshots = []
    for (lgsl, ward), values in found.items():
        if lgsl is None and ward is None:
            scope, key, label = IndicatorScope.COUNCIL, "", council.name
        elif ward is None:
            scope, key, label = IndicatorScope.SERVICE, str(lgsl), services.get(lgsl, "")
        elif lgsl is None:
            scope, key, label = IndicatorScope.WARD, ward, wards.get(ward, "")
        else:
            scope, key, label = (
                IndicatorScope.SERVICE_WARD,
                f"{lgsl}:{ward}",
                wards.get(ward, ""),
            )
        snapshots.append(
            IndicatorSnapshot(
                council=council,
                scope=scope,
                key=key,
                label=label,
                service_lgsl=lgsl,
                data=indicators_to_data(values),
                computed_at=now,
            )
        )
    snapshots.append(
        IndicatorSnapshot(
            council=council,
            scope=IndicatorScope.STATISTICS,
            key="",
            label=council.name,
            data={
                "rows": [
                    [month.isoformat(), lgsl, ward, group, count]
                    for month, lgsl, ward, group, count in statistics.rows()
                ],
                "services": {str(k): v for k, v in services.items()},
                "wards": wards,
            },
            computed_at=now,
        )
    )
    with transaction.atomic():
        IndicatorSnapshot.objects.filter(council=council).delete()
        IndicatorSnapshot.objects.bulk_create(snapshots, batch_size=500)
    return RefreshResult(
        council=council.slug,
        cases=seen,
        snapshots=len(snapshots),
        seconds=round(time.monotonic() - started, 3),
    )


def _empty(now: dt.datetime) -> indicators.Indicators:
    """The whole-council figures of a council with no cases: zeros and an empty trend."""
    months = [indicators.MonthPoint(month=point) for point in indicators.trend_months(now=now)]
    return indicators.Indicators(trend=months)


def indicators_refresh_all(*, now: dt.datetime | None = None) -> list[RefreshResult]:
    return [indicators_refresh(council=c, now=now) for c in Council.objects.order_by("slug")]
