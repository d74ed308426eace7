"""``/readyz`` (may this process take traffic?) and ``/metrics`` (Prometheus).

``/healthz`` (core) is the liveness check: the process answers and reaches its database.
``/readyz`` checks everything a request may need — the database with every migration applied,
the shared cache, the task queue's server and the file storage — so a new release is taken
into rotation only once it can serve, and a process that loses Redis leaves rotation.
"""

from __future__ import annotations

import ipaddress
import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _check_database() -> dict:
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    executor = MigrationExecutor(connection)
    unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if unapplied:
        return {"status": "migrations_pending", "pending": len(unapplied)}
    return {"status": "ok"}


def _check_cache() -> dict:
    key = f"ops:readyz:{secrets.token_hex(4)}"
    cache.set(key, "1", 10)
    ok = cache.get(key) == "1"
    cache.delete(key)
    return {"status": "ok" if ok else "unreadable"}


def _check_tasks() -> dict:
    backend = settings.TASKS["default"]["BACKEND"]
    if backend.endswith("RQBackend"):
        import django_rq

        django_rq.get_connection("default").ping()
        return {"status": "ok", "backend": "rq"}
    return {"status": "ok", "backend": "database" if "db" in backend else "immediate"}


def _check_storage() -> dict:
    # Listing the top folder reaches the bucket (or disk) without writing anything.
    default_storage.exists("readyz-probe")
    return {"status": "ok"}


CHECKS = {
    "database": _check_database,
    "cache": _check_cache,
    "tasks": _check_tasks,
    "storage": _check_storage,
}


@never_cache
@require_GET
def readyz(request):
    """200 when every check passes, 503 naming the ones that failed (no internal details)."""
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as error:  # noqa: BLE001 - any failure means "not ready"
            logger.error("Readiness check %s failed: %s", name, error)
            results[name] = {"status": "unreachable"}
    ready = all(result["status"] == "ok" for result in results.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": results},
        status=200 if ready else 503,
    )


def _from_private_network(request) -> bool:
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return address.is_private or address.is_loopback


@never_cache
@require_GET
def metrics(request):
    """Prometheus text format. With ``METRICS_TOKEN`` set a scraper must send it as a bearer
    token; without one, only addresses on private networks are answered."""
    from django_prometheus.exports import ExportToDjangoView

    token = getattr(settings, "METRICS_TOKEN", "")
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not secrets.compare_digest(given.encode(), token.encode()):
            return HttpResponse("Not allowed.\n", status=403, content_type="text/plain")
    elif not _from_private_network(request):
        return HttpResponse("Not allowed.\n", status=403, content_type="text/plain")
    return ExportToDjangoView(request)
