import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pocketcouncil.councils.models import Area, Council, CouncilTier
from pocketcouncil.councils.tests.factories import AreaFactory, CouncilFactory, square

pytestmark = pytest.mark.django_db


def test_brand_colour_must_be_readable_with_white_text():
    council = CouncilFactory.build(brand_colour="#ffdd00")
    with pytest.raises(ValidationError, match="contrast of 1.3:1"):
        council.full_clean()
    CouncilFactory.build(brand_colour="#0b0c0c").full_clean()


def test_brand_colour_must_be_hex_in_the_database():
    council = CouncilFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Council.objects.filter(pk=council.pk).update(brand_colour="red;}x{")


def test_only_a_district_has_a_county_above():
    county = CouncilFactory(tier=CouncilTier.COUNTY)
    unitary = CouncilFactory.build(tier=CouncilTier.UNITARY, upper_tier=county)
    with pytest.raises(ValidationError, match="Only a district"):
        unitary.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        unitary.save()


def test_area_bounding_box_follows_its_geometry():
    area = AreaFactory(geometry=square(3.0, 55.0, 1.0))
    assert (area.min_lon, area.min_lat, area.max_lon, area.max_lat) == (3.0, 55.0, 4.0, 56.0)
    area.geometry = square(5.0, 50.0, 2.0)
    area.save(update_fields=["geometry"])
    area.refresh_from_db()
    assert (area.min_lon, area.max_lat) == (5.0, 52.0)


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Point", "coordinates": [1, 2]},
        {"type": "Polygon", "coordinates": "nonsense"},
        {
            "type": "Polygon",
            "coordinates": [
                [[500000, 200000], [500100, 200000], [500100, 200100], [500000, 200000]]
            ],
        },
        "not json",
    ],
)
def test_invalid_geometry_is_refused_with_a_reason(geometry):
    area = Area(council=CouncilFactory(), name="Bad", kind="ward", geometry=geometry)
    with pytest.raises(ValidationError) as error:
        area.clean()
    assert "geometry" in error.value.message_dict
