"""The resident's own account pages: what we hold, why, and how to change or remove it."""

from __future__ import annotations

from allauth.core import ratelimit
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from pocketcouncil.accounts import actions, forms, levels, personal_data, queries
from pocketcouncil.accounts.models import Place, PlaceKind
from pocketcouncil.accounts.views.common import actor, go_next, next_url, rotate_if_changed


def _level_context(user) -> dict:
    facts = queries.facts_for(user)
    return {
        "level": levels.level_from(facts),
        "facts": facts,
        "level_records": queries.level_records_for(user),
    }


@login_required
def profile(request):
    user = request.user
    context = {
        **_level_context(user),
        "profile": queries.profile_get(user),
        "places": queries.places_for(user),
        "interests": [
            label for value, label in queries.topics() if value in set(queries.interests_for(user))
        ],
        "channels": queries.channel_preferences_for(user),
        "channel_labels": dict(forms.ChannelsForm.base_fields["channels"].choices),
        "has_password": user.has_usable_password(),
        "authenticators": list(
            Authenticator.objects.filter(user=user).values_list("type", flat=True)
        ),
        "events": queries.account_events_for(user, limit=10),
    }
    return render(request, "accounts/profile.html", context)


def _display(obj, name):
    field = obj._meta.get_field(name)
    value = getattr(obj, name)
    if getattr(field, "choices", None):
        return getattr(obj, f"get_{name}_display")()
    if value is None or value == "":
        return ""
    return value


@login_required
def data(request):
    """Every item of personal data held about the resident, with why we hold it."""
    sections = []
    for entry in personal_data.entries():
        items = []
        related = [n for n in entry.fields if entry.model._meta.get_field(n).is_relation]
        for obj in entry.queryset_for(request.user).select_related(*related):
            items.append(
                {
                    "object": obj,
                    "rows": [
                        {
                            "name": name,
                            "label": obj._meta.get_field(name).verbose_name,
                            "value": _display(obj, name),
                            "purpose": purpose,
                        }
                        for name, purpose in entry.fields.items()
                    ],
                }
            )
        sections.append({"title": entry.title, "items": items, "fields": entry.fields})
    return render(request, "accounts/data.html", {"sections": sections})


@login_required
def name(request):
    form = forms.NameForm(request.POST or None, initial={"full_name": request.user.full_name})
    if request.method == "POST" and form.is_valid():
        actions.full_name_update(
            user=request.user, full_name=form.cleaned_data["full_name"], actor=actor(request)
        )
        messages.success(request, _("Your name has been saved."))
        return go_next(request)
    return render(request, "accounts/name.html", {"form": form})


@login_required
def mobile(request):
    form = forms.MobileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.consume(request, action="accounts_sms_send", user=request.user):
            form.add_error(
                "mobile",
                _("You have asked for too many codes. Wait 10 minutes, then try again."),
            )
            return render(request, "accounts/mobile.html", {"form": form}, status=429)
        try:
            actions.mobile_code_send(
                user=request.user, mobile=form.cleaned_data["mobile"], actor=actor(request)
            )
        except actions.MobileNumberInvalidError as error:
            form.add_error("mobile", str(error))
        else:
            url = reverse("accounts-mobile-code")
            nxt = next_url(request)
            return redirect(f"{url}?{urlencode({'next': nxt})}" if nxt else url)
    return render(request, "accounts/mobile.html", {"form": form, "next": next_url(request)})


@login_required
def mobile_code(request):
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.consume(request, action="accounts_sms_check", user=request.user):
            form.add_error("code", _("Too many tries. Wait 10 minutes, then ask for a new code."))
            return render(request, "accounts/mobile_code.html", {"form": form}, status=429)
        try:
            change = actions.mobile_verify(
                user=request.user, code=form.cleaned_data["code"], actor=actor(request)
            )
        except actions.AccountsError as error:
            form.add_error("code", str(error))
        else:
            rotate_if_changed(request, change)
            messages.success(request, _("Your mobile number has been checked."))
            return go_next(request)
    return render(request, "accounts/mobile_code.html", {"form": form, "next": next_url(request)})


def _removal(request, *, step, template, remove, extra=None):
    """Warn first (what level the person would drop to), then remove on POST."""
    user = request.user
    current = queries.level_for(user)
    after = current if step is None else actions.level_after_removing(user=user, step=step)
    if request.method == "POST":
        change = remove()
        rotate_if_changed(request, change)
        if change.lowered:
            messages.success(
                request,
                _("Removed. Your account is now level %(level)s.") % {"level": change.after},
            )
        else:
            messages.success(request, _("Removed."))
        return redirect("accounts-profile")
    return render(
        request,
        template,
        {
            "current_level": current,
            "level_after": after,
            "lowers": after < current,
            **(extra or {}),
        },
    )


@login_required
def mobile_remove(request):
    profile_ = queries.profile_get(request.user)
    if not profile_.mobile:
        return redirect("accounts-profile")
    return _removal(
        request,
        step=levels.MOBILE,
        template="accounts/mobile_remove.html",
        remove=lambda: actions.mobile_remove(user=request.user, actor=actor(request)),
        extra={"mobile": profile_.mobile},
    )


def _place_form_view(request, *, kind, place=None):
    initial = {}
    if place is not None:
        initial = {"name": place.name, "address": place.address, "postcode": place.postcode}
    form = forms.PlaceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            _place, change = actions.place_save(
                user=request.user,
                kind=kind,
                place=place,
                actor=actor(request),
                **form.cleaned_data,
            )
        except (actions.PlacePostcodeError, actions.PlaceOutsideCouncilsError) as error:
            form.add_error("postcode", str(error))
        else:
            rotate_if_changed(request, change)
            messages.success(request, _("Your address has been saved."))
            return go_next(request)
    return render(
        request,
        "accounts/place_form.html",
        {"form": form, "kind": kind, "place": place, "next": next_url(request)},
    )


@login_required
def home(request):
    return _place_form_view(request, kind=PlaceKind.HOME, place=queries.home_for(request.user))


@login_required
def place_add(request):
    return _place_form_view(request, kind=PlaceKind.OTHER)


@login_required
def place_edit(request, pk):
    place = get_object_or_404(Place, pk=pk, user=request.user)
    return _place_form_view(request, kind=place.kind, place=place)


@login_required
def place_remove(request, pk):
    place = get_object_or_404(Place, pk=pk, user=request.user)
    return _removal(
        request,
        step=levels.ADDRESS if place.kind == PlaceKind.HOME else None,
        template="accounts/place_remove.html",
        remove=lambda: actions.place_remove(place=place, actor=actor(request)),
        extra={"place": place},
    )


@login_required
def interests(request):
    form = forms.InterestsForm(
        request.POST or None, initial={"topics": queries.interests_for(request.user)}
    )
    if request.method == "POST" and form.is_valid():
        actions.interests_set(
            user=request.user, topics=form.cleaned_data["topics"], actor=actor(request)
        )
        messages.success(request, _("Your topics have been saved."))
        return go_next(request)
    return render(request, "accounts/interests.html", {"form": form})


@login_required
def channels(request):
    current = queries.channel_preferences_for(request.user)
    form = forms.ChannelsForm(
        request.POST or None, initial={"channels": [c for c, on in current.items() if on]}
    )
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["channels"])
        try:
            actions.channel_preferences_set(
                user=request.user,
                preferences={c: c in chosen for c in current},
                actor=actor(request),
            )
        except actions.AccountsError as error:
            form.add_error("channels", str(error))
        else:
            messages.success(request, _("How we contact you has been saved."))
            return go_next(request)
    return render(request, "accounts/channels.html", {"form": form})


@login_required
def identity(request):
    apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
    return render(
        request,
        "accounts/identity.html",
        {
            "profile": queries.profile_get(request.user),
            "oidc_apps": apps,
            "connected": SocialAccount.objects.filter(user=request.user).exists(),
            "next": next_url(request),
        },
    )


@login_required
def identity_remove(request):
    if queries.profile_get(request.user).identity_verified_at is None:
        return redirect("accounts-profile")
    return _removal(
        request,
        step=levels.IDENTITY,
        template="accounts/identity_remove.html",
        remove=lambda: actions.identity_remove(user=request.user, actor=actor(request)),
    )


@login_required
def sign_out_everywhere(request):
    if getattr(request, "assisted_session", None) is not None:
        raise Http404  # staff acting for a resident cannot end the resident's own sessions
    if request.method == "POST":
        actions.sessions_end_all(user=request.user, actor=request.user)
        logout(request)
        messages.success(request, _("You have been signed out on every device."))
        return redirect("home")
    return render(request, "accounts/sign_out_everywhere.html")
