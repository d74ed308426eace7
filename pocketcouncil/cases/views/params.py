"""Reading values from query strings, shared by the resident and staff pages."""

from __future__ import annotations


def query_id(value) -> int | None:
    """A database id from a query string, or None (never a number the database cannot hold)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None
