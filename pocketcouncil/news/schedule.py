"""Collection dates for a round: pure Python, no database.

The rule (the one most English councils use, in docs/home.md):

1. A round collects on its weekday, every week or every other week counted from its first
   collection.
2. Bank holidays (England) move collections: each bank holiday on a weekday moves every
   collection from that day to the end of the same week (Monday to Sunday) one day later.
   Easter Monday moves Monday's collection to Tuesday and Friday's to Saturday; a week with
   two bank holidays (Christmas) moves later collections by two days.
3. A one-off change recorded by staff then moves (or cancels) the collection that was due on
   a given date, after rule 2. That is the date staff and residents see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import holidays


@cache
def bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def _is_bank_holiday(day: date) -> bool:
    return day in bank_holidays(day.year)


@dataclass(frozen=True)
class Collection:
    day: date
    usual_day: date  # the date on the plain weekly/fortnightly pattern
    note: str = ""  # why it moved or was cancelled, if it was
    cancelled: bool = False

    @property
    def moved(self) -> bool:
        return self.day != self.usual_day


def bank_holiday_shift(usual: date) -> int:
    """How many days a collection due on ``usual`` moves: the bank holidays on weekdays from
    the Monday of its week up to and including its own day."""
    monday = usual - timedelta(days=usual.weekday())
    return sum(
        1
        for n in range(usual.weekday() + 1)
        if (day := monday + timedelta(days=n)).weekday() < 5 and _is_bank_holiday(day)
    )


def usual_days(*, first: date, interval_days: int, start: date, end: date) -> list[date]:
    """Days on the plain pattern between ``start`` and ``end`` inclusive."""
    if end < start:
        return []
    if start <= first:
        day = first
    else:
        steps = -(-(start - first).days // interval_days)  # ceiling division
        day = first + timedelta(days=steps * interval_days)
    found = []
    while day <= end:
        found.append(day)
        day += timedelta(days=interval_days)
    return found


def collections(
    *,
    first: date,
    interval_days: int,
    start: date,
    end: date,
    changes: dict[date, tuple[date | None, str]] | None = None,
    bank_holiday_note: str = "Moved because of the bank holiday",
) -> list[Collection]:
    """Every collection from ``start`` to ``end`` inclusive, after bank holidays and changes.

    ``changes`` maps the date a collection was due (after bank holidays) to (new date, or None
    to cancel it, reason). A cancelled collection is returned with ``cancelled=True``.
    Collections moved in from before ``start`` (or out past ``end``) are found by looking two
    weeks either side.
    """
    changes = changes or {}
    found = []
    for usual in usual_days(
        first=first,
        interval_days=interval_days,
        start=start - timedelta(days=14),
        end=end + timedelta(days=14),
    ):
        shift = bank_holiday_shift(usual)
        day = usual + timedelta(days=shift)
        note = bank_holiday_note if shift else ""
        if day in changes:
            new_day, reason = changes[day]
            if new_day is None:
                if start <= day <= end:
                    found.append(Collection(day=day, usual_day=usual, note=reason, cancelled=True))
                continue
            day, note = new_day, reason
        if start <= day <= end:
            found.append(Collection(day=day, usual_day=usual, note=note))
    found.sort(key=lambda c: c.day)
    return found
