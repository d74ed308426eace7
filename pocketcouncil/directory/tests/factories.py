"""Test helpers: ORUK payloads written like a publisher would, and a validator for the
official schema files."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

APP_DIR = Path(__file__).resolve().parent.parent
SCHEMA_DIR = APP_DIR / "schema"
EXAMPLES_DIR = APP_DIR / "examples"
BASE_URI = "https://schema.openreferral.test/"


def _registry() -> Registry:
    resources = []
    for path in SCHEMA_DIR.glob("*.json"):
        if path.name in ("openapi.json", "datapackage.json"):
            continue
        contents = json.loads(path.read_text())
        resources.append((BASE_URI + path.name, Resource(contents, specification=DRAFT202012)))
    return Registry().with_resources(resources)


REGISTRY = _registry()


def validate(instance, schema_name: str) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``instance`` is valid against the official
    ``schema/<schema_name>.json`` (references resolved to the other official files)."""
    validator = Draft202012Validator({"$ref": BASE_URI + f"{schema_name}.json"}, registry=REGISTRY)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.path))
    if errors:
        raise AssertionError("; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5]))


PAGE_KEYS = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


def example(name: str):
    return json.loads((EXAMPLES_DIR / name).read_text())


def new_id() -> str:
    return str(uuid.uuid4())


def oxford_service(
    *,
    name: str = "Cowley Community Larder",
    description: str = "Low-cost food for anyone in Oxford, no referral needed.",
    latitude: float = 51.7445,
    longitude: float = -1.2137,
    term: dict | None = None,
    **extra,
) -> dict:
    """A full ORUK service at one location in Oxford (near OX4 3BD by default)."""
    service_id = extra.pop("id", new_id())
    org_id = extra.pop("organization_id", new_id())
    location_id = new_id()
    out = {
        "id": service_id,
        "name": name,
        "description": description,
        "status": "active",
        "organization": {
            "id": org_id,
            "name": "Cowley Road Community Trust",
            "description": "A local charity.",
            "email": "hello@cowleytrust.example.org",
        },
        "service_at_locations": [
            {
                "id": new_id(),
                "location": {
                    "id": location_id,
                    "location_type": "physical",
                    "name": "Cowley Community Centre",
                    "latitude": latitude,
                    "longitude": longitude,
                    "addresses": [
                        {
                            "id": new_id(),
                            "address_1": "44 Cowley Road",
                            "city": "Oxford",
                            "state_province": "Oxfordshire",
                            "postal_code": "OX4 3BD",
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ],
        "schedules": [
            {
                "id": new_id(),
                "freq": "WEEKLY",
                "byday": "MO,TU,WE,TH,FR",
                "opens_at": "10:00:00",
                "closes_at": "16:00:00",
            }
        ],
        "cost_options": [{"id": new_id(), "option": "Everyone", "amount": 3.5}],
        "languages": [{"id": new_id(), "name": "Polish", "code": "pl"}],
        "contacts": [
            {
                "id": new_id(),
                "name": "Reception",
                "phones": [{"id": new_id(), "number": "01865 000000"}],
            }
        ],
        "attributes": [],
    }
    if term is not None:
        out["attributes"] = [{"id": new_id(), "taxonomy_term": term}]
    out.update(extra)
    return copy.deepcopy(out)


def food_term() -> dict:
    return {"id": "food-bank-term", "name": "Food", "description": "Food banks and larders."}
