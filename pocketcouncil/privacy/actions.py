"""Every write of the privacy centre: consent given and withdrawn, shares, access records."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from pocketcouncil.accounts import permissions
from pocketcouncil.privacy import policy
from pocketcouncil.privacy.models import (
    AccessKind,
    AccessLogEntry,
    ConsentAction,
    ConsentChannel,
    ConsentEvent,
    ConsentWording,
    Share,
    ShareStatus,
    SharingAgreement,
)


class ConsentNotNeededError(ValueError):
    """The agreement does not rest on consent, so there is nothing to agree or withdraw."""


class ConsentStateError(ValueError):
    """Agreeing twice, or stopping what was never agreed."""


class AgreementInactiveError(ValueError):
    """Consent cannot be given to an agreement that is not active."""


def _name(user) -> str:
    return user.full_name or user.email


def wording_current(agreement: SharingAgreement) -> ConsentWording:
    wording = agreement.wordings.order_by("-version").first()
    if wording is None:
        raise AgreementInactiveError(_("This agreement has no consent wording yet."))
    return wording


@transaction.atomic
def wording_add(*, agreement: SharingAgreement, text: str) -> ConsentWording:
    """A new version of the words residents are shown; earlier consents keep their version."""
    latest = agreement.wordings.order_by("-version").values_list("version", flat=True).first()
    return ConsentWording.objects.create(agreement=agreement, version=(latest or 0) + 1, text=text)


def _record(*, resident, agreement, action, channel, actor, on_behalf) -> ConsentEvent:
    return ConsentEvent.objects.create(
        council=agreement.council,
        resident=resident,
        agreement=agreement,
        wording=wording_current(agreement),
        action=action,
        channel=channel,
        recorded_by=actor,
        recorded_by_name=_name(actor),
        on_behalf=on_behalf,
    )


@transaction.atomic
def consent_grant(
    *,
    resident,
    agreement: SharingAgreement,
    actor,
    channel: str = ConsentChannel.WEB,
    on_behalf: bool = False,
) -> ConsentEvent:
    """The resident agrees (themselves, or through staff acting for them, named)."""
    from django.utils import timezone

    if not agreement.needs_consent:
        raise ConsentNotNeededError(_("This sharing does not rest on your consent."))
    if not agreement.is_active_on(timezone.localdate()):
        raise AgreementInactiveError(_("This sharing agreement is not active."))
    if on_behalf:
        permissions.require(actor, "accounts.act_for_resident", agreement.council)
    if policy.consent_is_active(resident=resident, agreement=agreement):
        raise ConsentStateError(_("You have already agreed to this."))
    return _record(
        resident=resident,
        agreement=agreement,
        action=ConsentAction.GRANT,
        channel=channel,
        actor=actor,
        on_behalf=on_behalf,
    )


@transaction.atomic
def consent_withdraw(
    *,
    resident,
    agreement: SharingAgreement,
    actor,
    channel: str = ConsentChannel.WEB,
    on_behalf: bool = False,
) -> ConsentEvent:
    """Sharing stops at once: the ledger says so, and every queued share is cancelled."""
    if on_behalf:
        permissions.require(actor, "accounts.act_for_resident", agreement.council)
    if not policy.consent_is_active(resident=resident, agreement=agreement):
        raise ConsentStateError(_("You are not sharing this."))
    event = _record(
        resident=resident,
        agreement=agreement,
        action=ConsentAction.WITHDRAW,
        channel=channel,
        actor=actor,
        on_behalf=on_behalf,
    )
    Share.objects.filter(resident=resident, agreement=agreement, status=ShareStatus.QUEUED).update(
        status=ShareStatus.CANCELLED, reason=_("Consent withdrawn")
    )
    return event


@transaction.atomic
def share_request(*, resident, agreement: SharingAgreement, categories, council, actor) -> Share:
    """Queue a share if ``policy.share_check`` allows it; otherwise keep the refusal, with its
    reason, and return it (``share.status == REFUSED``, ``share.reason`` for the member of
    staff). The share is recorded in the resident's access log."""
    decision = policy.share_check(
        resident=resident, agreement=agreement, categories=categories, council=council
    )
    share = Share.objects.create(
        council=council,
        agreement=agreement,
        resident=resident,
        categories=list(categories),
        status=ShareStatus.QUEUED if decision.allowed else ShareStatus.REFUSED,
        reason=decision.reason,
        requested_by=actor,
    )
    if decision.allowed:
        AccessLogEntry.objects.create(
            council=council,
            resident=resident,
            viewer=actor,
            viewer_name=_name(actor),
            viewer_role=str(agreement.recipient),
            kind=AccessKind.PARTNER_SHARE,
            subject=agreement.purpose[:100],
        )
    return share


def _role_in(viewer, council) -> str:
    roles = [r for r in permissions.roles_for(viewer) if r.council_id == council.pk]
    return ", ".join(sorted(str(r.get_role_display()) for r in roles))


def access_record(*, resident, viewer, council, kind: str, subject: str = "", reason: str = ""):
    """Record that ``viewer`` (staff of ``council``) looked at ``resident``'s personal data.
    Nothing is recorded when residents look at their own data. One INSERT."""
    if resident is None or viewer is None or resident.pk == viewer.pk:
        return None
    if kind not in AccessKind.values:
        raise ValueError(f"Unknown access kind {kind!r}")
    return AccessLogEntry.objects.create(
        council=council,
        resident=resident,
        viewer=viewer,
        viewer_name=_name(viewer),
        viewer_role=_role_in(viewer, council),
        kind=kind,
        subject=subject[:100],
        reason=reason[:300],
    )
