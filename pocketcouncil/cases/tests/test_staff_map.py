"""The staff queue's map view: pins for the listed cases, linking to their staff pages."""

import json
import re

import pytest
from django.urls import reverse

from pocketcouncil.accounts.models import User
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.cases.models import Case

pytestmark = pytest.mark.django_db


def officer(council):
    return User.objects.get(email=f"case-officer.{council}@demo.pocketcouncil.example")


def map_data(html: str) -> dict:
    found = re.search(r'<script id="pc-queue-map-data"[^>]*>(.*?)</script>', html)
    assert found, "no map data on the page"
    return json.loads(found.group(1))


def test_map_view_pins_the_listed_cases_with_links_to_their_staff_pages(client, settings):
    settings.CASES_MAP_TILES_URL = "https://tiles.example/{z}/{x}/{y}.png"
    sign_in_with_mfa(client, officer("oxford"))
    url = reverse("cases:staff-queue", args=["oxford"])
    html = client.get(url, {"view": "map"}).content.decode()

    data = map_data(html)
    listed = set(re.findall(r'id="sel-([A-Z0-9-]+)"', html))
    pinned = {f["properties"]["reference"] for f in data["features"]}
    assert pinned and pinned <= listed
    located = set(
        Case.objects.filter(reference__in=listed, latitude__isnull=False).values_list(
            "reference", flat=True
        )
    )
    assert pinned == located
    first = data["features"][0]
    assert first["properties"]["url"] == reverse(
        "cases:staff-case", args=["oxford", first["properties"]["reference"]]
    )
    assert "reporter" not in json.dumps(data) and "@" not in json.dumps(data)
    assert 'data-module="pc-reports-map"' in html
    assert "The map needs JavaScript" in html  # in <noscript>: the list is the fallback


def test_list_view_has_no_map_and_filters_carry_over(client, settings):
    settings.CASES_MAP_TILES_URL = "https://tiles.example/{z}/{x}/{y}.png"
    sign_in_with_mfa(client, officer("oxford"))
    url = reverse("cases:staff-queue", args=["oxford"])
    html = client.get(url, {"status": "all"}).content.decode()
    assert "pc-queue-map-data" not in html
    assert 'href="?status=all&amp;view=map"' in html


def test_maps_turned_off_say_so(client, settings):
    settings.CASES_MAP_TILES_URL = ""
    sign_in_with_mfa(client, officer("oxford"))
    html = client.get(reverse("cases:staff-queue", args=["oxford"]), {"view": "map"}).content
    assert b"Maps are turned off on this site" in html


def test_queue_counts_stop_at_the_cap_and_say_more_than(client, demo, monkeypatch):
    from pocketcouncil.cases import queries

    user = officer("oxford")
    sign_in_with_mfa(client, user)
    assert queries.queue_counts(council=demo["oxford"], user=user)["open"] >= 2
    monkeypatch.setattr(queries, "COUNT_CAP", 1)
    assert queries.queue_counts(council=demo["oxford"], user=user)["open"] == 2  # "more than 1"
    monkeypatch.setattr("pocketcouncil.cases.views.staff.COUNT_CAP", 1)
    html = client.get(reverse("cases:staff-queue", args=["oxford"])).content.decode()
    assert "more than 1</strong> open" in html
