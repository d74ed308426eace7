"""Helpers for tests in any app.

``sms_outbox``: every text message sent while ``NOTIFY_SMS_BACKEND == "locmem"`` (the default
when ``POCKETCOUNCIL_ENV == "test"``), as dicts with "to", "body" and "reference". Clear it
with ``sms_outbox.clear()``; a pytest fixture in notify's tests does so before each test.

``deliver_pending()``: runs every queued delivery now, in this process, and returns how many
messages went. Emails land in ``django.core.mail.outbox`` as usual.
"""

from __future__ import annotations

sms_outbox: list[dict] = []


def deliver_pending() -> int:
    from pocketcouncil.notify import delivery

    return delivery.deliver_due().sent
