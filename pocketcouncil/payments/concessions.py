"""Concessions: a resident who gets council tax reduction uploads proof, staff check it and
approve or refuse it (each step an audit row), and only then are the concession prices shown
and charged (bulky waste: ``CouncilCharges.bulky_concession_percent`` off)."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pocketcouncil.accounts import permissions
from pocketcouncil.accounts import queries as accounts_queries
from pocketcouncil.payments import actions as pay
from pocketcouncil.payments.models import ConcessionClaim, ConcessionEvent, ConcessionStatus

LEVEL = 2


# --- reads ---------------------------------------------------------------------------------------


def claim_for(*, council, resident) -> ConcessionClaim | None:
    """The resident's latest claim with this council, if any."""
    if not getattr(resident, "is_authenticated", False):
        return None
    return ConcessionClaim.objects.filter(council=council, resident=resident).first()


def is_approved(*, council, resident) -> bool:
    if not getattr(resident, "is_authenticated", False):
        return False
    return ConcessionClaim.objects.filter(
        council=council, resident=resident, status=ConcessionStatus.APPROVED
    ).exists()


def queue_for(council):
    return (
        ConcessionClaim.objects.filter(council=council, status=ConcessionStatus.SUBMITTED)
        .select_related("resident")
        .order_by("created_at")
    )


def claims_for(council):
    return (
        ConcessionClaim.objects.filter(council=council)
        .select_related("resident", "decided_by")
        .order_by("-created_at")[:200]
    )


def discounted(amount: int, vat: int, percent: int) -> tuple[int, int]:
    """A price and the VAT inside it after ``percent`` off (VAT scales with the price)."""
    new = amount - amount * percent // 100
    return new, (round(vat * new / amount) if amount else 0)


# --- writes --------------------------------------------------------------------------------------


def _audit(claim: ConcessionClaim, actor, note: str = "") -> None:
    ConcessionEvent.objects.create(
        claim=claim,
        status=claim.status,
        actor=actor,
        actor_label=(getattr(actor, "email", "") or "")[:200],
        note=note,
    )


def concession_claim(*, council, actor, resident, evidence, submission_key: str) -> ConcessionClaim:
    """Send proof of council tax reduction. Sending the form twice makes one claim; a claim
    already waiting or approved is returned instead of a new one."""
    from pocketcouncil.payments import permits  # permits imports bulky, which imports this

    existing = ConcessionClaim.objects.filter(
        submission_key=submission_key, resident=resident
    ).first()
    if existing:
        return existing
    if accounts_queries.level_for(resident) < LEVEL:
        raise PermissionDenied(_("A concession needs your phone and address checked."))
    current = claim_for(council=council, resident=resident)
    if current and current.status in (ConcessionStatus.SUBMITTED, ConcessionStatus.APPROVED):
        return current
    if evidence is None:
        raise pay.PaymentsInputError(
            _("Upload proof you get council tax reduction"), field="evidence"
        )
    if evidence.size > permits.MAX_EVIDENCE_BYTES:
        raise pay.PaymentsInputError(_("The file must be smaller than 5 MB"), field="evidence")
    head = evidence.read(16)
    evidence.seek(0)
    kind = permits.evidence_type(head)
    if kind is None:
        raise pay.PaymentsInputError(_("The file must be a PDF, JPG or PNG"), field="evidence")
    try:
        with transaction.atomic():
            claim = ConcessionClaim(
                council=council,
                resident=resident,
                evidence_token=secrets.token_hex(16),
                evidence_type=kind,
                submission_key=submission_key,
            )
            claim.evidence.save("evidence", evidence, save=False)
            claim.save()
            _audit(claim, actor)
            return claim
    except IntegrityError:
        existing = ConcessionClaim.objects.filter(submission_key=submission_key).first()
        if existing:
            return existing
        raise


@transaction.atomic
def concession_decide(
    *, claim: ConcessionClaim, actor, approve: bool, note: str = ""
) -> ConcessionClaim:
    """A member of staff of the claim's council approves it or refuses it with a reason."""
    permissions.require(actor, "payments.approve", claim)
    claim = ConcessionClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != ConcessionStatus.SUBMITTED:
        raise pay.PaymentsInputError(_("This claim has already been decided"))
    note = (note or "").strip()
    if not approve and not note:
        raise pay.PaymentsInputError(_("Say why it is not approved"), field="note")
    claim.status = ConcessionStatus.APPROVED if approve else ConcessionStatus.REFUSED
    claim.decided_by = actor
    claim.decided_at = timezone.now()
    claim.decision_note = note
    claim.save()
    _audit(claim, actor, note)
    return claim
