"""The SMTP receiver (aiosmtpd). A council's MX record, or its mail server's forwarding rule,
points at it. It refuses mail for addresses no council uses, and says "250 accepted" only after
the message is stored with its processing task (``actions.email_receive``), so a message the
sender was told we have is never lost.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)


def _known_recipient(address: str) -> bool:
    from pocketcouncil.channels import tokens
    from pocketcouncil.channels.models import Channel, ChannelAccount

    address = address.strip().lower()
    if tokens.is_reply_address(address):
        return True
    return ChannelAccount.objects.filter(
        channel=Channel.EMAIL, is_active=True, address=address
    ).exists()


def _store(raw: bytes, envelope_from: str, rcpt_tos: list[str]) -> None:
    from pocketcouncil.channels import actions

    actions.email_receive(raw=raw, envelope_from=envelope_from, rcpt_tos=rcpt_tos)


def _in_thread(function: Callable, *args):
    close_old_connections()
    try:
        return function(*args)
    finally:
        close_old_connections()


class InboundHandler:
    """``known`` and ``store`` are injectable so tests can run them on the test's thread."""

    def __init__(self, *, known: Callable | None = None, store: Callable | None = None):
        self.known = known or (lambda address: _in_thread(_known_recipient, address))
        self.store = store or (lambda *args: _in_thread(_store, *args))

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        loop = asyncio.get_running_loop()
        if not await loop.run_in_executor(None, self.known, address):
            return "550 5.1.1 No council receives email at this address"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        loop = asyncio.get_running_loop()
        raw = envelope.original_content or envelope.content
        try:
            await loop.run_in_executor(
                None, self.store, raw, envelope.mail_from or "", list(envelope.rcpt_tos)
            )
        except Exception:
            logger.exception("Could not store an inbound email")
            return "451 4.3.0 Could not store the message; try again later"
        return "250 Message accepted"


def controller(*, host: str | None = None, port: int | None = None, handler=None) -> Controller:
    return Controller(
        handler or InboundHandler(),
        hostname=host or settings.CHANNELS_SMTP_HOST,
        port=settings.CHANNELS_SMTP_PORT if port is None else port,
        data_size_limit=settings.CHANNELS_EMAIL_MAX_BYTES,
        decode_data=False,
    )
