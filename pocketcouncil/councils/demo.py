"""Demo councils on real boundaries: a two-tier pair (Oxfordshire over Oxford) and a unitary
(Manchester). The county's real boundary is not in our data, so the demo county covers only
Oxford city; its pages say it is demonstration data."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from django.conf import settings
from django.utils.text import slugify

from pocketcouncil.core.demo_support import DemoReport, upsert
from pocketcouncil.councils import geo
from pocketcouncil.councils.models import Area, AreaKind, Council, CouncilTier, Postcode, Team

GEO_DIR = Path(settings.BASE_DIR) / "data" / "geo"

COUNCILS = [
    {
        "slug": "oxfordshire",
        "case_reference_prefix": "OCC",
        "name": "Oxfordshire County Council (demo)",
        "tier": CouncilTier.COUNTY,
        "logo_text": "Oxfordshire County Council (demo)",
        "brand_colour": "#005a30",
        "phone": "01632 960 001",
        "opening_hours": "Monday to Friday, 9am to 5pm",
        "emergency_phone": "01632 960 999",
        "email": "contact@oxfordshire.demo.pocketcouncil.example",
        "address": "County Hall (demo)\nNew Road\nOxford\nOX1 1ND",
    },
    {
        "slug": "oxford",
        "case_reference_prefix": "OXF",
        "name": "Oxford City Council (demo)",
        "tier": CouncilTier.DISTRICT,
        "logo_text": "Oxford City Council (demo)",
        "brand_colour": "#1d4f91",
        "phone": "01632 960 002",
        "opening_hours": "Monday to Friday, 9am to 5pm",
        "emergency_phone": "01632 960 998",
        "email": "contact@oxford.demo.pocketcouncil.example",
        "address": "Town Hall (demo)\nSt Aldate's\nOxford\nOX4 3BD",
    },
    {
        "slug": "manchester",
        "case_reference_prefix": "MCR",
        "name": "Manchester City Council (demo)",
        "tier": CouncilTier.UNITARY,
        "logo_text": "Manchester City Council (demo)",
        "brand_colour": "#6b2c91",
        "phone": "01632 960 003",
        "opening_hours": "Monday to Friday, 8am to 6pm",
        "emergency_phone": "01632 960 997",
        "email": "contact@manchester.demo.pocketcouncil.example",
        "address": "Town Hall Extension (demo)\nLloyd Street\nManchester\nM2 5DB",
    },
]

TEAMS = {
    "oxfordshire": [
        "Highways",
        "Street lighting",
        "Adult social care",
        "Children's services",
        "Libraries",
        "School admissions",
        "Registration service",
        "Customer services",
    ],
    "oxford": [
        "Waste and recycling",
        "Street scene",
        "Environmental health",
        "Housing",
        "Parking",
        "Council tax and benefits",
        "Planning",
        "Licensing",
        "Customer services",
    ],
    "manchester": [
        "Highways",
        "Street lighting",
        "Waste and recycling",
        "Street scene",
        "Environmental health",
        "Housing",
        "Parking",
        "Council tax and benefits",
        "Planning",
        "Licensing",
        "Adult social care",
        "Children's services",
        "Libraries",
        "School admissions",
        "Registration service",
        "Customer services",
    ],
}

WARD_FILES = {
    "oxford": ("wards_2013_oxford_E07000178.geojson", "Oxford", "E07000178"),
    "manchester": ("wards_2013_manchester_E08000003.geojson", "Manchester", "E08000003"),
}


def load(report: DemoReport) -> None:
    councils = {}
    for spec in COUNCILS:
        values = {k: v for k, v in spec.items() if k != "slug"}
        values.update({"is_demo": True, "upper_tier": None, "website": ""})
        if spec["slug"] == "oxford":
            values["upper_tier"] = councils["oxfordshire"]
        councils[spec["slug"]] = upsert(
            Council, lookup={"slug": spec["slug"]}, values=values, report=report
        )

    for slug, names in TEAMS.items():
        for name in names:
            local = slugify(name)
            email = f"{local}@{slug}.demo.pocketcouncil.example"
            upsert(
                Team,
                lookup={"council": councils[slug], "name": name},
                values={"email": email},
                report=report,
            )

    ward_features = {
        slug: json.loads((GEO_DIR / filename).read_text())["features"]
        for slug, (filename, _name, _gss) in WARD_FILES.items()
    }
    district_geometry = {
        slug: geo.union([f["geometry"] for f in features])
        for slug, features in ward_features.items()
    }
    # The demo county covers what we have boundaries for: the city of Oxford.
    county_area = upsert(
        Area,
        lookup={"council": councils["oxfordshire"], "kind": AreaKind.COUNTY},
        values={
            "name": "Oxfordshire (demo: Oxford city only)",
            "gss_code": "",
            "geometry": district_geometry["oxford"],
            "parent": None,
        },
        report=report,
    )
    for slug, (_filename, name, gss) in WARD_FILES.items():
        district = upsert(
            Area,
            lookup={"council": councils[slug], "kind": AreaKind.DISTRICT, "name": name},
            values={
                "gss_code": gss,
                "geometry": district_geometry[slug],
                "parent": county_area if councils[slug].upper_tier_id else None,
            },
            report=report,
        )
        for feature in ward_features[slug]:
            props = feature["properties"]
            upsert(
                Area,
                lookup={"council": councils[slug], "gss_code": props["WD13CD"]},
                values={
                    "name": props["WD13NM"],
                    "kind": AreaKind.WARD,
                    "geometry": feature["geometry"],
                    "parent": district,
                },
                report=report,
            )

    _load_postcodes(report)


def _load_postcodes(report: DemoReport) -> None:
    """Load the Oxford postcodes; only missing or moved ones are written."""
    label = Postcode._meta.verbose_name_plural
    with (GEO_DIR / "oxford_postcodes_latlong.csv").open(newline="", encoding="utf-8") as f:
        rows = {
            row["postcode"].strip().upper(): (float(row["latitude"]), float(row["longitude"]))
            for row in csv.DictReader(f)
        }
    existing = {p.postcode: p for p in Postcode.objects.filter(postcode__in=list(rows)).iterator()}
    new, moved = [], []
    for code, (lat, lon) in rows.items():
        current = existing.get(code)
        if current is None:
            new.append(Postcode(postcode=code, latitude=lat, longitude=lon))
        elif (current.latitude, current.longitude) != (lat, lon):
            current.latitude, current.longitude = lat, lon
            moved.append(current)
    Postcode.objects.bulk_create(new, batch_size=1000)
    Postcode.objects.bulk_update(moved, ["latitude", "longitude"], batch_size=1000)
    report.created[label] += len(new)
    report.changed[label] += len(moved)
    report.unchanged[label] += len(rows) - len(new) - len(moved)
