"""Council tax figures from a file: the staff page, the command, every kind of mistake, and
the round trip through a download."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from pocketcouncil.accounts.models import StaffRoleKind
from pocketcouncil.accounts.tests.factories import StaffRoleFactory, UserFactory, add_totp
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.core.testing import hostile_settings
from pocketcouncil.councils.tests.factories import AreaFactory, CouncilFactory
from pocketcouncil.transparency import actions, budgets_csv, queries
from pocketcouncil.transparency.models import BudgetLine, Precept

pytestmark = pytest.mark.django_db

FILE = """financial_year,kind,name,band_d,area_gss_code,service,net_budget
2026/27,county,Anyshire County Council,"£1,800.00",,Adult social care,"£250,000,000"
2026/27,county,Anyshire County Council,"£1,800.00",,Children's services,150000000.00
2026/27,district,Anytown District Council,£210.50,,Waste and recycling,"8,000,000"
2026/27,Police,Anyshire Police and Crime Commissioner,300.00,,,
2026/27,parish,Littleton Parish Council,45.10,E05999001,Village hall,"20,000"
"""


@pytest.fixture
def ward(council):
    return AreaFactory(council=council, gss_code="E05999001", name="Littleton")


@pytest.fixture
def staff_client(client, council, ward):
    user = UserFactory()
    add_totp(user)
    StaffRoleFactory(user=user, council=council, role=StaffRoleKind.SERVICE_MANAGER)
    sign_in_with_mfa(client, user)
    client.user = user
    return client


def upload(client, council_slug: str, text: str, source: str = "x"):
    """Post a budget file on the staff page."""
    return client.post(
        reverse("staff-budgets"),
        {
            "council": council_slug,
            "source": source,
            "file": SimpleUploadedFile("budget.csv", text.encode(), content_type="text/csv"),
        },
    )


def read(text: str, areas=("E05999001",)):
    return budgets_csv.read_budget_file(io.BytesIO(text.encode("utf-8")), area_codes=areas)


def problems(text: str, areas=("E05999001",)) -> list[tuple[int, str]]:
    with pytest.raises(budgets_csv.BudgetFileError) as caught:
        read(text, areas)
    return caught.value.problems


def test_a_file_is_read_into_bodies_and_their_lines():
    budget = read(FILE)
    assert budget.financial_year == 2026
    county, district, police, parish = budget.bodies
    assert (county.kind, county.band_d) == ("county", Decimal("1800.00"))
    assert [(x.service, x.net_budget) for x in county.lines] == [
        ("Adult social care", Decimal("250000000")),
        ("Children's services", Decimal("150000000")),
    ]
    assert district.lines[0].net_budget == Decimal("8000000")
    assert (police.kind, police.lines) == ("police", [])
    assert (parish.area_gss_code, parish.band_d) == ("E05999001", Decimal("45.10"))


def test_headings_are_read_however_they_are_written_and_in_any_order():
    budget = read(
        "Kind,Name,Band D,Financial Year,Service,Net budget\n"
        "Fire and rescue,Anyshire Fire,80.00,2026,Prevention,1000\n"
    )
    assert budget.bodies[0].kind == "fire"
    assert budget.bodies[0].lines[0].service == "Prevention"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2026,county,X,1.00,,,", None),
        ("26/27,county,X,1.00,,,", "not a financial year"),
        ("2026/28,county,X,1.00,,,", "not one financial year"),
        ("2026,mayor,X,1.00,,,", "not a kind of body"),
        ("2026,county,,1.00,,,", "name of the body is blank"),
        ("2026,county,X,,,,", "Band D: The amount is blank"),
        ("2026,county,X,lots,,,", "Band D: 'lots' is not an amount"),
        ("2026,county,X,(5.00),,,", "Band D cannot be negative"),
        ("2026,county,X,250000,,,", "not a yearly charge"),
        ("2026,parish,X,1.00,E05000000,,", "not the GSS code of one of this council's areas"),
        ("2026,county,X,1.00,,Roads,", "'Roads' has no net budget"),
        ("2026,county,X,1.00,,,500", "A net budget with no service named"),
        ("2026,county,X,1.00,,Roads,-5", "Net budget cannot be negative"),
    ],
)
def test_each_kind_of_mistake_is_named_with_its_line(line, expected):
    text = "financial_year,kind,name,band_d,area_gss_code,service,net_budget\n" + line + "\n"
    if expected is None:
        assert read(text).bodies
        return
    [(number, message)] = problems(text)
    assert number == 2
    assert expected in message


def test_a_body_must_say_the_same_band_d_and_area_on_every_line():
    [(number, message)] = problems(
        "financial_year,kind,name,band_d,service,net_budget\n"
        "2026,county,Anyshire,1800,Roads,10\n"
        "2026,county,anyshire,1900,Schools,10\n"
    )
    assert number == 3
    assert "line 2 has £1800" in message


def test_a_service_listed_twice_for_a_body_is_refused():
    [(number, message)] = problems(
        "financial_year,kind,name,band_d,service,net_budget\n"
        "2026,county,Anyshire,1800,Roads,10\n"
        "2026,county,Anyshire,1800,roads,12\n"
    )
    assert (number, message) == (3, "Anyshire: 'roads' is listed twice.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "The file is empty."),
        ("kind,name\ncounty,X\n", "Missing: financial_year, band_d"),
        ("financial_year,kind,name,band_d\n", "only its header line"),
        (
            "financial_year,kind,name,band_d\n2026,county,X,1\n2027,county,Y,1\n",
            "One financial year per file: this one has 2026, 2027",
        ),
    ],
)
def test_a_file_that_is_not_a_budget_file_says_why(text, expected):
    assert expected in problems(text)[0][1]


def test_every_problem_is_listed_up_to_fifty():
    lines = "".join(f"2026,county,X{n},oops,,,\n" for n in range(80))
    found = problems("financial_year,kind,name,band_d,area_gss_code,service,net_budget\n" + lines)
    assert len(found) == budgets_csv.MAX_PROBLEMS
    assert found[0][0] == 2


def test_windows_1252_and_a_byte_order_mark_are_read():
    text = "financial_year,kind,name,band_d\n2026,parish,Ærø Parish,£45.00\n"
    assert budgets_csv.read_budget_file(io.BytesIO(text.encode("cp1252"))).bodies[0].name == (
        "Ærø Parish"
    )
    with_bom = b"\xef\xbb\xbf" + text.encode("utf-8")
    assert budgets_csv.read_budget_file(io.BytesIO(with_bom)).bodies[0].band_d == Decimal("45")


def test_importing_replaces_that_year_only(council, ward):
    Precept.objects.create(
        council=council, financial_year=2026, kind="county", name="Old", band_d=1, source="x"
    )
    kept = Precept.objects.create(
        council=council, financial_year=2025, kind="county", name="Last year", band_d=1, source="x"
    )
    result = actions.budgets_import(
        council=council, binary=io.BytesIO(FILE.encode()), source="Budget book", actor=None
    )
    assert (result.financial_year, result.bodies, result.budget_lines) == (2026, 4, 4)
    assert result.replaced_bodies == 1
    names = set(Precept.objects.filter(council=council, financial_year=2026).values_list("name"))
    assert ("Old",) not in names and ("Anyshire County Council",) in names
    assert Precept.objects.filter(pk=kept.pk).exists()
    parish = Precept.objects.get(council=council, name="Littleton Parish Council")
    assert (parish.area, parish.source) == (ward, "Budget book")
    county = Precept.objects.get(council=council, name="Anyshire County Council")
    assert [line.service for line in county.budget_lines.all()] == [
        "Adult social care",
        "Children's services",
    ]
    # The same file again: the same figures, nothing twice.
    again = actions.budgets_import(
        council=council, binary=io.BytesIO(FILE.encode()), source="Budget book", actor=None
    )
    assert again.replaced_bodies == 4
    assert BudgetLine.objects.filter(council=council).count() == 4


def test_a_file_with_a_mistake_changes_nothing(council, ward):
    actions.budgets_import(
        council=council, binary=io.BytesIO(FILE.encode()), source="Budget book", actor=None
    )
    before = list(Precept.objects.filter(council=council).values_list("pk", "band_d"))
    broken = FILE.replace("300.00", "three hundred")
    with pytest.raises(budgets_csv.BudgetFileError):
        actions.budgets_import(
            council=council, binary=io.BytesIO(broken.encode()), source="x", actor=None
        )
    assert list(Precept.objects.filter(council=council).values_list("pk", "band_d")) == before


def test_another_councils_ward_is_not_this_councils(council, ward):
    other = CouncilFactory()
    with pytest.raises(budgets_csv.BudgetFileError, match="GSS code"):
        actions.budgets_import(
            council=other, binary=io.BytesIO(FILE.encode()), source="x", actor=None
        )


def test_the_download_reads_back_as_the_same_figures(staff_client, council, ward):
    actions.budgets_import(
        council=council, binary=io.BytesIO(FILE.encode()), source="Budget book", actor=None
    )
    response = staff_client.get(
        reverse("staff-budgets-download", args=[2026]) + f"?council={council.slug}"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    before = read(FILE)
    after = read(response.content.decode())
    assert sorted((b.kind, b.name, b.band_d, b.area_gss_code) for b in after.bodies) == sorted(
        (b.kind, b.name, b.band_d, b.area_gss_code) for b in before.bodies
    )
    assert sum(len(b.lines) for b in after.bodies) == 4
    missing = staff_client.get(
        reverse("staff-budgets-download", args=[1999]) + f"?council={council.slug}"
    )
    assert missing.status_code == 404


def test_the_staff_page_imports_a_file_and_lists_the_year(staff_client, council, ward):
    page = staff_client.get(reverse("staff-budgets"))
    assert page.status_code == 200
    assert "No council tax figures yet." in page.content.decode()
    response = upload(staff_client, council.slug, FILE, source="Council tax resolution 2026/27")
    assert response.status_code == 302
    page = staff_client.get(response["Location"]).content.decode()
    assert "Council tax figures for 2026/27 imported: 4 bodies and 4 budget lines" in page
    assert "2026/27" in page
    bill = queries.council_tax_bill(council=council, year=2026, band="D", area_ids={ward.pk})
    assert bill.yearly == Decimal("2355.60")


def test_the_staff_page_lists_each_problem_in_the_error_summary(staff_client, council, ward):
    broken = FILE.replace("£210.50", "soon").replace("E05999001", "E05000000")
    response = upload(staff_client, council.slug, broken, source="x")
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Line 4: Band D: &#x27;soon&#x27; is not an amount of money." in page
    assert "Line 6: &#x27;E05000000&#x27; is not the GSS code" in page
    assert not Precept.objects.filter(council=council).exists()


def test_the_staff_page_needs_a_source_and_a_file(staff_client, council):
    response = staff_client.post(reverse("staff-budgets"), {"council": council.slug})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Say where the figures come from." in page
    assert "Choose a CSV file." in page


def test_only_staff_who_may_edit_budgets_see_the_page(client, council):
    user = UserFactory()
    add_totp(user)
    StaffRoleFactory(user=user, council=council, role=StaffRoleKind.CASE_OFFICER)
    sign_in_with_mfa(client, user)
    assert client.get(reverse("staff-budgets")).status_code == 403
    response = upload(client, council.slug, FILE, source="x")
    assert response.status_code == 403
    assert not Precept.objects.filter(council=council).exists()


def test_a_council_the_user_is_not_staff_of_cannot_be_chosen(staff_client, council):
    other = CouncilFactory()
    response = upload(staff_client, other.slug, FILE, source="x")
    assert response.status_code == 400
    assert not Precept.objects.filter(council=other).exists()


def test_the_upload_needs_a_csrf_token(council, ward):
    client = Client(enforce_csrf_checks=True)
    user = UserFactory()
    add_totp(user)
    StaffRoleFactory(user=user, council=council, role=StaffRoleKind.COUNCIL_ADMIN)
    client.force_login(user)
    response = client.post(reverse("staff-budgets"), {"council": council.slug})
    assert response.status_code == 403


def test_the_command_imports_and_reports(council, ward, tmp_path):
    path = tmp_path / "budget.csv"
    path.write_text(FILE, encoding="utf-8")
    out = io.StringIO()
    call_command(
        "transparency_import_budgets", council.slug, str(path), "--source=Book", stdout=out
    )
    assert "2026/27: 4 bodies and 4 budget lines imported, replacing 0 bodies." in out.getvalue()
    path.write_text(FILE.replace("45.10", "x"), encoding="utf-8")
    with pytest.raises(CommandError, match="line 6: Band D"):
        call_command("transparency_import_budgets", council.slug, str(path), "--source=Book")


def test_the_staff_home_links_to_the_page(staff_client, council):
    page = staff_client.get(reverse("accounts-staff-home")).content.decode()
    assert reverse("staff-budgets") in page


@hostile_settings(60)
@given(data=st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_any_bytes_are_a_budget_or_a_list_of_problems(data):
    try:
        budget = budgets_csv.read_budget_file(io.BytesIO(data), area_codes={"E05999001"})
    except budgets_csv.BudgetFileError as error:
        assert error.problems and all(isinstance(m, str) and m for _, m in error.problems)
        return
    assert budget.bodies and 2000 <= budget.financial_year <= 2099
