"""Garden waste subscriptions: a year per address, paid in advance; renew in the last 60
days; cancel with the council's refund rule (none, full within 14 days, or pro rata by whole
months left)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pocketcouncil.accounts import queries as accounts_queries
from pocketcouncil.cases import actions as case_actions
from pocketcouncil.cases.workflow import CaseStatus, CloseReason
from pocketcouncil.payments import actions as pay
from pocketcouncil.payments import purposes
from pocketcouncil.payments.bulky import HOLD, charges_for
from pocketcouncil.payments.models import (
    FINISHED_STATUSES,
    GardenSubscription,
    Payment,
    PaymentStatus,
    Purpose,
    SubscriptionStatus,
)
from pocketcouncil.payments.queries import LONDON

LGSL = 530
LEVEL = 1
MAX_BINS = 3
RENEW_FROM_DAYS = 60


def _today() -> date:
    return timezone.localdate(timezone.now(), LONDON)


def _year_from(start: date) -> date:
    try:
        return start.replace(year=start.year + 1) - timedelta(days=1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + 1, day=28)


def subscriptions_for(*, user) -> list[GardenSubscription]:
    return list(GardenSubscription.objects.filter(resident=user).select_related("council", "case"))


def subscription_for_resident(*, pk: int, user) -> GardenSubscription:
    return GardenSubscription.objects.select_related("council", "case").get(pk=pk, resident=user)


def latest_payment(sub: GardenSubscription) -> Payment | None:
    return (
        Payment.objects.filter(purpose=Purpose.GARDEN_WASTE, subject_key=str(sub.pk))
        .order_by("-created_at", "-pk")
        .first()
    )


def can_renew(sub: GardenSubscription) -> bool:
    return (
        sub.status == SubscriptionStatus.ACTIVE
        and not GardenSubscription.objects.filter(renewal_of=sub).exists()
        and _today() >= sub.ends_on - timedelta(days=RENEW_FROM_DAYS)
    )


def refund_due(sub: GardenSubscription, *, paid: int, today: date | None = None) -> int:
    """What the council's rule gives back if ``sub`` is cancelled ``today``."""
    today = today or _today()
    rule = charges_for(sub.council).garden_refund_rule
    if today < sub.starts_on:
        return paid  # not started yet: always in full
    if rule == "full_14_days":
        return paid if today <= sub.starts_on + timedelta(days=13) else 0
    if rule == "pro_rata":
        months_left = (sub.ends_on.year - today.year) * 12 + (sub.ends_on.month - today.month)
        if sub.ends_on.day < today.day:
            months_left -= 1
        return max(0, min(12, months_left)) * paid // 12
    return 0


def subscription_create(
    *, council, actor, resident, bins: int, address: str, submission_key: str, renewal_of=None
) -> GardenSubscription:
    existing = GardenSubscription.objects.filter(
        submission_key=submission_key, resident=resident
    ).first()
    if existing:
        return existing
    if accounts_queries.level_for(resident) < LEVEL:
        raise PermissionDenied(_("Sign in to subscribe."))
    if not 1 <= bins <= MAX_BINS:
        raise pay.PaymentsInputError(
            _("Choose between 1 and %(n)d bins") % {"n": MAX_BINS}, field="bins"
        )
    address = (address or "").strip()
    if not address:
        raise pay.PaymentsInputError(_("Enter the address for the bins"), field="address")
    if renewal_of is not None and not can_renew(renewal_of):
        raise pay.PaymentsInputError(_("This subscription cannot be renewed yet"))
    starts = renewal_of.ends_on + timedelta(days=1) if renewal_of else _today()
    charges = charges_for(council)
    try:
        with transaction.atomic():
            case = case_actions.case_open_for_transaction(
                council=council,
                lgsl=LGSL,
                actor=actor,
                resident=resident,
                description=_("Garden waste subscription, %(n)d bin(s), %(start)s to %(end)s")
                % {
                    "n": bins,
                    "start": date_format(starts, "j F Y"),
                    "end": date_format(_year_from(starts), "j F Y"),
                },
                attributes={"bins": bins},
                submission_key=f"garden-{submission_key}",
            )
            return GardenSubscription.objects.create(
                council=council,
                case=case,
                resident=resident,
                address=address,
                bins=bins,
                starts_on=starts,
                ends_on=_year_from(starts),
                amount=charges.garden_price_per_bin * bins,
                renewal_of=renewal_of,
                submission_key=submission_key,
            )
    except IntegrityError:
        existing = GardenSubscription.objects.filter(submission_key=submission_key).first()
        if existing:
            return existing
        raise pay.PaymentsInputError(_("This subscription has already been renewed")) from None


def subscription_pay(*, sub: GardenSubscription, actor) -> Payment:
    if sub.status != SubscriptionStatus.HELD:
        raise pay.PaymentsInputError(_("This subscription is not waiting for payment"))
    return pay.payment_start(
        council=sub.council,
        purpose=Purpose.GARDEN_WASTE,
        subject_key=str(sub.pk),
        amount=sub.amount,
        income_code=charges_for(sub.council).garden_income_code,
        description=_("Garden waste subscription %(ref)s") % {"ref": sub.case.reference},
        actor=actor,
        resident=sub.resident,
        case=sub.case,
    )


def _locked(pk) -> GardenSubscription:
    return (
        GardenSubscription.objects.select_for_update().select_related("case", "council").get(pk=pk)
    )


def _on_paid(payment: Payment) -> None:
    sub = _locked(int(payment.subject_key))
    if sub.status not in (SubscriptionStatus.HELD, SubscriptionStatus.RELEASED):
        pay.payment_refund_by_rule(
            payment=payment, amount=payment.amount, reason=_("Subscription no longer wanted")
        )
        return
    sub.status = SubscriptionStatus.ACTIVE
    sub.save(update_fields=["status", "updated_at"])
    case_actions.case_progress_record(
        case=sub.case,
        actor=None,
        key=f"garden-{sub.pk}-paid",
        to=CaseStatus.ACKNOWLEDGED,
        note=_(
            "Paid £%(amount)s (payment %(ref)s). Your garden waste collections run from "
            "%(start)s to %(end)s."
        )
        % {
            "amount": pay.pounds(payment.amount),
            "ref": payment.reference,
            "start": date_format(sub.starts_on, "j F Y"),
            "end": date_format(sub.ends_on, "j F Y"),
        },
    )


def _on_unpaid(payment: Payment) -> None:
    """Nothing is held for a subscription: the resident can try again."""


def release_stale(*, now=None) -> int:
    now = now or timezone.now()
    released = 0
    for pk in GardenSubscription.objects.filter(
        status=SubscriptionStatus.HELD, created_at__lt=now - HOLD
    ).values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            sub = _locked(pk)
            live = Payment.objects.filter(
                purpose=Purpose.GARDEN_WASTE, subject_key=str(pk)
            ).exclude(status__in=[s for s in FINISHED_STATUSES if s != PaymentStatus.SUCCESS])
            if sub.status != SubscriptionStatus.HELD or live.exists():
                continue
            sub.status = SubscriptionStatus.RELEASED
            sub.save(update_fields=["status", "updated_at"])
            case_actions.case_progress_record(
                case=sub.case,
                actor=None,
                key=f"garden-{pk}-released",
                to=CaseStatus.CLOSED,
                close_reason=CloseReason.WITHDRAWN,
                note=_("The subscription was not paid for, so it has not started."),
            )
            released += 1
    return released


@transaction.atomic
def subscription_cancel(*, sub: GardenSubscription, actor) -> GardenSubscription:
    if getattr(actor, "pk", None) != sub.resident_id:
        raise PermissionDenied(_("Only the subscriber can cancel."))
    sub = _locked(sub.pk)
    if sub.status not in (SubscriptionStatus.HELD, SubscriptionStatus.ACTIVE):
        raise pay.PaymentsInputError(_("This subscription is already cancelled"))
    was_active = sub.status == SubscriptionStatus.ACTIVE
    sub.status = SubscriptionStatus.CANCELLED
    sub.save(update_fields=["status", "updated_at"])
    note = _("Subscription cancelled.")
    if was_active:
        payment = Payment.objects.filter(
            purpose=Purpose.GARDEN_WASTE, subject_key=str(sub.pk), status=PaymentStatus.SUCCESS
        ).first()
        amount = refund_due(sub, paid=payment.amount) if payment else 0
        refund = (
            pay.payment_refund_by_rule(payment=payment, amount=amount, reason=_("Cancelled"))
            if amount
            else None
        )
        if refund:
            note += " " + _("We are refunding £%(amount)s to your card.") % {
                "amount": pay.pounds(refund.amount)
            }
        else:
            note += " " + _("Under the council's rules there is no refund.")
    case_actions.case_progress_record(
        case=sub.case,
        actor=actor,
        key=f"garden-{sub.pk}-cancelled",
        to=CaseStatus.CLOSED,
        close_reason=CloseReason.WITHDRAWN,
        note=note,
    )
    return sub


def done_url(payment: Payment) -> str:
    return reverse("payments:garden-subscription", args=[int(payment.subject_key)])


purposes.register(
    Purpose.GARDEN_WASTE,
    purposes.Handler(
        on_paid=_on_paid, on_unpaid=_on_unpaid, done_url=done_url, release_stale=release_stale
    ),
)
