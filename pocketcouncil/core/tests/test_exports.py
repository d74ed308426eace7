"""The platform's one CSV writer escapes spreadsheet formulas and suppresses small numbers."""

import csv
import io
from decimal import Decimal

import pytest

from pocketcouncil.core import exports


@pytest.mark.parametrize("text", ["=1+1", "+44 7700", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_text_that_a_spreadsheet_would_run_is_made_text(text):
    assert exports.safe_cell(text) == "'" + text


def test_numbers_and_plain_text_are_left_alone():
    assert exports.safe_cell(-12) == -12
    assert exports.safe_cell(Decimal("-2.50")) == Decimal("-2.50")
    assert exports.safe_cell("Bins") == "Bins"
    assert exports.safe_cell(None) == ""


def test_small_counts_are_suppressed_but_zero_is_not():
    assert exports.suppress(3, threshold=5) == "<5"
    assert exports.suppress(0, threshold=5) == 0
    assert exports.suppress(5, threshold=5) == 5


def test_csv_text_escapes_every_cell():
    rows = list(csv.reader(io.StringIO(exports.csv_text(["=h"], [["=cmd|' /C calc'!A0"]]))))
    assert rows == [["'=h"], ["'=cmd|' /C calc'!A0"]]
