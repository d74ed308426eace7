"""Hostile input against the spending file reader and the staff upload page: every value, line
and file ends in a result or a plain-words refusal (``ValueProblem``, an ``Issue``,
``SpendingFileError``), never another exception; a refused upload stores no import."""

import codecs
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from pocketcouncil.accounts.models import StaffRoleKind
from pocketcouncil.accounts.tests.factories import StaffRoleFactory, UserFactory, add_totp
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.core.testing import hostile_settings
from pocketcouncil.transparency import spending_csv
from pocketcouncil.transparency.models import ImportState, SpendingImport
from pocketcouncil.transparency.spending_csv import (
    Issue,
    LineParser,
    ParsedRow,
    SpendingFileError,
    SpendingReader,
    ValueProblem,
)

FAST = hostile_settings(60)
TODAY = dt.date(2024, 6, 1)
HEADER = ["Date", "Amount", "Supplier Name"]
MAPPING = {"paid_on": 0, "amount": 1, "supplier": 2}

# Text that looks a little like an amount, so the interesting branches are reached, and any text.
amount_like = st.from_regex(r"\A[ (£\-]{0,3}[0-9,]{0,12}(\.[0-9]{0,5})?(CR|cr|\))?\Z")
date_like = st.from_regex(
    r"\A[0-9]{1,4}[-/. ]([0-9]{1,2}|[A-Za-z]{3,9})[-/. ,]{1,2}[0-9]{1,4}( [0-9:.]{0,12})?\Z"
)


@FAST
@given(text=st.one_of(amount_like, st.text(max_size=40)))
def test_amount_parser_gives_pence_or_a_value_problem(text):
    try:
        pence = spending_csv.parse_amount(text)
    except ValueProblem as problem:
        assert problem.kind in ("no_amount", "bad_amount")
        assert str(problem)
        return
    assert isinstance(pence, int)
    assert abs(pence) <= spending_csv.MAX_PENCE


@FAST
@given(text=st.one_of(amount_like, st.from_regex(r"\A£?[0-9,]{1,22}\.[0-9]{2}\Z")))
def test_the_quick_reading_of_plain_amounts_agrees_with_the_general_rules(text):
    """A space around the amount skips the quick path for '£1,234.50'; the answer is the same."""

    def outcome(value):
        try:
            return spending_csv.parse_amount(value)
        except ValueProblem as problem:
            return problem.kind

    assert outcome(text) == outcome(f" {text} ")


def test_an_amount_with_thousands_of_digits_is_a_value_problem():
    with pytest.raises(ValueProblem):
        spending_csv.parse_amount("1" * 5000)


@FAST
@given(date_text=st.one_of(date_like, st.text(max_size=30)), amount=amount_like)
def test_line_parser_gives_a_payment_or_an_issue(date_text, amount):
    parser = LineParser(MAPPING, HEADER, today=TODAY)
    result = parser.parse([date_text, amount, "Acme Ltd"], 7)
    if isinstance(result, ParsedRow):
        assert dt.date(spending_csv.MIN_YEAR, 1, 1) <= result.paid_on
        assert result.paid_on <= TODAY + dt.timedelta(days=spending_csv.MAX_FUTURE_DAYS)
    else:
        assert isinstance(result, Issue)
        assert result.line_number == 7 and result.message


@FAST
@given(cells=st.lists(st.text(max_size=60), max_size=8))
def test_ragged_lines_give_a_payment_or_an_issue(cells):
    parser = LineParser(MAPPING, HEADER, today=TODAY)
    result = parser.parse(cells, 3)
    assert isinstance(result, (ParsedRow, Issue))
    if isinstance(result, ParsedRow):
        assert len(result.supplier) <= spending_csv.TEXT_LIMITS["supplier"]


def _junk_files():
    """Arbitrary bytes, and real-looking files spoiled with NULs, stray quotes, odd encodings."""
    cell = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)
    line = st.lists(cell, max_size=6).map(lambda cells: ",".join(cells))
    text_file = st.tuples(
        st.sampled_from(["Date,Amount,Supplier Name", "date;amount;supplier", "", '"Date,Amount']),
        st.lists(line, max_size=8),
        st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]),
    ).map(lambda t: "\n".join([t[0], *t[1]]).encode(t[2], errors="replace"))
    return st.one_of(
        st.binary(max_size=2048),
        text_file,
        text_file.map(lambda b: b.replace(b",", b"\x00,")),
        text_file.map(lambda b: codecs.BOM_UTF8 + b + b'\n"unclosed'),
    )


@FAST
@given(data=_junk_files())
def test_reader_and_preview_give_a_result_or_a_spending_file_error(data):
    try:
        info = spending_csv.preview(io.BytesIO(data))
    except SpendingFileError as error:
        assert "header" in str(error)
        return
    assert info["encoding"] in ("utf-8", "utf-8-sig", "cp1252")
    assert len(info["sample"]) <= 5
    reader = SpendingReader(io.BytesIO(data))
    mapping = spending_csv.guess_mapping(reader.header.cells)
    try:
        rows = list(reader.rows(mapping, today=TODAY))
    except SpendingFileError as error:
        assert str(error)
        return
    assert all(isinstance(row, (ParsedRow, Issue)) for row in rows)


def test_a_huge_field_is_a_spending_file_error():
    data = b"Date,Amount,Supplier Name\n2024-05-01,10.00," + b"x" * 200_000 + b"\n"
    with pytest.raises(SpendingFileError):
        spending_csv.preview(io.BytesIO(data))


# ---------------------------------------------------------------------------------------------
# The staff upload page


@pytest.fixture
def admin_client(client, council, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = UserFactory()
    add_totp(user)
    StaffRoleFactory(user=user, council=council, role=StaffRoleKind.COUNCIL_ADMIN)
    sign_in_with_mfa(client, user)
    return client


def _upload(client, council, data, name="spend.csv"):
    return client.post(
        reverse("staff-spending-upload"),
        {"council": council.slug, "file": SimpleUploadedFile(name, data, "text/csv")},
    )


@pytest.mark.django_db
@hostile_settings(15)
@given(data=st.one_of(st.binary(max_size=1024), st.text(max_size=300).map(str.encode)))
def test_junk_files_get_an_error_summary_and_store_no_import(admin_client, council, data):
    if b"amount" in data.lower():  # could be a real header; the property is about junk
        return
    response = _upload(admin_client, council, data, name="<script>.csv")
    if response.status_code == 302:
        # Three or more columns with headings we do not know: kept, waiting for staff to say
        # which column is which (issue 16), never imported on a guess.
        spending_import = SpendingImport.objects.get(council=council)
        assert spending_import.state == ImportState.PENDING
        assert len(spending_import.header) >= 3
        html = admin_client.get(response["Location"]).content.decode()
        assert "<script>.csv" not in html
        spending_import.delete()
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "<script>.csv" not in html
    assert not SpendingImport.objects.filter(council=council).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00" * 500,
        b"Spending over \xa3500\n" * 40 + b"Date,Amount,Supplier\n",
        b'"Date,Amount,Supplier\n2024-05-01,10.00,Acme\n',
        b"Date;Amount;Supplier\n2024-05-01;10.00;Acme\n",
    ],
    ids=["empty", "nuls", "header-too-far-down", "header-inside-a-quote", "semicolons"],
)
def test_unusable_files_are_refused_plainly(admin_client, council, data):
    response = _upload(admin_client, council, data)
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not SpendingImport.objects.filter(council=council).exists()


@pytest.mark.django_db
def test_a_file_with_a_huge_cell_gets_an_error_not_a_500(admin_client, council):
    data = b"Date,Amount,Supplier Name\n2024-05-01,10.00," + b"x" * 200_000 + b"\n"
    response = _upload(admin_client, council, data)
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not SpendingImport.objects.filter(council=council).exists()


@pytest.mark.django_db
def test_the_upload_needs_a_csrf_token(council, settings, tmp_path):
    from django.test import Client

    settings.MEDIA_ROOT = tmp_path
    client = Client(enforce_csrf_checks=True)
    user = UserFactory()
    add_totp(user)
    StaffRoleFactory(user=user, council=council, role=StaffRoleKind.COUNCIL_ADMIN)
    sign_in_with_mfa(client, user)
    response = _upload(client, council, b"Date,Amount,Supplier\n2024-05-01,10.00,Acme\n")
    assert response.status_code == 403
    assert not SpendingImport.objects.filter(council=council).exists()


@pytest.mark.django_db
def test_a_forged_council_on_the_upload_is_refused(admin_client, council, demo):
    before = SpendingImport.objects.count()
    data = b"Date,Amount,Supplier\n2024-05-01,10.00,Acme\n"
    response = admin_client.post(
        reverse("staff-spending-upload"),
        {"council": demo["oxford"].slug, "file": SimpleUploadedFile("a.csv", data)},
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert SpendingImport.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value",
    [
        "\x00",
        "' OR 1=1 --",
        "9" * 40,
        "-1",
        "../../",
        "2024-13",
    ],
)
def test_public_spending_filters_refuse_nonsense_quietly(client, demo, value):
    slug = demo["oxford"].slug
    for name, args in [
        ("spending-overview", [slug]),
        ("spending-payments", [slug]),
        ("spending-breakdown", [slug, "supplier"]),
    ]:
        params = dict.fromkeys(
            ("year", "dimension", "value", "month", "q", "band", "format"), value
        )
        response = client.get(reverse(name, args=args), params)
        assert response.status_code in (200, 400, 404), (name, response.status_code)


@pytest.mark.django_db
def test_a_huge_page_number_on_the_payments_list_is_not_a_500(client, demo):
    url = reverse("spending-payments", args=[demo["oxford"].slug])
    assert client.get(url, {"page": "9" * 40}).status_code in (200, 404)
