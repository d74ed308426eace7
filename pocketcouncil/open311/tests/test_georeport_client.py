"""An independent Open311 client library (``georeport`` from PyPI) reads our server."""

from __future__ import annotations

import pytest
from georeport import GeoReport

from pocketcouncil.open311.tests.test_server import FLY_TIPPING, make_case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_services_and_requests(http_server, point, fmt):  # noqa: F811
    case = make_case(point)
    client = GeoReport(f"{http_server}/open311/v2", jurisdiction="oxford", output_format=fmt)

    services = client.get_service_list()
    assert str(FLY_TIPPING) in {s["service_code"] for s in services}

    definition = client.get_service_definition(str(FLY_TIPPING))
    assert definition["service_code"] == str(FLY_TIPPING)

    requests = client.get_service_requests(service_code=str(FLY_TIPPING), status="open")
    if isinstance(requests, dict):  # xmltodict gives a dict, not a list, for a single element
        requests = [requests]
    assert case.reference in {r["service_request_id"] for r in requests}

    one = client.get_service_request(case.reference)
    assert one["service_request_id"] == case.reference
    assert one["status"] == "open"
    assert one["description"] == "Bags dumped by the garages"
