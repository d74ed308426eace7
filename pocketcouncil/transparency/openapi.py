"""The open data downloads, described for the platform's one OpenAPI document
(``/api/v1/openapi.json``). Registered into ``core.api.OPENAPI_CONTRIBUTORS`` at app ready().

The downloads are the public pages' own addresses with ``format=json`` (or ``csv``), so there is
one stable address per view, for people and programs alike.
"""

from __future__ import annotations

from pocketcouncil.transparency.models import Dimension

TAG = ["open data"]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _query(name: str, description: str, schema: dict | None = None) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


SLUG = {
    "name": "slug",
    "in": "path",
    "required": True,
    "description": "The council's short name, e.g. `manchester`.",
    "schema": {"type": "string", "pattern": "^[-a-z0-9]+$"},
}
FORMAT = {
    "name": "format",
    "in": "query",
    "required": True,
    "description": "`json` or `csv` (the same columns; CSV is streamed).",
    "schema": {"type": "string", "enum": ["json", "csv"]},
}
YEAR = _query(
    "year",
    "Financial year by its first year: 2019 is April 2019 to March 2020. Default: the latest.",
    {"type": "integer"},
)
CONDITIONAL = {
    "304": {"description": "Not modified since the ETag / Last-Modified you sent."},
    "404": {"description": "No such council, or it has no spending data."},
}
HEADERS = {
    "ETag": {"schema": {"type": "string"}, "description": "Changes when the data changes."},
    "Last-Modified": {"schema": {"type": "string"}, "description": "When the data last changed."},
    "Link": {"schema": {"type": "string"}, "description": 'The licence, rel="license".'},
}


def _ok(schema: str) -> dict:
    return {
        "description": "The figures, with the licence and attribution.",
        "headers": HEADERS,
        "content": {
            "application/json": {"schema": _ref(schema)},
            "text/csv": {"schema": {"type": "string"}},
        },
    }


def _envelope(row_schema: dict, extra: dict | None = None) -> dict:
    return {
        "type": "object",
        "required": ["licence", "attribution", "columns", "rows"],
        "properties": {
            "licence": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "url": {"type": "string"}},
            },
            "attribution": {"type": "string"},
            "council": {"type": "string"},
            **(extra or {}),
            "columns": {"type": "array", "items": {"type": "string"}},
            "rows": {"type": "array", "items": row_schema},
        },
    }


MONEY = {"type": "string", "description": "Pounds, two decimals, e.g. `1234.50`."}


def contribution() -> dict:
    dimension_param = {
        "name": "dimension",
        "in": "path",
        "required": True,
        "description": "What to total by.",
        "schema": {"type": "string", "enum": Dimension.values},
    }
    return {
        "paths": {
            "/councils/{slug}/spending/payments/": {
                "get": {
                    "tags": TAG,
                    "operationId": "transparency_payments",
                    "summary": "Every published payment (filtered as on the page)",
                    "parameters": [
                        SLUG,
                        FORMAT,
                        YEAR,
                        _query(
                            "dimension",
                            "With `value`: only payments of this service area, expense type "
                            "or supplier.",
                            {"type": "string", "enum": Dimension.values},
                        ),
                        _query("value", "The service area, expense type or supplier."),
                        _query("month", "Only this month, `YYYY-MM`."),
                        _query("q", "Supplier name or purpose containing these letters."),
                    ],
                    "responses": {"200": _ok("TransparencyPayments"), **CONDITIONAL},
                }
            },
            "/councils/{slug}/spending/by/{dimension}/": {
                "get": {
                    "tags": TAG,
                    "operationId": "transparency_totals",
                    "summary": "Spending totals by service area, expense type or supplier",
                    "parameters": [
                        SLUG,
                        dimension_param,
                        FORMAT,
                        YEAR,
                        _query("q", "Only names containing these letters."),
                    ],
                    "responses": {"200": _ok("TransparencyTotals"), **CONDITIONAL},
                }
            },
            "/councils/{slug}/council-tax/": {
                "get": {
                    "tags": TAG,
                    "operationId": "transparency_council_tax",
                    "summary": "A band's council tax bill split by precept and service",
                    "parameters": [
                        SLUG,
                        FORMAT,
                        _query("year", "Financial year by its first year.", {"type": "integer"}),
                        _query(
                            "band",
                            "Council tax band (default D).",
                            {"type": "string", "enum": list("ABCDEFGH")},
                        ),
                    ],
                    "responses": {"200": _ok("TransparencyCouncilTax"), **CONDITIONAL},
                }
            },
        },
        "schemas": {
            "TransparencyPayments": _envelope(
                {
                    "type": "object",
                    "properties": {
                        "paid_on": {"type": "string", "format": "date"},
                        "amount_gbp": MONEY,
                        "supplier": {"type": "string"},
                        "service_area": {"type": "string"},
                        "expense_type": {"type": "string"},
                        "reference": {"type": "string"},
                        "purpose": {"type": "string"},
                        "source_file": {"type": "string"},
                        "source_line": {"type": "integer"},
                    },
                },
                {"filter": {"type": "string"}},
            ),
            "TransparencyTotals": _envelope(
                {
                    "type": "object",
                    "description": "The first property is named after the dimension.",
                    "properties": {"amount_gbp": MONEY, "payments": {"type": "integer"}},
                    "additionalProperties": {"type": "string"},
                },
                {"period": {"type": "string"}, "search": {"type": "string"}},
            ),
            "TransparencyCouncilTax": _envelope(
                {
                    "type": "object",
                    "properties": {
                        "precept": {"type": "string"},
                        "kind": {"type": "string"},
                        "service": {
                            "type": "string",
                            "description": "Empty on the precept's own line.",
                        },
                        "yearly_gbp": MONEY,
                        "weekly_gbp": MONEY,
                    },
                },
                {
                    "financial_year": {"type": "string"},
                    "band": {"type": "string"},
                    "total_yearly_gbp": MONEY,
                    "sources": {"type": "array", "items": {"type": "string"}},
                },
            ),
        },
    }
