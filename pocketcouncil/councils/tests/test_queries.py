"""Area lookup and responsibility routing, on synthetic shapes and on Oxford's real wards."""

import pytest

from pocketcouncil.councils import queries
from pocketcouncil.councils.models import AreaKind, CouncilTier, Responsibility, ServiceTier
from pocketcouncil.councils.tests.factories import AreaFactory, CouncilFactory, TeamFactory, square

pytestmark = pytest.mark.django_db

# A vertex that the real boundaries of two Oxford wards share.
BORDER_POINT = (-1.210166616507587, 51.761091770980876)


def names(areas):
    return [a.name for a in areas]


class TestAreasContaining:
    def test_point_inside_one_area(self):
        area = AreaFactory(geometry=square(3.0, 55.0, 1.0))
        assert queries.areas_containing(lon=3.5, lat=55.5) == [area]

    def test_point_outside_every_area(self):
        AreaFactory(geometry=square(3.0, 55.0, 1.0))
        assert queries.areas_containing(lon=4.5, lat=55.5) == []
        assert queries.areas_containing(lon=-40.0, lat=10.0) == []

    def test_point_in_a_hole_is_outside(self):
        # A 1-degree square with a 0.5-degree hole in the middle: the bounding box holds the
        # point, so only the exact test can tell.
        AreaFactory(geometry=square(3.0, 55.0, 1.0, hole=0.5))
        assert queries.areas_containing(lon=3.5, lat=55.5) == []
        assert len(queries.areas_containing(lon=3.1, lat=55.1)) == 1

    def test_point_on_the_edge_of_a_hole_is_inside(self):
        AreaFactory(geometry=square(3.0, 55.0, 1.0, hole=0.5))
        assert len(queries.areas_containing(lon=3.25, lat=55.5)) == 1

    def test_multipolygon_answers_for_each_part_and_not_between(self):
        parts = [square(3.0, 55.0, 0.2)["coordinates"], square(3.6, 55.0, 0.2)["coordinates"]]
        area = AreaFactory(geometry={"type": "MultiPolygon", "coordinates": parts})
        assert queries.areas_containing(lon=3.1, lat=55.1) == [area]
        assert queries.areas_containing(lon=3.7, lat=55.1) == [area]
        assert queries.areas_containing(lon=3.4, lat=55.1) == []

    def test_point_on_a_shared_border_is_in_both_areas_in_a_fixed_order(self):
        council = CouncilFactory()
        west = AreaFactory(
            council=council,
            name="West",
            kind="ward",
            gss_code="E05000002",
            geometry=square(3.0, 55.0, 0.5),
        )
        east = AreaFactory(
            council=council,
            name="East",
            kind="ward",
            gss_code="E05000001",
            geometry=square(3.5, 55.0, 0.5),
        )
        assert queries.areas_containing(lon=3.5, lat=55.25) == [east, west]

    def test_most_specific_area_first(self):
        council = CouncilFactory()
        district = AreaFactory(
            council=council, kind=AreaKind.DISTRICT, geometry=square(3.0, 55.0, 1.0)
        )
        ward = AreaFactory(
            council=council, kind=AreaKind.WARD, parent=district, geometry=square(3.0, 55.0, 0.5)
        )
        assert queries.areas_containing(lon=3.1, lat=55.1) == [ward, district]
        assert queries.areas_containing(lon=3.1, lat=55.1, kinds=["district"]) == [district]

    def test_edited_boundary_is_used_at_once(self):
        area = AreaFactory(geometry=square(3.0, 55.0, 1.0))
        assert queries.areas_containing(lon=3.5, lat=55.5) == [area]
        area.geometry = square(3.0, 55.0, 1.0, hole=0.5)
        area.save()
        assert queries.areas_containing(lon=3.5, lat=55.5) == []

    def test_real_oxford_ward_for_a_real_postcode(self):
        postcode = queries.postcode_get("OX4 3BD")
        found = queries.areas_containing(lon=postcode.longitude, lat=postcode.latitude)
        assert names(found) == [
            "Iffley Fields",
            "Oxford",
            "Oxfordshire (demo: Oxford city only)",
        ]

    def test_real_border_between_two_oxford_wards(self):
        lon, lat = BORDER_POINT
        wards = queries.areas_containing(lon=lon, lat=lat, kinds=["ward"])
        assert sorted(names(wards)) == ["Barton and Sandhills", "Headington"]
        # The order is fixed by GSS code, so routing never flips between calls.
        assert wards == queries.areas_containing(lon=lon, lat=lat, kinds=["ward"])
        assert wards[0].gss_code < wards[1].gss_code

    def test_point_in_the_thames_outside_oxford(self):
        # Abingdon: south of the city, outside every demo area.
        assert queries.areas_containing(lon=-1.2825, lat=51.6708) == []


class TestCouncilResponsible:
    def test_two_tier_pothole_goes_to_the_county(self, demo):
        postcode = queries.postcode_get("OX4 3BD")
        answer = queries.council_responsible(
            lon=postcode.longitude,
            lat=postcode.latitude,
            service_tier=ServiceTier.COUNTY,
            lgsl=557,
        )
        assert answer.council == demo["oxfordshire"]
        assert answer.ward.name == "Iffley Fields"

    def test_two_tier_fly_tipping_goes_to_the_district(self, demo):
        postcode = queries.postcode_get("OX4 3BD")
        answer = queries.council_responsible(
            lon=postcode.longitude,
            lat=postcode.latitude,
            service_tier=ServiceTier.DISTRICT,
            lgsl=587,
        )
        assert answer.council == demo["oxford"]

    def test_unitary_does_both(self, demo):
        # Manchester town hall.
        for tier in ServiceTier.values:
            answer = queries.council_responsible(lon=-2.2446, lat=53.4794, service_tier=tier)
            assert answer.council == demo["manchester"]
            assert answer.ward is not None

    def test_explicit_responsibility_in_a_ward_beats_the_tier_rule(self, demo):
        lon, lat = -1.2286, 51.7463  # Iffley Fields
        ward = queries.areas_containing(lon=lon, lat=lat, kinds=["ward"])[0]
        team = TeamFactory(council=demo["oxford"], name="Grass cutting (agency)")
        Responsibility.objects.create(council=demo["oxford"], lgsl=1234, area=ward, team=team)
        answer = queries.council_responsible(
            lon=lon, lat=lat, service_tier=ServiceTier.COUNTY, lgsl=1234
        )
        assert (answer.council, answer.team) == (demo["oxford"], team)
        # Other services still follow the tier rule.
        other = queries.council_responsible(
            lon=lon, lat=lat, service_tier=ServiceTier.COUNTY, lgsl=557
        )
        assert other.council == demo["oxfordshire"]

    def test_nobody_serves_the_point(self):
        with pytest.raises(queries.NoCouncilHereError):
            queries.council_responsible(lon=-40.0, lat=10.0, service_tier=ServiceTier.DISTRICT)

    def test_district_alone_cannot_provide_a_county_service(self):
        district = CouncilFactory(tier=CouncilTier.DISTRICT)
        AreaFactory(council=district, geometry=square(3.0, 55.0, 1.0))
        with pytest.raises(queries.NoCouncilHereError):
            queries.council_responsible(lon=3.5, lat=55.5, service_tier=ServiceTier.COUNTY)
        answer = queries.council_responsible(lon=3.5, lat=55.5, service_tier=ServiceTier.DISTRICT)
        assert answer.council == district

    def test_unknown_service_tier_is_a_programming_error(self):
        with pytest.raises(ValueError, match="Unknown service tier"):
            queries.council_responsible(lon=3.5, lat=55.5, service_tier="parish")


class TestCouncilsAt:
    def test_two_tier_point_has_county_then_district(self, demo):
        postcode = queries.postcode_get("OX4 3BD")
        assert queries.councils_at(lon=postcode.longitude, lat=postcode.latitude) == [
            demo["oxfordshire"],
            demo["oxford"],
        ]


class TestPostcodes:
    @pytest.mark.parametrize(
        ("typed", "expected"),
        [
            ("ox4 3bd", "OX4 3BD"),
            (" OX43BD ", "OX4 3BD"),
            ("Ox4  3Bd", "OX4 3BD"),
            ("SW1A 1AA", "SW1A 1AA"),
            ("m1 1ae", "M1 1AE"),
            ("GIR 0AA", "GIR 0AA"),
        ],
    )
    def test_normalise(self, typed, expected):
        assert queries.normalise_postcode(typed) == expected

    @pytest.mark.parametrize(
        "typed", ["", "   ", "OX4", "OX4 3B", "12345", "OX4 3BDX", "Q1 1AA", "OX4 3CI", "<b>"]
    )
    def test_malformed_postcodes_are_refused(self, typed):
        with pytest.raises(queries.PostcodeInvalidError):
            queries.normalise_postcode(typed)

    def test_unknown_postcode(self):
        with pytest.raises(queries.PostcodeNotFoundError, match="SW1A 1AA"):
            queries.postcode_get("sw1a 1aa")

    def test_known_postcode(self):
        postcode = queries.postcode_get("ox4 3bd")
        assert postcode.postcode == "OX4 3BD"
        assert 51.7 < postcode.latitude < 51.8

    def test_outward_code_is_recognised(self):
        assert queries.is_outward_code("ox4")
        assert not queries.is_outward_code("ox4 3bd")
        assert queries.looks_like_postcode("OX4")
        assert not queries.looks_like_postcode("Headington")


class TestPlaceSearch:
    def test_exact_name_comes_first(self):
        found = queries.place_search("headington")
        assert found[0].name == "Headington"
        assert "Headington Hill and Northway" in names(found)

    def test_short_or_unknown_text_finds_nothing(self):
        assert queries.place_search("x") == []
        assert queries.place_search("Narnia") == []

    def test_councils_for_a_district_ward_include_the_county(self, demo):
        ward = queries.place_search("Headington")[0]
        assert queries.councils_for_area(ward) == [demo["oxfordshire"], demo["oxford"]]
