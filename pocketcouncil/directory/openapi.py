"""The Open Referral UK API, described for the platform's one OpenAPI document
(``/api/v1/openapi.json``). Registered into ``core.api.OPENAPI_CONTRIBUTORS`` at app ready()."""


def contribution() -> dict:
    return {"paths": {}, "schemas": {}}
