"""Finding the header and guessing the columns of files whose headings we do not know (issue 16,
item 8): the search never depends on recognising names, and --map always works."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from pocketcouncil.accounts.models import StaffRoleKind
from pocketcouncil.accounts.tests.factories import StaffRoleFactory, UserFactory, add_totp
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.transparency import actions, spending_csv
from pocketcouncil.transparency.models import Payment, SpendingImport
from pocketcouncil.transparency.tests.factories import write_csv

# The headings of a real ledger export that used to be refused outright.
LEDGER = (
    "Nstrg(T),Cipfsubj(T),Cipfsubs(T),TransNo,Seq no,Period,Supplier ID(T),Amount,Updated\n"
    "Housing Services,Supplies and Services,Professional fees,100234,1,202404,"
    "Acme Surveyors Ltd,1250.00,15/04/2024\n"
    'Waste,Premises,Repairs,100235,1,202404,Bins R Us,"2,400.50",16/04/2024\n'
    "Waste,Premises,Repairs,100236,2,202405,Bins R Us,(600.00),02/05/2024\n"
)
MEANINGLESS = "Col A,Col B,Col C,Col D\nX1,02/05/2024,Acme Ltd,720.00\nX2,03/05/2024,Bins,80.00\n"


def _preview(text: str) -> dict:
    return spending_csv.preview(io.BytesIO(text.encode()))


def test_the_ledger_headings_are_guessed_from_headings_and_values():
    info = _preview(LEDGER)
    assert info["header_recognised"]
    assert info["header_line"] == 1
    assert info["mapping"] == {
        "paid_on": 8,  # Updated, not the YYYYMM Period beside it
        "amount": 7,
        "supplier": 6,  # Supplier ID(T) holds names here
        "service_area": 0,  # Nstrg(T)
        "expense_type": 1,  # Cipfsubj(T)
        "reference": 3,  # TransNo
        "purpose": None,
    }
    assert (
        "passed over 'Period' (its values are not dates, e.g. 202404)"
        in (info["reasons"]["paid_on"])
    )
    assert info["reasons"]["supplier"] == (
        "column 7 'Supplier ID(T)': the heading says so; its values are names"
    )
    assert info["reasons"]["purpose"] == "no column: no heading we know for it"


def test_a_supplier_id_holding_numbers_is_not_taken_for_the_name():
    info = _preview("Date,Supplier ID,Amount\n02/05/2024,100234,720.00\n03/05/2024,100235,1.00\n")
    assert info["mapping"]["supplier"] is None
    assert "its values are codes, e.g. 100234" in info["reasons"]["supplier"]


def test_a_period_is_taken_when_it_holds_dates_and_nothing_else_does():
    info = _preview("Period,Supplier,Amount\n02/05/2024,Acme,720.00\n")
    assert info["mapping"]["paid_on"] == 0


def test_a_date_heading_over_bad_values_is_still_used_so_each_line_is_reported():
    info = _preview("Date,Supplier,Amount\nsoon,Acme,720.00\nlater,Acme,1.00\n")
    assert info["mapping"]["paid_on"] == 0
    assert "but check it" in info["reasons"]["paid_on"]


def test_no_heading_recognised_takes_the_first_line_with_text_as_the_header():
    info = _preview("\n\nTitle only,,,\nSubtitle,here\n" + MEANINGLESS)
    assert not info["header_recognised"]
    assert info["header"] == ["Col A", "Col B", "Col C", "Col D"]
    assert info["header_line"] == 5
    assert info["mapping"]["amount"] is None
    assert info["sample"][0] == ["X1", "02/05/2024", "Acme Ltd", "720.00"]


def test_a_file_with_fewer_than_three_columns_is_refused_plainly():
    with pytest.raises(spending_csv.SpendingFileError, match="has 3 or more columns"):
        _preview("\nsomething,else\n,,\n\n1,2\n")


@pytest.mark.django_db
def test_without_a_mapping_an_unknown_header_is_refused_and_leaves_nothing(council, tmp_path):
    path = write_csv(tmp_path, MEANINGLESS)
    with pytest.raises(actions.SpendingImportError, match="Choose the column for: Payment date"):
        actions.spending_import_file(council=council, path=path, actor=None)
    assert not SpendingImport.objects.filter(council=council).exists()


@pytest.mark.django_db
def test_the_command_imports_meaningless_headings_with_map(council, tmp_path):
    path = write_csv(tmp_path, MEANINGLESS)
    with pytest.raises(CommandError, match="--map FIELD=COLUMN"):
        call_command("transparency_import_spending", council.slug, str(path), stdout=io.StringIO())
    out = io.StringIO()
    args = [
        "--map",
        "paid_on=2",
        "--map",
        "supplier=3",
        "--map",
        "amount=4",
        "--map",
        "reference=1",
    ]
    call_command("transparency_import_spending", council.slug, str(path), *args, stdout=out)
    text = out.getvalue()
    assert "no heading we know, so the first line with text is taken as the header" in text
    assert "Amount: column 4 (Col D) [as given by --map]" in text
    assert "2 lines read, 2 payments imported, 0 skipped" in text
    assert sorted(Payment.objects.filter(council=council).values_list("reference", flat=True)) == [
        "X1",
        "X2",
    ]


@pytest.mark.django_db
def test_the_command_imports_the_ledger_and_says_what_it_guessed(council, tmp_path):
    path = write_csv(tmp_path, LEDGER)
    out = io.StringIO()
    call_command("transparency_import_spending", council.slug, str(path), stdout=out)
    text = out.getvalue()
    assert "Payment date: column 9 (Updated) [guessed from column 9 'Updated'" in text
    assert "3 lines read, 3 payments imported" in text
    payments = Payment.objects.filter(council=council).order_by("paid_on")
    assert [p.supplier for p in payments] == ["Acme Surveyors Ltd", "Bins R Us", "Bins R Us"]
    assert [p.amount_pence for p in payments] == [125000, 240050, -60000]
    assert payments[0].service_area == "Housing Services"


@pytest.mark.django_db
def test_the_staff_page_offers_the_columns_of_an_unrecognised_header(
    client, council, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    user = UserFactory()
    add_totp(user)
    StaffRoleFactory(user=user, council=council, role=StaffRoleKind.COUNCIL_ADMIN)
    sign_in_with_mfa(client, user)
    response = client.post(
        reverse("staff-spending-upload"),
        {"council": council.slug, "file": SimpleUploadedFile("x.csv", MEANINGLESS.encode())},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "We did not recognise any of the column headings, so we took line 1" in page
    assert "4: Col D" in page
    fields = {"paid_on": "1", "supplier": "2", "amount": "3", "action": "confirm"}
    assert client.post(response["Location"], fields).status_code == 302


@pytest.mark.django_db
def test_the_staff_page_says_which_guess_was_made(client, council, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = UserFactory()
    add_totp(user)
    StaffRoleFactory(user=user, council=council, role=StaffRoleKind.COUNCIL_ADMIN)
    sign_in_with_mfa(client, user)
    response = client.post(
        reverse("staff-spending-upload"),
        {"council": council.slug, "file": SimpleUploadedFile("l.csv", LEDGER.encode())},
    )
    page = client.get(response["Location"]).content.decode()
    assert "Our guess: column 7 &#x27;Supplier ID(T)&#x27;: the heading says so" in page
