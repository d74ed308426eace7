"""Round schedules: weekly and fortnightly patterns, bank holidays and one-off changes."""

from datetime import date, timedelta

from pocketcouncil.news import schedule


def days(found):
    return [c.day for c in found]


def test_weekly_pattern_without_holidays():
    found = schedule.collections(
        first=date(2026, 2, 2), interval_days=7, start=date(2026, 2, 1), end=date(2026, 2, 28)
    )
    assert days(found) == [date(2026, 2, 2), date(2026, 2, 9), date(2026, 2, 16), date(2026, 2, 23)]
    assert not any(c.moved for c in found)


def test_fortnightly_counts_weeks_from_the_first_collection():
    found = schedule.collections(
        first=date(2026, 1, 14), interval_days=14, start=date(2026, 2, 1), end=date(2026, 3, 1)
    )
    assert days(found) == [date(2026, 2, 11), date(2026, 2, 25)]


def test_nothing_before_the_first_collection():
    found = schedule.collections(
        first=date(2026, 3, 4), interval_days=7, start=date(2026, 2, 1), end=date(2026, 3, 10)
    )
    assert days(found) == [date(2026, 3, 4)]


def test_easter_monday_moves_the_rest_of_the_week_one_day_later():
    # Easter Monday 2026 is 6 April: Monday's collection goes to Tuesday, Friday's to Saturday.
    monday = schedule.collections(
        first=date(2026, 3, 30), interval_days=7, start=date(2026, 4, 1), end=date(2026, 4, 14)
    )
    assert days(monday) == [date(2026, 4, 7), date(2026, 4, 13)]
    assert monday[0].usual_day == date(2026, 4, 6) and monday[0].moved
    assert monday[0].note == "Moved because of the bank holiday"
    friday = schedule.collections(
        first=date(2026, 4, 3) - timedelta(days=7),
        interval_days=7,
        start=date(2026, 4, 6),
        end=date(2026, 4, 12),
    )
    assert days(friday) == [date(2026, 4, 11)]


def test_good_friday_moves_only_friday():
    # Good Friday 2026 is 3 April: Thursday is untouched, Friday moves to Saturday.
    thursday = schedule.collections(
        first=date(2026, 3, 26), interval_days=7, start=date(2026, 3, 30), end=date(2026, 4, 5)
    )
    assert days(thursday) == [date(2026, 4, 2)]
    friday = schedule.collections(
        first=date(2026, 3, 27), interval_days=7, start=date(2026, 3, 30), end=date(2026, 4, 5)
    )
    assert days(friday) == [date(2026, 4, 4)]


def test_christmas_week_with_the_boxing_day_substitute():
    # Christmas Day 2026 is a Friday; Boxing Day (Saturday) is observed on Monday 28 December.
    friday = schedule.collections(
        first=date(2026, 12, 18), interval_days=7, start=date(2026, 12, 21), end=date(2027, 1, 3)
    )
    # The next week has two weekday bank holidays before Friday (28 Dec and 1 Jan), so Friday 1
    # January moves two days, to Sunday 3 January: the rule, documented in docs/home.md; staff
    # move it with a one-off change if the crew will not work that Sunday.
    assert days(friday) == [date(2026, 12, 26), date(2027, 1, 3)]
    # 28 Dec (substitute) moves Monday to Tuesday; 1 Jan 2027 is a Friday bank holiday too.
    monday = schedule.collections(
        first=date(2026, 12, 21), interval_days=7, start=date(2026, 12, 27), end=date(2027, 1, 3)
    )
    assert days(monday) == [date(2026, 12, 29)]


def test_two_bank_holidays_in_one_week_add_up():
    # 2022: Monday 26 and Tuesday 27 December are both bank holidays.
    found = schedule.collections(
        first=date(2022, 12, 21), interval_days=7, start=date(2022, 12, 26), end=date(2023, 1, 1)
    )
    assert days(found) == [date(2022, 12, 30)]  # Wednesday 28 -> Friday 30
    assert schedule.bank_holiday_shift(date(2022, 12, 28)) == 2


def test_a_change_moves_the_collection_after_bank_holidays():
    # Staff move the (already bank-holiday-shifted) Tuesday 7 April collection to Wednesday.
    found = schedule.collections(
        first=date(2026, 3, 30),
        interval_days=7,
        start=date(2026, 4, 1),
        end=date(2026, 4, 14),
        changes={date(2026, 4, 7): (date(2026, 4, 8), "Snow")},
    )
    assert days(found) == [date(2026, 4, 8), date(2026, 4, 13)]
    assert found[0].note == "Snow"


def test_a_cancelled_collection_is_listed_as_cancelled():
    found = schedule.collections(
        first=date(2026, 2, 2),
        interval_days=7,
        start=date(2026, 2, 1),
        end=date(2026, 2, 16),
        changes={date(2026, 2, 9): (None, "Strike")},
    )
    assert [(c.day, c.cancelled) for c in found] == [
        (date(2026, 2, 2), False),
        (date(2026, 2, 9), True),
        (date(2026, 2, 16), False),
    ]


def test_a_collection_moved_into_the_range_from_outside_is_found():
    found = schedule.collections(
        first=date(2026, 2, 2),
        interval_days=14,
        start=date(2026, 2, 20),
        end=date(2026, 2, 28),
        changes={date(2026, 2, 16): (date(2026, 2, 21), "Crew shortage")},
    )
    assert days(found) == [date(2026, 2, 21)]
