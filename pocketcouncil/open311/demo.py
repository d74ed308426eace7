"""Demo data: one Open311 API key, ``demo-open311-key``, for each demo council.

DEMO ONLY. The key is published in the documentation so anyone can try the API against a
demo site; it is stored hashed like every key, and ``load_demo`` refuses to run in production.
"""

from __future__ import annotations

from pocketcouncil.core.demo_support import DemoReport, upsert
from pocketcouncil.councils.models import Council
from pocketcouncil.open311.actions import PREFIX_LENGTH, key_digest
from pocketcouncil.open311.models import ApiClient

DEMO_KEY = "demo-open311-key"
DEMO_CLIENT_NAME = "Demo app (demo-open311-key, demo only)"


def load(report: DemoReport) -> None:
    for council in Council.objects.filter(is_demo=True).order_by("slug"):
        upsert(
            ApiClient,
            lookup={"council": council, "name": DEMO_CLIENT_NAME},
            values={
                "key_prefix": DEMO_KEY[:PREFIX_LENGTH],
                "key_digest": key_digest(DEMO_KEY),
                "rate_limit_per_minute": 600,
                "is_demo": True,
            },
            report=report,
        )
