"""The "done when" of issue 16: a council that is not in the demo, with a ward file in the ONS
form, is onboarded with two commands; every one of its wards answers the area API at a point
inside it (with its Welsh name where the file has one); its spending file imports with --map
even when the headings mean nothing."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from shapely.geometry import shape

from pocketcouncil.councils.models import Council
from pocketcouncil.transparency.models import Payment

pytestmark = pytest.mark.django_db

SHARED_GEO = Path(settings.BASE_DIR).parent / "shared" / "data" / "geo"
needs_shared = pytest.mark.skipif(
    not SHARED_GEO.is_dir(),
    reason=f"the shared ONS ward files are not at {SHARED_GEO} (they are outside the repository)",
)

MEANINGLESS_SPENDING = (
    "F1,F2,F3,F4,F5\n"
    "A-1,2024-04-02,Acme Cleaning Ltd,1250.00,x\n"
    'A-2,2024-04-03,Bins R Us,"2,400.50",y\n'
)


def _onboard(slug, gss, path, *, name, tier="unitary", name_cy=None):
    out = io.StringIO()
    args = ["councils_add", slug, "--name", name, "--gss", gss, "--tier", tier]
    if name_cy:
        args += ["--name-cy", name_cy]
    call_command(*args, stdout=out)
    call_command("councils_import_boundaries", slug, str(path), stdout=out)
    return Council.objects.get(slug=slug), out.getvalue()


def _every_ward_answers(client, council, path):
    features = json.loads(path.read_text())["features"]
    for feature in features:
        props = feature["properties"]
        point = shape(feature["geometry"]).representative_point()
        response = client.get("/api/v1/areas", {"lat": point.y, "lon": point.x})
        assert response.status_code == 200
        wards = [
            a
            for a in response.json()["areas"]
            if a["type"] == "ward" and a["council"] == council.slug
        ]
        assert [(w["gss"], w["name"], w["name_cy"]) for w in wards] == [
            (props["WD13CD"], props["WD13NM"], props.get("WD13NMW") or None)
        ], props["WD13NM"]
    return len(features)


@needs_shared
def test_manchester_as_a_new_council_with_two_commands(client, tmp_path):
    path = SHARED_GEO / "wards_2013_manchester_E08000003.geojson"
    council, out = _onboard("manchester-city", "E08000003", path, name="Manchester City Council")
    assert "32 wards in EPSG:4326" in out and "32 added" in out
    assert _every_ward_answers(client, council, path) == 32

    spending = tmp_path / "spend.csv"
    spending.write_text(MEANINGLESS_SPENDING)
    out = io.StringIO()
    maps = [
        "--map",
        "paid_on=2",
        "--map",
        "supplier=3",
        "--map",
        "amount=4",
        "--map",
        "reference=1",
    ]
    call_command("transparency_import_spending", council.slug, str(spending), *maps, stdout=out)
    assert "2 lines read, 2 payments imported, 0 skipped" in out.getvalue()
    assert Payment.objects.filter(council=council).count() == 2


@needs_shared
def test_cardiff_as_a_welsh_unitary_answers_with_welsh_ward_names(client):
    path = SHARED_GEO / "wards_2013_cardiff_W06000015.geojson"
    council, out = _onboard(
        "cardiff", "W06000015", path, name="Cardiff Council", name_cy="Cyngor Caerdydd"
    )
    assert "Welsh names from WD13NMW" in out
    assert _every_ward_answers(client, council, path) == 29
    areas = client.get("/api/v1/areas", {"lat": "51.4816", "lon": "-3.1791"}).json()["areas"]
    assert areas[0] == {
        "type": "council",
        "gss": "W06000015",
        "name": "Cardiff Council",
        "name_cy": "Cyngor Caerdydd",
        "council": "cardiff",
        "tier": "unitary",
    }
