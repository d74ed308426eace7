"""Reads of the transparency app: the spending explorer, council tax bills, import records.

Every function takes the council explicitly; nothing here can return another council's rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings
from django.db.models import Count, Max, Sum
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pocketcouncil.councils.models import Council, CouncilTier
from pocketcouncil.transparency import search_index
from pocketcouncil.transparency.models import (
    BudgetLine,
    Dimension,
    ImportState,
    IndicatorScope,
    IndicatorSnapshot,
    Payment,
    Precept,
    SpendingImport,
    SpendingTotal,
)

# ---------------------------------------------------------------------------------------------
# Periods: residents think in financial years (April to March), as councils budget.


@dataclass(frozen=True)
class Period:
    start: dt.date  # first day of the first month
    end: dt.date  # first day of the last month

    @classmethod
    def financial_year(cls, year: int) -> Period:
        return cls(dt.date(year, 4, 1), dt.date(year + 1, 3, 1))

    @property
    def label(self) -> str:
        years = {"year": self.start.year, "next": self.end.year}
        return _("April %(year)s to March %(next)s") % years

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def last_day(self) -> dt.date:
        following = (self.end.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return following - dt.timedelta(days=1)


def financial_year_of(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def spending_years(*, council: Council) -> list[int]:
    """Financial years with spending data, newest first."""
    months = (
        SpendingTotal.objects.filter(council=council, dimension=Dimension.SERVICE_AREA)
        .values_list("month", flat=True)
        .distinct()
    )
    return sorted({financial_year_of(m) for m in months}, reverse=True)


def spending_last_changed(*, council: Council) -> dt.datetime | None:
    """When this council's spending data last changed (an import finished or was rolled back),
    for Last-Modified and ETag headers."""
    found = SpendingImport.objects.filter(
        council=council, state__in=[ImportState.IMPORTED, ImportState.ROLLED_BACK]
    ).aggregate(finished=Max("finished_at"), rolled_back=Max("rolled_back_at"))
    times = [t for t in found.values() if t is not None]
    return max(times) if times else None


# ---------------------------------------------------------------------------------------------
# Totals


@dataclass(frozen=True)
class Total:
    value: str
    pence: int
    payments: int
    share: float = 0.0  # of the largest total shown, 0 to 100, for bar lengths
    key: str = ""  # for months: "2019-12"

    @property
    def bar(self) -> str:
        """The bar's length for an SVG attribute: never localised ("12.50", not "12,50")."""
        return f"{self.share:.2f}"

    @property
    def pounds(self) -> Decimal:
        return (Decimal(self.pence) / 100).quantize(Decimal("0.01"))


def _with_shares(rows: list[tuple], keys: list[str] | None = None) -> list[Total]:
    largest = max((abs(p) for _, p, _ in rows), default=0)
    keys = keys or [""] * len(rows)
    return [
        Total(value, pence, count, (max(pence, 0) * 100 / largest) if largest else 0.0, key)
        for (value, pence, count), key in zip(rows, keys, strict=True)
    ]


def spending_totals(
    *,
    council: Council,
    dimension: str,
    period: Period,
    search: str = "",
    limit: int | None = None,
) -> list[Total]:
    """What the council paid to each service area, expense type or supplier in the period,
    largest first."""
    if dimension not in Dimension.values:
        raise ValueError(f"Unknown dimension {dimension!r}")
    rows = SpendingTotal.objects.filter(
        council=council, dimension=dimension, month__gte=period.start, month__lte=period.end
    )
    if search:
        rows = rows.filter(value__icontains=search)
    grouped = (
        rows.values("value")
        .annotate(pence=Sum("total_pence"), count=Sum("payments"))
        .order_by("-pence", "value")
        .values_list("value", "pence", "count")
    )
    if limit:
        grouped = grouped[:limit]
    return _with_shares(list(grouped))


def spending_by_month(
    *, council: Council, period: Period, dimension: str = "", value: str | None = None
) -> list[Total]:
    """Month by month totals (all spending, or one service area, expense type or supplier).
    Months without payments are listed with nothing, so charts show the gap."""
    rows = SpendingTotal.objects.filter(
        council=council,
        dimension=dimension or Dimension.SERVICE_AREA,
        month__gte=period.start,
        month__lte=period.end,
    )
    if dimension and value is not None:
        rows = rows.filter(value=value)
    found = {
        month: (pence, count)
        for month, pence, count in rows.values("month")
        .annotate(pence=Sum("total_pence"), count=Sum("payments"))
        .values_list("month", "pence", "count")
    }
    months, keys = [], []
    month = period.start
    while month <= period.end:
        pence, count = found.get(month, (0, 0))
        months.append((date_format(month, "F Y"), pence, count))
        keys.append(month.strftime("%Y-%m"))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return _with_shares(months, keys)


def spending_summary(*, council: Council, period: Period) -> Total:
    """All spending in the period: one total."""
    found = SpendingTotal.objects.filter(
        council=council,
        dimension=Dimension.SERVICE_AREA,
        month__gte=period.start,
        month__lte=period.end,
    ).aggregate(pence=Coalesce(Sum("total_pence"), 0), count=Coalesce(Sum("payments"), 0))
    return Total(period.label, found["pence"], found["count"])


# ---------------------------------------------------------------------------------------------
# The payments behind a figure


@dataclass
class PaymentFilter:
    period: Period
    dimension: str = ""
    value: str | None = None
    month: dt.date | None = None
    search: str = ""

    def describe(self) -> str:
        parts = []
        if self.dimension and self.value is not None:
            label = Dimension(self.dimension).label
            parts.append(f"{label}: {self.value or _('not named')}")
        if self.month:
            parts.append(date_format(self.month, "F Y"))
        else:
            parts.append(self.period.label)
        if self.search:
            parts.append(_("matching “%(search)s”") % {"search": self.search})
        return ", ".join(parts)


def payment_queryset(*, council: Council, filters: PaymentFilter):
    start, end = filters.period.start, filters.period.last_day
    if filters.month:
        start = filters.month
        end = (filters.month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    rows = Payment.objects.filter(council=council, paid_on__gte=start, paid_on__lte=end)
    if filters.dimension and filters.value is not None:
        if filters.dimension not in Dimension.values:
            raise ValueError(f"Unknown dimension {filters.dimension!r}")
        rows = rows.filter(**{filters.dimension: filters.value})
    if filters.search:
        rows = search_index.filter_text(rows, filters.search, council_id=council.pk)
    return rows.order_by("-paid_on", "pk")


PAYMENT_PAGE_SIZE = 50


def payment_page(*, council: Council, filters: PaymentFilter, page: int = 1) -> tuple[list, bool]:
    """One page of payments (newest first) and whether there is a next page. No COUNT(*):
    counting a million rows to print "page 1 of 20,000" is not worth a second of waiting."""
    offset = (max(page, 1) - 1) * PAYMENT_PAGE_SIZE
    rows = list(
        payment_queryset(council=council, filters=filters)[offset : offset + PAYMENT_PAGE_SIZE + 1]
    )
    return rows[:PAYMENT_PAGE_SIZE], len(rows) > PAYMENT_PAGE_SIZE


# ---------------------------------------------------------------------------------------------
# Imports (staff)


def spending_import_list(*, council: Council) -> list[SpendingImport]:
    return list(SpendingImport.objects.filter(council=council).select_related("created_by")[:100])


def spending_import_get(*, council: Council, pk: int) -> SpendingImport:
    """Raises SpendingImport.DoesNotExist, also for another council's import."""
    return SpendingImport.objects.select_related("council", "created_by").get(
        council=council, pk=pk
    )


# ---------------------------------------------------------------------------------------------
# Council tax

# Each band's bill as a fraction of Band D (Local Government Finance Act 1992, section 5).
BAND_RATIOS: dict[str, Fraction] = {
    "A": Fraction(6, 9),
    "B": Fraction(7, 9),
    "C": Fraction(8, 9),
    "D": Fraction(9, 9),
    "E": Fraction(11, 9),
    "F": Fraction(13, 9),
    "G": Fraction(15, 9),
    "H": Fraction(18, 9),
}
WEEKS_PER_YEAR = 52
_PENNY = Decimal("0.01")


def _pounds(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        _PENNY, rounding=ROUND_HALF_UP
    )


@dataclass
class BillShare:
    name: str
    yearly: Decimal
    weekly: Decimal
    percent: float = 0.0


@dataclass
class BillLine:
    precept: Precept
    yearly: Decimal
    weekly: Decimal
    services: list[BillShare] = field(default_factory=list)
    percent: float = 0.0


@dataclass
class Bill:
    council: Council
    year: int
    band: str
    lines: list[BillLine]
    yearly: Decimal
    weekly: Decimal

    @property
    def year_label(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    @property
    def sources(self) -> list[str]:
        return sorted({line.precept.source for line in self.lines})


class NoCouncilTaxFiguresError(LookupError):
    """The council has not entered council tax figures for that year."""


def billing_council(councils: list[Council]) -> Council | None:
    """The council that sends the council tax bill: the district, or the unitary."""
    return next((c for c in councils if c.tier != CouncilTier.COUNTY), None)


def council_tax_years(*, council: Council) -> list[int]:
    return sorted(
        set(Precept.objects.filter(council=council).values_list("financial_year", flat=True)),
        reverse=True,
    )


def council_tax_bill(
    *, council: Council, year: int, band: str, area_ids: set[int] | None = None
) -> Bill:
    """A year's bill for a band, split by precept and, within each, by main service.

    ``area_ids``: the areas the home is in (from its postcode). Precepts limited to an area
    (parishes) are included only when the home is in it; without ``area_ids`` they are left out
    and the page says a parish precept may be added.
    Each precept is rounded to the penny, as on a real bill; the service split is each
    service's share of that precepting body's budget.
    """
    if band not in BAND_RATIOS:
        raise ValueError(f"Unknown council tax band {band!r}")
    ratio = BAND_RATIOS[band]
    precepts = list(
        Precept.objects.filter(council=council, financial_year=year)
        .select_related("area")
        .prefetch_related("budget_lines")
        .order_by("kind", "name")
    )
    if not precepts:
        label = f"{year}/{(year + 1) % 100:02d}"
        raise NoCouncilTaxFiguresError(
            f"{council.name} has not published council tax figures for {label}."
        )
    lines = []
    for precept in precepts:
        if precept.area_id and (area_ids is None or precept.area_id not in area_ids):
            continue
        yearly_fraction = Fraction(precept.band_d) * ratio
        yearly = _pounds(yearly_fraction)
        line = BillLine(precept, yearly, _pounds(yearly_fraction / WEEKS_PER_YEAR))
        budget = list(precept.budget_lines.all())
        budget_total = sum((b.amount for b in budget), Decimal(0))
        if budget_total > 0:
            for budget_line in budget:
                share = Fraction(budget_line.amount) / Fraction(budget_total)
                line.services.append(
                    BillShare(
                        budget_line.service,
                        _pounds(yearly_fraction * share),
                        _pounds(yearly_fraction * share / WEEKS_PER_YEAR),
                        float(share * 100),
                    )
                )
        lines.append(line)
    total = sum((line.yearly for line in lines), Decimal(0))
    for line in lines:
        line.percent = float(line.yearly * 100 / total) if total else 0.0
    return Bill(
        council=council,
        year=year,
        band=band,
        lines=lines,
        yearly=total,
        weekly=(total / WEEKS_PER_YEAR).quantize(_PENNY, rounding=ROUND_HALF_UP),
    )


def budget_lines_for_council(*, council: Council, year: int) -> list[BudgetLine]:
    return list(
        BudgetLine.objects.filter(council=council, precept__financial_year=year)
        .select_related("precept")
        .order_by("precept__kind", "precept__name", "position", "service")
    )


# ---------------------------------------------------------------------------------------------
# Performance indicators, read from the stored snapshot (actions.indicators_refresh)


def small_numbers() -> int:
    """Figures worked out from fewer cases than this are not published."""
    return getattr(settings, "TRANSPARENCY_SMALL_NUMBERS", 5)


# Cases needed before a service page says how long the service usually takes.
FIX_TIME_MINIMUM = 10


def _hide(count: int | None, minimum: int) -> bool:
    return count is not None and 0 < count < minimum


def _percent(share: float | None) -> int | None:
    return None if share is None else round(share * 100)


@dataclass
class Figures:
    """One council, service, ward or service-in-ward, small numbers already suppressed: a
    suppressed figure is None and its name is in ``suppressed``."""

    scope: str
    key: str
    label: str
    service_lgsl: int | None
    received: int | None
    resolved: int | None
    median_days: int | None
    p90_days: int | None
    within_target: int | None  # percent
    reopened: int | None  # percent
    satisfaction: int | None  # percent
    satisfaction_answers: int | None
    trend: list[dict]
    suppressed: set[str] = field(default_factory=set)

    @property
    def ward_code(self) -> str:
        return self.key.split(":", 1)[-1] if self.scope in ("ward", "service_ward") else ""

    @property
    def has_trend(self) -> bool:
        return any(point["received"] or point["resolved"] for point in self.trend)


def _figures(snapshot: IndicatorSnapshot, minimum: int) -> Figures:
    data = snapshot.data
    hidden = set()
    received, resolved = data["received"], data["resolved"]
    if _hide(received, minimum):
        hidden.add("received")
    if _hide(resolved, minimum):
        hidden |= {"resolved", "median_days", "p90_days", "reopened"}
    if _hide(data.get("with_target", 0), minimum):
        hidden.add("within_target")
    if _hide(data["satisfaction_answers"], minimum):
        hidden |= {"satisfaction", "satisfaction_answers"}
    trend = []
    biggest = max([p["received"] for p in data["trend"]] + [1])
    for point in data["trend"]:
        month_hidden = set()
        if _hide(point["received"], minimum):
            month_hidden.add("received")
        if _hide(point["resolved"], minimum):
            month_hidden |= {"resolved", "median_days"}
        shown = {
            name: None if name in month_hidden else point[name]
            for name in ("received", "resolved", "median_days")
        }
        trend.append(
            {
                "month": dt.date.fromisoformat(point["month"]),
                **shown,
                "suppressed": month_hidden,
                "bar": 0 if shown["received"] is None else round(100 * point["received"] / biggest),
            }
        )

    def value(name, raw):
        return None if name in hidden else raw

    return Figures(
        scope=snapshot.scope,
        key=snapshot.key,
        label=snapshot.label,
        service_lgsl=snapshot.service_lgsl,
        received=value("received", received),
        resolved=value("resolved", resolved),
        median_days=value("median_days", data["median_days"]),
        p90_days=value("p90_days", data["p90_days"]),
        within_target=value("within_target", _percent(data["within_target"])),
        reopened=value("reopened", _percent(data["reopened"])),
        satisfaction=value("satisfaction", _percent(data["satisfaction"])),
        satisfaction_answers=value("satisfaction_answers", data["satisfaction_answers"]),
        trend=trend,
        suppressed=hidden,
    )


@dataclass
class Performance:
    council: Figures
    computed_at: dt.datetime
    services: list[Figures]
    wards: list[Figures]


def performance_last_changed(*, council: Council) -> dt.datetime | None:
    """When the council's figures were last computed, or None if they never were."""
    return (
        IndicatorSnapshot.objects.filter(council=council, scope=IndicatorScope.COUNCIL)
        .values_list("computed_at", flat=True)
        .first()
    )


def councils_with_performance() -> set[int]:
    """Ids of the councils whose figures have been computed (one query)."""
    return set(
        IndicatorSnapshot.objects.filter(scope=IndicatorScope.COUNCIL).values_list(
            "council_id", flat=True
        )
    )


def performance_get(*, council: Council) -> Performance | None:
    """The council's figures, per service and per ward (one query). None until computed."""
    rows = list(
        IndicatorSnapshot.objects.filter(
            council=council,
            scope__in=[IndicatorScope.COUNCIL, IndicatorScope.SERVICE, IndicatorScope.WARD],
        )
    )
    whole = next((r for r in rows if r.scope == IndicatorScope.COUNCIL), None)
    if whole is None:
        return None
    minimum = small_numbers()
    figures = [_figures(r, minimum) for r in rows]
    return Performance(
        council=next(f for f in figures if f.scope == IndicatorScope.COUNCIL),
        computed_at=whole.computed_at,
        services=sorted(
            (f for f in figures if f.scope == IndicatorScope.SERVICE),
            key=lambda f: f.label.lower(),
        ),
        wards=sorted(
            (f for f in figures if f.scope == IndicatorScope.WARD),
            key=lambda f: (f.key == "", f.label.lower()),
        ),
    )


@dataclass
class ServicePerformance:
    service: Figures
    computed_at: dt.datetime
    wards: list[Figures]


def performance_for_service(*, council: Council, lgsl: int) -> ServicePerformance | None:
    """One service's figures, with a row per ward (one query). None if it has none."""
    snapshots = list(
        IndicatorSnapshot.objects.filter(
            council=council,
            service_lgsl=lgsl,
            scope__in=[IndicatorScope.SERVICE, IndicatorScope.SERVICE_WARD],
        )
    )
    whole = next((r for r in snapshots if r.scope == IndicatorScope.SERVICE), None)
    if whole is None:
        return None
    minimum = small_numbers()
    rows = [_figures(r, minimum) for r in snapshots if r is not whole]
    return ServicePerformance(
        service=_figures(whole, minimum),
        computed_at=whole.computed_at,
        wards=sorted(rows, key=lambda f: (f.ward_code == "", f.label.lower())),
    )


@dataclass(frozen=True)
class FixTime:
    median_days: int
    p90_days: int
    resolved: int
    computed_at: dt.datetime


def service_fix_time(*, council_id: int, lgsl: int) -> FixTime | None:
    """How long a service usually takes at a council, from the stored figures (one query).
    None until enough cases (``FIX_TIME_MINIMUM``) were resolved in the last 12 months."""
    row = (
        IndicatorSnapshot.objects.filter(
            council_id=council_id, scope=IndicatorScope.SERVICE, key=str(lgsl)
        )
        .values_list("data", "computed_at")
        .first()
    )
    if row is None:
        return None
    data, computed_at = row
    if data["median_days"] is None or data["resolved"] < max(FIX_TIME_MINIMUM, small_numbers()):
        return None
    return FixTime(
        median_days=data["median_days"],
        p90_days=data["p90_days"],
        resolved=data["resolved"],
        computed_at=computed_at,
    )


@dataclass
class CaseStatistics:
    computed_at: dt.datetime
    rows: list[dict]  # month, service_lgsl, service, ward_code, ward, status, cases (None: hidden)
    months: list[dict]  # per month: month and a count per status group, for the page


STATUS_GROUP_ORDER = ["open", "fixed", "closed", "rejected", "duplicate", "other"]


def case_statistics_get(*, council: Council) -> CaseStatistics | None:
    """Anonymised counts of cases per month x service x ward x status group, with counts from
    1 to ``small_numbers() - 1`` suppressed (None). None until computed."""
    snapshot = IndicatorSnapshot.objects.filter(
        council=council, scope=IndicatorScope.STATISTICS, key=""
    ).first()
    if snapshot is None:
        return None
    minimum = small_numbers()
    services, wards = snapshot.data["services"], snapshot.data["wards"]
    rows = []
    per_month: dict[str, dict[str, int]] = {}
    for month, lgsl, ward, group, count in snapshot.data["rows"]:
        totals = per_month.setdefault(month, dict.fromkeys(STATUS_GROUP_ORDER, 0))
        totals[group] = totals.get(group, 0) + count
        rows.append(
            {
                "month": month[:7],
                "service_lgsl": lgsl,
                "service": services.get(str(lgsl), ""),
                "ward_code": ward if wards.get(ward, "") != ward else "",
                "ward": wards.get(ward, ""),
                "status": group,
                "cases": None if _hide(count, minimum) else count,
            }
        )
    months = [
        {
            "month": dt.date.fromisoformat(month),
            "counts": [
                None if _hide(totals[g], minimum) else totals[g] for g in STATUS_GROUP_ORDER
            ],
        }
        for month, totals in sorted(per_month.items())
    ]
    return CaseStatistics(computed_at=snapshot.computed_at, rows=rows, months=months)


def budget_years(*, council: Council) -> list[dict]:
    """The financial years a billing council holds council tax figures for, newest first, each
    with its number of bodies and budget lines and when they last changed."""
    return list(
        Precept.objects.filter(council=council)
        .values("financial_year")
        .annotate(
            bodies=Count("pk", distinct=True),
            budget_lines=Count("budget_lines"),
            updated_at=Max("updated_at"),
        )
        .order_by("-financial_year")
    )


def precepts_for_year(*, council: Council, financial_year: int) -> list[Precept]:
    """A year's precepts in bill order, with their budget lines and areas."""
    return list(
        Precept.objects.filter(council=council, financial_year=financial_year)
        .select_related("area")
        .prefetch_related("budget_lines")
        .order_by("kind", "name")
    )


def spending_import_guesses(spending_import) -> dict | None:
    """For an import waiting for its columns to be confirmed: whether its header was recognised
    and, for each field, which guess was made and why (``spending_csv.guess_columns``), read
    again from the stored file. None when the file is not kept (a command-line import)."""
    from django.core.files.storage import default_storage

    from pocketcouncil.transparency import spending_csv

    if not spending_import.stored_file:
        return None
    try:
        with default_storage.open(spending_import.stored_file, "rb") as binary:
            info = spending_csv.preview(binary)
    except (OSError, spending_csv.SpendingFileError):
        return None
    return {"header_recognised": info["header_recognised"], "reasons": info["reasons"]}
