import datetime as dt

import pytest

from pocketcouncil.councils.tests.factories import CouncilFactory
from pocketcouncil.directory import actions, feed
from pocketcouncil.directory.models import Service
from pocketcouncil.directory.tests.factories import (
    EXAMPLES_DIR,
    PAGE_KEYS,
    food_term,
    oxford_service,
    validate,
)

EXAMPLE_SERVICE = "ac148810-d857-441c-9679-408f346de14b"
EXAMPLE_SAL = "e94c9f38-1e8f-4564-91d4-d53501ab1765"
EXAMPLE_TAXONOMY = "5c4d79d7-cc55-470e-9f1f-8cad074e4892"
EXAMPLE_TERM = "3f7b145d-84af-42d7-8fae-eaca714b02b2"


def _import(council, data):
    tables = feed.Tables()
    feed.add_json(tables, data, where="test")
    report = actions.directory_import(council=council, tables=tables)
    assert report.rejected == []
    return report


@pytest.fixture
def examples(council):
    for name in ("service_full.json", "taxonomy.json"):
        actions.directory_import(council=council, tables=feed.read_path(EXAMPLES_DIR / name))
    return council


@pytest.fixture
def oxford_listings(demo):
    """Three services in Oxford's directory: near OX4 3BD, in the city centre, far away."""
    oxford = demo["oxford"]
    near = oxford_service(name="Cowley Community Larder", term=food_term())
    centre = oxford_service(
        name="Befriending at the Town Hall",
        description="Weekly coffee mornings for people who feel lonely.",
        latitude=51.7520,
        longitude=-1.2577,
    )
    far = oxford_service(name="Banbury Food Bank", latitude=52.0629, longitude=-1.3398)
    for data in (near, centre, far):
        _import(oxford, data)
    return {"near": near, "centre": centre, "far": far, "council": oxford}


def _page(response):
    assert response.status_code == 200, response.content
    body = response.json()
    assert body.keys() >= PAGE_KEYS
    return body


@pytest.mark.django_db
class TestValidatesAgainstOfficialSchemas:
    def test_root(self, client):
        body = client.get("/openreferral/").json()
        assert body["version"] == "3.0"
        assert body["profile"].startswith("https://")
        assert body["openapi_url"].endswith("/api/v1/openapi.json")

    def test_service_full(self, client, examples):
        body = client.get(f"/openreferral/services/{EXAMPLE_SERVICE}").json()
        validate(body, "service")
        assert body["organization"]["name"] == "Example Organization Inc."
        assert body["service_at_locations"][0]["location"]["addresses"][0]["city"] == "MyCity"
        assert body["attributes"][0]["taxonomy_term"]["id"] == EXAMPLE_TERM

    def test_service_list(self, client, examples):
        body = _page(client.get("/openreferral/services"))
        assert body["total_items"] == 1
        for item in body["contents"]:
            validate(item, "service")

    def test_service_at_locations(self, client, examples):
        body = _page(client.get("/openreferral/service_at_locations"))
        for item in body["contents"]:
            validate(item, "service_at_location")
        one = client.get(f"/openreferral/service_at_locations/{EXAMPLE_SAL}").json()
        validate(one, "service_at_location")
        validate(one["service"], "service")

    def test_taxonomies_and_terms(self, client, examples):
        for item in _page(client.get("/openreferral/taxonomies"))["contents"]:
            validate(item, "taxonomy")
        taxonomy = client.get(f"/openreferral/taxonomies/{EXAMPLE_TAXONOMY}").json()
        validate(taxonomy, "taxonomy")
        assert taxonomy["taxonomy_terms"][0]["id"] == EXAMPLE_TERM
        for item in _page(client.get("/openreferral/taxonomy_terms"))["contents"]:
            validate(item, "taxonomy_term")
        validate(client.get(f"/openreferral/taxonomy_terms/{EXAMPLE_TERM}").json(), "taxonomy_term")

    def test_a_service_written_here_validates(self, client, oxford_listings):
        service_id = oxford_listings["near"]["id"]
        body = client.get(f"/openreferral/services/{service_id}").json()
        validate(body, "service")
        assert body["contacts"][0]["phones"][0]["number"] == "01865 000000"
        assert body["languages"][0]["name"] == "Polish"
        assert body["cost_options"][0]["amount"] == 3.5

    def test_the_validator_can_fail(self):
        with pytest.raises(AssertionError, match="status"):
            validate({"id": "x", "name": "No status"}, "service")


@pytest.mark.django_db
class TestPaginationAndFilters:
    def test_pages(self, client, oxford_listings):
        first = _page(client.get("/openreferral/services?per_page=2"))
        assert (first["total_items"], first["total_pages"], first["size"]) == (3, 2, 2)
        assert first["first_page"] and not first["last_page"]
        second = _page(client.get("/openreferral/services?per_page=2&page=2"))
        assert second["last_page"] and second["size"] == 1
        beyond = _page(client.get("/openreferral/services?per_page=2&page=9"))
        assert beyond["empty"] and beyond["contents"] == []
        names = [s["name"] for s in first["contents"] + second["contents"]]
        assert names == sorted(names)

    def test_search(self, client, oxford_listings):
        body = _page(client.get("/openreferral/services?search=LONELY"))
        assert [s["id"] for s in body["contents"]] == [oxford_listings["centre"]["id"]]

    def test_taxonomy_term(self, client, oxford_listings):
        body = _page(client.get("/openreferral/services?taxonomy_term_id=food-bank-term"))
        assert [s["id"] for s in body["contents"]] == [oxford_listings["near"]["id"]]

    def test_taxonomy_id(self, client, examples):
        body = _page(client.get(f"/openreferral/services?taxonomy_id={EXAMPLE_TAXONOMY}"))
        assert [s["id"] for s in body["contents"]] == [EXAMPLE_SERVICE]
        assert _page(client.get("/openreferral/services?taxonomy_id=other"))["empty"]

    def test_organization_id(self, client, oxford_listings):
        org = oxford_listings["far"]["organization"]["id"]
        body = _page(client.get(f"/openreferral/services?organization_id={org}"))
        assert [s["id"] for s in body["contents"]] == [oxford_listings["far"]["id"]]

    def test_postcode_and_proximity_nearest_first(self, client, oxford_listings):
        body = _page(client.get("/openreferral/services?postcode=ox43bd&proximity=10000"))
        ids = [s["id"] for s in body["contents"]]
        assert ids == [oxford_listings["near"]["id"], oxford_listings["centre"]["id"]]
        assert body["contents"][0]["distance"] < body["contents"][1]["distance"]
        close = _page(client.get("/openreferral/services?postcode=OX4 3BD&proximity=1000"))
        assert [s["id"] for s in close["contents"]] == [oxford_listings["near"]["id"]]
        sal = _page(
            client.get("/openreferral/service_at_locations?postcode=OX4+3BD&proximity=1000")
        )
        assert [s["service_id"] for s in sal["contents"]] == [oxford_listings["near"]["id"]]

    def test_modified_after(self, client, oxford_listings):
        Service.objects.filter(pk=oxford_listings["far"]["id"]).update(
            last_modified=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        )
        body = _page(client.get("/openreferral/services?modified_after=2024-01-01T00:00:00Z"))
        assert oxford_listings["far"]["id"] not in [s["id"] for s in body["contents"]]
        assert body["total_items"] == 2

    def test_council_filter(self, client, oxford_listings):
        other = CouncilFactory()
        _import(other, oxford_service(name="Elsewhere"))
        everything = _page(client.get("/openreferral/services"))
        assert everything["total_items"] == 4
        oxford = _page(client.get("/openreferral/services?council=oxford"))
        assert oxford["total_items"] == 3

    def test_inactive_services_are_not_listed(self, client, oxford_listings):
        Service.objects.filter(pk=oxford_listings["far"]["id"]).update(status="defunct")
        assert _page(client.get("/openreferral/services"))["total_items"] == 2

    def test_list_query_count_does_not_grow(
        self, client, oxford_listings, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(3):
            client.get("/openreferral/services")

    def test_full_service_query_count_is_fixed(
        self, client, oxford_listings, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(16):
            client.get(f"/openreferral/services/{oxford_listings['near']['id']}")


@pytest.mark.django_db
class TestErrors:
    @pytest.mark.parametrize(
        "path",
        [
            "/openreferral/services/nope",
            "/openreferral/taxonomies/nope",
            "/openreferral/taxonomy_terms/nope",
            "/openreferral/service_at_locations/nope",
        ],
    )
    def test_unknown_ids_are_404_with_a_body(self, client, path):
        response = client.get(path)
        assert response.status_code == 404
        assert "No " in response.json()["detail"]

    @pytest.mark.parametrize(
        ("query", "parameter"),
        [
            ("page=0", "page"),
            ("page=x", "page"),
            ("per_page=1000", "per_page"),
            ("postcode=not-a-postcode", "postcode"),
            ("postcode=ZZ99 9ZZ", "postcode"),
            ("proximity=100", "proximity"),
            ("postcode=OX4 3BD&proximity=far", "proximity"),
            ("postcode=OX4 3BD&proximity=-5", "proximity"),
            ("postcode=OX4 3BD&proximity=nan", "proximity"),
            ("modified_after=last tuesday", "modified_after"),
            ("council=atlantis", "council"),
            ("search=" + "x" * 300, "search"),
        ],
    )
    def test_bad_parameters_are_400_with_a_structured_body(self, client, query, parameter):
        response = client.get(f"/openreferral/services?{query}")
        assert response.status_code == 400
        body = response.json()
        assert body["detail"]
        assert body["errors"][0]["parameter"] == parameter

    def test_nul_in_search_is_not_an_error(self, client, oxford_listings):
        assert client.get("/openreferral/services?search=food%00").status_code == 200

    def test_writes_are_refused(self, client):
        assert client.post("/openreferral/services").status_code == 405

    def test_cors_is_open(self, client):
        assert client.get("/openreferral/")["Access-Control-Allow-Origin"] == "*"


@pytest.mark.django_db
def test_openapi_document_describes_the_api(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/openreferral/services" in schema["paths"]
    assert "/openreferral/services/{id}" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/openreferral/services"]["get"]["parameters"]}
    assert {"search", "page", "per_page", "postcode", "proximity", "modified_after"} <= params
