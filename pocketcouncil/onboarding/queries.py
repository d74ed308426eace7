"""Reads for onboarding pages: invitations, the settings audit, and the go-live checklist."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pocketcouncil.accounts.models import StaffRole, StaffRoleKind
from pocketcouncil.councils.models import AreaKind, Council, CouncilAuditEntry
from pocketcouncil.onboarding.models import SettingsEvent, StaffInvitation
from pocketcouncil.services import queries as services_queries


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_for_token(token: str) -> StaffInvitation | None:
    """The invitation a link's secret belongs to, whatever its state (or None)."""
    if not token or len(token) > 100:
        return None
    return (
        StaffInvitation.objects.select_related("council", "team", "invited_by")
        .filter(token_digest=token_digest(token))
        .first()
    )


def invitation_list_for_council(*, council: Council) -> list[StaffInvitation]:
    """The council's invitations, newest first (pending, used, revoked and run out)."""
    return list(
        StaffInvitation.objects.filter(council=council)
        .select_related("team", "invited_by", "accepted_by", "revoked_by")
        .order_by("-created_at", "-pk")[:200]
    )


def invitation_get(*, council: Council, pk: int) -> StaffInvitation:
    """Raises ``StaffInvitation.DoesNotExist`` for another council's invitation."""
    return StaffInvitation.objects.select_related("council").get(council=council, pk=pk)


def council_change_list(*, council: Council, limit: int = 20) -> list[CouncilAuditEntry]:
    """The latest entries of the council's own audit trail (settings, boundaries, postcodes)."""
    return list(CouncilAuditEntry.objects.filter(council=council).select_related("actor")[:limit])


def settings_event_list_for_council(*, council: Council, limit: int = 50) -> list[SettingsEvent]:
    return list(SettingsEvent.objects.filter(council=council).select_related("actor")[:limit])


@dataclass
class ChecklistItem:
    key: str
    label: str
    done: bool
    detail: str
    fix_url: str


def admins_with_mfa(*, council: Council) -> list:
    admins = [
        r.user
        for r in StaffRole.objects.filter(
            council=council, role=StaffRoleKind.COUNCIL_ADMIN, user__is_active=True
        ).select_related("user")
    ]
    with_mfa = set(
        Authenticator.objects.filter(
            user__in=admins, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
        ).values_list("user_id", flat=True)
    )
    return [u for u in admins if u.pk in with_mfa]


def go_live_checklist(*, council: Council) -> list[ChecklistItem]:
    """What a council needs before residents use it, each with whether it is done and where to
    put it right."""
    slug = council.slug
    wards = council.areas.filter(kind=AreaKind.WARD).count()
    service_rows = services_queries.service_settings_for_council(council=council)
    chosen = [s for _svc, s in service_rows if s is not None]
    offered = [s for s in chosen if not s.hidden]
    settings_url = reverse("onboarding:settings", args=[slug])
    has_contact = bool(council.website and (council.phone or council.email))
    missing_contact = [
        str(label)
        for present, label in [
            (council.website, _("website")),
            (council.phone or council.email, _("a phone number or email address")),
        ]
        if not present
    ]
    admins = admins_with_mfa(council=council)
    return [
        ChecklistItem(
            key="boundaries",
            label=str(_("Ward boundaries loaded")),
            done=wards > 0,
            detail=(
                str(_("%(count)s wards loaded.") % {"count": wards})
                if wards
                else str(
                    _(
                        "No wards yet. Your platform operator loads them from the ONS boundary "
                        "file with: manage.py councils_import_boundaries %(slug)s FILE"
                    )
                    % {"slug": slug}
                )
            ),
            fix_url=reverse("council-detail", args=[slug]),
        ),
        ChecklistItem(
            key="services",
            label=str(_("Services chosen")),
            done=bool(chosen) and bool(offered),
            detail=(
                str(_("%(count)s services offered.") % {"count": len(offered)})
                if chosen and offered
                else str(_("Choose which services you offer on Pocket Council."))
            ),
            fix_url=reverse("onboarding:services", args=[slug]),
        ),
        ChecklistItem(
            key="contact",
            label=str(_("Contact details")),
            done=has_contact,
            detail=(
                str(_("Residents can find your website and contact you."))
                if has_contact
                else str(_("Missing: %(what)s.") % {"what": ", ".join(missing_contact)})
            ),
            fix_url=settings_url + "#id_website",
        ),
        ChecklistItem(
            key="privacy",
            label=str(_("Privacy notice")),
            done=bool(council.privacy_notice_url),
            detail=(
                council.privacy_notice_url
                if council.privacy_notice_url
                else str(_("Add the address of your privacy notice."))
            ),
            fix_url=settings_url + "#id_privacy_notice_url",
        ),
        ChecklistItem(
            key="admin_mfa",
            label=str(_("A council admin with two-factor authentication")),
            done=bool(admins),
            detail=(
                str(_("%(count)s council admins have set it up.") % {"count": len(admins)})
                if admins
                else str(
                    _(
                        "No council admin has set up two-factor authentication yet. Invite one: "
                        "they set it up the first time they open staff pages."
                    )
                )
            ),
            fix_url=reverse("onboarding:invitations", args=[slug]),
        ),
    ]
