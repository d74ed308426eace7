"""THE platform JSON API (``/api/v1/``): one NinjaAPI instance, described by OpenAPI.

Apps add their routers here (``api.add_router("/services/", router)``). It is mounted by
``pocketcouncil/services/urls.py`` for now, because the root URLconf includes app URLconfs
automatically and ``core`` is not one of them. The interactive docs at ``/api/v1/docs`` use
the Swagger UI files shipped with django-ninja, served as our own static files (no CDN, no
inline script), and the description is at ``/api/v1/openapi.json``.
"""

import logging
from collections.abc import Callable

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

# Apps whose JSON endpoints are plain Django views (Open311 speaks XML and form-encoded input,
# which ninja does not model) describe them here, so ONE document covers every JSON endpoint.
# Each contributor returns {"paths": {...}, "schemas": {...}}; apps register at ready().
OPENAPI_CONTRIBUTORS: list[Callable[[], dict]] = []


class PocketCouncilAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for contribute in OPENAPI_CONTRIBUTORS:
            extra = contribute()
            schema["paths"].update(extra.get("paths", {}))
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(extra.get("schemas", {}))
        return schema


api = PocketCouncilAPI(
    title="Pocket Council API",
    version="1",
    description="Open JSON API of Pocket Council. Every error is a JSON body with a `detail`.",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError):
    return api.create_response(
        request, {"detail": "The request is not valid.", "errors": exc.errors}, status=422
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(Exception)
def unexpected_error(request: HttpRequest, exc: Exception):
    logging.getLogger("pocketcouncil.api").exception("API error")
    return api.create_response(
        request, {"detail": "Something went wrong on our side. Please try again."}, status=500
    )


def _register_routers() -> None:
    from pocketcouncil.services.api import router as services_router

    api.add_router("/services/", services_router)

    # Area lookup (issue 16): /api/v1/areas
    from pocketcouncil.councils.api import router as areas_router

    api.add_router("/areas", areas_router)


_register_routers()
