"""Request plumbing for accounts: assisted digital, and two-factor authentication for /admin/."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from pocketcouncil.accounts import permissions
from pocketcouncil.accounts.models import AssistedSession
from pocketcouncil.languages import paths

ASSISTED_SESSION_KEY = "accounts_assisted_session"

# Pages a member of staff may not open while acting for a resident: the resident's sign-in
# methods, email addresses and security keys stay the resident's own business.
_BLOCKED_WHILE_ASSISTING = ("/accounts/", "/admin/")
_ALLOWED_WHILE_ASSISTING = ("/accounts/logout/",)


class AssistedDigitalMiddleware:
    """While a member of staff acts for a resident, ``request.user`` is the resident and
    ``request.staff_user`` the member of staff; ``request.assisted_session`` says why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session_id = request.session.get(ASSISTED_SESSION_KEY)
        if session_id is not None and request.user.is_authenticated:
            staff = request.user
            assisted = (
                AssistedSession.objects.select_related("resident", "council")
                .filter(pk=session_id, staff=staff, ended_at__isnull=True)
                .first()
            )
            if assisted is None or not permissions.has_perm(
                staff, "accounts.act_for_resident", assisted.council
            ):
                del request.session[ASSISTED_SESSION_KEY]
            else:
                # /cy/accounts/ is /accounts/ in Welsh: check the path without its language.
                path = paths.path_without_language(request.path)
                if path.startswith(_BLOCKED_WHILE_ASSISTING) and not path.startswith(
                    _ALLOWED_WHILE_ASSISTING
                ):
                    messages.warning(
                        request,
                        _("Stop acting for %(name)s before opening that page.")
                        % {"name": assisted.resident},
                    )
                    return redirect("accounts-staff-assist")
                request.staff_user = staff
                request.assisted_session = assisted
                request.user = assisted.resident
        return self.get_response(request)


class AdminRequiresMfaMiddleware:
    """Django admin opens only for staff who used two-factor authentication this session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        admin_root = reverse("admin:index")
        if (
            request.path.startswith(admin_root)
            and request.user.is_authenticated
            and request.user.is_staff
            and not request.path.startswith((admin_root + "login/", admin_root + "logout/"))
        ):
            response = permissions.mfa_gate(request)
            if response is not None:
                return response
        return self.get_response(request)
