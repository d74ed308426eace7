"""Due dates in working days: weekends, England and Wales bank holidays, clock changes."""

from datetime import date, datetime

import pytest

from pocketcouncil.cases import sla

LONDON = sla.LONDON


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 11, 16), 1, date(2026, 11, 17)),  # Monday -> Tuesday
        (date(2026, 11, 20), 1, date(2026, 11, 23)),  # Friday -> Monday
        (date(2026, 11, 21), 1, date(2026, 11, 23)),  # Saturday -> Monday
        (date(2026, 11, 16), 5, date(2026, 11, 23)),  # a working week
        (
            date(2026, 4, 2),
            1,
            date(2026, 4, 7),
        ),  # Thursday before Easter
        (
            date(2026, 12, 24),
            1,
            date(2026, 12, 29),
        ),  # Christmas, Boxing Day on Monday 28th
        (date(2026, 12, 24), 3, date(2026, 12, 31)),
        (date(2026, 5, 1), 1, date(2026, 5, 5)),  # Early May bank holiday, Monday 4 May
        (date(2026, 11, 16), 0, date(2026, 11, 16)),
    ],
)
def test_add_working_days(start, days, expected):
    assert sla.add_working_days(start, days) == expected


def test_negative_days_refused():
    with pytest.raises(ValueError):
        sla.add_working_days(date(2026, 1, 5), -1)


def test_due_at_is_end_of_the_london_working_day_across_the_clock_change():
    # Received on Friday 23 October 2026 (BST); due 5 working days later, after the clocks go
    # back on Sunday 25 October: Friday 30 October, 23:59:59 GMT.
    received = datetime(2026, 10, 23, 16, 0, tzinfo=LONDON)
    due = sla.due_at(received, 5)
    assert due == datetime(2026, 10, 30, 23, 59, 59, tzinfo=LONDON)
    assert due.utcoffset().total_seconds() == 0


def test_late_evening_utc_counts_as_the_next_london_day():
    # 23:30 UTC on 31 May 2026 is 00:30 BST on Monday 1 June in London.
    received = datetime(2026, 5, 31, 23, 30, tzinfo=sla.ZoneInfo("UTC"))
    assert sla.due_at(received, 1).date() == date(2026, 6, 2)


def test_working_days_between():
    start = datetime(2026, 12, 23, 9, 0, tzinfo=LONDON)
    end = datetime(2026, 12, 30, 9, 0, tzinfo=LONDON)
    # 24th, 29th, 30th (25th, 26th, 27th, 28th are not working days).
    assert sla.working_days_between(start, end) == 3
    assert sla.working_days_between(end, start) == 0
