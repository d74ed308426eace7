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
SUPPRESSED = (
    " Null when worked out from fewer than 5 cases (suppressed to protect privacy), or when "
    "there is nothing to work it out from."
)


def _count(description: str) -> dict:
    return {"type": "integer", "nullable": True, "description": description + SUPPRESSED}


PERFORMANCE_404 = {
    "304": {"description": "Not modified since the ETag / Last-Modified you sent."},
    "404": {"description": "No such council (or service), or its figures are not computed yet."},
}
PERFORMANCE_META = {
    "computed_at": {"type": "string", "format": "date-time"},
    "period": {"type": "string"},
    "suppression": {"type": "string"},
    "definitions": {
        "type": "object",
        "description": "Each indicator's one-line definition and how it is worked out.",
        "additionalProperties": {
            "type": "object",
            "properties": {"definition": {"type": "string"}, "method": {"type": "string"}},
        },
    },
}
INDICATOR_ROW = {
    "type": "object",
    "properties": {
        "scope": {
            "type": "string",
            "enum": ["council", "service", "ward", "service_ward"],
            "description": "What the row covers: the whole council, a service, a ward, or a "
            "service in a ward.",
        },
        "service_lgsl": {
            "type": "integer",
            "nullable": True,
            "description": "Local Government Service List code (null for council and ward rows).",
        },
        "service": {"type": "string"},
        "ward_code": {"type": "string", "description": "GSS code of the ward, if it has one."},
        "ward": {"type": "string", "description": "The ward the cases were reported in."},
        "received": _count("Requests received in the last 12 months."),
        "resolved": _count("Requests dealt with in the last 12 months."),
        "median_working_days": _count("Median working days from received to dealt with."),
        "p90_working_days": _count("90th percentile of the same working days."),
        "within_target_percent": _count("Percent dealt with by the promised date."),
        "reopened_percent": _count("Percent of those dealt with that were reopened."),
        "satisfied_percent": _count("Percent of survey answers of 4 or 5 out of 5."),
        "survey_answers": _count("How many answered the survey."),
    },
}


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
                        _query(
                            "q",
                            "Supplier name or purpose containing these letters (one or two "
                            "letters: supplier names only).",
                        ),
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
            "/councils/{slug}/performance/": {
                "get": {
                    "tags": TAG,
                    "operationId": "transparency_performance",
                    "summary": "Performance indicators for the council, per service and per ward",
                    "description": "Computed from cases and survey answers over the last 12 "
                    "months, recomputed every hour. Suppressed figures are null (JSON) or "
                    "empty (CSV).",
                    "parameters": [SLUG, FORMAT],
                    "responses": {"200": _ok("TransparencyPerformance"), **PERFORMANCE_404},
                }
            },
            "/councils/{slug}/performance/services/{lgsl}/": {
                "get": {
                    "tags": TAG,
                    "operationId": "transparency_performance_service",
                    "summary": "One service's indicators per ward, or its 12-month trend",
                    "parameters": [
                        SLUG,
                        {
                            "name": "lgsl",
                            "in": "path",
                            "required": True,
                            "description": "The service's LGSL code, e.g. 557.",
                            "schema": {"type": "integer", "minimum": 0, "maximum": 2147483647},
                        },
                        FORMAT,
                        _query(
                            "table",
                            "`trend` for the last 12 months, month by month (columns month, "
                            "received, resolved, median_working_days); otherwise the service "
                            "and a row per ward.",
                            {"type": "string", "enum": ["trend", "wards"]},
                        ),
                    ],
                    "responses": {"200": _ok("TransparencyPerformance"), **PERFORMANCE_404},
                }
            },
            "/councils/{slug}/performance/statistics/": {
                "get": {
                    "tags": TAG,
                    "operationId": "transparency_case_statistics",
                    "summary": "Anonymised request counts: month x service x ward x status",
                    "description": "Cases received in each of the last 12 calendar months (UK "
                    "time). No personal data, no free text, no locations finer than a ward; "
                    "counts from 1 to 4 are null (JSON) or empty (CSV).",
                    "parameters": [SLUG, FORMAT],
                    "responses": {"200": _ok("TransparencyCaseStatistics"), **PERFORMANCE_404},
                }
            },
        },
        "schemas": {
            "TransparencyPerformance": _envelope(
                {
                    "type": "object",
                    "description": "An indicator row (default) or, with `table=trend`, a "
                    "month: month (`YYYY-MM`), received, resolved, median_working_days.",
                    "properties": INDICATOR_ROW["properties"],
                },
                {**PERFORMANCE_META, "service_lgsl": {"type": "integer"}},
            ),
            "TransparencyCaseStatistics": _envelope(
                {
                    "type": "object",
                    "properties": {
                        "month": {"type": "string", "description": "`YYYY-MM`, UK time."},
                        "service_lgsl": {"type": "integer"},
                        "service": {"type": "string"},
                        "ward_code": {"type": "string"},
                        "ward": {"type": "string"},
                        "status": {
                            "type": "string",
                            "enum": ["open", "fixed", "closed", "rejected", "duplicate", "other"],
                        },
                        "cases": _count("Cases."),
                    },
                },
                {
                    "computed_at": {"type": "string", "format": "date-time"},
                    "period": {"type": "string"},
                    "suppression": {"type": "string"},
                    "statuses": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            ),
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
