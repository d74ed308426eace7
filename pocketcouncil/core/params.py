"""Reading values from query strings, for any app's pages."""

from __future__ import annotations


def query_id(value) -> int | None:
    """A database id from a query string, or None (never a number the database cannot hold)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def query_text(request, name: str, limit: int = 100) -> str:
    """A text filter from the query string, trimmed to ``limit``. NUL characters are dropped:
    PostgreSQL cannot hold them in text, and nobody means to search for one."""
    return request.GET.get(name, "").replace("\x00", "").strip()[:limit]
