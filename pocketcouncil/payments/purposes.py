"""What each payment is for, and what happens when it is settled.

Each transaction module registers a ``Handler`` for its purpose. The payments core calls
``on_paid`` or ``on_unpaid`` exactly once per payment, inside the transaction that records the
final state, so a booking is confirmed (or its slot released) together with the payment and
never twice, however many webhooks, returns and reconciliation runs report the same outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Handler:
    on_paid: Callable  # (payment) -> None
    on_unpaid: Callable  # (payment) -> None: failed, cancelled, expired or error
    done_url: Callable  # (payment) -> str: where the resident lands after GOV.UK Pay
    release_stale: Callable | None = None  # () -> int: free holds nobody paid for (reconcile)


HANDLERS: dict[str, Handler] = {}


def register(purpose: str, handler: Handler) -> None:
    HANDLERS[purpose] = handler


def handler_for(purpose: str) -> Handler:
    return HANDLERS[purpose]
