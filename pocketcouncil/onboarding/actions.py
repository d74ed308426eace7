"""Every write a council makes while setting itself up (the front door for onboarding writes).

Each action checks the actor's permission in that council, runs in one transaction and writes an
audit row in it, so a refused or failed change leaves nothing half-written: changes to the
council itself go into the councils app's audit trail (``CouncilAuditEntry``), service choices
and invitations into onboarding's ``SettingsEvent``.
"""

from __future__ import annotations

import math
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pocketcouncil.accounts import actions as accounts_actions
from pocketcouncil.accounts import permissions
from pocketcouncil.accounts.models import StaffRole, StaffRoleKind
from pocketcouncil.councils import actions as councils_actions
from pocketcouncil.councils.models import (
    HEX_COLOUR,
    Council,
    CouncilAuditAction,
    white_text_contrast,
)
from pocketcouncil.notify import actions as notify_actions
from pocketcouncil.onboarding import audit, conf, logos, queries
from pocketcouncil.onboarding.models import SettingsEventKind, StaffInvitation
from pocketcouncil.services import actions as services_actions
from pocketcouncil.services import queries as services_queries

# What a council admin may change on the council settings page.
SETTINGS_FIELDS = (
    "name_en_gb",
    "name_cy",
    "logo_text",
    "brand_colour",
    "website",
    "phone",
    "email",
    "address",
    "opening_hours",
    "emergency_phone",
    "privacy_notice_url",
)
MINIMUM_CONTRAST = 4.5


class OnboardingError(Exception):
    """A change we refuse; the message says why in plain words, for the person."""


class InvitationError(OnboardingError):
    """An invitation that cannot be sent, revoked or accepted."""


# --- council settings --------------------------------------------------------------------


def _contrast_error(colour: str) -> str | None:
    if not HEX_COLOUR.regex.match(colour or ""):
        return None  # the model's validator words that one
    ratio = white_text_contrast(colour)
    if ratio >= MINIMUM_CONTRAST:
        return None
    # Rounded down, so a colour just short of 4.5:1 never reads as "4.5:1".
    shown = math.floor(ratio * 100) / 100
    return _(
        "White text on %(colour)s has a contrast ratio of %(ratio).2f:1. The header needs "
        "4.5:1 or more so that everyone can read it (WCAG 2.2, level AA). Choose a darker colour."
    ) % {"colour": colour, "ratio": shown}


@transaction.atomic
def council_settings_update(*, council: Council, actor, changes: dict) -> dict:
    """Change the council's names, contact details and colour. Returns what changed, as
    ``{field: [before, after]}`` (empty when nothing did). Raises ``ValidationError`` keyed by
    field for anything the council could not be saved with."""
    permissions.require(actor, "councils.manage_settings", council)
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"Not a council setting: {', '.join(sorted(unknown))}")
    locked = Council.objects.select_for_update().get(pk=council.pk)
    changed = {}
    for name, value in changes.items():
        value = (value or "").strip()
        if name == "brand_colour":
            value = value.lower()
        before = getattr(locked, name) or ""
        if value != before:
            changed[name] = [before, value]
            # An empty Welsh name is "not translated" (NULL), so the English name shows.
            setattr(locked, name, None if name == "name_cy" and not value else value)
    if not changed:
        return {}
    if "brand_colour" in changed and (message := _contrast_error(locked.brand_colour)):
        raise ValidationError({"brand_colour": message})
    if not locked.name_en_gb:
        raise ValidationError({"name_en_gb": _("Enter the council's name in English")})
    if (
        "name_en_gb" in changed
        and Council.objects.filter(name_en_gb=locked.name_en_gb).exclude(pk=locked.pk).exists()
    ):
        raise ValidationError(
            {"name_en_gb": _("Another council on the platform already has that name.")}
        )
    locked.full_clean(exclude=["logo", "name"])
    locked.save(update_fields=[*changed, "updated_at"])
    councils_actions.audit(
        council=locked,
        action=CouncilAuditAction.COUNCIL_CHANGED,
        actor=actor,
        before={name: values[0] for name, values in changed.items()},
        after={name: values[1] for name, values in changed.items()},
        note="council settings page",
    )
    for name, (_before, after) in changed.items():
        setattr(council, name, after)
    return changed


@transaction.atomic
def council_logo_set(*, council: Council, actor, upload) -> Council:
    """Replace the council's logo with the uploaded image (re-encoded; see ``logos``)."""
    permissions.require(actor, "councils.manage_settings", council)
    try:
        content = logos.logo_process(upload)
    except logos.LogoInvalidError as error:
        raise ValidationError({"logo": str(error)}) from None
    locked = Council.objects.select_for_update().get(pk=council.pk)
    old_name = locked.logo.name or ""
    locked.logo.save(content.name, content, save=False)
    locked.save(update_fields=["logo", "updated_at"])
    councils_actions.audit(
        council=locked,
        action=CouncilAuditAction.COUNCIL_CHANGED,
        actor=actor,
        before={"logo": old_name},
        after={"logo": locked.logo.name},
        note="logo uploaded",
    )
    _delete_file_after_commit(locked.logo.storage, old_name)
    council.logo = locked.logo
    return council


@transaction.atomic
def council_logo_remove(*, council: Council, actor) -> Council:
    permissions.require(actor, "councils.manage_settings", council)
    locked = Council.objects.select_for_update().get(pk=council.pk)
    old_name = locked.logo.name or ""
    if not old_name:
        return council
    storage = locked.logo.storage
    locked.logo = ""
    locked.save(update_fields=["logo", "updated_at"])
    councils_actions.audit(
        council=locked,
        action=CouncilAuditAction.COUNCIL_CHANGED,
        actor=actor,
        before={"logo": old_name},
        after={"logo": ""},
        note="logo removed",
    )
    _delete_file_after_commit(storage, old_name)
    council.logo = ""
    return council


def _delete_file_after_commit(storage, name: str) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- services the council offers ---------------------------------------------------------


@transaction.atomic
def services_offered_set(
    *, council: Council, actor, offered: set[int], among: set[int] | None = None
) -> dict:
    """Offer exactly the services with these LGSL codes (of the council's tiers); hide the rest.
    With ``among`` (LGSL codes: one page of the list), only those services are changed.
    Returns ``{lgsl: [offered_before, offered_after]}`` for each one that changed."""
    permissions.require(actor, "councils.manage_settings", council)
    changed = {}
    for service, setting in services_queries.service_settings_for_council(council=council):
        if among is not None and service.lgsl not in among:
            continue
        was_offered = not (setting and setting.hidden)
        now_offered = service.lgsl in offered
        if setting is None or was_offered != now_offered:
            services_actions.service_override_set(
                council=council, service=service, actor=actor, hidden=not now_offered
            )
        if was_offered != now_offered:
            changed[str(service.lgsl)] = [was_offered, now_offered]
    audit.record(council, SettingsEventKind.SERVICES_CHOSEN, actor=actor, changes=changed)
    return changed


@transaction.atomic
def council_service_update(
    *, council: Council, actor, service, name: str, website_url: str, reports_on_council_site: bool
) -> dict:
    """The council's own name for a service, its page on the council's website, and whether
    residents report it there rather than here. Returns what changed."""
    permissions.require(actor, "councils.manage_settings", council)
    before = services_queries.service_settings_for_council(council=council)
    setting = next((s for svc, s in before if svc.pk == service.pk), None)
    if not any(svc.pk == service.pk for svc, _s in before):
        raise OnboardingError(_("This council does not provide that service."))
    old = {
        "name": (setting.name if setting else None) or "",
        "website_url": setting.website_url if setting else "",
        "reports_on_council_site": bool(setting and setting.reports_on_council_site),
    }
    new = {
        "name": (name or "").strip(),
        "website_url": (website_url or "").strip(),
        "reports_on_council_site": bool(reports_on_council_site),
    }
    changed = {k: [old[k], new[k]] for k in new if old[k] != new[k]}
    if not changed:
        return {}
    services_actions.service_override_set(council=council, service=service, actor=actor, **new)
    audit.record(
        council,
        SettingsEventKind.SERVICE_CHANGED,
        actor=actor,
        changes=changed,
        detail=f"LGSL {service.lgsl}",
    )
    return changed


# --- staff invitations -------------------------------------------------------------------


def _digest(token: str) -> str:
    return queries.token_digest(token)


def invitation_url(token: str) -> str:
    return settings.POCKETCOUNCIL_SITE_URL + reverse("onboarding:invitation", args=[token])


@transaction.atomic
def invitation_send(
    *, council: Council, actor, email: str, role: str, team=None
) -> tuple[StaffInvitation, str]:
    """Invite someone by email to take ``role`` in ``council``. Returns the invitation and the
    link's secret (sent in the email and never stored)."""
    permissions.require(actor, "accounts.manage_roles", council)
    email = (email or "").strip().lower()
    if role not in StaffRoleKind.values:
        raise InvitationError(_("Choose a role"))
    if team is not None and team.council_id != council.pk:
        raise InvitationError(_("Choose a team of this council"))
    if StaffRole.objects.filter(council=council, role=role, user__email__iexact=email).exists():
        raise InvitationError(_("%(email)s already has that role here.") % {"email": email})
    now = timezone.now()
    if StaffInvitation.objects.filter(
        council=council,
        email=email,
        role=role,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
    ).exists():
        raise InvitationError(
            _("%(email)s has already been invited to that role. Revoke that invitation first.")
            % {"email": email}
        )
    token = secrets.token_urlsafe(32)
    invitation = StaffInvitation.objects.create(
        council=council,
        email=email,
        role=role,
        team=team,
        token_digest=_digest(token),
        invited_by=actor,
        created_at=now,
        expires_at=now + conf.invitation_lifetime(),
    )
    audit.record(
        council,
        SettingsEventKind.INVITATION_SENT,
        actor=actor,
        detail=f"{email} as {role} (invitation {invitation.pk})",
    )
    expires = timezone.localtime(invitation.expires_at)
    body = _(
        "%(inviter)s has invited you to work on Pocket Council for %(council)s as a "
        "%(role)s.\n\nTo accept, open this link and sign in with this email address "
        "(%(email)s):\n\n%(url)s\n\nThe link works once and runs out on %(expires)s. The first "
        "time you open staff pages you will be asked to set up two-factor authentication "
        "(an authenticator app or a passkey).\n\nIf you were not expecting this, you can "
        "ignore this email."
    ) % {
        "inviter": actor.get_full_name() or actor.email,
        "council": council.name,
        "role": invitation.get_role_display().lower(),
        "email": email,
        "url": invitation_url(token),
        "expires": expires.strftime("%-d %B %Y at %H:%M"),
    }
    notify_actions.direct_message_send(
        channel="email",
        to=email,
        subject=_("You are invited to be staff of %(council)s on Pocket Council")
        % {"council": council.name},
        body=body,
        reason="staff invitation",
        council=council,
    )
    return invitation, token


@transaction.atomic
def invitation_revoke(*, invitation: StaffInvitation, actor) -> StaffInvitation:
    permissions.require(actor, "accounts.manage_roles", invitation.council)
    locked = StaffInvitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.state() != "pending":
        raise InvitationError(_("That invitation has already been used, revoked or run out."))
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.save(update_fields=["revoked_at", "revoked_by"])
    audit.record(
        locked.council,
        SettingsEventKind.INVITATION_REVOKED,
        actor=actor,
        detail=f"{locked.email} as {locked.role} (invitation {locked.pk})",
    )
    return locked


@transaction.atomic
def invitation_accept(*, token: str, user) -> StaffRole:
    """Take the role an invitation offers. The person must be signed in with the invited
    address (checked by allauth: an email code, or the verified address of their account)."""
    found = queries.invitation_for_token(token)
    if found is None:
        raise InvitationError(_("This invitation link is not right. Check you copied all of it."))
    invitation = StaffInvitation.objects.select_for_update().get(pk=found.pk)
    state = invitation.state()
    if state != "pending":
        raise InvitationError(
            {
                "accepted": _("This invitation has already been used."),
                "revoked": _("This invitation was withdrawn by the council."),
                "expired": _("This invitation has run out. Ask the council for a new one."),
            }[state]
        )
    if not EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists():
        raise InvitationError(
            _("This invitation is for %(email)s. Sign out, then sign in with that address.")
            % {"email": invitation.email}
        )
    try:
        role = accounts_actions.staff_role_grant(
            council=found.council,
            user=user,
            role=invitation.role,
            team=invitation.team,
            actor=invitation.invited_by,
        )
    except PermissionDenied:
        raise InvitationError(
            _("The person who invited you can no longer give roles here. Ask for a new invitation.")
        ) from None
    except accounts_actions.AccountsError as error:
        raise InvitationError(str(error)) from None
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(
        found.council,
        SettingsEventKind.INVITATION_ACCEPTED,
        actor=user,
        detail=f"{invitation.email} as {invitation.role} (invitation {invitation.pk})",
    )
    return role
