"""Demo prices, bulky waste days, and GOV.UK Pay accounts on the fake GOV.UK Pay that
``scripts/run_dev.sh`` starts (test keys: no money is ever taken)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from pocketcouncil.core.demo_support import DemoReport, upsert
from pocketcouncil.councils.models import Council
from pocketcouncil.payments import crypto
from pocketcouncil.payments.fake_pay import DEV_ACCOUNTS
from pocketcouncil.payments.models import BulkyItem, CollectionSlot, PayAccount

FAKE_PAY_URL = "http://127.0.0.1:8010"
ITEMS = [
    ("Sofa or armchair", 2000, 0),
    ("Mattress", 1500, 0),
    ("Fridge or freezer", 3000, 0),
    ("Washing machine", 2000, 0),
    ("Table", 1000, 0),
]


def load(report: DemoReport) -> None:
    base_url = settings.PAYMENTS_DEMO_PAY_URL or FAKE_PAY_URL
    today = timezone.localdate()
    for council in Council.objects.filter(is_demo=True, slug__in=DEV_ACCOUNTS):
        account = PayAccount.objects.filter(council=council).first()
        if account is None or account.base_url != base_url:
            key, secret = DEV_ACCOUNTS[council.slug]
            PayAccount.objects.update_or_create(
                council=council,
                defaults={
                    "base_url": base_url,
                    "api_key_encrypted": crypto.encrypt(key),
                    "api_key_hint": crypto.hint(key),
                    "webhook_secret_encrypted": crypto.encrypt(secret),
                    "webhook_secret_hint": crypto.hint(secret),
                },
            )
            report.created["GOV.UK Pay accounts (fake)"] += 1
        if council.tier == "county":
            continue
        for order, (name, price, vat) in enumerate(ITEMS):
            upsert(
                BulkyItem,
                lookup={"council": council, "name": name},
                values={"price": price, "vat_rate": vat, "order": order, "active": True},
                report=report,
            )
        # The next four weeks of weekdays, two rounds, a few places each.
        for offset in range(1, 29):
            day = today + timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            for round_name in ("North", "South"):
                if not CollectionSlot.objects.filter(
                    council=council, round_name=round_name, date=day
                ).exists():
                    CollectionSlot.objects.create(
                        council=council, round_name=round_name, date=day, capacity=4
                    )
                    report.created["collection slots"] += 1
