"""Who may do what, where. The only way any app checks a staff permission.

    from pocketcouncil.accounts import permissions

    permissions.require(request.user, "cases.change_status", case)   # PermissionDenied if not
    if permissions.has_perm(user, "engage.moderate", consultation): ...

An action is a string "<app>.<verb>". A role grants a fixed set of actions (``ROLE_ACTIONS``)
in the one council the role is held in: a case officer of Oxford may change the status of
Oxford's cases and of nobody else's. ``obj`` is a Council, anything with ``.council`` or
``.council_id``, or None to ask "in any council?" (e.g. whether to show a staff menu link).

``staff_required`` guards every page under /staff/: a council role AND two-factor
authentication (an authenticator app or a passkey) used in this session.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pocketcouncil.accounts.models import StaffRole, StaffRoleKind

_ALL_STAFF = {"staff.view"}

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    StaffRoleKind.COUNCIL_ADMIN: frozenset(
        _ALL_STAFF
        | {
            "accounts.manage_roles",
            "accounts.verify_identity",
            "accounts.act_for_resident",
            "cases.view",
            "cases.change_status",
            "cases.assign",
            "cases.note",
            "channels.answer",  # issue 21: the inbox of email, texts and social media
            "cases.merge",
            "services.edit",
            "services.configure",  # issue 17: hide a service, name its team (was Django admin)
            "notify.edit_templates",
            "news.publish",
            "engage.manage",
            "engage.moderate",
            "transparency.publish",
            "transparency.import_spending",
            "transparency.edit_budgets",
            "insight.view",
            "insight.log_contact",  # issue 22: log a call or visit
            "insight.configure",  # issue 22: the council's own cost per contact
            "integrations.manage",
            # Council onboarding (issue 16): settings, services offered, go-live checklist.
            "councils.manage_settings",
            "directory.review",
            # payments (issue 20)
            "payments.manage",
            "payments.view",
            "payments.refund",
            "payments.approve",
            # thank-you rewards (issue 24): the scheme, rules, offers; anomaly flags
            "rewards.manage",
            "rewards.review",
            "payments.set_prices",
        }
    ),
    StaffRoleKind.SERVICE_MANAGER: frozenset(
        _ALL_STAFF
        | {
            "cases.view",
            "cases.change_status",
            "cases.assign",
            "cases.note",
            "channels.answer",  # issue 21: the inbox of email, texts and social media
            "cases.merge",
            "services.edit",
            "notify.edit_templates",
            "news.publish",
            "engage.manage",
            "transparency.import_spending",
            "transparency.edit_budgets",
            "insight.view",
            "insight.log_contact",
            "insight.configure",
            "directory.review",
            # payments (issue 20)
            "payments.view",
            "payments.refund",
            "payments.approve",
            # thank-you rewards (issue 24)
            "rewards.manage",
            "rewards.review",
            "payments.set_prices",
        }
    ),
    StaffRoleKind.CASE_OFFICER: frozenset(
        _ALL_STAFF
        | {
            "cases.view",
            "cases.change_status",
            "cases.assign",
            "cases.note",
            "channels.answer",  # issue 21: the inbox of email, texts and social media
            "cases.merge",
            "accounts.act_for_resident",
            "accounts.verify_identity",
            "insight.log_contact",
            # payments (issue 20): see bookings, approve permits; refunds need a manager
            "payments.view",
            "payments.approve",
        }
    ),
    StaffRoleKind.MODERATOR: frozenset(_ALL_STAFF | {"engage.moderate"}),
    StaffRoleKind.PARTNER_VIEWER: frozenset(_ALL_STAFF | {"partner.view_shared"}),
    # The privacy app gives this role its own pages (agreements, requests, access patterns).
    StaffRoleKind.DATA_PROTECTION_OFFICER: frozenset(_ALL_STAFF),
    # Front-line advisers on the phone or at the desk: see cases, add notes, act for a resident.
    StaffRoleKind.CONTACT_CENTRE: frozenset(
        _ALL_STAFF
        | {
            "cases.view",
            "cases.note",
            "accounts.act_for_resident",
            "channels.answer",
            "insight.log_contact",
        }
    ),
}

ACTIONS: frozenset[str] = frozenset().union(*ROLE_ACTIONS.values())

# The most an API client (an object with ``integration_grant``: ``council_id`` and ``actions``)
# can ever be granted, whatever it claims: adding notes to its council's cases.
INTEGRATION_ACTIONS: frozenset[str] = frozenset({"cases.note"})


class UnknownActionError(ValueError):
    """An action name nobody grants: almost certainly a typo in the calling code."""


def roles_for(user) -> list[StaffRole]:
    """The user's council roles (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_pocketcouncil_roles", None)
    if cached is None:
        cached = list(StaffRole.objects.filter(user=user).select_related("council", "team"))
        user._pocketcouncil_roles = cached
    return cached


def _council_id_of(obj) -> int | None:
    from pocketcouncil.councils.models import Council

    if isinstance(obj, Council):
        return obj.pk
    council_id = getattr(obj, "council_id", None)
    if council_id is not None:
        return council_id
    council = getattr(obj, "council", None)
    if council is not None:
        return council.pk
    raise TypeError(f"Cannot tell which council {obj!r} belongs to.")


def has_perm(user, action: str, obj=None) -> bool:
    """Whether ``user`` may do ``action`` on ``obj`` (see the module docstring)."""
    if action not in ACTIONS:
        raise UnknownActionError(f"No role grants {action!r}; see permissions.ROLE_ACTIONS.")
    grant = getattr(user, "integration_grant", None)
    if grant is not None:
        # Not a person: an API client (open311) with its own narrow grant in one council.
        return action in INTEGRATION_ACTIONS & grant.actions and (
            obj is None or _council_id_of(obj) == grant.council_id
        )
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    roles = roles_for(user)
    if obj is None:
        return any(action in ROLE_ACTIONS[role.role] for role in roles)
    council_id = _council_id_of(obj)
    return any(
        role.council_id == council_id and action in ROLE_ACTIONS[role.role] for role in roles
    )


def require(user, action: str, obj=None) -> None:
    """Raise ``PermissionDenied`` (a 403 page) unless ``has_perm``."""
    if not has_perm(user, action, obj):
        raise PermissionDenied(_("You do not have permission to do that."))


def councils_where(user, action: str) -> list:
    """The councils in which the user may do ``action``, by name."""
    if action not in ACTIONS:
        raise UnknownActionError(f"No role grants {action!r}; see permissions.ROLE_ACTIONS.")
    councils = {r.council_id: r.council for r in roles_for(user) if action in ROLE_ACTIONS[r.role]}
    return sorted(councils.values(), key=lambda c: c.name)


def is_staff_member(user) -> bool:
    return bool(roles_for(user))


def has_mfa(user) -> bool:
    """Whether the user has an authenticator app or a passkey (recovery codes do not count)."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def session_used_mfa(request, user) -> bool:
    """Whether ``user`` used two-factor authentication to sign in (or re-confirm) in this
    session."""
    from allauth.account.internal.flows.login import get_authentication_records

    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


def staff_user(request):
    """The person really at the keyboard (the member of staff while they act for a resident)."""
    return getattr(request, "staff_user", None) or request.user


def mfa_gate(request):
    """None if the user may open staff pages now, else the response that sends them on."""
    user = staff_user(request)
    next_url = request.get_full_path()
    if not user.is_authenticated:
        login_url = resolve_url(settings.LOGIN_URL)
        return redirect(f"{login_url}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")
    if not has_mfa(user):
        messages.warning(
            request,
            _(
                "Council staff accounts must use two-factor authentication. Set up an "
                "authenticator app (or a passkey) to open staff pages."
            ),
        )
        return redirect(f"{resolve_url('mfa_activate_totp')}?{urlencode({'next': next_url})}")
    if not session_used_mfa(request, user):
        return redirect(f"{resolve_url('mfa_reauthenticate')}?{urlencode({'next': next_url})}")
    return None


def _staff_gate(request):
    """None to carry on as staff, else the response. On staff pages ``request.user`` is always
    the member of staff, even while they act for a resident elsewhere on the site."""
    user = staff_user(request)
    if user.is_authenticated and not is_staff_member(user):
        raise PermissionDenied(_("This page is for council staff."))
    response = mfa_gate(request)
    if response is None:
        request.user = user
    return response


def staff_required(view):
    """Decorator for staff pages: a council role, and two-factor authentication in use."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = _staff_gate(request)
        if response is not None:
            return response
        return view(request, *args, **kwargs)

    return wrapper


class StaffRequiredMixin:
    """Class-based version of ``staff_required``."""

    def dispatch(self, request, *args, **kwargs):
        response = _staff_gate(request)
        if response is not None:
            return response
        return super().dispatch(request, *args, **kwargs)


# The staff pages of every app, in the order the staff home lists them: (action needed, URL
# name taking the council's slug, label). An app adding a staff page adds a line here, so the
# page can be found from /staff/.
STAFF_PAGES: tuple[tuple[str, str, str], ...] = (
    ("cases.view", "cases:staff-queue", gettext_lazy("Cases: the queue")),
    ("cases.view", "notify:staff-log", gettext_lazy("Messages sent to residents")),
    ("notify.edit_templates", "notify:staff-templates", gettext_lazy("Wording of messages")),
    ("news.publish", "news:staff-news", gettext_lazy("News and service disruptions")),
    ("news.publish", "news:staff-rounds", gettext_lazy("Bin collection rounds")),
    ("engage.manage", "engage:staff-index", gettext_lazy("Have your say: engagements")),
    ("engage.moderate", "engage:staff-moderation", gettext_lazy("Have your say: moderation")),
    ("transparency.import_spending", "staff-spending-imports", gettext_lazy("Spending data")),
    ("transparency.edit_budgets", "staff-budgets", gettext_lazy("Council tax figures")),
    ("integrations.manage", "open311:staff-integrations", gettext_lazy("Integrations")),
    ("accounts.manage_roles", "accounts-staff-roles", gettext_lazy("Staff roles")),
    # Council onboarding (issue 16)
    ("councils.manage_settings", "onboarding:go-live", gettext_lazy("Go-live checklist")),
    ("councils.manage_settings", "onboarding:settings", gettext_lazy("Council settings")),
    ("councils.manage_settings", "onboarding:services", gettext_lazy("Services you offer")),
    ("accounts.manage_roles", "onboarding:invitations", gettext_lazy("Staff invitations")),
    # issue 17: a council's own version of its services
    ("services.edit", "services:staff-content", gettext_lazy("Service content")),
    ("services.edit", "ask:staff-unanswered", gettext_lazy("Ask us: questions without an answer")),
    # issue 17 (learning from staff corrections)
    ("services.edit", "services:staff-learning", gettext_lazy("What the front door learned")),
    ("directory.review", "directory:staff-review", gettext_lazy("Community directory: review")),
    # payments (issue 20)
    ("payments.view", "payments:staff-payments", gettext_lazy("Payments and bookings")),
    ("payments.approve", "payments:staff-permits", gettext_lazy("Parking permit approvals")),
    ("payments.approve", "payments:staff-concessions", gettext_lazy("Concession approvals")),
    ("payments.manage", "payments:staff-account", gettext_lazy("GOV.UK Pay account")),
    # issue 21
    ("channels.answer", "channels:staff-inbox", gettext_lazy("Inbox: email, texts, social media")),
    # demand and failure demand (issue 22)
    ("insight.view", "insight:dashboard", gettext_lazy("Demand and failure demand")),
    ("insight.log_contact", "insight:log", gettext_lazy("Log a call or visit")),
    # thank-you rewards (issue 24)
    ("rewards.manage", "rewards:staff-scheme", gettext_lazy("Thank-you rewards")),
    ("rewards.review", "rewards:staff-flags", gettext_lazy("Thank-you rewards: flags")),
    ("payments.set_prices", "payments:staff-charges", gettext_lazy("Prices and collection days")),
)


def staff_pages_for(user) -> list[tuple]:
    """[(council, [(label, url), ...]), ...]: the staff pages the user may open, per council."""
    from django.urls import NoReverseMatch, reverse

    councils = sorted(
        {r.council_id: r.council for r in roles_for(user)}.values(), key=lambda c: c.name
    )
    found = []
    for council in councils:
        pages = []
        for action, url_name, label in STAFF_PAGES:
            if not has_perm(user, action, council):
                continue
            try:
                url = reverse(url_name, args=[council.slug])
            except NoReverseMatch:  # a page that takes no council: chosen on the page
                url = reverse(url_name) + f"?council={council.slug}"
            pages.append((label, url))
        found.append((council, pages))
    return found
