"""GET /api/v1/services/search and the API's description."""

import pytest

from pocketcouncil.services import search

pytestmark = pytest.mark.django_db


def test_search_json(client, django_assert_max_num_queries):
    search.index_get()  # steady state: the index is built once per process and catalogue change
    with django_assert_max_num_queries(6):
        response = client.get(
            "/api/v1/services/search", {"q": "someone parked across my drive", "council": "oxford"}
        )
    assert response.status_code == 200
    data = response.json()
    assert data["query"] == "someone parked across my drive"
    top = data["results"][0]
    assert top["lgsl"] == 471 and top["council"] == "oxford"
    assert top["url"] == "/councils/oxford/services/471/"
    assert set(top) == {"lgsl", "name", "council", "url", "score"}
    scores = [r["score"] for r in data["results"]]
    assert scores == sorted(scores, reverse=True)
    assert data["answers"][0] == {
        "question": "Someone has parked across my driveway. What can I do?",
        "answer": data["answers"][0]["answer"],
        "service_lgsl": 471,
    }


def test_postcode_routes_each_result(client):
    data = client.get(
        "/api/v1/services/search", {"q": "rubbish dumped in the alley", "postcode": "OX4 3BD"}
    ).json()
    assert (data["results"][0]["lgsl"], data["results"][0]["council"]) == (587, "oxford")


def test_a_postcode_in_the_question_routes_the_results(client):
    data = client.get("/api/v1/services/search", {"q": "light out on my road OX4 3BD"}).json()
    assert data["query"] == "light out on my road"
    assert (data["results"][0]["lgsl"], data["results"][0]["council"]) == (564, "oxfordshire")


@pytest.mark.parametrize(
    ("params", "status", "detail"),
    [
        ({}, 422, "The request is not valid."),
        ({"q": ""}, 422, "The request is not valid."),
        ({"q": "   "}, 400, "Enter what you are looking for in q."),
        ({"q": "bins", "council": "atlantis"}, 404, "No council with the slug 'atlantis'."),
        (
            {"q": "bins", "postcode": "zzz"},
            400,
            "postcode is not a full UK postcode, like OX4 3BD.",
        ),
        ({"q": "bins", "limit": "500"}, 422, "The request is not valid."),
        ({"q": "x" * 2001}, 422, "q must be 2,000 characters or fewer (it has 2,001)."),
    ],
)
def test_errors_are_json(client, params, status, detail):
    response = client.get("/api/v1/services/search", params)
    assert response.status_code == status
    assert response.json()["detail"] == detail


def test_no_good_match(client):
    data = client.get("/api/v1/services/search", {"q": "purple elephant trampoline"}).json()
    assert data["results"] == [] and data["no_good_match"] is True


def test_openapi_describes_the_search(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "Pocket Council API"
    operation = spec["paths"]["/api/v1/services/search"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"q", "council", "postcode", "limit"}
    assert "200" in operation["responses"] and "404" in operation["responses"]


def test_docs_use_local_files_and_no_inline_script(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    # The only inline <script> is a JSON data block, which the CSP does not run.
    for tag in html.split("<script")[1:]:
        assert " src=" in tag.split(">")[0] or 'type="application/json"' in tag.split(">")[0]
