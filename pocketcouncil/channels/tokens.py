"""Reply tokens: an address like ``reply+123-5f0c9a1b2d3e@in.example.gov.uk`` proves that an
email answers our message about case 123. The token is a keyed hash of the case id, so it cannot
be guessed for another case, and needs no table."""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings

_TOKEN = re.compile(r"\+(\d{1,12})-([0-9a-f]{12})@", re.IGNORECASE)


def _signature(case_id: int) -> str:
    key = (settings.SECRET_KEY + ":channels-reply").encode()
    return hmac.new(key, f"case:{case_id}".encode(), hashlib.sha256).hexdigest()[:12]


def reply_address(case_id: int) -> str:
    local = settings.CHANNELS_REPLY_LOCAL_PART
    return f"{local}+{case_id}-{_signature(case_id)}@{settings.CHANNELS_REPLY_DOMAIN}"


def case_id_from(address: str) -> int | None:
    """The case id a reply address names, if its token is genuine."""
    match = _TOKEN.search(address or "")
    if not match:
        return None
    case_id = int(match.group(1))
    if not hmac.compare_digest(match.group(2).lower(), _signature(case_id)):
        return None
    return case_id


def is_reply_address(address: str) -> bool:
    domain = (address or "").rsplit("@", 1)[-1].lower()
    return domain == settings.CHANNELS_REPLY_DOMAIN.lower() and case_id_from(address) is not None
