"""Pay a penalty charge notice: found by its number and the vehicle registration together
(both are on the notice), against the council's CSV feed; the discounted amount while the
discount period lasts (the day of issue counts as day one, London time)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pocketcouncil.accounts import permissions
from pocketcouncil.cases import actions as case_actions
from pocketcouncil.cases.workflow import CaseStatus
from pocketcouncil.payments import actions as pay
from pocketcouncil.payments import purposes
from pocketcouncil.payments.forms import pence_from
from pocketcouncil.payments.models import (
    ChargeStatus,
    CouncilCharges,
    Payment,
    PenaltyCharge,
    Purpose,
)
from pocketcouncil.payments.queries import LONDON

LGSL = 471
COLUMNS = ("pcn_number", "vrm", "issued_on", "contravention", "full_amount", "discount_amount")


def normalise_vrm(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", (text or "").upper())


def normalise_pcn(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", (text or "").upper())


def charge_find(*, council, pcn_number: str, vrm: str) -> PenaltyCharge | None:
    """Only when both match: a PCN number alone shows nothing about anyone's car."""
    pcn_number, vrm = normalise_pcn(pcn_number), normalise_vrm(vrm)
    if not pcn_number or not vrm:
        return None
    return PenaltyCharge.objects.filter(council=council, pcn_number=pcn_number, vrm=vrm).first()


def discount_ends(charge: PenaltyCharge) -> date:
    """The last day the discount applies."""
    return charge.issued_on + timedelta(days=charge.discount_days - 1)


def amount_due(charge: PenaltyCharge, *, now=None) -> int:
    today = timezone.localdate(now or timezone.now(), LONDON)
    return charge.discount_amount if today <= discount_ends(charge) else charge.full_amount


def charge_pay(*, charge: PenaltyCharge, actor) -> Payment:
    """Start or resume paying the amount due now. The amount is fixed when the attempt
    starts, so a resident who starts on the last day of the discount keeps it."""
    if charge.status != ChargeStatus.OUTSTANDING:
        raise pay.PaymentsInputError(_("This penalty charge has already been paid or closed"))
    with transaction.atomic():
        charge = PenaltyCharge.objects.select_for_update().get(pk=charge.pk)
        if charge.case_id is None:
            charge.case = case_actions.case_open_for_transaction(
                council=charge.council,
                lgsl=LGSL,
                actor=actor,
                resident=actor if getattr(actor, "is_authenticated", False) else None,
                description=_("Payment of penalty charge notice %(pcn)s")
                % {"pcn": charge.pcn_number},
                attributes={"pcn_number": charge.pcn_number},
                submission_key=f"pcn-{charge.pk}",
            )
            charge.save(update_fields=["case"])
    charges, _created = CouncilCharges.objects.get_or_create(council=charge.council)
    return pay.payment_start(
        council=charge.council,
        purpose=Purpose.PENALTY_CHARGE,
        subject_key=str(charge.pk),
        amount=amount_due(charge),
        income_code=charges.pcn_income_code,
        description=_("Penalty charge notice %(pcn)s") % {"pcn": charge.pcn_number},
        actor=actor,
        resident=actor if getattr(actor, "is_authenticated", False) else None,
        case=charge.case,
    )


def _on_paid(payment: Payment) -> None:
    charge = PenaltyCharge.objects.select_for_update().get(pk=int(payment.subject_key))
    if charge.status != ChargeStatus.OUTSTANDING:
        pay.payment_refund_by_rule(
            payment=payment, amount=payment.amount, reason=_("Penalty charge already settled")
        )
        return
    charge.status = ChargeStatus.PAID
    charge.paid_amount = payment.amount
    charge.save(update_fields=["status", "paid_amount"])
    case_actions.case_progress_record(
        case=charge.case,
        actor=None,
        key=f"pcn-{charge.pk}-paid",
        to=CaseStatus.RESOLVED,
        note=_("Paid £%(amount)s (payment %(ref)s). This penalty charge is settled.")
        % {"amount": pay.pounds(payment.amount), "ref": payment.reference},
    )


def _on_unpaid(payment: Payment) -> None:
    """Nothing was held: the resident can simply try again."""


def done_url(payment: Payment) -> str:
    return reverse("payments:pcn-result", args=[payment.return_token])


purposes.register(
    Purpose.PENALTY_CHARGE,
    purposes.Handler(on_paid=_on_paid, on_unpaid=_on_unpaid, done_url=done_url),
)


# --- the council's feed ---------------------------------------------------------------------------


class FeedError(pay.PaymentsInputError):
    pass


def charges_import(*, council, actor, text: str) -> dict:
    """Load the council's CSV of penalty charges (columns: ``COLUMNS``; amounts in pounds;
    dates YYYY-MM-DD; an optional ``status`` column with ``closed`` for cancelled notices).
    All rows or none: any bad row stops the import with its line number. A paid notice is
    never changed by a feed."""
    permissions.require(actor, "payments.manage", council)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise FeedError(_("The file has no column called %(name)s") % {"name": missing[0]})
    rows = []
    for line, row in enumerate(reader, start=2):
        try:
            issued = date.fromisoformat((row["issued_on"] or "").strip())
        except ValueError:
            raise FeedError(
                _("Line %(n)d: issued_on must be a date like 2026-12-03") % {"n": line}
            ) from None
        full, discount = pence_from(row["full_amount"]), pence_from(row["discount_amount"])
        pcn_number, vrm = normalise_pcn(row["pcn_number"]), normalise_vrm(row["vrm"])
        if not pcn_number or not vrm or full is None or discount is None or discount > full:
            raise FeedError(
                _("Line %(n)d: check the PCN number, registration and amounts") % {"n": line}
            )
        rows.append(
            (
                pcn_number,
                vrm,
                issued,
                (row.get("contravention") or "")[:200],
                full,
                discount,
                (row.get("status") or "").strip().lower() == "closed",
            )
        )
    created = updated = 0
    with transaction.atomic():
        for pcn_number, vrm, issued, contravention, full, discount, closed in rows:
            charge = (
                PenaltyCharge.objects.select_for_update()
                .filter(council=council, pcn_number=pcn_number)
                .first()
            )
            values = {
                "vrm": vrm,
                "issued_on": issued,
                "contravention": contravention,
                "full_amount": full,
                "discount_amount": discount,
            }
            if charge is None:
                PenaltyCharge.objects.create(
                    council=council,
                    pcn_number=pcn_number,
                    status=ChargeStatus.CLOSED if closed else ChargeStatus.OUTSTANDING,
                    **values,
                )
                created += 1
            elif charge.status != ChargeStatus.PAID:
                for name, value in values.items():
                    setattr(charge, name, value)
                charge.status = ChargeStatus.CLOSED if closed else ChargeStatus.OUTSTANDING
                charge.imported_at = timezone.now()
                charge.save()
                updated += 1
    return {"created": created, "updated": updated, "rows": len(rows)}
