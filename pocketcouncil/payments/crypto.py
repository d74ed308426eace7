"""Council secrets (GOV.UK Pay API keys, webhook signing secrets) encrypted at rest.

Fernet (AES-128-CBC with HMAC-SHA256) with a key from ``PAYMENTS_ENCRYPTION_KEY`` or, when that
is unset, derived from ``SECRET_KEY``. A stolen database dump does not give away the keys; a
changed ``SECRET_KEY`` without ``PAYMENTS_ENCRYPTION_KEY`` means re-entering them
(docs/payments.md). Plain text never reaches a log, a page or an error message.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class SecretUnreadableError(RuntimeError):
    """The stored secret was encrypted with another key (re-enter it)."""


def _fernet() -> Fernet:
    key = getattr(settings, "PAYMENTS_ENCRYPTION_KEY", "") or ""
    if not key:
        digest = hashlib.sha256(("pocketcouncil.payments:" + settings.SECRET_KEY).encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key.encode() if isinstance(key, str) else key)


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadableError(
            "A stored payment secret cannot be decrypted with this deployment's key."
        ) from None


def hint(plain: str) -> str:
    """What staff see after entry: the last four characters only."""
    return "…" + plain[-4:] if len(plain) > 8 else "…"
