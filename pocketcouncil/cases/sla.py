"""Working days and due dates, with England and Wales bank holidays, in Europe/London.

A target of N working days means: the case is due by the end of the Nth working day after the
day it was received (a case received on a weekend or bank holiday starts counting from the next
working day, as a council's office would). "End of day" is 23:59:59 London time, so a clock
change never moves a due date to another day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    counted = 0
    while counted < days:
        current += timedelta(days=1)
        if is_working_day(current):
            counted += 1
    return current


def due_at(received: datetime, working_days: int) -> datetime:
    """When a case received at ``received`` is due, as an aware datetime."""
    local_day = received.astimezone(LONDON).date()
    end = add_working_days(local_day, working_days)
    return datetime.combine(end, time(23, 59, 59), tzinfo=LONDON)


def working_days_between(start: datetime, end: datetime) -> int:
    """Whole working days from ``start``'s day to ``end``'s day (same day is 0)."""
    first = start.astimezone(LONDON).date()
    last = end.astimezone(LONDON).date()
    if last <= first:
        return 0
    count = 0
    day = first
    while day < last:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
