"""Staff pages in accounts: the staff home, acting for a resident, in-person identity checks."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pocketcouncil.accounts import actions, forms, permissions, queries
from pocketcouncil.accounts.middleware import ASSISTED_SESSION_KEY
from pocketcouncil.accounts.permissions import staff_required, staff_user


@staff_required
def staff_home(request):
    user = staff_user(request)
    return render(
        request,
        "accounts/staff/home.html",
        {
            "roles": permissions.roles_for(user),
            "can_assist": bool(permissions.councils_where(user, "accounts.act_for_resident")),
            "can_verify": bool(permissions.councils_where(user, "accounts.verify_identity")),
        },
    )


def _council_from(form, user, action):
    councils = {str(c.pk): c for c in permissions.councils_where(user, action)}
    return councils.get(form.cleaned_data["council"])


@staff_required
def assist(request):
    """Start acting for a resident (or see who you are acting for)."""
    user = staff_user(request)
    councils = permissions.councils_where(user, "accounts.act_for_resident")
    if not councils:
        permissions.require(user, "accounts.act_for_resident")
    form = forms.AssistStartForm(request.POST or None, councils=councils)
    if request.method == "POST" and form.is_valid():
        resident = queries.user_find_by_email(form.cleaned_data["email"])
        council = _council_from(form, user, "accounts.act_for_resident")
        if resident is None:
            form.add_error("email", _("There is no account with that email address."))
        else:
            try:
                session = actions.assisted_session_start(
                    resident=resident,
                    council=council,
                    reason=form.cleaned_data["reason"],
                    actor=user,
                )
            except actions.AccountsError as error:
                form.add_error(None, str(error))
            else:
                request.session[ASSISTED_SESSION_KEY] = session.pk
                messages.success(
                    request, _("You are now acting for %(name)s.") % {"name": resident}
                )
                return redirect("accounts-profile")
    return render(
        request,
        "accounts/staff/assist.html",
        {"form": form, "assisted": getattr(request, "assisted_session", None)},
    )


@require_POST
@staff_required
def assist_stop(request):
    assisted = getattr(request, "assisted_session", None)
    if assisted is not None:
        actions.assisted_session_end(session=assisted, actor=staff_user(request))
        messages.success(
            request, _("You have stopped acting for %(name)s.") % {"name": assisted.resident}
        )
    request.session.pop(ASSISTED_SESSION_KEY, None)
    return redirect("accounts-staff-home")


@staff_required
def identity_check(request):
    """Record that you checked a resident's identity documents face to face."""
    user = staff_user(request)
    councils = permissions.councils_where(user, "accounts.verify_identity")
    if not councils:
        permissions.require(user, "accounts.verify_identity")
    form = forms.IdentityCheckForm(request.POST or None, councils=councils)
    if request.method == "POST" and form.is_valid():
        resident = queries.user_find_by_email(form.cleaned_data["email"])
        council = _council_from(form, user, "accounts.verify_identity")
        if resident is None:
            form.add_error("email", _("There is no account with that email address."))
        else:
            try:
                change = actions.identity_verify_in_person(
                    resident=resident,
                    council=council,
                    evidence=form.cleaned_data["evidence"],
                    actor=user,
                )
            except actions.AccountsError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("Identity check recorded for %(name)s. Their account is level %(level)s.")
                    % {"name": resident, "level": change.after},
                )
                return redirect("accounts-staff-home")
    return render(request, "accounts/staff/identity_check.html", {"form": form})
