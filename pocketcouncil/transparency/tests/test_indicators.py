"""Performance indicators from a generated case history with known answers."""

import datetime as dt

import pytest

from pocketcouncil.transparency import indicators
from pocketcouncil.transparency.indicators import CaseFact

UTC = dt.UTC
NOW = dt.datetime(2026, 4, 15, 12, 0, tzinfo=UTC)


def at(year, month, day, hour=9, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (at(2026, 11, 16), at(2026, 11, 16, 17), 0),  # same day
        (at(2026, 11, 16), at(2026, 11, 17), 1),  # Monday to Tuesday
        (at(2026, 11, 20), at(2026, 11, 23), 1),  # Friday to Monday
        (at(2026, 11, 16), at(2026, 11, 30), 10),  # two whole weeks
        # Christmas 2026: Friday 25th, and Monday 28th stands in for Boxing Day (a Saturday).
        (at(2026, 12, 23), at(2026, 12, 29), 2),
        # Easter 2026: Good Friday 3 April and Easter Monday 6 April.
        (at(2026, 4, 2), at(2026, 4, 7), 1),
        # 23:30 UTC on 1 June is 00:30 on Tuesday 2 June in London (summer time): same day.
        (at(2026, 6, 1, 23, 30), at(2026, 6, 2, 16), 0),
        (at(2026, 4, 7), at(2026, 4, 2), 0),  # resolved "before" received: never negative
    ],
)
def test_working_days(start, end, expected):
    assert indicators.working_days(start, end) == expected


def after_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """From a Monday, in weeks without bank holidays (January to March 2026)."""
    assert start.weekday() == 0
    return start + dt.timedelta(days=(days // 5) * 7 + days % 5)


def history() -> list[CaseFact]:
    facts = []
    monday = at(2026, 1, 5)
    # Potholes (LGSL 557) in ward A: 20 cases taking 1 to 20 working days.
    for days in range(1, 21):
        resolved = after_working_days(monday, days)
        facts.append(
            CaseFact(
                received_at=monday,
                resolved_at=resolved,
                # The first 15 were fixed on time, the last 5 an hour late.
                due_at=resolved if days <= 15 else resolved - dt.timedelta(hours=1),
                reopened=days % 5 == 0,
                # The first 10 answered the survey 1, 2, 3, 4, 5, 1, 2, 3, 4, 5.
                satisfaction=(days - 1) % 5 + 1 if days <= 10 else None,
                service_lgsl=557,
                ward="A",
            )
        )
    # 5 more in ward A, received in March and not yet fixed.
    facts += [
        CaseFact(at(2026, 3, 2), None, at(2026, 3, 30), False, None, 557, "A") for _ in range(5)
    ]
    # 3 in ward B taking 30 working days, received 2 February.
    facts += [
        CaseFact(at(2026, 2, 2), after_working_days(at(2026, 2, 2), 30), None, False, 5, 557, "B")
        for _ in range(3)
    ]
    # An old case, outside the last 12 months, and another service.
    facts.append(CaseFact(at(2024, 1, 8), at(2024, 1, 9), None, True, 1, 557, "A"))
    facts.append(CaseFact(at(2026, 1, 5), at(2026, 1, 6), None, False, None, 524, "A"))
    return facts


def test_indicators_per_service_and_ward():
    found = indicators.compute(history(), now=NOW)
    ward_a = found[(557, "A")]
    assert (ward_a.received, ward_a.resolved) == (25, 20)
    assert ward_a.median_days == 10  # nearest rank: the 10th of 1..20
    assert ward_a.p90_days == 18  # the 18th of 1..20
    assert ward_a.within_target == 0.75  # 15 of 20
    assert ward_a.reopened == 0.2  # days 5, 10, 15, 20
    assert (ward_a.satisfaction, ward_a.satisfaction_answers) == (0.4, 10)  # the 4s and 5s

    ward_b = found[(557, "B")]
    assert (ward_b.received, ward_b.resolved, ward_b.median_days) == (3, 3, 30)
    assert ward_b.within_target is None  # no due dates
    assert ward_b.satisfaction == 1.0


def test_indicators_for_the_whole_council():
    potholes = indicators.compute(history(), now=NOW)[(557, None)]
    assert (potholes.received, potholes.resolved) == (28, 23)
    assert potholes.median_days == 12  # the 12th of 1..20, 30, 30, 30
    assert potholes.p90_days == 30  # the 21st
    assert potholes.reopened == pytest.approx(4 / 23)
    assert potholes.satisfaction == pytest.approx(7 / 13)
    assert indicators.compute(history(), now=NOW)[(524, None)].resolved == 1


def test_trend_over_twelve_months():
    trend = indicators.compute(history(), now=NOW)[(557, "A")].trend
    assert [p.month for p in trend][:2] == [dt.date(2025, 5, 1), dt.date(2025, 6, 1)]
    assert trend[-1].month == dt.date(2026, 4, 1)
    by_month = {p.month: p for p in trend}
    january, february, march = (by_month[dt.date(2026, m, 1)] for m in (1, 2, 3))
    # 19 fixed in January (1 to 19 working days after 5 January), the 20-day one on 2 February.
    assert (january.received, january.resolved, january.median_days) == (20, 19, 10)
    assert (february.received, february.resolved, february.median_days) == (0, 1, 20)
    assert (march.received, march.resolved, march.median_days) == (5, 0, None)


def test_the_sentence_for_a_service_page():
    potholes = indicators.compute(history(), now=NOW)[(557, "A")]
    assert indicators.typical_time_sentence(potholes, what="Potholes") == (
        "Potholes here are usually dealt with in 10 working days."
    )
    few = indicators.compute(history(), now=NOW)[(557, "B")]
    assert indicators.typical_time_sentence(few, what="Potholes") is None


def test_every_indicator_has_a_definition_and_a_method():
    for name in ["received", "median_days", "p90_days", "within_target", "reopened"]:
        definition, method = indicators.DEFINITIONS[name]
        assert definition.endswith(".") and len(method) > 20


def test_now_must_be_timezone_aware():
    with pytest.raises(ValueError, match="timezone-aware"):
        indicators.compute([], now=dt.datetime(2026, 4, 15))  # noqa: DTZ001
