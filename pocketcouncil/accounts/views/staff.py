"""Staff pages in accounts: the staff home, acting for a resident, in-person identity checks."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pocketcouncil.accounts import actions, forms, permissions, queries
from pocketcouncil.accounts.middleware import ASSISTED_SESSION_KEY
from pocketcouncil.accounts.models import StaffRole
from pocketcouncil.accounts.permissions import staff_required, staff_user
from pocketcouncil.councils import queries as councils_queries
from pocketcouncil.councils.models import Council


@staff_required
def staff_home(request):
    user = staff_user(request)
    return render(
        request,
        "accounts/staff/home.html",
        {
            "roles": permissions.roles_for(user),
            "council_pages": permissions.staff_pages_for(user),
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


@staff_required
def roles(request, slug):
    """A council admin gives and removes staff roles in their own council."""
    council = get_object_or_404(Council, slug=slug)
    permissions.require(request.user, "accounts.manage_roles", council)
    teams = councils_queries.team_list_for_council(council=council)
    form = forms.RoleGrantForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        user = queries.user_find_by_email(form.cleaned_data["email"])
        team = {str(t.pk): t for t in teams}.get(form.cleaned_data["team"])
        if user is None:
            form.add_error("email", _("There is no account with that email address."))
        else:
            try:
                actions.staff_role_grant(
                    council=council,
                    user=user,
                    role=form.cleaned_data["role"],
                    team=team,
                    actor=request.user,
                )
            except actions.AccountsError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Role given to %(name)s.") % {"name": user})
                return redirect("accounts-staff-roles", slug=council.slug)
    return render(
        request,
        "accounts/staff/roles.html",
        {"council": council, "roles": queries.staff_roles_for_council(council), "form": form},
    )


@staff_required
def role_remove(request, slug, pk):
    council = get_object_or_404(Council, slug=slug)
    permissions.require(request.user, "accounts.manage_roles", council)
    staff_role = get_object_or_404(StaffRole.objects.select_related("user"), pk=pk, council=council)
    error = None
    if request.method == "POST":
        try:
            actions.staff_role_remove(staff_role=staff_role, actor=request.user)
        except actions.AccountsError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Role removed."))
            return redirect("accounts-staff-roles", slug=council.slug)
    return render(
        request,
        "accounts/staff/role_remove.html",
        {"council": council, "staff_role": staff_role, "error": error},
    )
