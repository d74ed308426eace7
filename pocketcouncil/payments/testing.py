"""Helpers for tests of payments and of the transactions that use it."""

from __future__ import annotations

from contextlib import contextmanager

from pocketcouncil.payments import actions
from pocketcouncil.payments.fake_pay import FakePayServer
from pocketcouncil.payments.models import PayAccount


def connect(council, fake: FakePayServer, site: str = "http://testserver") -> tuple[str, str]:
    """Give ``council`` a GOV.UK Pay account on the fake (no staff action: set-up only)."""
    api_key, secret = fake.add_account(
        council.slug, webhook_url=f"{site}/payments/webhook/{council.slug}/"
    )
    from pocketcouncil.payments import crypto

    PayAccount.objects.update_or_create(
        council=council,
        defaults={
            "base_url": fake.base_url,
            "api_key_encrypted": crypto.encrypt(api_key),
            "api_key_hint": crypto.hint(api_key),
            "webhook_secret_encrypted": crypto.encrypt(secret),
            "webhook_secret_hint": crypto.hint(secret),
        },
    )
    return api_key, secret


def deliver_webhooks(client, fake: FakePayServer) -> list[int]:
    """Post every held webhook to the site through the Django test client; the statuses."""
    statuses = []
    for url, body, signature in fake.take_webhooks():
        path = "/" + url.split("/", 3)[3]
        response = client.post(
            path, body, content_type="application/json", HTTP_PAY_SIGNATURE=signature
        )
        statuses.append(response.status_code)
    return statuses


@contextmanager
def fake_pay_running():
    with FakePayServer() as fake:
        fake.hold_webhooks = True
        yield fake


__all__ = ["actions", "connect", "deliver_webhooks", "fake_pay_running"]
