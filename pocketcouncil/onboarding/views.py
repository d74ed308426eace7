"""Onboarding pages: thin views that parse, check who may, call an action or query, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pocketcouncil.accounts import permissions
from pocketcouncil.accounts.permissions import staff_required
from pocketcouncil.councils import queries as councils_queries
from pocketcouncil.councils.models import Council, white_text_contrast
from pocketcouncil.onboarding import actions, conf, forms, queries
from pocketcouncil.onboarding.models import StaffInvitation
from pocketcouncil.services import queries as services_queries


def _council(request, slug: str, action: str) -> Council:
    try:
        council = councils_queries.council_get(slug)
    except Council.DoesNotExist:
        raise Http404("No such council") from None
    permissions.require(request.user, action, council)
    return council


def _add_errors(form, error: ValidationError) -> None:
    """Put an action's field errors on the form's fields (others at the top)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- council settings --------------------------------------------------------------------


def _settings_page(request, council, form=None, logo_form=None, status=200):
    initial = {name: getattr(council, name) for name in actions.SETTINGS_FIELDS}
    return render(
        request,
        "onboarding/settings.html",
        {
            "council": council,
            "form": form or forms.CouncilSettingsForm(initial=initial),
            "logo_form": logo_form or forms.LogoForm(),
            "contrast": white_text_contrast(council.brand_colour),
            "events": queries.council_change_list(council=council),
        },
        status=status,
    )


@staff_required
def council_settings(request, slug):
    council = _council(request, slug, "councils.manage_settings")
    if request.method != "POST":
        return _settings_page(request, council)
    form = forms.CouncilSettingsForm(request.POST)
    if form.is_valid():
        try:
            changed = actions.council_settings_update(
                council=council, actor=request.user, changes=form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Council settings saved.") if changed else _("Nothing was changed."),
            )
            return redirect("onboarding:settings", slug=council.slug)
    return _settings_page(request, council, form=form, status=400)


@require_POST
@staff_required
def council_logo_upload(request, slug):
    council = _council(request, slug, "councils.manage_settings")
    logo_form = forms.LogoForm(request.POST, request.FILES)
    if logo_form.is_valid():
        try:
            actions.council_logo_set(
                council=council, actor=request.user, upload=logo_form.cleaned_data["logo"]
            )
        except ValidationError as error:
            _add_errors(logo_form, error)
        else:
            messages.success(request, _("Logo saved."))
            return redirect("onboarding:settings", slug=council.slug)
    return _settings_page(request, council, logo_form=logo_form, status=400)


@require_POST
@staff_required
def council_logo_remove(request, slug):
    council = _council(request, slug, "councils.manage_settings")
    actions.council_logo_remove(council=council, actor=request.user)
    messages.success(request, _("Logo removed."))
    return redirect("onboarding:settings", slug=council.slug)


def council_logo(request, slug):
    """The council's logo (public: it is shown in the header of the council's pages)."""
    try:
        council = councils_queries.council_get(slug)
    except Council.DoesNotExist:
        raise Http404("No such council") from None
    if not council.logo:
        raise Http404("No logo")
    try:
        handle = council.logo.open("rb")
    except FileNotFoundError:
        raise Http404("No logo") from None
    response = FileResponse(handle, content_type="image/png")
    # The file name changes with every upload, but this address does not: cache briefly.
    response["Cache-Control"] = "public, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- services ----------------------------------------------------------------------------


# One page of the services list: the full LGSL has over a thousand services, more checkboxes
# than one form may send (DATA_UPLOAD_MAX_NUMBER_FIELDS), and too many to read at once.
SERVICES_PER_PAGE = 100


@staff_required
def services_offered(request, slug):
    council = _council(request, slug, "councils.manage_settings")
    rows = services_queries.service_settings_for_council(council=council)
    paginator = Paginator(rows, SERVICES_PER_PAGE)
    page = paginator.get_page(request.POST.get("page") or request.GET.get("page"))
    services = [service for service, _setting in page.object_list]
    if request.method == "POST":
        form = forms.ServicesOfferedForm(request.POST, services=services)
        if form.is_valid():
            changed = actions.services_offered_set(
                council=council,
                actor=request.user,
                offered={int(code) for code in form.cleaned_data["offered"]},
                among={service.lgsl for service in services},
            )
            messages.success(
                request,
                _("Services saved: %(count)s changed.") % {"count": len(changed)},
            )
            url = reverse("onboarding:services", args=[council.slug])
            return redirect(f"{url}?page={page.number}" if page.number > 1 else url)
        status = 400
    else:
        form = forms.ServicesOfferedForm(
            services=services,
            initial={
                "offered": [
                    str(s.lgsl)
                    for s, setting in page.object_list
                    if not (setting and setting.hidden)
                ]
            },
        )
        status = 200
    chosen = {str(code) for code in (form["offered"].value() or [])}
    return render(
        request,
        "onboarding/services.html",
        {
            "council": council,
            "form": form,
            "page": page,
            "rows": [
                (service, setting, str(service.lgsl) in chosen)
                for service, setting in page.object_list
            ],
            "saved_before": any(setting is not None for _service, setting in rows),
        },
        status=status,
    )


@staff_required
def service_edit(request, slug, lgsl):
    council = _council(request, slug, "councils.manage_settings")
    rows = services_queries.service_settings_for_council(council=council)
    found = next(((s, setting) for s, setting in rows if s.lgsl == lgsl), None)
    if found is None:
        raise Http404("This council does not provide that service")
    service, setting = found
    status = 200
    if request.method == "POST":
        form = forms.CouncilServiceForm(request.POST)
        if form.is_valid():
            try:
                actions.council_service_update(
                    council=council, actor=request.user, service=service, **form.cleaned_data
                )
            except ValidationError as error:
                _add_errors(form, error)
            except actions.OnboardingError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("%(name)s saved.") % {"name": service.name})
                return redirect("onboarding:services", slug=council.slug)
        status = 400
    else:
        form = forms.CouncilServiceForm(
            initial={
                "name": (setting.name if setting else "") or "",
                "website_url": setting.website_url if setting else "",
                "reports_on_council_site": (
                    "council" if setting and setting.reports_on_council_site else "here"
                ),
            }
        )
    return render(
        request,
        "onboarding/service_edit.html",
        {"council": council, "service": service, "setting": setting, "form": form},
        status=status,
    )


# --- staff invitations -------------------------------------------------------------------


@staff_required
def invitations(request, slug):
    council = _council(request, slug, "accounts.manage_roles")
    teams = councils_queries.team_list_for_council(council=council)
    form = forms.InvitationForm(request.POST or None, teams=teams)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            team = {str(t.pk): t for t in teams}.get(form.cleaned_data["team"])
            try:
                invitation, _token = actions.invitation_send(
                    council=council,
                    actor=request.user,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    team=team,
                )
            except actions.InvitationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
                )
                return redirect("onboarding:invitations", slug=council.slug)
        status = 400
    return render(
        request,
        "onboarding/invitations.html",
        {
            "council": council,
            "form": form,
            "invitations": queries.invitation_list_for_council(council=council),
            "lifetime_days": conf.invitation_lifetime().days,
        },
        status=status,
    )


@require_POST
@staff_required
def invitation_revoke(request, slug, pk):
    council = _council(request, slug, "accounts.manage_roles")
    try:
        invitation = queries.invitation_get(council=council, pk=pk)
    except StaffInvitation.DoesNotExist:
        raise Http404("No such invitation") from None
    try:
        actions.invitation_revoke(invitation=invitation, actor=request.user)
    except actions.InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Invitation to %(email)s revoked.") % {"email": invitation.email}
        )
    return redirect("onboarding:invitations", slug=council.slug)


def invitation(request, token):
    """Where the emailed link lands: sign in with the invited address, then accept."""
    found = queries.invitation_for_token(token)
    if not request.user.is_authenticated:
        if found is None or found.state() != "pending":
            return render(request, "onboarding/invitation.html", {"invitation": found}, status=410)
        login_url = resolve_url(settings.LOGIN_URL)
        return redirect(f"{login_url}?{urlencode({REDIRECT_FIELD_NAME: request.path})}")
    error = None
    if request.method == "POST":
        try:
            role = actions.invitation_accept(token=token, user=request.user)
        except actions.InvitationError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                _("You are now %(role)s for %(council)s.")
                % {"role": role.get_role_display(), "council": role.council.name},
            )
            return redirect("accounts-staff-home")
    response = render(
        request,
        "onboarding/invitation.html",
        {"invitation": found, "error": error},
        status=400 if error else (200 if found and found.state() == "pending" else 410),
    )
    response["Cache-Control"] = "no-store"
    return response


# --- go-live checklist -------------------------------------------------------------------


@staff_required
def go_live(request, slug):
    council = _council(request, slug, "councils.manage_settings")
    items = queries.go_live_checklist(council=council)
    return render(
        request,
        "onboarding/go_live.html",
        {
            "council": council,
            "items": items,
            "missing": [item for item in items if not item.done],
        },
    )
