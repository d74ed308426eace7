"""Reading spending CSV files as councils really publish them. Pure Python, no database.

Councils publish payments over £500 under the Local Government Transparency Code, each with its
own column names, date and amount formats, encoding and junk lines. This module:

- opens a file as a stream of text whatever its encoding (UTF-8, UTF-8 with a byte order mark,
  Windows-1252), never holding more than a small buffer in memory;
- finds the real header line below any title lines, and guesses which column holds each field
  (``guess_mapping``), which staff then confirm or correct;
- turns each line into a ``ParsedRow`` or an ``Issue`` saying, in plain words, what is wrong.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import BinaryIO

# The fields Pocket Council keeps for each payment. Date, amount and supplier must be mapped.
FIELDS = ("paid_on", "amount", "supplier", "service_area", "expense_type", "reference", "purpose")
REQUIRED_FIELDS = ("paid_on", "amount", "supplier")
FIELD_LABELS = {
    "paid_on": "Payment date",
    "amount": "Amount",
    "supplier": "Supplier name",
    "service_area": "Service area",
    "expense_type": "Expense type",
    "reference": "Transaction reference",
    "purpose": "Purpose of spend",
}

# Headings councils use for each field, normalised (lower case, letters and digits only, text in
# brackets removed), best first. "Net Amount" beats "Amount"; "Expense Area" is the 2015 code's
# name for the service area.
HEADINGS: dict[str, tuple[str, ...]] = {
    "paid_on": (
        "date",
        "paiddate",
        "paymentdate",
        "invoicepaymentdate",
        "datepaid",
        "transactiondate",
        "effectivedate",
        "dateofpayment",
        "postingdate",
        # Ledger exports: the date the line was posted, and the accounting period. A period is
        # usually YYYYMM (202404), which is not a date: the values decide (``guess_columns``).
        "updated",
        "dateupdated",
        "period",
    ),
    "amount": (
        "netamount",
        "amount",
        "amountexcludingvat",
        "amountexvat",
        "netvalue",
        "value",
        "paymentamount",
        "transactionamount",
        "total",
    ),
    "supplier": (
        "suppliername",
        "supplier",
        "beneficiaryname",
        "beneficiary",
        "payeename",
        "payee",
        "vendorname",
        "vendor",
        "merchantname",
        "creditorname",
        # Ledger exports often put the supplier's name in a column headed as an ID; it is taken
        # only when its values are names, not numbers (``NAMES_ONLY``).
        "supplierid",
        "suppliercode",
        "vendorid",
        "creditorid",
    ),
    "service_area": (
        "servicearea",
        "expensearea",
        "service",
        "servicedivision",
        "directorate",
        "department",
        "servicelabel",
        "costcentredescription",
        "nstrg",  # ledger "nominal structure" group, e.g. Nstrg(T)
        "costcentre",
    ),
    "expense_type": (
        "expensetype",
        "expensestype",
        "expendituretype",
        "expenditurecategory",
        "procurementclassificationcouncilsprocurementcategoryname",
        "proclasscategory",
        "expensedescription",
        "accountdescription",
        "subjectivedescription",
        "expensecategory",
        "category",
        "cipfsubj",  # CIPFA subjective heading, e.g. Cipfsubj(T)
        "cipfsubs",  # CIPFA subjective subgroup
        "subjective",
    ),
    "reference": (
        "transactionnumber",
        "transno",
        "transactionno",
        "transactionid",
        "transactionreference",
        "internalrefnumber",
        "internalreference",
        "paymentreference",
        "reference",
        "invoicenumber",
    ),
    "purpose": (
        "purposeofspendsummary",
        "purposeofspend",
        "purpose",
        "extendeddescription",
        "description",
        "narrative",
        "details",
    ),
}

# Supplier headings taken only when the column holds names (some ledgers put the name under an
# "ID" heading; others really hold a number there).
NAMES_ONLY = frozenset({"supplierid", "suppliercode", "vendorid", "creditorid"})

# How many lines from the top are searched for the header line.
HEADER_SEARCH_LINES = 30
# How many data lines are read to check a guess against the values (and shown to staff).
SAMPLE_LINES = 20
PREVIEW_LINES = 5
# How far a payment date may be in the future before it is treated as a typing error.
MAX_FUTURE_DAYS = 366
MIN_YEAR = 2000

# Text fields and their length limits, in the order of ParsedRow.
TEXT_LIMITS = {
    "supplier": 255,
    "service_area": 255,
    "expense_type": 255,
    "reference": 100,
    "purpose": 500,
}


class SpendingFileError(ValueError):
    """The file cannot be imported at all (no header found, a required column missing...)."""


class IssueKind:
    BLANK = "blank"
    TOTALS = "totals"
    REPEATED_HEADER = "repeated_header"
    NO_DATE = "no_date"
    BAD_DATE = "bad_date"
    NO_AMOUNT = "no_amount"
    BAD_AMOUNT = "bad_amount"
    MISSING_SUPPLIER = "missing_supplier"  # a warning: the payment is kept
    REPEATED_IN_FILE = "repeated_in_file"  # a warning: the payment is kept
    DUPLICATE = "duplicate"  # the payment is already stored for this council


# ---------------------------------------------------------------------------------------------
# Encoding


def _cp1252_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    """Decode bytes that are not UTF-8 as Windows-1252 (a file saved by Excel mid-way through)."""
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", errors="replace"), error.end


codecs.register_error("pocketcouncil_cp1252", _cp1252_fallback)

SNIFF_BYTES = 64 * 1024


def detect_encoding(head: bytes) -> str:
    """'utf-8-sig', 'utf-8' or 'cp1252', judged from the first bytes of a file."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def open_text(binary: BinaryIO) -> tuple[io.TextIOWrapper, str]:
    """A text stream over a binary file, and the encoding used.

    UTF-8 files are read as UTF-8; if a stray Windows-1252 byte turns up later in the file it is
    read as Windows-1252 rather than failing the whole import.
    """
    start = binary.tell()
    head = binary.read(SNIFF_BYTES)
    binary.seek(start)
    encoding = detect_encoding(head)
    errors = "pocketcouncil_cp1252" if encoding.startswith("utf-8") else "replace"
    text = io.TextIOWrapper(binary, encoding=encoding, errors=errors, newline="")
    return text, encoding


# ---------------------------------------------------------------------------------------------
# Headers and mapping


def normalise_heading(text: str) -> str:
    text = re.sub(r"\([^)]*\)", "", text.casefold())
    return re.sub(r"[^a-z0-9]", "", text)


_KNOWN = {name for names in HEADINGS.values() for name in names}


def looks_like_header(cells: list[str]) -> bool:
    """A line naming at least a date or supplier column and an amount column."""
    names = {normalise_heading(c) for c in cells}
    has_amount = bool(names & set(HEADINGS["amount"]))
    has_other = bool(names & (set(HEADINGS["paid_on"]) | set(HEADINGS["supplier"])))
    return has_amount and has_other


def guess_mapping(
    header: list[str], sample: list[list[str]] | None = None
) -> dict[str, int | None]:
    """Which column (0-based) holds each field, or None. Each column is used at most once."""
    return guess_columns(header, sample)[0]


def guess_columns(
    header: list[str], sample: list[list[str]] | None = None
) -> tuple[dict[str, int | None], dict[str, str]]:
    """The guessed mapping and, for each field, one plain sentence saying which guess was made.

    Headings are matched against the names councils use (``HEADINGS``, best first). Where data
    lines are given, a guess is checked against them: a date column must hold dates (so a
    ``Period`` of 202404 is passed over for a real date column beside it), an amount column
    amounts, and a supplier column headed as an ID (``Supplier ID(T)``) must hold names.
    """
    normalised = [normalise_heading(c) for c in header]
    mapping: dict[str, int | None] = {}
    reasons: dict[str, str] = {}
    used: set[int] = set()
    for field_name in FIELDS:
        mapping[field_name] = None
        passed_over: list[str] = []
        fallback = None  # the best heading match, used if no match has fitting values
        for candidate in HEADINGS[field_name]:
            index = next(
                (i for i, n in enumerate(normalised) if n == candidate and i not in used), None
            )
            if index is None:
                continue
            problem = _values_problem(field_name, candidate, _column(sample, index))
            if mapping[field_name] is not None:  # chosen already: say why the others were not
                passed_over.append(f"'{header[index]}' ({problem or 'a less likely heading'})")
                continue
            if problem:
                passed_over.append(f"'{header[index]}' ({problem})")
                if fallback is None and candidate not in NAMES_ONLY:
                    fallback = index
                continue
            mapping[field_name] = index
            used.add(index)
            reasons[field_name] = f"column {index + 1} '{header[index]}': the heading says so" + (
                "; its values are names" if candidate in NAMES_ONLY else ""
            )
        if mapping[field_name] is None and fallback is not None:
            # The heading is right but the values are not (a file of bad lines): keep the
            # heading's column, so each bad line is reported rather than the whole file refused.
            mapping[field_name] = fallback
            used.add(fallback)
            reasons[field_name] = (
                f"column {fallback + 1} '{header[fallback]}': the heading says so, but check it"
            )
        elif mapping[field_name] is None:
            reasons[field_name] = "no column: no heading we know for it"
        if passed_over:
            reasons[field_name] += "; passed over " + ", ".join(passed_over)
    return mapping, reasons


def _column(sample: list[list[str]] | None, index: int) -> list[str]:
    if not sample:
        return []
    return [row[index].strip() for row in sample if index < len(row) and row[index].strip()]


def _values_problem(field_name: str, candidate: str, values: list[str]) -> str:
    """Why the sample values do not fit the field ('' when they fit, or there are none)."""
    if not values:
        return ""
    if field_name == "paid_on":
        check, what = _parse_date_cached, "dates"
    elif field_name == "amount":
        check, what = parse_amount, "amounts"
    elif candidate in NAMES_ONLY:
        names = sum(1 for v in values if any(ch.isalpha() for ch in v) and not v.isdigit())
        return "" if names * 2 > len(values) else f"its values are codes, e.g. {values[0][:20]}"
    else:
        return ""
    bad = []
    for value in values:
        try:
            check(value)
        except ValueProblem:
            bad.append(value)
    if len(bad) * 2 > len(values):  # most values are not of the kind: the heading misleads
        return f"its values are not {what}, e.g. {bad[0][:20]}"
    return ""


def check_mapping(mapping: dict[str, int | None], header: list[str]) -> None:
    """Raise SpendingFileError unless every required field has a column of the header."""
    missing = [FIELD_LABELS[f] for f in REQUIRED_FIELDS if mapping.get(f) is None]
    if missing:
        raise SpendingFileError(
            "Choose the column for: " + ", ".join(missing) + ". We could not tell which it is."
        )
    for field_name, index in mapping.items():
        if field_name not in FIELDS:
            raise SpendingFileError(f"Unknown field {field_name!r}.")
        if index is not None and not 0 <= index < len(header):
            raise SpendingFileError(f"{FIELD_LABELS[field_name]}: there is no column {index + 1}.")
    chosen = [i for i in mapping.values() if i is not None]
    if len(chosen) != len(set(chosen)):
        raise SpendingFileError("Each column can be used for one field only.")


# ---------------------------------------------------------------------------------------------
# Values

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_ISO = re.compile(rf"^(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){_TIME}$")
_DMY = re.compile(rf"^(\d{{1,2}})[/.-](\d{{1,2}})[/.-](\d{{4}}|\d{{2}}){_TIME}$")
_D_MON_Y = re.compile(r"^(\d{1,2})[- ]([A-Za-z]{3,9})[- ,]+(\d{4}|\d{2})$")


class ValueProblem(ValueError):
    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if len(text) == 2 else year


@lru_cache(maxsize=8192)
def _parse_date_cached(text: str) -> dt.date:
    if match := _ISO.match(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif match := _DMY.match(text):  # UK councils write day first
        day, month, year = int(match[1]), int(match[2]), _year(match[3])
    elif match := _D_MON_Y.match(text):
        month_number = _MONTHS.get(match[2].casefold())
        if month_number is None:
            raise ValueProblem(IssueKind.BAD_DATE, f"'{text}' is not a month we recognise.")
        day, month, year = int(match[1]), month_number, _year(match[3])
    else:
        raise ValueProblem(
            IssueKind.BAD_DATE,
            f"'{text}' is not a date we recognise (we read 01/04/2024, 2024-04-01 and 1-Apr-24).",
        )
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueProblem(IssueKind.BAD_DATE, f"'{text}' is not a real date.") from None


# ASCII digits only (\d would take any script's), and at most 15 before the point: a payment
# bigger than that is a mistake, and int() refuses strings of more than 4,300 digits anyway.
_NUMBER = re.compile(r"^([0-9]{1,3}(?:,[0-9]{3}){0,4}|[0-9]{1,15})?(?:\.([0-9]{1,20}))?$")
MAX_PENCE = 99_999_999_999_999


# The usual form, '£1,234.50' or '1234.50', read without the general rules below.
_PLAIN_AMOUNT = re.compile(r"£?([0-9]{1,3}(?:,[0-9]{3}){0,4}|[0-9]{1,15})\.([0-9]{2})")


def parse_amount(text: str) -> int:
    """The amount in pence. '£1,234.50' -> 123450; '(1,234.50)', '-1234.5', '£-5' and
    '12.00CR' are credits (negative)."""
    if match := _PLAIN_AMOUNT.fullmatch(text):
        pence = int(match[1].replace(",", "")) * 100 + int(match[2])
        if pence <= MAX_PENCE:
            return pence
    original = text.strip()
    shown = original if len(original) <= 40 else original[:40] + "…"
    if not original:
        raise ValueProblem(IssueKind.NO_AMOUNT, "The amount is blank.")
    value = original.replace(" ", "")
    negative = False
    if value[0] == "(" and value[-1] == ")":
        negative, value = True, value[1:-1]
    if value[-2:] in ("CR", "cr", "Cr"):
        negative, value = True, value[:-2]
    if value[:1] == "-":
        negative, value = not negative, value[1:]
    if value[:1] == "£":
        value = value[1:]
    if value[:1] == "-":
        negative, value = not negative, value[1:]
    match = _NUMBER.match(value)
    if match is None or not (match[1] or match[2]):
        raise ValueProblem(IssueKind.BAD_AMOUNT, f"'{shown}' is not an amount of money.")
    whole, fraction = match[1] or "0", match[2] or ""
    if len(fraction) > 2:
        if fraction[2:].strip("0"):
            raise ValueProblem(
                IssueKind.BAD_AMOUNT, f"'{shown}' has fractions of a penny; check the column."
            )
        fraction = fraction[:2]
    pence = int(whole.replace(",", "")) * 100 + int(fraction.ljust(2, "0"))
    if pence > MAX_PENCE:
        raise ValueProblem(IssueKind.BAD_AMOUNT, f"'{shown}' is too large to be a payment.")
    return -pence if negative else pence


# ---------------------------------------------------------------------------------------------
# Lines


@dataclass(slots=True)
class ParsedRow:
    line_number: int
    paid_on: dt.date
    amount_pence: int
    supplier: str
    service_area: str
    expense_type: str
    reference: str
    purpose: str
    warnings: list[tuple[str, str]] | None = None


@dataclass(slots=True)
class Issue:
    line_number: int
    kind: str
    message: str
    raw: str = ""
    rejected: bool = True


_TOTALS = re.compile(r"^\s*(grand\s+|sub[\s-]?)?totals?\b", re.IGNORECASE)
_MISSING_SUPPLIER = [
    (IssueKind.MISSING_SUPPLIER, "No supplier name: kept and shown as 'Not named'.")
]


def raw_line(cells: list[str]) -> str:
    return ",".join(cells)[:500]


class LineParser:
    """Turns data lines into payments or issues. Written for speed: it runs once per line of
    files a million lines long, so column positions are worked out once, here."""

    def __init__(self, mapping: dict[str, int | None], header: list[str], *, today: dt.date):
        check_mapping(mapping, header)
        self.header = header
        self.header_normalised = [normalise_heading(c) for c in header]
        self.date_index = mapping["paid_on"]
        self.amount_index = mapping["amount"]
        # (index or None, length limit) for supplier, service area, expense type, reference,
        # purpose, in ParsedRow's order.
        self.texts = [
            (-1 if mapping.get(name) is None else mapping[name], TEXT_LIMITS[name])
            for name in TEXT_LIMITS
        ]
        self.width = max(i for i in mapping.values() if i is not None) + 1
        self.earliest = dt.date(MIN_YEAR, 1, 1)
        self.latest = today + dt.timedelta(days=MAX_FUTURE_DAYS)

    def parse(self, cells: list[str], line_number: int) -> ParsedRow | Issue:
        if len(cells) < self.width:
            cells = cells + [""] * (self.width - len(cells))
        date_text = cells[self.date_index].strip()
        if not date_text:
            if not any(c.strip() for c in cells):
                return Issue(line_number, IssueKind.BLANK, "Blank line.")
            if any(_TOTALS.match(c) for c in cells):
                return Issue(
                    line_number, IssueKind.TOTALS, "A totals line, not a payment.", raw_line(cells)
                )
        elif not date_text[0].isdigit() and _TOTALS.match(date_text):  # dates start with one
            return Issue(
                line_number, IssueKind.TOTALS, "A totals line, not a payment.", raw_line(cells)
            )
        if cells[0].strip() == self.header[0] and self._is_header(cells):
            return Issue(line_number, IssueKind.REPEATED_HEADER, "The header line again.")
        try:
            if not date_text:
                raise ValueProblem(IssueKind.NO_DATE, "The payment date is blank.")
            paid_on = _parse_date_cached(date_text)
            if not self.earliest <= paid_on <= self.latest:
                raise ValueProblem(
                    IssueKind.BAD_DATE, f"'{date_text}' is outside the years we accept."
                )
            pence = parse_amount(cells[self.amount_index])
        except ValueProblem as problem:
            return Issue(line_number, problem.kind, str(problem), raw_line(cells))
        # Unrolled (this runs for every line): a missing column's index is -1, which reads the
        # empty cell appended here.
        cells.append("")
        (si, sl), (ai, al), (ei, el), (ri, rl), (pi, pl) = self.texts
        supplier = cells[si].strip()[:sl]
        service_area = cells[ai].strip()[:al]
        expense_type = cells[ei].strip()[:el]
        reference = cells[ri].strip()[:rl]
        purpose = cells[pi].strip()[:pl]
        return ParsedRow(
            line_number,
            paid_on,
            pence,
            supplier,
            service_area,
            expense_type,
            reference,
            purpose,
            None if supplier else list(_MISSING_SUPPLIER),
        )

    def _is_header(self, cells: list[str]) -> bool:
        size = len(self.header_normalised)
        return [normalise_heading(c) for c in cells[:size]] == self.header_normalised


@dataclass
class Header:
    cells: list[str]
    line_number: int
    junk_lines: int
    # False when no line had headings we know, and the first line with text was taken.
    recognised: bool = True


class SpendingReader:
    """Streams a spending file line by line, after locating its header.

    The header is the first line with headings we know (a date or supplier heading and an
    amount heading) within the first ``HEADER_SEARCH_LINES`` lines. When there is none, the
    header is the first line with text in at least three cells (one for each required field;
    blank and title lines are passed over), and the person says which column is which
    (``--map`` or the staff page): finding the header never depends on recognising names.
    Lines read while searching are kept and given back by ``lines`` and ``rows``.
    ``bytes_read`` reports progress through the underlying binary file.
    """

    def __init__(self, binary: BinaryIO):
        self.binary = binary
        self.text, self.encoding = open_text(binary)
        self.reader = csv.reader(self.text)
        self._pending: list[tuple[int, list[str]]] = []
        self.header = self._find_header()

    def _records(self) -> Iterator[list[str]]:
        """The csv reader's records; a line it cannot read at all (a cell longer than the csv
        module's limit, a NUL byte) stops the file with its line number, never a crash."""
        try:
            yield from self.reader
        except csv.Error as error:
            raise SpendingFileError(
                f"Line {self.reader.line_num + 1} cannot be read as CSV ({error}). Check the file "
                "was saved as CSV, then try again."
            ) from None

    def _find_header(self) -> Header:
        seen: list[tuple[int, int, list[str]]] = []  # (first line, last line, cells)
        previous = 0
        for cells in self._records():
            seen.append((previous + 1, self.reader.line_num, cells))
            previous = self.reader.line_num
            if looks_like_header(cells):
                return self._header(seen, len(seen) - 1, recognised=True)
            if len(seen) >= HEADER_SEARCH_LINES:
                break
        # A usable header has a cell for each required field; a title line has one cell.
        needed = len(REQUIRED_FIELDS)
        filled = [sum(1 for c in cells if c.strip()) for _, _, cells in seen]
        choice = next((i for i, n in enumerate(filled) if n >= needed), None)
        if choice is None:
            raise SpendingFileError(
                f"We could not find the header line: none of the first {HEADER_SEARCH_LINES} "
                f"lines has {needed} or more columns, and a spending file needs at least a date, "
                "an amount and a supplier. Check the file was saved as CSV."
            )
        return self._header(seen, choice, recognised=False)

    def _header(self, seen, index: int, *, recognised: bool) -> Header:
        _, last_line, cells = seen[index]
        self._pending = [(first, rest) for first, _, rest in seen[index + 1 :]]
        # Trailing empty columns (a habit of spreadsheets) are dropped.
        cells = list(cells)
        while cells and not cells[-1].strip():
            cells.pop()
        return Header([c.strip() for c in cells], last_line, index, recognised)

    @property
    def bytes_read(self) -> int:
        try:
            return self.binary.tell()
        except (OSError, ValueError):
            return 0

    def lines(self) -> Iterator[tuple[int, list[str]]]:
        """(line number where the record starts, cells) for every line after the header."""
        yield from self._pending
        self._pending = []
        previous = self.reader.line_num
        for cells in self._records():
            yield previous + 1, cells
            previous = self.reader.line_num

    def rows(
        self, mapping: dict[str, int | None], *, today: dt.date
    ) -> Iterator[ParsedRow | Issue]:
        parse = LineParser(mapping, self.header.cells, today=today).parse
        for line_number, cells in self.lines():
            yield parse(cells, line_number)


def preview(binary: BinaryIO, *, lines: int = PREVIEW_LINES) -> dict:
    """What staff see before importing: encoding, header, guessed mapping and why each column
    was guessed, the first lines."""
    reader = SpendingReader(binary)
    sample = []
    for _, cells in reader.lines():
        if any(c.strip() for c in cells):
            sample.append(cells)
        if len(sample) >= max(lines, SAMPLE_LINES):
            break
    mapping, reasons = guess_columns(reader.header.cells, sample)
    return {
        "encoding": reader.encoding,
        "header": reader.header.cells,
        "header_line": reader.header.line_number,
        "header_recognised": reader.header.recognised,
        "junk_lines": reader.header.junk_lines,
        "mapping": mapping,
        "reasons": reasons,
        "sample": sample[:lines],
    }
