"""GET /api/v1/areas: which councils and wards cover a point (issue 16)."""

import pytest

from pocketcouncil.councils import actions, boundaries
from pocketcouncil.councils.models import CouncilTier
from pocketcouncil.councils.tests.factories import AreaFactory, CouncilFactory, square

pytestmark = pytest.mark.django_db

URL = "/api/v1/areas"
# Carfax, the middle of Oxford: in the demo county, the demo district and one of its wards.
CARFAX = {"lat": "51.7519", "lon": "-1.2578"}


def test_a_two_tier_place_answers_the_county_the_district_and_the_ward(
    client, demo, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        response = client.get(URL, CARFAX)
    assert response.status_code == 200
    areas = response.json()["areas"]
    assert [(a["type"], a["council"], a["tier"]) for a in areas] == [
        ("council", "oxfordshire", "county"),
        ("council", "oxford", "district"),
        ("ward", "oxford", "district"),
    ]
    ward = areas[2]
    assert ward["gss"].startswith("E05")
    assert ward["name"] and ward["name_cy"] is None
    assert areas[1]["name"] == "Oxford City Council (demo)"


def test_a_postcode_gives_the_same_answer(client, demo):
    by_point = client.get(URL, CARFAX).json()
    by_postcode = client.get(URL, {"postcode": "ox1 1rx"}).json()  # near Carfax
    assert [a["council"] for a in by_postcode["areas"]][:2] == ["oxfordshire", "oxford"]
    assert by_point["areas"][0] == by_postcode["areas"][0]


def test_the_sea_is_an_empty_list(client, demo):
    response = client.get(URL, {"lat": "50.0", "lon": "-3.0"})  # the English Channel
    assert response.status_code == 200
    assert response.json() == {"areas": []}


@pytest.mark.parametrize(
    ("params", "parameter", "message"),
    [
        ({"lat": "91", "lon": "0"}, "lat", "between -90 and 90"),
        ({"lat": "0", "lon": "-180.5"}, "lon", "between -180 and 180"),
        ({"lat": "nan", "lon": "0"}, "lat", "between -90 and 90"),
        ({"lat": "north", "lon": "0"}, "lat", "must be a number"),
        ({"lon": "0"}, "lat", "Give lat"),
        ({}, "lat", "Give lat"),
        ({"postcode": "nonsense"}, "postcode", "not a full UK postcode"),
        ({"postcode": "OX1 1ND", "lat": "51"}, "postcode", "not both"),
    ],
)
def test_bad_input_is_a_400_with_a_structured_error(client, params, parameter, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "The request is not valid."
    assert body["errors"][0]["parameter"] == parameter
    assert message in body["errors"][0]["message"]


def test_an_unknown_postcode_is_a_404(client, demo):
    response = client.get(URL, {"postcode": "ZE3 9XP"})
    assert response.status_code == 404
    assert response.json() == {"detail": "We do not know that postcode."}


def test_welsh_names_and_a_county_without_its_own_boundary(client):
    county = CouncilFactory(tier=CouncilTier.COUNTY, gss_code="E10000999", name="Northsea County")
    district = CouncilFactory(
        tier=CouncilTier.DISTRICT, upper_tier=county, gss_code="E07000998", name="Dogger District"
    )
    parsed = boundaries.parse(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"WD23CD": "W05000001", "WD23NM": "Bank", "WD23NMW": "Glan"},
                    "geometry": square(3.0, 55.0, 0.1),
                }
            ],
        }
    )
    actions.boundaries_import(council=district, boundary_file=parsed, actor=None)
    areas = client.get(URL, {"lat": "55.05", "lon": "3.05"}).json()["areas"]
    assert [(a["type"], a["name"], a["name_cy"], a["gss"]) for a in areas] == [
        ("council", "Northsea County", None, "E10000999"),
        ("council", "Dogger District", None, "E07000998"),
        ("ward", "Bank", "Glan", "W05000001"),
    ]


def test_wards_without_a_council_outline_still_name_their_council(client):
    ward = AreaFactory(kind="ward", gss_code="E05009999", geometry=square(3.0, 56.0, 0.1))
    areas = client.get(URL, {"lat": "56.05", "lon": "3.05"}).json()["areas"]
    assert [(a["type"], a["council"]) for a in areas] == [
        ("council", ward.council.slug),
        ("ward", ward.council.slug),
    ]


def test_the_openapi_document_describes_the_area_lookup(client):
    spec = client.get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/areas"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"lat", "lon", "postcode"}
    assert {"200", "400", "404"} <= set(operation["responses"])
