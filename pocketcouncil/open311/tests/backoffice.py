"""A fake back office for the outbound client's tests: a GeoReport v2 server in memory, put
in place of the client's HTTP transport."""

from __future__ import annotations

import json
import urllib.parse

from pocketcouncil.cases import actions as case_actions
from pocketcouncil.open311 import outbound
from pocketcouncil.services.models import Service

FLY_TIPPING = 587

BASE = "https://backoffice.example.org/open311/v2/"


class FakeBackOffice:
    """A GeoReport v2 server in memory. ``down`` refuses connections; ``status`` answers every
    POST with that HTTP status; ``token_only`` answers POSTs with a token and gives the id
    through ``tokens/`` once ``ids_ready``."""

    def __init__(self):
        self.requests: list[dict] = []
        self.calls: list[tuple[str, str]] = []
        self.updates: list[dict] = []
        self.down = False
        self.status = 200
        self.token_only = False
        self.ids_ready = True
        # servicerequestupdates POSTed to it (our residents' updates): each with the form and
        # headers; ``update_status`` answers those POSTs; ``lists_posted`` makes GET
        # servicerequestupdates list them too (under the back office's own ids), as some back
        # offices do; ``lists_updates`` False refuses GET servicerequestupdates (404).
        self.received: list[dict] = []
        self.update_status = 200
        self.lists_posted = False
        self.lists_updates = True

    def request(self, method, url, *, params=None, data=None, headers=None, timeout=10.0):
        assert timeout and timeout <= 30
        path = urllib.parse.urlsplit(url).path.rsplit("/v2/", 1)[1]
        self.calls.append((method, path))
        if self.down:
            raise outbound.TransportError("[Errno 111] Connection refused")
        if method == "POST" and path == "requests.json":
            if self.status != 200:
                body = [{"code": self.status, "description": "service_code: unknown."}]
                return outbound.Response(self.status, json.dumps(body).encode())
            number = len(self.requests) + 1
            row = {
                "service_request_id": f"BO-{number}",
                "token": f"tok-{number}",
                "data": data,
                "headers": headers,
                "description": data["description"],
            }
            self.requests.append(row)
            answer = {"token": row["token"]}
            if not self.token_only:
                answer["service_request_id"] = row["service_request_id"]
            return outbound.Response(200, json.dumps([answer]).encode())
        if method == "GET" and path == "requests.json":
            rows = [
                {"service_request_id": r["service_request_id"], "description": r["description"]}
                for r in self.requests
            ]
            return outbound.Response(200, json.dumps(rows).encode())
        if method == "GET" and path.startswith("tokens/"):
            token = path[len("tokens/") : -len(".json")]
            row = next((r for r in self.requests if r["token"] == token), None)
            if row is None:
                return outbound.Response(404, b'[{"code":404,"description":"token"}]')
            answer = {"token": token}
            if self.ids_ready:
                answer["service_request_id"] = row["service_request_id"]
            return outbound.Response(200, json.dumps([answer]).encode())
        if method == "POST" and path == "servicerequestupdates.json":
            if self.update_status != 200:
                body = [{"code": self.update_status, "description": "service_request_id: no."}]
                return outbound.Response(self.update_status, json.dumps(body).encode())
            row = {
                "update_id": f"UPD-{len(self.received) + 1}",
                "data": data,
                "headers": headers,
            }
            self.received.append(row)
            return outbound.Response(200, json.dumps([{"update_id": row["update_id"]}]).encode())
        if method == "GET" and path == "servicerequestupdates.json":
            if not self.lists_updates:
                return outbound.Response(404, b'[{"code":404,"description":"not here"}]')
            listed = list(self.updates)
            if self.lists_posted:
                listed += [
                    {
                        "update_id": r["update_id"],
                        "service_request_id": r["data"]["service_request_id"],
                        "status": r["data"]["status"],
                        "updated_datetime": r["data"]["updated_datetime"],
                        "description": r["data"]["description"],
                    }
                    for r in self.received
                ]
            return outbound.Response(200, json.dumps(listed).encode())
        return outbound.Response(404, b"[]")

    def posts(self) -> int:
        return sum(1 for call in self.calls if call == ("POST", "requests.json"))

    def update_posts(self) -> int:
        return sum(1 for call in self.calls if call == ("POST", "servicerequestupdates.json"))


def make_case(point, *, lgsl=FLY_TIPPING, **extra):
    lon, lat = point
    fields = {
        "description": "Bags dumped by the garages",
        "location_text": "Behind Cowley Road",
        "attributes": {"where": "Behind Cowley Road", "size": "a_single_item"},
        "reporter_email": "someone@example.com",
        **extra,
    }
    return case_actions.case_create(
        service=Service.objects.get(lgsl=lgsl), actor=None, lon=lon, lat=lat, **fields
    )
