"""Keeping personal details out of what the front door stores and searches with."""

from __future__ import annotations

import re

# What must never be stored from a query: postcodes, email addresses, phone numbers and other
# long numbers (reference or account numbers).
_REDACTIONS = [
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[email]"),
    (
        re.compile(r"\b[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s*\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE),
        "[postcode]",
    ),
    (re.compile(r"(?:\+?\d[\d\s-]{6,}\d)"), "[number]"),
]


def redact(text: str, *, limit: int = 200) -> str:
    """The text with personal details replaced by placeholders, then cut to ``limit``
    characters (the whole text is redacted first, so a cut never leaves half a postcode)."""
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())[:limit]


def strip(text: str) -> str:
    """The text without email addresses, postcodes and long numbers (they never describe a
    need, and would only dilute the search)."""
    for pattern, _replacement in _REDACTIONS:
        text = pattern.sub(" ", text)
    return " ".join(text.split())
