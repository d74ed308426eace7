"""The one OpenAPI document describes the Open311 endpoints alongside /api/v1/."""

import pytest

pytestmark = pytest.mark.django_db


def test_openapi_document_describes_open311_and_the_ninja_api(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert "/api/v1/services/search" in paths
    for path in [
        "/open311/v2/discovery.json",
        "/open311/v2/services.json",
        "/open311/v2/services/{service_code}.json",
        "/open311/v2/requests.json",
        "/open311/v2/requests/{service_request_id}.json",
        "/open311/v2/tokens/{token}.json",
        "/open311/v2/servicerequestupdates.json",
    ]:
        assert path in paths, path
    assert "post" in paths["/open311/v2/requests.json"]
    assert "Open311Request" in schema["components"]["schemas"]


def test_every_described_open311_path_answers(client):
    """No described path is a dead link: each answers (an error in the spec's format is an
    answer; a 404 from the URL resolver would be HTML)."""
    schema = client.get("/api/v1/openapi.json").json()
    for path in schema["paths"]:
        if not path.startswith("/open311/"):
            continue
        url = path.replace("{service_code}", "587").replace("{service_request_id}", "X")
        url = url.replace("{token}", "x")
        response = client.get(url, {"jurisdiction_id": "oxford"})
        assert response["Content-Type"] == "application/json", url
        assert response.status_code in {200, 404}, url
