"""Residents' parking permits: apply at assurance level 2 with evidence, staff approve or
reject, the resident pays, the permit is issued with its number, registration and dates, and
shown as a printable page."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pocketcouncil.accounts import permissions
from pocketcouncil.accounts import queries as accounts_queries
from pocketcouncil.cases import actions as case_actions
from pocketcouncil.cases.workflow import CaseStatus
from pocketcouncil.payments import actions as pay
from pocketcouncil.payments import purposes
from pocketcouncil.payments.bulky import charges_for
from pocketcouncil.payments.models import Payment, PermitApplication, PermitStatus, Purpose
from pocketcouncil.payments.pcn import normalise_vrm
from pocketcouncil.payments.queries import LONDON

LGSL = 474
LEVEL = 2
MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
# What an upload must start with, by type: checked on the bytes, not the file name.
EVIDENCE_TYPES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


def zones_for(council) -> list[str]:
    return [z.strip() for z in charges_for(council).permit_zones.splitlines() if z.strip()]


def evidence_type(head: bytes) -> str | None:
    for magic, kind in EVIDENCE_TYPES.items():
        if head.startswith(magic):
            return kind
    return None


def permit_apply(
    *, council, actor, resident, zone: str, vrm: str, address: str, evidence, submission_key: str
) -> PermitApplication:
    existing = PermitApplication.objects.filter(
        submission_key=submission_key, resident=resident
    ).first()
    if existing:
        return existing
    if accounts_queries.level_for(resident) < LEVEL:
        raise PermissionDenied(_("A parking permit needs your phone and address checked."))
    if zone not in zones_for(council):
        raise pay.PaymentsInputError(_("Choose your parking zone"), field="zone")
    vrm = normalise_vrm(vrm)
    if not 2 <= len(vrm) <= 8:
        raise pay.PaymentsInputError(
            _("Enter the registration as it is on the car, like AB12 CDE"), field="vrm"
        )
    address = (address or "").strip()
    if not address:
        raise pay.PaymentsInputError(_("Enter your address"), field="address")
    if evidence is None:
        raise pay.PaymentsInputError(
            _("Upload proof the car is kept at your address"), field="evidence"
        )
    if evidence.size > MAX_EVIDENCE_BYTES:
        raise pay.PaymentsInputError(_("The file must be smaller than 5 MB"), field="evidence")
    head = evidence.read(16)
    evidence.seek(0)
    kind = evidence_type(head)
    if kind is None:
        raise pay.PaymentsInputError(_("The file must be a PDF, JPG or PNG"), field="evidence")
    try:
        with transaction.atomic():
            case = case_actions.case_open_for_transaction(
                council=council,
                lgsl=LGSL,
                actor=actor,
                resident=resident,
                description=_("Residents' parking permit for %(vrm)s in %(zone)s")
                % {"vrm": vrm, "zone": zone},
                attributes={"vrm": vrm, "zone": zone},
                submission_key=f"permit-{submission_key}",
            )
            application = PermitApplication(
                council=council,
                case=case,
                resident=resident,
                address=address,
                zone=zone,
                vrm=vrm,
                evidence_token=secrets.token_hex(16),
                evidence_type=kind,
                amount=charges_for(council).permit_price,
                submission_key=submission_key,
            )
            application.evidence.save("evidence", evidence, save=False)
            application.save()
            return application
    except IntegrityError:
        existing = PermitApplication.objects.filter(submission_key=submission_key).first()
        if existing:
            return existing
        raise


def queue_for(council):
    return (
        PermitApplication.objects.filter(council=council, status=PermitStatus.SUBMITTED)
        .select_related("resident", "case")
        .order_by("created_at")
    )


def applications_for(council):
    return (
        PermitApplication.objects.filter(council=council)
        .select_related("resident", "case")
        .order_by("-created_at")[:200]
    )


@transaction.atomic
def permit_decide(*, application: PermitApplication, actor, approve: bool, note: str = ""):
    """A member of staff approves (the resident is asked to pay) or rejects with a reason."""
    permissions.require(actor, "payments.approve", application)
    application = (
        PermitApplication.objects.select_for_update().select_related("case").get(pk=application.pk)
    )
    if application.status != PermitStatus.SUBMITTED:
        raise pay.PaymentsInputError(_("This application has already been decided"))
    note = (note or "").strip()
    if not approve and not note:
        raise pay.PaymentsInputError(_("Say why it is not approved"), field="note")
    application.status = PermitStatus.APPROVED if approve else PermitStatus.REJECTED
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.decision_note = note
    application.save()
    if approve:
        message = _("Your permit application is approved. Pay £%(amount)s to get your permit.") % {
            "amount": pay.pounds(application.amount)
        }
        to = CaseStatus.IN_PROGRESS
    else:
        message = _("Your permit application was not approved: %(why)s") % {"why": note}
        to = CaseStatus.REJECTED
    case_actions.case_progress_record(
        case=application.case,
        actor=actor,
        key=f"permit-{application.pk}-decided",
        to=to,
        note=message,
    )
    return application


def permit_pay(*, application: PermitApplication, actor) -> Payment:
    if application.status != PermitStatus.APPROVED:
        raise pay.PaymentsInputError(_("This permit is not waiting for payment"))
    return pay.payment_start(
        council=application.council,
        purpose=Purpose.PARKING_PERMIT,
        subject_key=str(application.pk),
        amount=application.amount,
        income_code=charges_for(application.council).permit_income_code,
        description=_("Residents' parking permit for %(vrm)s") % {"vrm": application.vrm},
        actor=actor,
        resident=application.resident,
        case=application.case,
    )


def _on_paid(payment: Payment) -> None:
    application = (
        PermitApplication.objects.select_for_update()
        .select_related("case", "council")
        .get(pk=int(payment.subject_key))
    )
    if application.status != PermitStatus.APPROVED:
        pay.payment_refund_by_rule(
            payment=payment, amount=payment.amount, reason=_("Permit no longer available")
        )
        return
    today = timezone.localdate(timezone.now(), LONDON)
    application.status = PermitStatus.ISSUED
    application.valid_from = today
    application.valid_to = today + timedelta(days=364)
    application.permit_number = (
        f"{application.council.case_reference_prefix}-RP-{application.pk:06d}"
    )
    application.save()
    case_actions.case_progress_record(
        case=application.case,
        actor=None,
        key=f"permit-{application.pk}-issued",
        to=CaseStatus.RESOLVED,
        note=_(
            "Paid £%(amount)s. Permit %(number)s for %(vrm)s is valid from %(start)s to %(end)s."
        )
        % {
            "amount": pay.pounds(payment.amount),
            "number": application.permit_number,
            "vrm": application.vrm,
            "start": date_format(application.valid_from, "j F Y"),
            "end": date_format(application.valid_to, "j F Y"),
        },
    )


def _on_unpaid(payment: Payment) -> None:
    """The approval stands: the resident can pay again."""


def done_url(payment: Payment) -> str:
    return reverse("payments:permit", args=[int(payment.subject_key)])


purposes.register(
    Purpose.PARKING_PERMIT,
    purposes.Handler(on_paid=_on_paid, on_unpaid=_on_unpaid, done_url=done_url),
)
