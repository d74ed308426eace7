"""Performance indicators computed from cases and surveys, never typed in.

Everything here is a pure function over plain facts, tested with generated case histories whose
answers are known (tests/test_indicators.py). ``cases.queries.case_facts_for_council`` streams a
council's cases as rows; ``actions.indicators_refresh`` turns them into ``CaseFact``s, computes
and stores a snapshot (``IndicatorSnapshot``) that the pages read.

Each indicator has a one-line definition for residents and the method, in ``DEFINITIONS``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
SATISFIED_FROM = 4  # survey answers 1 to 5; 4 ("satisfied") and 5 ("very satisfied") count
TREND_MONTHS = 12

DEFINITIONS: dict[str, tuple[str, str]] = {
    "received": (
        "How many requests and reports residents made.",
        "Cases received in the last 12 months (by the date they were made, UK time).",
    ),
    "median_days": (
        "How long it usually takes to deal with a request: half take this long or less.",
        "Median of working days from the day a case was received to the day it was resolved, "
        "for cases resolved in the last 12 months. Working days leave out weekends and bank "
        "holidays in England and Wales. Nearest-rank method.",
    ),
    "p90_days": (
        "How long the slowest requests take: 9 in 10 are dealt with in this time or less.",
        "90th percentile (nearest rank) of the same working days as the median.",
    ),
    "within_target": (
        "How many requests were dealt with by the date the council promised.",
        "Share of resolved cases with a due date whose resolution time was at or before it.",
    ),
    "reopened": (
        "How many requests had to be reopened because the problem was not fixed.",
        "Share of resolved cases that were reopened at least once.",
    ),
    "satisfaction": (
        "How many residents who answered our short survey were satisfied.",
        "Share of survey answers of 4 or 5 on a scale of 1 to 5, for cases resolved in the "
        "last 12 months. Shown with how many answered.",
    ),
    "trend": (
        "Whether things are getting better or worse, month by month.",
        "For each of the last 12 calendar months (UK time): cases received, cases resolved and "
        "the median working days of the cases resolved that month.",
    ),
}


@dataclass(frozen=True)
class CaseFact:
    """What the indicators need to know about one case. Nothing personal."""

    received_at: dt.datetime
    resolved_at: dt.datetime | None
    due_at: dt.datetime | None
    reopened: bool
    satisfaction: int | None  # survey answer 1 to 5, if the resident answered
    service_lgsl: int
    ward: str  # the ward's GSS code (or name) the case was reported in


@cache
def _bank_holidays(year: int) -> tuple[dt.date, ...]:
    """England and Wales bank holidays falling on weekdays, for one year."""
    found = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return tuple(sorted(day for day in found if day.weekday() < 5))


def _holidays_between(start: dt.date, end: dt.date) -> int:
    """Weekday bank holidays d with start < d <= end."""
    total = 0
    for year in range(start.year, end.year + 1):
        days = _bank_holidays(year)
        total += bisect.bisect_right(days, end) - bisect.bisect_right(days, start)
    return total


def working_days(start: dt.datetime, end: dt.datetime) -> int:
    """Working days after the day ``start`` falls on, up to and including the day of ``end``
    (UK time): received on a Monday and fixed on the Tuesday is 1; the same day is 0."""
    first = start.astimezone(LONDON).date()
    last = end.astimezone(LONDON).date()
    days = (last - first).days
    if days <= 0:
        return 0
    weeks, extra = divmod(days, 7)
    count = weeks * 5
    for offset in range(1, extra + 1):
        if (first + dt.timedelta(days=weeks * 7 + offset)).weekday() < 5:
            count += 1
    return count - _holidays_between(first, last)


def nearest_rank(sorted_values: list[int], percent: float) -> int | None:
    """The smallest value with at least ``percent`` % of values at or below it."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(percent / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass
class MonthPoint:
    month: dt.date
    received: int = 0
    resolved: int = 0
    median_days: int | None = None


@dataclass
class Indicators:
    received: int = 0
    resolved: int = 0
    median_days: int | None = None
    p90_days: int | None = None
    with_target: int = 0  # resolved cases that had a due date
    within_target: float | None = None  # 0 to 1
    reopened: float | None = None  # 0 to 1
    satisfaction: float | None = None  # 0 to 1
    satisfaction_answers: int = 0
    trend: list[MonthPoint] = field(default_factory=list)


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _months_back(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 - count
    return dt.date(index // 12, index % 12 + 1, 1)


class _Accumulator:
    def __init__(self, months: list[dt.date]):
        self.received = 0
        self.days: list[int] = []
        self.due = 0
        self.on_time = 0
        self.reopened = 0
        self.answers = 0
        self.satisfied = 0
        self.months = {m: [0, []] for m in months}  # month -> [received, resolution days]

    def result(self) -> Indicators:
        days = sorted(self.days)
        resolved = len(days)
        trend = []
        for month, (received, month_days) in self.months.items():
            trend.append(
                MonthPoint(month, received, len(month_days), nearest_rank(sorted(month_days), 50))
            )
        return Indicators(
            received=self.received,
            resolved=resolved,
            median_days=nearest_rank(days, 50),
            p90_days=nearest_rank(days, 90),
            with_target=self.due,
            within_target=self.on_time / self.due if self.due else None,
            reopened=self.reopened / resolved if resolved else None,
            satisfaction=self.satisfied / self.answers if self.answers else None,
            satisfaction_answers=self.answers,
            trend=trend,
        )


def trend_months(*, now: dt.datetime) -> list[dt.date]:
    """The first days of the last 12 calendar months (UK time), oldest first, this one last."""
    this_month = _month_start(now.astimezone(LONDON).date())
    return [_months_back(this_month, back) for back in range(TREND_MONTHS - 1, -1, -1)]


def compute(
    facts: Iterable[CaseFact], *, now: dt.datetime
) -> dict[tuple[int | None, str | None], Indicators]:
    """Indicators over the 12 months before ``now``, per (service, ward), per (service, None)
    for a service across the council, per (None, ward) for every service in a ward and
    (None, None) for the whole council. Streams the facts once; memory grows with the number
    of resolved cases (their resolution times are needed for the median)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    months = trend_months(now=now)
    since = now - dt.timedelta(days=365)
    groups: dict[tuple[int | None, str | None], _Accumulator] = defaultdict(
        lambda: _Accumulator(months)
    )
    month_of: dict[dt.date, dt.date] = {}  # UK date -> its month, worked out once a day

    def month(moment: dt.datetime) -> dt.date:
        day = moment.astimezone(LONDON).date()
        found = month_of.get(day)
        if found is None:
            found = month_of[day] = _month_start(day)
        return found

    for fact in facts:
        accumulators = (
            groups[(fact.service_lgsl, fact.ward)],
            groups[(fact.service_lgsl, None)],
            groups[(None, fact.ward)],
            groups[(None, None)],
        )
        received_in_window = since <= fact.received_at <= now
        received_month = month(fact.received_at)
        for acc in accumulators:
            if received_in_window:
                acc.received += 1
            point = acc.months.get(received_month)
            if point is not None:
                point[0] += 1
        if fact.resolved_at is None or not since <= fact.resolved_at <= now:
            continue
        days = working_days(fact.received_at, fact.resolved_at)
        resolved_month = month(fact.resolved_at)
        has_due = fact.due_at is not None
        on_time = has_due and fact.resolved_at <= fact.due_at
        reopened = bool(fact.reopened)
        answered = fact.satisfaction is not None
        satisfied = answered and fact.satisfaction >= SATISFIED_FROM
        for acc in accumulators:
            acc.days.append(days)
            if has_due:
                acc.due += 1
                acc.on_time += on_time
            acc.reopened += reopened
            if answered:
                acc.answers += 1
                acc.satisfied += satisfied
            point = acc.months.get(resolved_month)
            if point is not None:
                point[1].append(days)
    return {key: acc.result() for key, acc in groups.items()}


def typical_time_sentence(indicators: Indicators, *, what: str) -> str | None:
    """'Potholes here are usually fixed in 9 working days.' None with too few cases to say."""
    if indicators.median_days is None or indicators.resolved < 10:
        return None
    days = indicators.median_days
    unit = "working day" if days == 1 else "working days"
    return f"{what} here are usually dealt with in {days} {unit}."


# ---------------------------------------------------------------------------------------------
# Anonymised case statistics: counts per month received x service x ward x status group

STATUS_GROUPS = {
    "submitted": "open",
    "acknowledged": "open",
    "in_progress": "open",
    "waiting": "open",
    "resolved": "fixed",
    "closed": "closed",
    "rejected": "rejected",
    "duplicate": "duplicate",
}


class CaseStatistics:
    """Counts cases received in each of the last 12 months (UK time) by service, ward and
    status group (open, fixed, closed, rejected, duplicate). Memory grows with the number of
    distinct cells, never with the number of cases."""

    def __init__(self, *, now: dt.datetime):
        this_month = _month_start(now.astimezone(LONDON).date())
        self.first_month = _months_back(this_month, TREND_MONTHS - 1)
        self.now = now
        self.counts: dict[tuple[dt.date, int, str, str], int] = defaultdict(int)

    def add(self, *, received_at: dt.datetime, service_lgsl: int, ward: str, status: str) -> None:
        if received_at > self.now:
            return
        month = _month_start(received_at.astimezone(LONDON).date())
        if month < self.first_month:
            return
        group = STATUS_GROUPS.get(status, "other")
        self.counts[(month, service_lgsl, ward, group)] += 1

    def rows(self) -> list[tuple[dt.date, int, str, str, int]]:
        return sorted((*key, count) for key, count in self.counts.items())


def suppressed(count: int | None, *, minimum: int) -> bool:
    """Whether a figure from ``count`` cases is too small to publish (1 to minimum - 1)."""
    return count is not None and 0 < count < minimum
