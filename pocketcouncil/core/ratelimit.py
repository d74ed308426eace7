"""A small fixed-window rate limit on the shared cache (so every web process counts together).

    if not ratelimit.allow(f"report:ip:{ip}", limit=30, seconds=3600):
        return too_many_requests_page

Sign-in and code sending are limited by django-allauth's own ACCOUNT_RATE_LIMITS; this is for
Pocket Council's own endpoints (sending a report, ...).
"""

from __future__ import annotations

import time

from django.core.cache import cache


def allow(key: str, *, limit: int, seconds: int) -> bool:
    """Count one hit for ``key``; False once ``limit`` hits were counted in this window."""
    window = int(time.time() // seconds)
    bucket = f"ratelimit:{key}:{window}"
    if cache.add(bucket, 1, timeout=seconds + 5):
        return limit >= 1
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.add(bucket, 1, timeout=seconds + 5)
        count = 1
    return count <= limit


def client_ip(request) -> str:
    """The client's address. Behind a proxy, the proxy must pass the real address on (e.g.
    gunicorn's --forwarded-allow-ips with X-Forwarded-For): see docs/operating.md."""
    return request.META.get("REMOTE_ADDR", "unknown")
