"""Limits of the Open311 server (documented in docs/integrations.md)."""

from django.conf import settings

# GET requests and GET servicerequestupdates: the widest date range asked for at once.
MAX_DATE_RANGE_DAYS = getattr(settings, "OPEN311_MAX_DATE_RANGE_DAYS", 90)
# GET requests: results per page, by default and at most; pages reach this many results.
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_RESULTS = 10_000
# GET requests: ids in one service_request_id list.
MAX_IDS = 100
# GET servicerequestupdates: updates in one answer (ask again from the last one's time).
MAX_UPDATES = 1000
# POST requests.
MAX_DESCRIPTION = 5000
MAX_MEDIA_URLS = 5
# POST requests: the longest Idempotency-Key header accepted.
MAX_IDEMPOTENCY_KEY = 200
# GET services: how long the list is kept in the shared cache.
SERVICES_CACHE_SECONDS = 60


# --- outbound Open311 and webhooks (read when used, so tests can change the settings) ---------


def _setting(name: str, default):
    """A Django setting, else the environment variable of the same name, else ``default``.
    (Read from the environment here rather than in settings.py so the app's settings stay in
    the app; docs/operating.md lists them.)"""
    import os

    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, "").strip() or None
    return default if value is None else value


def allow_private_urls() -> bool:
    """Whether webhook and back-office addresses may point at loopback or private networks.

    Off in production (a council admin must not be able to make the server call its own
    internal network: server-side request forgery); on in development and tests, where the
    back office is another process on this machine. ``OPEN311_ALLOW_PRIVATE_URLS`` in the
    settings or the environment overrides it (docs/operating.md)."""
    value = _setting("OPEN311_ALLOW_PRIVATE_URLS", None)
    if value is None:
        return not getattr(settings, "PRODUCTION", True)
    if isinstance(value, str):
        return value.lower() in {"1", "true", "yes", "on"}
    return bool(value)


def response_cache_seconds() -> int:
    """How long a ``GET requests`` answer may stay in the shared cache (0: not cached). Any
    change to one of the council's cases forgets its answers at once (response_cache.py)."""
    return int(_setting("OPEN311_RESPONSE_CACHE_SECONDS", 60))


def outbound_max_attempts() -> int:
    """Tries before a send to a back office is marked failed (staff can send it again)."""
    return int(_setting("OPEN311_OUTBOUND_MAX_ATTEMPTS", 8))


def outbound_timeout() -> float:
    """Seconds to wait for a back office to connect and answer one request."""
    return float(_setting("OPEN311_OUTBOUND_TIMEOUT_SECONDS", 10))


def outbound_fetch_minutes() -> int:
    """How often updates are fetched back from back offices (the scheduled task)."""
    return int(_setting("OPEN311_OUTBOUND_FETCH_MINUTES", 5))


def outbound_lease():
    """How long a worker holds a send before another may take it over (longer than a send and
    its lookup can take: two connects and answers)."""
    from datetime import timedelta

    return timedelta(seconds=float(_setting("OPEN311_OUTBOUND_LEASE_SECONDS", 120)))


def outbound_retry_base_seconds() -> float:
    """The first wait before a failed send is tried again; each wait doubles (with jitter)."""
    return float(_setting("OPEN311_OUTBOUND_RETRY_BASE_SECONDS", 30))
