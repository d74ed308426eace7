"""Council tax precepts and budget lines from a CSV file: one financial year of a billing council.

The file has one line per budget line, with the body it belongs to repeated on each of its lines
(as a spreadsheet exported from a budget book would have it), in these columns:

    financial_year, kind, name, band_d, area_gss_code, service, net_budget

- ``financial_year``: the year it starts, ``2026`` or ``2026/27``; one year per file;
- ``kind``: county, district, unitary, police, fire or parish (or the words the page shows,
  such as "Fire and rescue");
- ``name``: the body as residents know it;
- ``band_d``: its Band D amount for the year, such as ``£1,234.56``;
- ``area_gss_code``: for a parish or town council, the GSS code of the ward it is charged in;
  blank for bodies charged everywhere;
- ``service`` and ``net_budget``: one of the body's main services and its net budget in pounds
  (``£12,500,000`` or ``12500000``). A body with no budget split has one line with both blank.

The same layout is what ``budget_rows`` writes, so staff can download the figures, change them
in a spreadsheet and upload them again. Every problem is reported with its line number and
nothing is stored unless the whole file is right.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import BinaryIO

from pocketcouncil.transparency.models import PreceptKind
from pocketcouncil.transparency.spending_csv import (
    SpendingFileError,
    ValueProblem,
    normalise_heading,
    open_text,
    parse_amount,
)

COLUMNS = ("financial_year", "kind", "name", "band_d", "area_gss_code", "service", "net_budget")
REQUIRED = ("financial_year", "kind", "name", "band_d")
# A council's bill has a handful of bodies with a dozen services each; a file far bigger than
# this is not a budget file.
MAX_LINES = 2000
MAX_BYTES = 1_000_000
# Band D is a yearly charge per home: a figure this big is a budget in the wrong column.
MAX_BAND_D = Decimal(100_000)
# The most problems listed: after that, the file needs more than a few fixes.
MAX_PROBLEMS = 50

_YEAR = re.compile(r"(20[0-9]{2})(?:\s*[/-]\s*([0-9]{2}|20[0-9]{2}))?")
_KINDS = {kind.value: kind.value for kind in PreceptKind} | {
    normalise_heading(str(kind.label)): kind.value for kind in PreceptKind
}


class BudgetFileError(ValueError):
    """The file cannot be imported; ``problems`` are (line number, message), line 0 for the
    whole file."""

    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__("; ".join(message for _, message in problems[:3]))
        self.problems = problems


@dataclass
class BodyLine:
    service: str
    net_budget: Decimal


@dataclass
class Body:
    """One precepting body of the year, with its budget lines in file order."""

    kind: str
    name: str
    band_d: Decimal
    area_gss_code: str
    line_number: int
    lines: list[BodyLine] = field(default_factory=list)


@dataclass
class BudgetFile:
    financial_year: int
    bodies: list[Body]


def _pounds(text: str, what: str) -> Decimal:
    try:
        pence = parse_amount(text)
    except ValueProblem as problem:
        raise ValueProblem(problem.kind, f"{what}: {problem}") from None
    if pence < 0:
        raise ValueProblem("bad_amount", f"{what} cannot be negative.")
    return Decimal(pence) / 100


def _year(text: str) -> int:
    match = _YEAR.fullmatch(text.strip())
    if match is None:
        raise ValueProblem("bad_year", f"'{text[:20]}' is not a financial year like 2026/27.")
    start = int(match[1])
    if match[2]:
        end = int(match[2]) if len(match[2]) == 4 else 2000 + int(match[2])
        if end != start + 1:
            raise ValueProblem("bad_year", f"'{text[:20]}' is not one financial year.")
    return start


def _header(cells: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        found.setdefault(normalise_heading(cell), i)
    found = {
        name: found[normalise_heading(name)] for name in COLUMNS if normalise_heading(name) in found
    }
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        raise BudgetFileError(
            [
                (
                    1,
                    "The first line must name the columns: "
                    + ", ".join(COLUMNS)
                    + f". Missing: {', '.join(missing)}.",
                )
            ]
        )
    return found


def read_budget_file(binary: BinaryIO, *, area_codes: Iterable[str] = ()) -> BudgetFile:
    """The year and bodies of a budget file, or ``BudgetFileError`` with every problem found
    (up to ``MAX_PROBLEMS``). ``area_codes`` are the GSS codes of the billing council's areas."""
    head = binary.read(MAX_BYTES + 1)
    if len(head) > MAX_BYTES:
        raise BudgetFileError([(0, "The file is larger than 1 MB: it is not a budget file.")])
    if not head.strip():
        raise BudgetFileError([(0, "The file is empty.")])
    text, _encoding = open_text(io.BytesIO(head))
    reader = csv.reader(text)
    try:
        rows = list(reader)
    except csv.Error as error:
        raise BudgetFileError(
            [(reader.line_num + 1, f"Cannot be read as CSV ({error}).")]
        ) from None
    except SpendingFileError as error:
        raise BudgetFileError([(0, str(error))]) from None
    if len(rows) > MAX_LINES + 1:
        raise BudgetFileError([(0, f"The file has more than {MAX_LINES:,} lines.")])
    columns = _header(rows[0])
    allowed_areas = set(area_codes)
    problems: list[tuple[int, str]] = []
    years: set[int] = set()
    bodies: dict[tuple[str, str], Body] = {}

    def cell(cells: list[str], name: str) -> str:
        index = columns.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    for line_number, cells in enumerate(rows[1:], start=2):
        if len(problems) >= MAX_PROBLEMS:
            break
        if not any(c.strip() for c in cells):
            continue
        try:
            years.add(_year(cell(cells, "financial_year")))
            kind = _KINDS.get(normalise_heading(cell(cells, "kind")))
            if kind is None:
                raise ValueProblem(
                    "bad_kind",
                    f"'{cell(cells, 'kind')[:30]}' is not a kind of body. Use one of: "
                    + ", ".join(PreceptKind.values)
                    + ".",
                )
            name = cell(cells, "name")
            if not name:
                raise ValueProblem("no_name", "The name of the body is blank.")
            if len(name) > 200:
                raise ValueProblem("long_name", "The name of the body is over 200 characters.")
            band_d = _pounds(cell(cells, "band_d"), "Band D")
            if band_d >= MAX_BAND_D:
                raise ValueProblem("bad_amount", f"Band D of £{band_d:,} is not a yearly charge.")
            area = cell(cells, "area_gss_code").upper()
            if area and area not in allowed_areas:
                raise ValueProblem(
                    "bad_area", f"'{area[:20]}' is not the GSS code of one of this council's areas."
                )
            service = cell(cells, "service")
            budget_text = cell(cells, "net_budget")
            if len(service) > 200:
                raise ValueProblem("long_service", "The service is over 200 characters.")
            if service and not budget_text:
                raise ValueProblem("no_budget", f"'{service[:40]}' has no net budget.")
            if budget_text and not service:
                raise ValueProblem("no_service", "A net budget with no service named.")
            net_budget = _pounds(budget_text, "Net budget") if service else None
        except ValueProblem as problem:
            problems.append((line_number, str(problem)))
            continue
        body = bodies.get((kind, name.casefold()))
        if body is None:
            body = bodies[(kind, name.casefold())] = Body(kind, name, band_d, area, line_number)
        elif body.band_d != band_d or body.area_gss_code != area:
            problems.append(
                (
                    line_number,
                    f"{name}: the Band D amount and area must be the same on each of its lines "
                    f"(line {body.line_number} has £{body.band_d}"
                    + (f" in {body.area_gss_code}" if body.area_gss_code else "")
                    + ").",
                )
            )
            continue
        if service:
            if any(existing.service.casefold() == service.casefold() for existing in body.lines):
                problems.append((line_number, f"{name}: '{service[:40]}' is listed twice."))
                continue
            body.lines.append(BodyLine(service, net_budget))
    if not problems and not bodies:
        problems.append((0, "The file has no bodies: only its header line."))
    if not problems and len(years) > 1:
        problems.append(
            (0, "One financial year per file: this one has " + ", ".join(map(str, sorted(years))))
        )
    if problems:
        raise BudgetFileError(problems)
    return BudgetFile(years.pop(), list(bodies.values()))


def budget_rows(precepts) -> list[list[str]]:
    """The header and lines of a budget file for these precepts (with budget lines and area
    prefetched): what ``read_budget_file`` reads."""
    rows = [list(COLUMNS)]
    for precept in precepts:
        year = f"{precept.financial_year}/{(precept.financial_year + 1) % 100:02d}"
        body = [year, precept.kind, precept.name, f"{precept.band_d:.2f}"]
        area = precept.area.gss_code if precept.area_id else ""
        lines = list(precept.budget_lines.all())
        if not lines:
            rows.append([*body, area, "", ""])
        for line in lines:
            rows.append([*body, area, line.service, f"{line.amount:.2f}"])
    return rows
