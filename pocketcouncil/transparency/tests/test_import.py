"""Importing spending files: the real published files, every kind of bad line, encodings,
re-imports, overlapping files, failures and rollback."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError
from django.db.models import Sum

from pocketcouncil.councils.tests.factories import CouncilFactory
from pocketcouncil.transparency import actions
from pocketcouncil.transparency.models import (
    ImportIssue,
    ImportState,
    IssueSeverity,
    Payment,
    SpendingImport,
)
from pocketcouncil.transparency.spending_csv import IssueKind
from pocketcouncil.transparency.tests.factories import (
    CALDERDALE_FILE,
    MANCHESTER_FILE,
    OXFORD_FILE,
    write_csv,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_time():
    with time_machine.travel("2026-11-21 10:00Z", tick=False):
        yield


def issues(spending_import, severity=None):
    found = ImportIssue.objects.filter(spending_import=spending_import)
    if severity:
        found = found.filter(severity=severity)
    return [(i.line_number, i.kind, i.message) for i in found.order_by("line_number", "pk")]


# ---------------------------------------------------------------------------------------------
# The three real files, with counts established independently (a plain csv.DictReader count
# and a Decimal sum of the amount column).

REAL_FILES = [
    pytest.param(
        OXFORD_FILE,
        {
            "paid_on": "Paid Date",
            "amount": "Amount",
            "supplier": "Supplier Name",
            "service_area": "Service Area",
            "expense_type": "Expenditure Category",
            "reference": "Trans No",
            "purpose": None,
        },
        # read, imported, skipped, with warnings, total, first, last
        (3855, 3855, 0, 69, Decimal("17382055.90"), dt.date(2017, 10, 3), dt.date(2017, 12, 27)),
        {IssueKind.MISSING_SUPPLIER: 69},
        id="oxford",
    ),
    pytest.param(
        MANCHESTER_FILE,
        {
            "paid_on": "Invoice Payment Date",
            "amount": "Net Amount",
            "supplier": "Supplier Name",
            "service_area": "Service Area",
            "expense_type": "Expenses Type",
            "reference": "Transaction Number",
            "purpose": None,
        },
        (3839, 3839, 0, 14, Decimal("79132670.74"), dt.date(2019, 12, 2), dt.date(2019, 12, 27)),
        {IssueKind.REPEATED_IN_FILE: 14},
        id="manchester",
    ),
    pytest.param(
        CALDERDALE_FILE,
        {
            "paid_on": "Date",
            "amount": "Net Amount",
            "supplier": "Supplier(Beneficiary) Name",
            "service_area": "Expense Area",
            "expense_type": "Procurement Classification: Council's Procurement Category Name",
            "reference": "Internal Ref Number",
            "purpose": "Purpose of Spend (Summary)",
        },
        (2064, 2064, 0, 0, Decimal("15983130.13"), dt.date(2019, 12, 2), dt.date(2019, 12, 31)),
        {},
        id="calderdale",
    ),
]


@pytest.mark.parametrize(("path", "headings", "expected", "warnings"), REAL_FILES)
def test_real_file_imports_with_exact_counts(council, path, headings, expected, warnings):
    result = actions.spending_import_file(council=council, path=path, actor=None)

    assert result.state == ImportState.IMPORTED, result.error
    mapped = {f: (result.header[i] if i is not None else None) for f, i in result.mapping.items()}
    assert mapped == headings
    read, imported, skipped, warned, total, first, last = expected
    assert (result.rows_read, result.rows_imported, result.rows_skipped) == (
        read,
        imported,
        skipped,
    )
    assert result.rows_with_warnings == warned
    assert result.total_amount == total
    assert (result.first_paid_on, result.last_paid_on) == (first, last)
    assert result.encoding == "utf-8"
    stored = Payment.objects.filter(spending_import=result)
    assert stored.count() == imported
    assert stored.aggregate(total=Sum("amount_pence"))["total"] == total * 100
    kinds = {}
    for _, kind, _ in issues(result, IssueSeverity.WARNING):
        kinds[kind] = kinds.get(kind, 0) + 1
    assert kinds == warnings


def test_oxford_credits_are_negative_and_blank_suppliers_kept(council):
    result = actions.spending_import_file(council=council, path=OXFORD_FILE, actor=None)
    credits = Payment.objects.filter(spending_import=result, amount_pence__lt=0)
    assert credits.count() == 5
    assert credits.get(reference="1042583 - 0").amount == Decimal("-103226.53")
    assert Payment.objects.filter(spending_import=result, supplier="").count() == 69
    first = Payment.objects.get(spending_import=result, line_number=2)
    assert (first.paid_on, first.amount, first.supplier, first.service_area) == (
        dt.date(2017, 10, 10),
        Decimal("834.29"),
        "UK GAS CONNECTION LTD",
        "General Fund",
    )


def test_manchester_identical_lines_are_kept_as_separate_payments(council):
    result = actions.spending_import_file(council=council, path=MANCHESTER_FILE, actor=None)
    loans = Payment.objects.filter(spending_import=result, reference="5101064571")
    # Lines 1941 to 1944: four identical £570 season ticket loans in one transaction.
    assert sorted(loans.values_list("line_number", flat=True)) == [1941, 1942, 1943, 1944]
    assert len(set(loans.values_list("fingerprint", flat=True))) == 4
    repeated = [line for line, kind, _ in issues(result) if kind == IssueKind.REPEATED_IN_FILE]
    assert repeated[:4] == [319, 320, 592, 593]


# ---------------------------------------------------------------------------------------------
# Every kind of bad line, in a small file written the way councils' spreadsheets write them.

MESSY = (
    "Spending over £500,,,,,,,\r\n"
    "Published by Test Borough Council,,,,,,,\r\n"
    ",,,,,,,\r\n"
    "Date,Service Area,Expense Type,Supplier Name,Net Amount,Transaction Number,,\r\n"
    '01/04/2024,Highways,Contractors,Acme Ltd,"£1,234.50",T1,,\r\n'
    '2024-04-02,Highways,Contractors,Acme Ltd,"(1,234.50)",T2,,\r\n'
    "1-Apr-24,Waste,Vehicles,Bins R Us,-99.99,T3\r\n"
    ",,,,,,,\r\n"
    "31/02/2024,Highways,Contractors,Acme Ltd,100,T4,,\r\n"
    "2024-13-01,Highways,Contractors,Acme Ltd,100,T4,,\r\n"
    "soon,Highways,Contractors,Acme Ltd,100,T4,,\r\n"
    "01/04/1999,Highways,Contractors,Acme Ltd,100,T4,,\r\n"
    "01/04/2024,Highways,Contractors,Acme Ltd,,T5,,\r\n"
    "01/04/2024,Highways,Contractors,Acme Ltd,lots,T6,,\r\n"
    "01/04/2024,Highways,Contractors,Acme Ltd,12.345,T7,,\r\n"
    ",Highways,Contractors,Acme Ltd,500,T8,,\r\n"
    'Total,,,,"£12,345.00",,,\r\n'
    "01/04/2024,Highways,Contractors,,750.00,T9,,\r\n"
    '01/04/2024,Highways,Contractors,Acme Ltd,"£1,234.50",T1,,\r\n'
    "Date,Service Area,Expense Type,Supplier Name,Net Amount,Transaction Number,,\r\n"
)


def test_every_kind_of_bad_line_is_reported_with_its_line_and_reason(council, tmp_path):
    path = write_csv(tmp_path, MESSY)
    result = actions.spending_import_file(council=council, path=path, actor=None)

    assert result.state == ImportState.IMPORTED
    assert result.header_line == 4
    assert (result.rows_read, result.rows_imported, result.rows_skipped) == (16, 5, 11)
    assert result.rows_with_warnings == 2
    assert issues(result, IssueSeverity.REJECTED) == [
        (8, IssueKind.BLANK, "Blank line."),
        (9, IssueKind.BAD_DATE, "'31/02/2024' is not a real date."),
        (10, IssueKind.BAD_DATE, "'2024-13-01' is not a real date."),
        (
            11,
            IssueKind.BAD_DATE,
            "'soon' is not a date we recognise (we read 01/04/2024, 2024-04-01 and 1-Apr-24).",
        ),
        (12, IssueKind.BAD_DATE, "'01/04/1999' is outside the years we accept."),
        (13, IssueKind.NO_AMOUNT, "The amount is blank."),
        (14, IssueKind.BAD_AMOUNT, "'lots' is not an amount of money."),
        (15, IssueKind.BAD_AMOUNT, "'12.345' has fractions of a penny; check the column."),
        (16, IssueKind.NO_DATE, "The payment date is blank."),
        (17, IssueKind.TOTALS, "A totals line, not a payment."),
        (20, IssueKind.REPEATED_HEADER, "The header line again."),
    ]
    assert issues(result, IssueSeverity.WARNING) == [
        (18, IssueKind.MISSING_SUPPLIER, "No supplier name: kept and shown as 'Not named'."),
        (
            19,
            IssueKind.REPEATED_IN_FILE,
            "Identical to an earlier line of this file: kept as a separate payment.",
        ),
    ]
    stored = {
        p.line_number: (p.paid_on, p.amount, p.supplier)
        for p in Payment.objects.filter(spending_import=result)
    }
    assert stored == {
        5: (dt.date(2024, 4, 1), Decimal("1234.50"), "Acme Ltd"),
        6: (dt.date(2024, 4, 2), Decimal("-1234.50"), "Acme Ltd"),
        7: (dt.date(2024, 4, 1), Decimal("-99.99"), "Bins R Us"),
        18: (dt.date(2024, 4, 1), Decimal("750.00"), ""),
        19: (dt.date(2024, 4, 1), Decimal("1234.50"), "Acme Ltd"),
    }
    rejected = ImportIssue.objects.get(spending_import=result, line_number=14)
    assert rejected.raw.startswith("01/04/2024,Highways,Contractors,Acme Ltd,lots,T6")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("£1,234.50", Decimal("1234.50")),
        ("(1,234.50)", Decimal("-1234.50")),
        ("-1234.5", Decimal("-1234.50")),
        ("£-5", Decimal("-5.00")),
        ("-£5", Decimal("-5.00")),
        ("12.00CR", Decimal("-12.00")),
        (" 1 234.00 ", Decimal("1234.00")),
        ("700", Decimal("700.00")),
    ],
)
def test_amount_formats(council, tmp_path, text, expected):
    path = write_csv(tmp_path, f'Date,Supplier,Amount\n2024-04-01,Acme,"{text}"\n')
    result = actions.spending_import_file(council=council, path=path, actor=None)
    assert result.rows_imported == 1, issues(result)
    assert Payment.objects.get(spending_import=result).amount == expected


@pytest.mark.parametrize(
    "text",
    [
        "01/04/2024",
        "1/4/2024",
        "2024-04-01",
        "2024-04-01 00:00:00",
        "1-Apr-24",
        "01-April-2024",
        "01.04.24",
    ],
)
def test_date_formats(council, tmp_path, text):
    path = write_csv(tmp_path, f"Date,Supplier,Amount\n{text},Acme,600\n")
    result = actions.spending_import_file(council=council, path=path, actor=None)
    assert Payment.objects.get(spending_import=result).paid_on == dt.date(2024, 4, 1)


def test_windows_1252_file(council, tmp_path):
    path = write_csv(
        tmp_path,
        'Payment Date,Supplier Name,Amount\r\n02/05/2024,Café Nero,"£1,000.00"\r\n',
        encoding="cp1252",
    )
    result = actions.spending_import_file(council=council, path=path, actor=None)
    assert result.encoding == "cp1252"
    payment = Payment.objects.get(spending_import=result)
    assert (payment.supplier, payment.amount) == ("Café Nero", Decimal("1000.00"))


def test_utf8_file_with_byte_order_mark(council, tmp_path):
    path = write_csv(
        tmp_path,
        "Date,Supplier Name,Net Amount\n2024-05-02,Ŵyn’s Café,£700\n",
        encoding="utf-8-sig",
    )
    result = actions.spending_import_file(council=council, path=path, actor=None)
    assert result.encoding == "utf-8-sig"
    assert result.header[0] == "Date"  # no BOM left on the first heading
    assert Payment.objects.get(spending_import=result).supplier == "Ŵyn’s Café"


def test_utf8_file_with_a_stray_windows_byte_late_in_the_file(council, tmp_path):
    lines = ["Date,Supplier Name,Amount\n"] + ["2024-05-02,Acme,600\n"] * 5000
    data = "".join(lines).encode() + "2024-05-03,Caf\xe9 Rouge,700\n".encode("cp1252")
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    result = actions.spending_import_file(council=council, path=path, actor=None)
    assert result.rows_imported == 5001
    assert Payment.objects.filter(spending_import=result, supplier="Café Rouge").exists()


def test_a_file_without_a_recognisable_header_needs_the_columns_chosen(council, tmp_path):
    path = write_csv(tmp_path, "a,b,c\n1,2,3\n")
    with pytest.raises(actions.SpendingImportError, match="Choose the column for"):
        actions.spending_import_file(council=council, path=path, actor=None)
    assert not SpendingImport.objects.filter(council=council).exists()


def test_a_mapping_without_the_amount_is_refused(council, tmp_path):
    path = write_csv(tmp_path, "Date,Supplier Name,Amount\n2024-05-02,Acme,600\n")
    with pytest.raises(actions.SpendingImportError, match="Choose the column for: Amount"):
        actions.spending_import_file(
            council=council,
            path=path,
            actor=None,
            mapping={"paid_on": 0, "supplier": 1, "amount": None},
        )


def test_staff_can_correct_the_mapping(council, tmp_path):
    # "Value" is the net amount here, "Amount" includes VAT: staff choose column 3.
    path = write_csv(tmp_path, "Date,Supplier Name,Amount,Value\n2024-05-02,Acme,720,600\n")
    result = actions.spending_import_file(
        council=council, path=path, actor=None, mapping={"paid_on": 0, "supplier": 1, "amount": 3}
    )
    assert Payment.objects.get(spending_import=result).amount == Decimal("600.00")


# ---------------------------------------------------------------------------------------------
# Importing again, overlapping files, failures and rollback


def test_the_same_file_cannot_be_imported_twice(council):
    first = actions.spending_import_file(council=council, path=MANCHESTER_FILE, actor=None)
    with pytest.raises(actions.SpendingFileAlreadyImportedError, match=f"import {first.pk}"):
        actions.spending_import_file(council=council, path=MANCHESTER_FILE, actor=None)
    assert Payment.objects.filter(council=council).count() == 3839
    assert SpendingImport.objects.filter(council=council).count() == 1


def test_the_database_refuses_two_active_imports_of_one_file(council):
    first = actions.spending_import_file(council=council, path=MANCHESTER_FILE, actor=None)
    with pytest.raises(IntegrityError):
        SpendingImport.objects.create(
            council=council, file_name="x", sha256=first.sha256, state=ImportState.QUEUED
        )


def test_the_same_file_for_another_council_is_separate(council):
    other = CouncilFactory()
    actions.spending_import_file(council=council, path=OXFORD_FILE, actor=None)
    result = actions.spending_import_file(council=other, path=OXFORD_FILE, actor=None)
    assert result.rows_imported == 3855


def test_an_overlapping_file_adds_only_new_payments(council, tmp_path):
    lines = MANCHESTER_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
    # A first file with the first 1,000 payments, including the three identical £570 loans
    # of lines 591 to 593 ...
    early = write_csv(tmp_path, "".join(lines[:1001]), name="early.csv")
    first = actions.spending_import_file(council=council, path=early, actor=None)
    assert first.rows_imported == 1000
    # ... then the whole month: only the 2,839 payments not already stored are added.
    second = actions.spending_import_file(council=council, path=MANCHESTER_FILE, actor=None)
    assert (second.rows_read, second.rows_imported, second.rows_skipped) == (3839, 2839, 1000), (
        second.error
    )
    duplicates = [i for i in issues(second) if i[1] == IssueKind.DUPLICATE]
    assert len(duplicates) == 1000
    assert duplicates[0] == (
        2,
        IssueKind.DUPLICATE,
        f"Already imported: the same payment is in import {first.pk} (early.csv).",
    )
    assert Payment.objects.filter(council=council).count() == 3839
    # Lines 590 to 593 of this transaction are all kept: one fare and three identical loans.
    assert Payment.objects.filter(council=council, reference="5101062767").count() == 4


def test_a_failed_import_keeps_nothing_and_says_why(council, monkeypatch):
    calls = []
    real = actions._store_batch

    def fail_on_second_batch(*args):
        calls.append(1)
        if len(calls) == 2:
            raise IntegrityError("disk full")
        real(*args)

    monkeypatch.setattr(actions, "BATCH_SIZE", 1000)
    monkeypatch.setattr(actions, "_store_batch", fail_on_second_batch)
    result = actions.spending_import_file(council=council, path=OXFORD_FILE, actor=None)
    assert result.state == ImportState.FAILED
    assert "nothing was imported" in result.error
    assert not Payment.objects.filter(council=council).exists()
    assert not ImportIssue.objects.filter(spending_import=result).exists()
    # A failed import does not hold the file: it can be imported again.
    monkeypatch.setattr(actions, "_store_batch", real)
    again = actions.spending_import_file(council=council, path=OXFORD_FILE, actor=None)
    assert again.rows_imported == 3855


def test_rollback_removes_the_payments_and_keeps_the_record(council):
    keep = actions.spending_import_file(council=council, path=OXFORD_FILE, actor=None)
    result = actions.spending_import_file(council=council, path=MANCHESTER_FILE, actor=None)
    actions.spending_import_rollback(spending_import=result, actor=None)

    result.refresh_from_db()
    assert result.state == ImportState.ROLLED_BACK
    assert result.rolled_back_at is not None
    assert result.rows_imported == 3839  # the record of what it did stays
    assert not Payment.objects.filter(spending_import=result).exists()
    assert Payment.objects.filter(spending_import=keep).count() == 3855
    with pytest.raises(actions.SpendingImportStateError):
        actions.spending_import_rollback(spending_import=result, actor=None)
    # Once rolled back, the file can be imported again in full.
    again = actions.spending_import_file(council=council, path=MANCHESTER_FILE, actor=None)
    assert again.rows_imported == 3839


def test_progress_is_reported(council, monkeypatch):
    monkeypatch.setattr(actions, "BATCH_SIZE", 1000)
    seen = []
    actions.spending_import_file(
        council=council, path=OXFORD_FILE, actor=None, progress=lambda r, b: seen.append((r, b))
    )
    assert [rows for rows, _ in seen] == [1000, 2000, 3000, 3855]
    sizes = [size for _, size in seen]
    assert sizes == sorted(sizes)
    assert sizes[-1] == OXFORD_FILE.stat().st_size
