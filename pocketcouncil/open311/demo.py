"""Demo data: one Open311 API key, ``demo-open311-key``, for each demo council, and a
switched-off back office for Oxfordshire's pothole reports (a second local copy on port 8001).

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
POTHOLES = 557


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
    load_back_office(report)


DEMO_BACK_OFFICE = "Demo back office: a second local copy on port 8001 (demo only)"


def load_back_office(report: DemoReport) -> None:
    """A back office for Oxfordshire's pothole reports, pointing at a second copy of this site
    on http://127.0.0.1:8001 (see docs/integrations.md, "Trying it with two local copies").
    Switched off: nothing is sent until an admin switches it on, and load_demo leaves it as
    the admin set it."""
    from pocketcouncil.open311.models import OutboundEndpoint
    from pocketcouncil.services.models import Service

    council = Council.objects.filter(is_demo=True, slug="oxfordshire").first()
    service = Service.objects.filter(lgsl=POTHOLES).first()
    if council is None or service is None:
        return
    existing = OutboundEndpoint.objects.filter(council=council, service=service).first()
    if existing is not None and not existing.is_demo:
        return  # the council set up a real one: leave it alone
    upsert(
        OutboundEndpoint,
        lookup={"council": council, "service": service},
        values={
            "name": DEMO_BACK_OFFICE,
            "base_url": "http://127.0.0.1:8001/open311/v2/",
            "jurisdiction_id": "oxfordshire",
            "api_key": DEMO_KEY,
            "service_code": str(POTHOLES),
            "is_demo": True,
            "is_enabled": existing.is_enabled if existing else False,
        },
        report=report,
    )
