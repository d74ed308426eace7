import datetime as dt

import pytest

from pocketcouncil.directory import needs, schedules
from pocketcouncil.directory.models import Schedule

TUESDAY_NOON_BST = dt.datetime(2026, 6, 16, 11, 0, tzinfo=dt.UTC)
TUESDAY_NOON_GMT = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({"byday": "MO,TU,WE,TH,FR"}, "Monday to Friday, 10am to 4pm"),
        ({"byday": "TH,FR"}, "Thursday, Friday, 10am to 4pm"),
        (
            {"byday": "SA,MO,SU,TU", "opens_at": dt.time(12), "closes_at": dt.time(13, 30)},
            "Monday, Tuesday, Saturday, Sunday, midday to 1:30pm",
        ),
        (
            {"freq": "MONTHLY", "bymonthday": "1,15", "byday": ""},
            "Every month on day 1,15, 10am to 4pm",
        ),
        ({"byday": "", "opens_at": None, "description": "By appointment"}, "By appointment"),
    ],
)
def test_describe(fields, text):
    values = {"freq": "WEEKLY", "opens_at": dt.time(10), "closes_at": dt.time(16), **fields}
    assert schedules.describe(Schedule(**values)) == text


@pytest.mark.parametrize("now", [TUESDAY_NOON_BST, TUESDAY_NOON_GMT])
def test_open_now_in_london_time_across_the_clock_change(now):
    schedule = Schedule(freq="WEEKLY", byday="TU", opens_at=dt.time(12), closes_at=dt.time(13))
    assert schedules.is_open(schedule, now)
    assert not schedules.is_open(schedule, now + dt.timedelta(hours=1))
    assert not schedules.is_open(schedule, now + dt.timedelta(days=1))


def test_not_open_outside_its_valid_dates():
    schedule = Schedule(
        freq="WEEKLY",
        byday="TU",
        opens_at=dt.time(12),
        closes_at=dt.time(13),
        valid_to=dt.date(2026, 1, 1),
    )
    assert not schedules.is_open(schedule, TUESDAY_NOON_BST)


def test_monthly_schedule():
    schedule = Schedule(freq="MONTHLY", bymonthday="16", opens_at=dt.time(9), closes_at=dt.time(17))
    assert schedules.is_open(schedule, TUESDAY_NOON_BST)
    assert not schedules.is_open(schedule, TUESDAY_NOON_BST + dt.timedelta(days=1))


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("I'm lonely", "loneliness"),
        ("I can't afford food this week", "food"),
        ("I care for my mum", "carers"),
        ("debt advice", "debt"),
        ("feeling anxiety all the time", "mental-health"),
        ("my partner is abusive and I am lonely", "domestic-abuse"),
        ("missed bin collection", None),
        ("", None),
    ],
)
def test_need_for_text(text, slug):
    need = needs.need_for_text(text)
    assert (need.slug if need else None) == slug
