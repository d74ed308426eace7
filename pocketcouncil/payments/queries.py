"""Reads other code needs, always scoped by council."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from pocketcouncil.councils.models import Council
from pocketcouncil.payments.models import PayAccount, Payment, PaymentStatus, Refund

LONDON = ZoneInfo("Europe/London")


def payment_by_return_token(token: str) -> Payment | None:
    return Payment.objects.filter(return_token=token).first()


def pay_account_for(council: Council) -> PayAccount | None:
    return PayAccount.objects.filter(council=council).first()


def payment_get(*, council: Council, reference: str) -> Payment:
    return Payment.objects.select_related("case", "resident").get(
        council=council, reference=reference
    )


def payment_list_for_council(*, council: Council, status: str = "") -> QuerySet[Payment]:
    payments = Payment.objects.filter(council=council).select_related("case", "resident")
    if status:
        payments = payments.filter(status=status)
    return payments.order_by("-created_at", "-pk")


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=LONDON)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=LONDON)


def payments_taken_on(*, council: Council, day: date) -> QuerySet[Payment]:
    """Payments that succeeded on ``day`` (London time): the day's reconciliation."""
    start, end = _day_bounds(day)
    return Payment.objects.filter(
        council=council,
        status=PaymentStatus.SUCCESS,
        finished_at__gte=start,
        finished_at__lt=end,
    ).order_by("finished_at", "pk")


def refunds_between(*, council: Council, start: date, end: date) -> QuerySet[Refund]:
    """Refunds asked for from ``start`` to ``end`` inclusive (London time)."""
    first, _ = _day_bounds(start)
    _, last = _day_bounds(end)
    return (
        Refund.objects.filter(council=council, created_at__gte=first, created_at__lt=last)
        .select_related("payment", "requested_by")
        .order_by("created_at", "pk")
    )
