"""The one way the platform writes CSV (and the cells of JSON open data): safe to open in a
spreadsheet, and with small numbers suppressed in public breakdowns.

- Formula injection (OWASP "CSV injection"): a text cell starting with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return is prefixed with a single quote, so a spreadsheet shows
  it as text instead of running it. Numbers (int, float, Decimal) are left as numbers, so a
  negative amount stays ``-12.50``.
- Small numbers: in a public breakdown by ward or service, a count under the threshold
  (``TRANSPARENCY_SMALL_NUMBERS``, default 5) could identify a person; it is written as
  "<5" instead (and a total that would reveal it is the caller's to withhold).

    return exports.csv_response("contact.csv", ["Channel", "Count"], rows)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.conf import settings
from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A cell value a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def small_number_threshold() -> int:
    return getattr(settings, "TRANSPARENCY_SMALL_NUMBERS", 5)


def suppressed_label(threshold: int | None = None) -> str:
    return f"<{threshold if threshold is not None else small_number_threshold()}"


def suppress(count: int | None, *, threshold: int | None = None):
    """``count``, or "<5" when it is above zero and under the threshold (zero is safe to show:
    it identifies nobody)."""
    limit = small_number_threshold() if threshold is None else threshold
    if count is None:
        return None
    if 0 < count < limit:
        return suppressed_label(limit)
    return count


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue()


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """A CSV download, every cell escaped."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write(csv_text(header, rows))
    return response


def csv_writer(response):
    """A ``csv.writer`` over ``response`` (or any file) whose rows are escaped cell by cell,
    for callers that stream or write row by row."""
    return _SafeWriter(csv.writer(response))


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)
