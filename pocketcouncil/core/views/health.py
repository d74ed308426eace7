"""``/healthz``: is this process able to serve? Load balancers and monitoring ask it."""

import logging

from django.db import DatabaseError, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    """200 with ``{"status": "ok"}`` when the database answers, 503 when it does not."""
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.error("Health check: database unreachable: %s", error)
        return JsonResponse(
            {"status": "unavailable", "checks": {"database": {"status": "unreachable"}}},
            status=503,
        )
    return JsonResponse(
        {
            "status": "ok",
            "checks": {"database": {"status": "ok", "vendor": connections["default"].vendor}},
        }
    )
