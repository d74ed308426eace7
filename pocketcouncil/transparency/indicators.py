"""Performance indicators computed from cases and surveys, never typed in.

NOT WIRED YET: the cases app does not yet say how to read its cases as ``CaseFact`` rows (a
query in ``cases.queries`` yielding them is the missing piece), so no page publishes these
figures. Everything here is a pure function over plain facts, tested with generated case
histories whose answers are known (tests/test_indicators.py).

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
            within_target=self.on_time / self.due if self.due else None,
            reopened=self.reopened / resolved if resolved else None,
            satisfaction=self.satisfied / self.answers if self.answers else None,
            satisfaction_answers=self.answers,
            trend=trend,
        )


def compute(
    facts: Iterable[CaseFact], *, now: dt.datetime
) -> dict[tuple[int, str | None], Indicators]:
    """Indicators per (service, ward) and per (service, None) for the whole council, over the
    12 months before ``now``. Streams the facts once; memory grows with the number of
    resolved cases (their resolution times are needed for the median)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    this_month = _month_start(now.astimezone(LONDON).date())
    months = [_months_back(this_month, back) for back in range(TREND_MONTHS - 1, -1, -1)]
    since = now - dt.timedelta(days=365)
    groups: dict[tuple[int, str | None], _Accumulator] = defaultdict(lambda: _Accumulator(months))
    for fact in facts:
        keys = [(fact.service_lgsl, fact.ward), (fact.service_lgsl, None)]
        accumulators = [groups[key] for key in keys]
        received_month = _month_start(fact.received_at.astimezone(LONDON).date())
        for acc in accumulators:
            if since <= fact.received_at <= now:
                acc.received += 1
            if received_month in acc.months:
                acc.months[received_month][0] += 1
        if fact.resolved_at is None or not since <= fact.resolved_at <= now:
            continue
        days = working_days(fact.received_at, fact.resolved_at)
        resolved_month = _month_start(fact.resolved_at.astimezone(LONDON).date())
        for acc in accumulators:
            acc.days.append(days)
            if fact.due_at is not None:
                acc.due += 1
                acc.on_time += fact.resolved_at <= fact.due_at
            acc.reopened += bool(fact.reopened)
            if fact.satisfaction is not None:
                acc.answers += 1
                acc.satisfied += fact.satisfaction >= SATISFIED_FROM
            if resolved_month in acc.months:
                acc.months[resolved_month][1].append(days)
    return {key: acc.result() for key, acc in groups.items()}


def typical_time_sentence(indicators: Indicators, *, what: str) -> str | None:
    """'Potholes here are usually fixed in 9 working days.' None with too few cases to say."""
    if indicators.median_days is None or indicators.resolved < 10:
        return None
    days = indicators.median_days
    unit = "working day" if days == 1 else "working days"
    return f"{what} here are usually dealt with in {days} {unit}."
