"""The Open311 server's JSON endpoints, described for the platform's one OpenAPI document
(``/api/v1/openapi.json``). Registered into ``core.api.OPENAPI_CONTRIBUTORS`` at app ready().

Only the ``.json`` forms are described: the ``.xml`` forms take the same parameters and answer
with the same fields in the GeoReport v2 XML shape.
"""

from __future__ import annotations

from pocketcouncil.open311 import conf

PREFIX = "/open311/v2"
TAG = ["open311"]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _array(name: str) -> dict:
    return {"type": "array", "items": _ref(name)}


def _query(name: str, description: str, *, required=False, schema=None) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def _path(name: str, description: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string", "pattern": "^[^/.]+$", "minLength": 1, "maxLength": 64},
    }


JURISDICTION = _query(
    "jurisdiction_id", "The council's id (its slug, e.g. `oxford`).", required=True
)
DATE = {"type": "string", "format": "date-time"}


def _ok(schema: dict, description: str = "Success.") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    text = {
        400: "A parameter is missing or not valid; the description names it.",
        403: "The api_key is missing, revoked or not a key of this jurisdiction.",
        404: "No such jurisdiction, service or request.",
        429: "This key has used its requests for the minute.",
    }
    return {str(code): _ok(_array("Open311Error"), text[code]) for code in codes}


def _get(summary: str, parameters: list, schema: dict, *codes: int, op: str) -> dict:
    return {
        "get": {
            "tags": TAG,
            "summary": summary,
            "operationId": op,
            "parameters": parameters,
            "responses": {"200": _ok(schema), **_errors(*codes)},
        }
    }


SCHEMAS = {
    "Open311Error": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
    },
    "Open311Service": {
        "type": "object",
        "properties": {
            "service_code": {"type": "string", "description": "The LGSL code."},
            "service_name": {"type": "string"},
            "description": {"type": "string"},
            "metadata": {"type": "boolean", "description": "Whether it has attributes."},
            "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
            "keywords": {"type": "string"},
            "group": {"type": "string"},
        },
    },
    "Open311ServiceDefinition": {
        "type": "object",
        "properties": {
            "service_code": {"type": "string"},
            "attributes": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "variable": {"type": "boolean"},
                        "code": {"type": "string"},
                        "datatype": {
                            "type": "string",
                            "enum": [
                                "string",
                                "number",
                                "datetime",
                                "text",
                                "singlevaluelist",
                                "multivaluelist",
                            ],
                        },
                        "required": {"type": "boolean"},
                        "datatype_description": {"type": "string"},
                        "order": {"type": "integer"},
                        "description": {"type": "string"},
                        "values": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "key": {"type": "string"},
                                    "name": {"type": "string"},
                                },
                            },
                        },
                    },
                },
            },
        },
    },
    "Open311Request": {
        "type": "object",
        "properties": {
            "service_request_id": {"type": "string", "description": "The case reference."},
            "status": {"type": "string", "enum": ["open", "closed"]},
            "status_notes": {"type": "string"},
            "service_name": {"type": "string"},
            "service_code": {"type": "string"},
            "description": {"type": "string"},
            "agency_responsible": {"type": "string"},
            "service_notice": {"type": "string", "nullable": True},
            "requested_datetime": {**DATE, "nullable": True},
            "updated_datetime": {**DATE, "nullable": True},
            "expected_datetime": {**DATE, "nullable": True},
            "address": {"type": "string"},
            "address_id": {"type": "string", "nullable": True},
            "zipcode": {"type": "string", "nullable": True},
            "lat": {"type": "number", "nullable": True},
            "long": {"type": "number", "nullable": True},
            "media_url": {"type": "string", "nullable": True},
        },
    },
    "Open311Created": {
        "type": "object",
        "properties": {
            "service_request_id": {"type": "string"},
            "token": {"type": "string"},
            "service_notice": {"type": "string", "nullable": True},
            "account_id": {"type": "string", "nullable": True},
        },
    },
    "Open311Token": {
        "type": "object",
        "properties": {"service_request_id": {"type": "string"}, "token": {"type": "string"}},
    },
    "Open311Update": {
        "type": "object",
        "properties": {
            "update_id": {"type": "string"},
            "service_request_id": {"type": "string"},
            "status": {
                "type": "string",
                "description": "mySociety status: OPEN, INVESTIGATING, IN_PROGRESS, FIXED, "
                "CLOSED, DUPLICATE, NOT_COUNCILS_RESPONSIBILITY, NO_FURTHER_ACTION.",
            },
            "updated_datetime": DATE,
            "description": {"type": "string"},
            "media_url": {"type": "string", "nullable": True},
        },
    },
}

POST_FIELDS = {
    "type": "object",
    "required": ["jurisdiction_id", "api_key", "service_code", "lat", "long", "description"],
    "properties": {
        "jurisdiction_id": {"type": "string"},
        "api_key": {"type": "string"},
        "service_code": {"type": "string"},
        "lat": {"type": "number", "minimum": -90, "maximum": 90},
        "long": {"type": "number", "minimum": -180, "maximum": 180},
        "address_string": {"type": "string", "maxLength": 300},
        "address_id": {"type": "string", "description": "`#NOTPINPOINTED#` is ignored."},
        "email": {"type": "string", "format": "email"},
        "device_id": {"type": "string"},
        "deviceid": {"type": "string", "description": "FixMyStreet's spelling of device_id."},
        "first_name": {"type": "string"},
        "last_name": {"type": "string"},
        "phone": {"type": "string"},
        "description": {"type": "string", "maxLength": conf.MAX_DESCRIPTION},
        "media_url": {
            "type": "array",
            "items": {"type": "string", "format": "uri"},
            "description": "One or several http(s) addresses of photos (kept, not fetched).",
        },
    },
    "additionalProperties": {
        "type": "string",
        "description": "attribute[code] (or attribute[code][] for lists): answers to the "
        "service's questions, from GET services/{service_code}.",
    },
}


UPDATE_FIELDS = {
    "type": "object",
    "required": ["jurisdiction_id", "api_key", "service_request_id", "description"],
    "properties": {
        "jurisdiction_id": {"type": "string"},
        "api_key": {"type": "string"},
        "service_request_id": {"type": "string"},
        "update_id": {
            "type": "string",
            "description": "The app's own id (accepted, not kept: send it as the "
            "Idempotency-Key header too to make retrying safe).",
        },
        "updated_datetime": DATE,
        "status": {"type": "string", "description": "OPEN, CLOSED, FIXED, ... (recorded)."},
        "description": {"type": "string", "maxLength": conf.MAX_DESCRIPTION},
        "email": {"type": "string", "format": "email"},
        "first_name": {"type": "string"},
        "last_name": {"type": "string"},
        "media_url": {"type": "string", "format": "uri"},
    },
}


def contribution() -> dict:
    date_params = [
        _query("start_date", "Earliest time (W3C, e.g. 2026-11-21T09:00:00Z).", schema=DATE),
        _query(
            "end_date",
            f"Latest time. The range may span at most {conf.MAX_DATE_RANGE_DAYS} days; "
            f"without dates, the last {conf.MAX_DATE_RANGE_DAYS} days.",
            schema=DATE,
        ),
    ]
    paths = {
        f"{PREFIX}/discovery.json": _get(
            "Endpoints, formats and jurisdictions",
            [],
            {"type": "object"},
            op="open311_discovery",
        ),
        f"{PREFIX}/services.json": _get(
            "Services a council takes as reports",
            [JURISDICTION],
            _array("Open311Service"),
            400,
            404,
            op="open311_services",
        ),
        f"{PREFIX}/services/{{service_code}}.json": _get(
            "A service's questions (attributes)",
            [_path("service_code", "The LGSL code."), JURISDICTION],
            _ref("Open311ServiceDefinition"),
            400,
            404,
            op="open311_service_definition",
        ),
        f"{PREFIX}/requests.json": {
            **_get(
                "Public requests of a council, newest first",
                [
                    JURISDICTION,
                    _query(
                        "service_request_id",
                        f"Comma-separated ids (at most {conf.MAX_IDS}); other filters are "
                        "then ignored.",
                    ),
                    _query("service_code", "Comma-separated service codes."),
                    *date_params,
                    _query("status", "open, closed, or open,closed."),
                    _query(
                        "page_size",
                        f"Results per page, 1 to {conf.MAX_PAGE_SIZE} "
                        f"(default {conf.DEFAULT_PAGE_SIZE}).",
                        schema={"type": "integer"},
                    ),
                    _query(
                        "page",
                        f"Page number from 1; pages reach {conf.MAX_RESULTS} results.",
                        schema={"type": "integer"},
                    ),
                ],
                _array("Open311Request"),
                400,
                404,
                op="open311_requests",
            ),
            "post": {
                "tags": TAG,
                "summary": "Report a problem (makes a case; needs an api_key)",
                "operationId": "open311_request_create",
                "description": "Send an `Idempotency-Key` header to make retrying safe: a "
                "repeated POST from the same API key with the same Idempotency-Key makes no "
                "second case and answers with the first one's `service_request_id` and `token`.",
                "parameters": [
                    {
                        "name": "Idempotency-Key",
                        "in": "header",
                        "required": False,
                        "description": "Any text up to 200 printable characters, unique per "
                        "request you mean to make (e.g. your own reference for it).",
                        "schema": {"type": "string", "maxLength": 200},
                    }
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {"schema": POST_FIELDS},
                        "multipart/form-data": {
                            "schema": {
                                **POST_FIELDS,
                                "description": "As form-encoded, plus up to 3 photo files "
                                "in any file fields.",
                            }
                        },
                    },
                },
                "responses": {
                    "200": _ok(_array("Open311Created")),
                    **_errors(400, 403, 404, 429),
                },
            },
        },
        f"{PREFIX}/requests/{{service_request_id}}.json": _get(
            "One public request",
            [_path("service_request_id", "The case reference."), JURISDICTION],
            _array("Open311Request"),
            400,
            404,
            op="open311_request",
        ),
        f"{PREFIX}/tokens/{{token}}.json": _get(
            "The request made with a token",
            [_path("token", "The token a POST returned."), JURISDICTION],
            _array("Open311Token"),
            400,
            404,
            op="open311_token",
        ),
        f"{PREFIX}/servicerequestupdates.json": {
            **_get(
                "Public updates since a time (mySociety's extension)",
                [JURISDICTION, *date_params],
                _array("Open311Update"),
                400,
                404,
                op="open311_updates",
            ),
            "post": {
                "tags": TAG,
                "summary": "Send an update about a request (needs an api_key)",
                "description": "From the reporter's verified email: their message on the "
                'case, or with status OPEN on a finished case their reopen ("it is not '
                'fixed"; past the reopen period, a note for staff). From anyone else: a note '
                "for council staff (not published). Send an `Idempotency-Key` header to make "
                "retrying safe: a repeated POST from the same API key with the same key adds "
                "nothing and answers with the first one's `update_id`.",
                "operationId": "open311_update_create",
                "parameters": [
                    {
                        "name": "Idempotency-Key",
                        "in": "header",
                        "required": False,
                        "description": "Any text up to 200 printable characters, unique per "
                        "update you mean to send (e.g. your own update_id). Used for another "
                        "request it is refused (400).",
                        "schema": {"type": "string", "maxLength": 200},
                    }
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/x-www-form-urlencoded": {"schema": UPDATE_FIELDS}},
                },
                "responses": {
                    "200": _ok(
                        {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {"update_id": {"type": "string"}},
                            },
                        }
                    ),
                    **_errors(400, 403, 404, 429),
                },
            },
        },
    }
    return {"paths": paths, "schemas": SCHEMAS}
