"""Where your council tax goes: the split of a bill for each band, by body and by service."""

from decimal import Decimal

import pytest

from pocketcouncil.transparency import queries
from pocketcouncil.transparency.models import PreceptKind
from pocketcouncil.transparency.tests.factories import BudgetLineFactory, PreceptFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("band", "yearly", "weekly"),
    [
        ("A", "1200.00", "23.08"),
        ("B", "1400.00", "26.92"),
        ("C", "1600.00", "30.77"),
        ("D", "1800.00", "34.62"),
        ("E", "2200.00", "42.31"),
        ("F", "2600.00", "50.00"),
        ("G", "3000.00", "57.69"),
        ("H", "3600.00", "69.23"),
    ],
)
def test_each_band_is_its_statutory_fraction_of_band_d(council, band, yearly, weekly):
    PreceptFactory(council=council, band_d=Decimal("1800.00"))
    bill = queries.council_tax_bill(council=council, year=2026, band=band)
    assert (bill.yearly, bill.weekly) == (Decimal(yearly), Decimal(weekly))


def test_split_between_bodies_and_services_with_penny_rounding(council):
    county = PreceptFactory(
        council=council, kind=PreceptKind.COUNTY, name="County", band_d=Decimal("1947.20")
    )
    PreceptFactory(
        council=council, kind=PreceptKind.DISTRICT, name="District", band_d=Decimal("372.10")
    )
    PreceptFactory(council=council, kind=PreceptKind.POLICE, name="Police", band_d="310.28")
    BudgetLineFactory(precept=county, service="Adult social care", amount=Decimal("300"))
    BudgetLineFactory(precept=county, service="Roads", amount=Decimal("100"))

    bill = queries.council_tax_bill(council=council, year=2026, band="A")

    # Band A is 6/9 of Band D, rounded to the penny for each body, as on a real bill.
    assert [(line.precept.name, line.yearly) for line in bill.lines] == [
        ("County", Decimal("1298.13")),  # 1947.20 x 6/9 = 1298.133...
        ("District", Decimal("248.07")),  # 372.10 x 6/9 = 248.066...
        ("Police", Decimal("206.85")),  # 310.28 x 6/9 = 206.853...
    ]
    assert bill.yearly == Decimal("1753.05")
    assert bill.weekly == Decimal("33.71")
    county_line = bill.lines[0]
    assert [(s.name, s.yearly, s.weekly) for s in county_line.services] == [
        ("Adult social care", Decimal("973.60"), Decimal("18.72")),
        ("Roads", Decimal("324.53"), Decimal("6.24")),
    ]
    assert bill.lines[1].services == []
    assert round(sum(line.percent for line in bill.lines), 6) == 100


def test_a_parish_precept_only_applies_inside_its_area(demo):
    oxford = demo["oxford"]
    littlemore = oxford.areas.get(name="Littlemore")
    elsewhere = queries.council_tax_bill(council=oxford, year=2026, band="D")
    inside = queries.council_tax_bill(
        council=oxford, year=2026, band="D", area_ids={littlemore.pk, 999999}
    )
    assert elsewhere.yearly == Decimal("2629.58")
    assert inside.yearly == Decimal("2724.08")
    assert "Littlemore Parish Council (demo)" in [line.precept.name for line in inside.lines]


def test_no_figures_for_a_year(council):
    with pytest.raises(queries.NoCouncilTaxFiguresError):
        queries.council_tax_bill(council=council, year=2026, band="D")


def test_unknown_band(council):
    PreceptFactory(council=council)
    with pytest.raises(ValueError, match="band"):
        queries.council_tax_bill(council=council, year=2026, band="I")


def test_the_district_or_unitary_sends_the_bill(demo):
    assert queries.billing_council([demo["oxfordshire"], demo["oxford"]]) == demo["oxford"]
    assert queries.billing_council([demo["manchester"]]) == demo["manchester"]
    assert queries.billing_council([demo["oxfordshire"]]) is None
