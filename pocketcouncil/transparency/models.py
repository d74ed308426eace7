"""Spending data (payments over £500), council tax precepts and budgets.

A ``SpendingImport`` is one file a member of finance staff loaded; each of its ``Payment`` rows
remembers the import it came from and the line it was on, so an import can be rolled back as a
whole and any figure traced to the published line. ``ImportIssue`` lists every line that was
rejected (or kept with a warning) and why.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ImportState(models.TextChoices):
    PENDING = "pending", _("Waiting for the columns to be confirmed")
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Importing")
    IMPORTED = "imported", _("Imported")
    FAILED = "failed", _("Failed: nothing was imported")
    ROLLED_BACK = "rolled_back", _("Rolled back: its payments were removed")
    CANCELLED = "cancelled", _("Cancelled before importing")


# An import in one of these states holds the file: the same file cannot be imported again.
ACTIVE_STATES = [ImportState.QUEUED, ImportState.RUNNING, ImportState.IMPORTED]


class SpendingImport(models.Model):
    council = models.ForeignKey(
        "councils.Council", on_delete=models.CASCADE, related_name="spending_imports"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    stored_file = models.CharField(
        max_length=500, blank=True, help_text="Storage path of the uploaded file, if kept."
    )
    sha256 = models.CharField(max_length=64)
    size_bytes = models.BigIntegerField(default=0)
    encoding = models.CharField(max_length=20, blank=True)
    header = models.JSONField(default=list, blank=True)
    header_line = models.PositiveIntegerField(default=0)
    mapping = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        max_length=20, choices=ImportState.choices, default=ImportState.PENDING
    )
    rows_read = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(default=0)
    rows_with_warnings = models.PositiveIntegerField(default=0)
    bytes_read = models.BigIntegerField(default=0)
    total_amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    first_paid_on = models.DateField(null=True, blank=True)
    last_paid_on = models.DateField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rolled_back_at = models.DateTimeField(null=True, blank=True)
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("spending import")
        verbose_name_plural = _("spending imports")
        constraints = [
            models.UniqueConstraint(
                fields=["council", "sha256"],
                condition=Q(state__in=ACTIVE_STATES),
                name="spending_import_file_once_per_council",
            ),
            models.CheckConstraint(
                condition=Q(state__in=ImportState.values), name="spending_import_state_valid"
            ),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.council})"

    @property
    def progress_percent(self) -> int:
        if not self.size_bytes:
            return 0
        return min(100, int(self.bytes_read * 100 / self.size_bytes))


class IssueSeverity(models.TextChoices):
    REJECTED = "rejected", _("Not imported")
    WARNING = "warning", _("Imported with a warning")


class ImportIssue(models.Model):
    """A line of a spending file that was rejected, or imported with a warning."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    spending_import = models.ForeignKey(
        SpendingImport, on_delete=models.CASCADE, related_name="issues"
    )
    line_number = models.PositiveIntegerField()
    severity = models.CharField(max_length=10, choices=IssueSeverity.choices)
    kind = models.CharField(max_length=30)
    message = models.CharField(max_length=300)
    raw = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["spending_import", "line_number", "pk"]
        verbose_name = _("import issue")
        verbose_name_plural = _("import issues")

    def __str__(self):
        return f"line {self.line_number}: {self.message}"


class Payment(models.Model):
    """One line of a council's published spending: a payment (or a credit, if negative)."""

    # Payments are the one table a million rows at a time go into, so every per-row cost
    # counts (docs/benchmarks.md, spending import):
    # - the council has no index of its own: both of the table's other indexes start with it;
    # - neither foreign key is a database constraint: PostgreSQL checked both for every row at
    #   COMMIT, a third of an import's database time. Payments are only ever written by
    #   actions._store_rows, in the transaction of an import of that council that already
    #   exists, and deleted with it (rollback, or Django's CASCADE when an import or council is
    #   deleted), so the constraints guarded nothing the code does not.
    council = models.ForeignKey(
        "councils.Council",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    spending_import = models.ForeignKey(
        SpendingImport, on_delete=models.CASCADE, related_name="payments", db_constraint=False
    )
    line_number = models.PositiveIntegerField()
    paid_on = models.DateField(_("payment date"))
    # Pence, as a whole number: sums are exact on every database (SQLite sums decimals as
    # floating point) and integer arithmetic is the fastest there is.
    amount_pence = models.BigIntegerField(_("amount (pence)"))
    supplier = models.CharField(_("supplier"), max_length=255, blank=True)
    service_area = models.CharField(_("service area"), max_length=255, blank=True)
    expense_type = models.CharField(_("expense type"), max_length=255, blank=True)
    reference = models.CharField(_("transaction reference"), max_length=100, blank=True)
    purpose = models.CharField(_("purpose"), max_length=500, blank=True)
    # What makes this payment itself (see actions.spending_import_run): a hash of date, amount,
    # supplier, service area, expense type, reference and the occurrence of that combination.
    fingerprint = models.CharField(max_length=32)

    class Meta:
        ordering = ["-paid_on", "pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(
                fields=["council", "fingerprint"], name="payment_fingerprint_unique_per_council"
            )
        ]
        # Few indexes: each index on text columns slows every import (docs/benchmarks.md).
        # Totals come from SpendingTotal, not from here; the supplier index serves "the
        # payments behind this supplier's total", and free-text search has an index of its own
        # (search_index.py).
        indexes = [
            models.Index(fields=["council", "paid_on"], name="payment_council_date"),
            models.Index(
                fields=["council", "supplier", "paid_on"], name="payment_council_supplier"
            ),
        ]

    def __str__(self):
        return f"{self.paid_on} £{self.amount} {self.supplier}"

    @property
    def amount(self) -> Decimal:
        return pence_to_pounds(self.amount_pence)


def pence_to_pounds(pence: int | None) -> Decimal:
    return (Decimal(pence or 0) / 100).quantize(Decimal("0.01"))


class Dimension(models.TextChoices):
    SERVICE_AREA = "service_area", _("Service area")
    EXPENSE_TYPE = "expense_type", _("Expense type")
    SUPPLIER = "supplier", _("Supplier")


class SpendingTotal(models.Model):
    """What an import paid per month to one service area, expense type or supplier.

    Written by the import in the same transaction as its payments (and removed with them on
    rollback), so the explorer's totals sum tens of thousands of rows instead of millions.
    """

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    spending_import = models.ForeignKey(
        SpendingImport, on_delete=models.CASCADE, related_name="totals"
    )
    month = models.DateField(help_text="The first day of the month.")
    dimension = models.CharField(max_length=20, choices=Dimension.choices)
    value = models.CharField(max_length=255, blank=True)
    total_pence = models.BigIntegerField()
    payments = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("spending total")
        verbose_name_plural = _("spending totals")
        constraints = [
            models.UniqueConstraint(
                fields=["spending_import", "month", "dimension", "value"],
                name="spending_total_unique",
            ),
            models.CheckConstraint(
                condition=Q(dimension__in=Dimension.values), name="spending_total_dimension_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["council", "dimension", "month", "value"], name="spending_total_lookup"
            )
        ]

    def __str__(self):
        return f"{self.month:%b %Y} {self.value}: {self.total_pence}p"


# ---------------------------------------------------------------------------------------------
# Council tax


class PreceptKind(models.TextChoices):
    COUNTY = "county", _("County council")
    DISTRICT = "district", _("District, borough or city council")
    UNITARY = "unitary", _("Unitary council")
    POLICE = "police", _("Police")
    FIRE = "fire", _("Fire and rescue")
    PARISH = "parish", _("Parish or town council")


class Precept(models.Model):
    """One part of a council tax bill for a financial year, at Band D.

    The billing council (the district, or a unitary) sends one bill that collects for every
    body below; it owns these rows. ``area`` limits a parish precept to the parish's ward(s).
    """

    council = models.ForeignKey(
        "councils.Council",
        on_delete=models.CASCADE,
        related_name="precepts",
        verbose_name=_("billing council"),
    )
    financial_year = models.PositiveSmallIntegerField(
        _("financial year"), help_text=_("The year it starts: 2026 means April 2026 to March 2027.")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PreceptKind.choices)
    name = models.CharField(_("who it is for"), max_length=200)
    band_d = models.DecimalField(_("Band D amount (£ a year)"), max_digits=8, decimal_places=2)
    area = models.ForeignKey(
        "councils.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("only in this area"),
        help_text=_("For a parish precept: the area it is charged in. Blank: everywhere."),
    )
    source = models.CharField(
        _("source of the figures"),
        max_length=300,
        help_text=_("Where the figures come from, e.g. the budget book, or 'Demo figures'."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["council", "-financial_year", "kind", "name"]
        verbose_name = _("council tax precept")
        verbose_name_plural = _("council tax precepts")
        constraints = [
            models.UniqueConstraint(
                fields=["council", "financial_year", "kind", "name"],
                name="precept_unique_per_year",
            ),
            models.CheckConstraint(condition=Q(band_d__gte=0), name="precept_band_d_not_negative"),
            models.CheckConstraint(
                condition=Q(kind__in=PreceptKind.values), name="precept_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(financial_year__gte=2000) & Q(financial_year__lte=2100),
                name="precept_year_sensible",
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.financial_year}/{(self.financial_year + 1) % 100:02d}"

    def clean(self):
        super().clean()
        if self.area_id and self.council_id and self.area.council_id != self.council_id:
            raise ValidationError({"area": _("Choose an area of the billing council.")})


class BudgetLine(models.Model):
    """How much of a precepting body's budget goes to one of its main services (net, £)."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    precept = models.ForeignKey(Precept, on_delete=models.CASCADE, related_name="budget_lines")
    service = models.CharField(_("service"), max_length=200)
    amount = models.DecimalField(_("net budget (£)"), max_digits=14, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["precept", "position", "service"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(
                fields=["precept", "service"], name="budget_line_unique_service"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_not_negative"),
        ]

    def __str__(self):
        return f"{self.service}: £{self.amount}"


class IndicatorScope(models.TextChoices):
    COUNCIL = "council", _("Whole council")
    SERVICE = "service", _("Service")
    WARD = "ward", _("Ward")
    SERVICE_WARD = "service_ward", _("Service in a ward")
    STATISTICS = "statistics", _("Case statistics")


class IndicatorSnapshot(models.Model):
    """Performance indicators as last computed from a council's cases (never typed in).

    ``actions.indicators_refresh`` replaces all of a council's rows at once, in one transaction,
    so a page never mixes two computations. ``key`` is "" for the council, the LGSL code for a
    service, the ward's GSS code (or name) for a ward, "<lgsl>:<ward>" for a service in a ward.
    ``data`` holds the unsuppressed figures: small numbers are suppressed when they are read.
    """

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=20, choices=IndicatorScope.choices)
    key = models.CharField(max_length=250, blank=True)
    label = models.CharField(max_length=300, blank=True)
    service_lgsl = models.PositiveIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["council", "scope", "key"], name="indicator_snapshot_unique"
            )
        ]

    def __str__(self):
        return f"{self.council_id} {self.scope} {self.key}"
