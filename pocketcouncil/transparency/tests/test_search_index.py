"""The spending search index (search_index.py) on the database the suite runs on: SQLite's FTS5
trigram table or PostgreSQL's trigram index. The results must be those of the plain substring
search it replaces."""

import datetime as dt

import pytest
from django.db import connection

from pocketcouncil.transparency import queries, search_index
from pocketcouncil.transparency.models import Dimension, Payment, SpendingTotal
from pocketcouncil.transparency.tests.factories import PaymentFactory, SpendingImportFactory

pytestmark = pytest.mark.django_db

YEAR = queries.Period.financial_year(2026)


@pytest.fixture
def payments():
    spend = SpendingImportFactory()
    other = SpendingImportFactory()
    rows = {
        "pothole": PaymentFactory(
            spending_import=spend, supplier="Tarmac Roadstone Ltd", purpose="Pothole repairs"
        ),
        "grit": PaymentFactory(
            spending_import=spend, supplier="Salt Union", purpose="Road grit, 100% rock salt"
        ),
        "cafe": PaymentFactory(
            spending_import=spend, supplier="Café Nero", purpose='Staff "away day" refreshments'
        ),
        "last year": PaymentFactory(
            spending_import=spend, supplier="Tarmac Roadstone Ltd", paid_on=dt.date(2025, 6, 1)
        ),
        # Another council's payment to the same supplier.
        "elsewhere": PaymentFactory(spending_import=other, supplier="Tarmac Roadstone Ltd"),
    }
    # The importer writes monthly totals per supplier; one- and two-character searches use them.
    for payment in rows.values():
        SpendingTotal.objects.get_or_create(
            council=payment.council,
            spending_import=payment.spending_import,
            month=payment.paid_on.replace(day=1),
            dimension=Dimension.SUPPLIER,
            value=payment.supplier,
            defaults={"total_pence": payment.amount_pence, "payments": 1},
        )
    return spend.council, rows


def found(council, text: str) -> set[int]:
    filters = queries.PaymentFilter(YEAR, search=text)
    return set(
        queries.payment_queryset(council=council, filters=filters).values_list("pk", flat=True)
    )


def test_the_suites_database_has_the_index():
    assert search_index.has_index(connection)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tarmac", {"pothole"}),  # the council's own payments, in the period only
        ("ROADSTONE", {"pothole"}),  # any case
        ("oadst", {"pothole"}),  # part of a word
        ("road", {"pothole", "grit"}),  # supplier of one, purpose of the other
        ("café", {"cafe"}),
        ("100% rock", {"grit"}),
        ('"away day"', {"cafe"}),  # quotes are text, not search syntax
        ("away OR pothole", set()),  # so are the words of FTS5's query language
        ("50%", set()),  # % is not a wildcard
        ("t_rmac", set()),  # nor is _
        ("ro", {"pothole", "cafe"}),  # shorter than a trigram: supplier names only
        ("un", {"grit"}),
        ("ep", set()),  # in "Pothole repairs", a purpose
        ("nothing like it", set()),
    ],
)
def test_search_finds_what_a_substring_search_would(payments, text, expected):
    council, rows = payments
    assert found(council, text) == {rows[name].pk for name in expected}


def test_changed_and_deleted_payments_leave_the_index(payments):
    council, rows = payments
    Payment.objects.filter(pk=rows["grit"].pk).update(supplier="Compass Minerals")
    assert found(council, "compass") == {rows["grit"].pk}
    assert found(council, "salt union") == set()
    rows["pothole"].spending_import.delete()  # an import undone takes its payments with it
    assert found(council, "tarmac") == set()
    assert found(council, "compass") == set()


def test_install_again_changes_nothing(payments):
    council, rows = payments
    assert search_index.install(connection)
    assert search_index.install(connection)
    assert found(council, "tarmac") == {rows["pothole"].pk}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table is SQLite's")
def test_on_sqlite_payments_stored_before_the_index_are_indexed_when_it_is_made(payments):
    council, rows = payments
    with connection.cursor() as cursor:
        for trigger in search_index._SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {trigger}")
        cursor.execute("DROP TABLE transparency_payment_text")
    later = PaymentFactory(spending_import=rows["pothole"].spending_import, supplier="Kier Group")
    assert search_index.install(connection)
    assert found(council, "kier") == {later.pk}
    assert found(council, "tarmac") == {rows["pothole"].pk}


@pytest.mark.parametrize("text", ["road", "tarmac", "ro", "un", "zz"])
def test_common_searches_read_newest_first_with_the_same_results(payments, monkeypatch, text):
    council, _rows = payments
    through_the_index = found(council, text)
    monkeypatch.setattr(search_index, "COMMON_ROWS", 1)  # every search now counts as common
    monkeypatch.setattr(search_index, "COMMON_NAMES", 0)
    assert found(council, text) == through_the_index
