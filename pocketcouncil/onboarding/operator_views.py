"""The platform operator's page to add a council (a Django superuser, as in councils.actions)."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pocketcouncil.accounts import permissions
from pocketcouncil.councils import actions as councils_actions
from pocketcouncil.councils import queries as councils_queries
from pocketcouncil.councils.models import Council, CouncilTier
from pocketcouncil.onboarding import forms


def operator_required(view):
    """Signed in, two-factor authentication used this session, and a platform operator."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = permissions.mfa_gate(request)
        if response is not None:
            return response
        if not (request.user.is_active and request.user.is_superuser):
            raise PermissionDenied(_("This page is for platform operators."))
        return view(request, *args, **kwargs)

    return wrapper


@operator_required
def council_add(request):
    counties = [c for c in councils_queries.council_list() if c.tier == CouncilTier.COUNTY]
    form = forms.CouncilAddForm(request.POST or None, counties=counties)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                council = councils_actions.council_add(
                    slug=data["slug"],
                    name=data["name"],
                    name_cy=data["name_cy"],
                    gss=data["gss"],
                    tier=data["tier"],
                    parent=data["parent"] or None,
                    actor=request.user,
                )
            except councils_actions.CouncilSlugTakenError as error:
                form.add_error("slug", str(error))
            except councils_actions.CouncilGssTakenError as error:
                form.add_error("gss", str(error))
            except councils_actions.CouncilAddError as error:
                form.add_error(None, str(error))
            else:
                return redirect("onboarding:council-added", slug=council.slug)
        status = 400
    return render(request, "onboarding/council_add.html", {"form": form}, status=status)


@operator_required
def council_added(request, slug):
    try:
        council = councils_queries.council_get(slug)
    except Council.DoesNotExist:
        return redirect("onboarding:council-add")
    return render(
        request,
        "onboarding/council_added.html",
        {"council": council, "users_admin": reverse("admin:accounts_user_changelist")},
    )
