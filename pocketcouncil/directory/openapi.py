"""The Open Referral UK API (``/openreferral/``), described for the platform's one OpenAPI
document (``/api/v1/openapi.json``). Registered into ``core.api.OPENAPI_CONTRIBUTORS`` at app
ready(). The record shapes are the standard's own (``directory/schema/*.json``, published by
Open Referral UK); this document links to them rather than copying them."""

from __future__ import annotations

from pocketcouncil.directory import api

TAG = ["community directory (Open Referral UK 3.0)"]
SCHEMA_BASE = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"


def _query(name: str, description: str, schema: dict | None = None) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
PAGING = [
    _query("page", "Page number, from 1.", {"type": "integer", "minimum": 1}),
    _query(
        "per_page",
        f"Results per page (default {api.DEFAULT_PER_PAGE}, at most {api.MAX_PER_PAGE}).",
        {"type": "integer", "minimum": 1, "maximum": api.MAX_PER_PAGE},
    ),
]
SEARCH = [
    _query("search", "Words that must all appear in the name, description or organisation."),
    _query("taxonomy_term_id", "Only services tagged with this taxonomy term."),
    _query("taxonomy_id", "Only services tagged with any term of this taxonomy."),
    _query("organization_id", "Only services of this organisation."),
    _query("postcode", "A full UK postcode: results are nearest first, within `proximity`."),
    _query(
        "proximity",
        f"Metres from the postcode (default {api.DEFAULT_PROXIMITY_M}, "
        f"at most {api.MAX_PROXIMITY_M}). Needs `postcode`.",
        {"type": "number"},
    ),
    _query(
        "modified_after",
        "Only services changed at or after this date and time (ISO 8601).",
        {"type": "string", "format": "date-time"},
    ),
    _query("council", "Pocket Council extension: only this council's directory (its slug)."),
]
ERROR = {"$ref": "#/components/schemas/OpenReferralError"}
ERRORS = {
    "400": {
        "description": "A parameter is not valid; `errors` says which and why.",
        "content": {"application/json": {"schema": ERROR}},
    }
}
NOT_FOUND = {
    "404": {
        "description": "No record has this id.",
        "content": {"application/json": {"schema": ERROR}},
    }
}


def _ok(description: str, schema: dict) -> dict:
    return {
        "200": {"description": description, "content": {"application/json": {"schema": schema}}}
    }


def _page_of(name: str) -> dict:
    return {
        "allOf": [
            {"$ref": "#/components/schemas/OpenReferralPage"},
            {
                "type": "object",
                "properties": {
                    "contents": {"type": "array", "items": {"$ref": SCHEMA_BASE + name}}
                },
            },
        ]
    }


def _get(summary: str, responses: dict, parameters: list | None = None) -> dict:
    return {
        "get": {
            "tags": TAG,
            "summary": summary,
            "parameters": parameters or [],
            "responses": responses,
        }
    }


def contribution() -> dict:
    paths = {
        "/openreferral/": _get(
            "About this API: the ORUK version (3.0) and profile",
            _ok(
                "API information.",
                {
                    "type": "object",
                    "properties": {
                        "version": {"type": "string"},
                        "profile": {"type": "string", "format": "uri"},
                        "openapi_url": {"type": "string", "format": "uri"},
                    },
                },
            ),
        ),
        "/openreferral/services": _get(
            "Active services (one-to-one fields and the organisation), by name or nearest first",
            {**_ok("A page of services.", _page_of("service.json")), **ERRORS},
            PAGING + SEARCH,
        ),
        "/openreferral/services/{id}": _get(
            "One service with everything under it",
            {**_ok("The full service.", {"$ref": SCHEMA_BASE + "service.json"}), **NOT_FOUND},
            [ID],
        ),
        "/openreferral/service_at_locations": _get(
            "Where active services are delivered (same filters as /services)",
            {
                **_ok("A page of services at locations.", _page_of("service_at_location.json")),
                **ERRORS,
            },
            PAGING + SEARCH,
        ),
        "/openreferral/service_at_locations/{id}": _get(
            "One service at a location, with its location and the full service",
            {
                **_ok(
                    "The service at location.", {"$ref": SCHEMA_BASE + "service_at_location.json"}
                ),
                **NOT_FOUND,
            },
            [ID],
        ),
        "/openreferral/taxonomies": _get(
            "Taxonomies",
            {**_ok("A page of taxonomies.", _page_of("taxonomy.json")), **ERRORS},
            PAGING,
        ),
        "/openreferral/taxonomies/{id}": _get(
            "One taxonomy with its terms",
            {**_ok("The taxonomy.", {"$ref": SCHEMA_BASE + "taxonomy.json"}), **NOT_FOUND},
            [ID],
        ),
        "/openreferral/taxonomy_terms": _get(
            "Taxonomy terms",
            {**_ok("A page of terms.", _page_of("taxonomy_term.json")), **ERRORS},
            PAGING + [_query("taxonomy_id", "Only terms of this taxonomy.")],
        ),
        "/openreferral/taxonomy_terms/{id}": _get(
            "One taxonomy term",
            {**_ok("The term.", {"$ref": SCHEMA_BASE + "taxonomy_term.json"}), **NOT_FOUND},
            [ID],
        ),
    }
    schemas = {
        "OpenReferralPage": {
            "type": "object",
            "required": [
                "total_items",
                "total_pages",
                "page_number",
                "size",
                "first_page",
                "last_page",
                "empty",
                "contents",
            ],
            "properties": {
                "total_items": {"type": "integer"},
                "total_pages": {"type": "integer"},
                "page_number": {"type": "integer"},
                "size": {"type": "integer", "description": "Items on this page."},
                "first_page": {"type": "boolean"},
                "last_page": {"type": "boolean"},
                "empty": {"type": "boolean"},
                "contents": {"type": "array", "items": {}},
            },
        },
        "OpenReferralError": {
            "type": "object",
            "required": ["detail"],
            "properties": {
                "detail": {"type": "string"},
                "errors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "parameter": {"type": "string"},
                            "message": {"type": "string"},
                        },
                    },
                },
            },
        },
    }
    return {"paths": paths, "schemas": schemas}
