"""Dates and numbers in Welsh: Django's cy formats ("2 Mawrth 2026"), and dates that code writes
into sentences follow the language in use instead of Python's English month names."""

import datetime as dt

from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format, number_format

from pocketcouncil.cases.models import Case
from pocketcouncil.cases.queries import case_next_step
from pocketcouncil.cases.workflow import CaseStatus
from pocketcouncil.councils.models import Council
from pocketcouncil.transparency.queries import PaymentFilter, Period

LONDON = dt.timezone(dt.timedelta(0))


def test_welsh_dates_use_welsh_month_and_day_names():
    day = dt.date(2026, 3, 2)
    with translation.override("cy"):
        assert date_format(day, "DATE_FORMAT") == "2 Mawrth 2026"
        assert date_format(day, "l j F Y") == "Dydd Llun 2 Mawrth 2026"
        assert date_format(dt.date(2026, 12, 25), "j F Y") == "25 Rhagfyr 2026"
        assert date_format(day, "SHORT_DATE_FORMAT") == "02/03/2026"
        rendered = Template('{{ day|date:"j F Y" }}').render(Context({"day": day}))
    assert rendered == "2 Mawrth 2026"


def test_welsh_numbers_group_thousands_with_commas():
    with translation.override("cy"):
        assert number_format(12345.5, 2, force_grouping=True) == "12,345.50"


def test_a_case_due_date_in_a_sentence_is_in_welsh():
    case = Case(
        council=Council(name="Cyngor Caerdydd"),
        status=CaseStatus.SUBMITTED,
        due_at=dt.datetime(2026, 3, 2, 12, 0, tzinfo=LONDON),
    )
    with translation.override("cy"):
        welsh = case_next_step(case)
    with translation.override("en-gb"):
        english = case_next_step(case)
    assert welsh == "Nod Cyngor Caerdydd yw delio ag ef erbyn 2 Mawrth 2026."
    assert english == "Cyngor Caerdydd aims to deal with it by 2 March 2026."


def test_financial_years_and_spending_filters_are_in_welsh():
    period = Period.financial_year(2026)
    with translation.override("cy"):
        assert period.label == "Ebrill 2026 i Fawrth 2027"
        described = PaymentFilter(period=period, month=dt.date(2026, 6, 1), search="ynni")
        assert described.describe() == "Mehefin 2026, yn cyfateb i “ynni”"
    with translation.override("en-gb"):
        assert period.label == "April 2026 to March 2027"
