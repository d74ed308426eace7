"""Thin views: the inbox, following things, settings, unsubscribe, push, Notify callbacks."""

from __future__ import annotations

import hmac
import json
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pocketcouncil.notify import actions, conf, queries
from pocketcouncil.notify.forms import (
    FollowForm,
    PreferencesForm,
    SubscriptionChannelsForm,
    TopicsForm,
)
from pocketcouncil.notify.models import Notification, SubjectKind, Subscription, Topic


def _council_model():
    # The council a subscription belongs to, reached through notify's own foreign key, so
    # notify imports nothing from the councils app.
    return Subscription._meta.get_field("council").related_model


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path on this site: a bare word ("x") would be taken by redirect() as a view name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# --- inbox ---------------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request):
    return render(
        request,
        "notify/inbox.html",
        {"inbox": queries.inbox_list_for_user(user=request.user, limit=100)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def message_detail(request, pk: int):
    try:
        message = queries.inbox_message_get(user=request.user, notification_id=pk)
    except Notification.DoesNotExist:
        raise Http404 from None
    if message.read_at is None:
        # Opening a message reads it; idempotent, so safe on GET.
        actions.inbox_mark_read(actor=request.user, notification_id=message.pk)
    return render(request, "notify/message.html", {"message": message})


@login_required
@require_POST
def inbox_read_all(request):
    actions.inbox_mark_read(actor=request.user)
    messages.success(request, _("All messages marked as read."))
    return redirect("notify:inbox")


# --- following -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def subscriptions(request):
    councils = _council_model().objects.order_by("name")
    form = TopicsForm(request.POST or None, councils=councils)
    if request.method == "POST" and form.is_valid():
        council = councils.get(slug=form.cleaned_data["council"])
        for topic in form.cleaned_data["topics"]:
            actions.subscription_create(
                actor=request.user,
                user=request.user,
                council=council,
                subject_kind=SubjectKind.TOPIC,
                subject_key=topic,
                label=str(Topic(topic).label),
            )
        messages.success(request, _("You are now following the topics you chose."))
        return redirect("notify:subscriptions")
    return render(
        request,
        "notify/subscriptions.html",
        {
            "subscriptions": queries.subscription_list_for_user(user=request.user),
            "form": form,
            "preferences": queries.preferences_get(user=request.user),
            "vapid_public_key": conf.get("NOTIFY_VAPID_PUBLIC_KEY", ""),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def follow(request):
    """Follow a case, an area or a topic; posted by "Follow" buttons anywhere on the site."""
    form = FollowForm(request.POST)
    fallback = _safe_next(request, "/")
    if not form.is_valid():
        messages.error(request, _("We could not follow that. Try again from the page you were on."))
        return redirect(fallback)
    data = form.cleaned_data
    council = _council_model().objects.filter(slug=data["council"]).first()
    if council is None:
        messages.error(request, _("We could not find that council."))
        return redirect(fallback)
    point = None
    if data["latitude"] is not None and data["longitude"] is not None:
        point = (data["latitude"], data["longitude"])
    categories = [c.strip() for c in (data["categories"] or "").split(",") if c.strip()]
    try:
        actions.subscription_create(
            actor=request.user,
            user=request.user,
            council=council,
            subject_kind=data["subject_kind"],
            subject_key=data["subject_key"] or "",
            label=data["label"] or "",
            point=point,
            radius_m=data["radius_m"],
            categories=categories,
        )
    except actions.NotifyInputError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(fallback)
    messages.success(
        request,
        _("You are following this. Change how you hear about it in %(link)s.")
        % {"link": _("what you follow")},
    )
    return redirect(fallback)


@login_required
@require_http_methods(["GET", "POST"])
def subscription_edit(request, pk: int):
    try:
        subscription = queries.subscription_get_for_user(user=request.user, subscription_id=pk)
    except Subscription.DoesNotExist:
        raise Http404 from None
    current = dict(subscription.channels.values_list("channel", "frequency"))
    form = SubscriptionChannelsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        actions.subscription_update_channels(
            actor=request.user, subscription=subscription, channels=form.cleaned_data["channels"]
        )
        messages.success(request, _("Saved. You will hear about it the way you chose."))
        return redirect("notify:subscriptions")
    return render(
        request,
        "notify/subscription_edit.html",
        {"subscription": subscription, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def subscription_delete(request, pk: int):
    try:
        subscription = queries.subscription_get_for_user(user=request.user, subscription_id=pk)
    except Subscription.DoesNotExist:
        raise Http404 from None
    label = str(subscription)
    actions.subscription_delete(actor=request.user, subscription=subscription)
    messages.success(request, _("You no longer follow %(label)s.") % {"label": label})
    return redirect("notify:subscriptions")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    current = queries.preferences_get(user=request.user)
    initial = {
        "quiet_hours_start": current.quiet_hours_start,
        "quiet_hours_end": current.quiet_hours_end,
        "digest_hour": current.digest_hour,
    }
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        quiet = (
            (data["quiet_hours_start"], data["quiet_hours_end"])
            if data["quiet_hours_start"] is not None
            else None
        )
        actions.preferences_update(
            actor=request.user,
            user=request.user,
            quiet_hours=quiet,
            digest_hour=data["digest_hour"],
        )
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notify:subscriptions")
    return render(
        request,
        "notify/preferences.html",
        {"form": form, "preferences": current},
        status=400 if form.errors else 200,
    )


# --- one-click unsubscribe (no sign-in) ----------------------------------------------------


@csrf_exempt  # RFC 8058: mail clients POST without a CSRF token; the signed token authorises.
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    if request.method == "GET":
        # Link checkers and mail scanners open links: a GET only asks to confirm.
        try:
            from pocketcouncil.notify.tokens import read_unsubscribe_token

            read_unsubscribe_token(token)
        except Exception:  # noqa: BLE001 - any damage to the token means the same thing
            return render(request, "notify/unsubscribe_invalid.html", status=400)
        return render(request, "notify/unsubscribe_confirm.html", {"token": token})
    try:
        result = actions.unsubscribe_with_token(token=token)
    except actions.UnsubscribeTokenError:
        return render(request, "notify/unsubscribe_invalid.html", status=400)
    return render(request, "notify/unsubscribe_done.html", {"result": result})


# --- Web Push ------------------------------------------------------------------------------


@require_POST
def push_subscribe(request):
    """Save (or, with "unsubscribe": true, remove) this browser's push subscription. JSON."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Sign in to turn on notifications.")}, status=403)
    try:
        data = json.loads(request.body or b"{}")
        endpoint = str(data["endpoint"])
        keys = data.get("keys") or {}
        if not isinstance(keys, dict):
            raise TypeError("keys must be an object")
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return JsonResponse(
            {"error": _("The browser sent something we could not read.")}, status=400
        )
    if data.get("unsubscribe"):
        actions.push_subscription_delete(actor=request.user, endpoint=endpoint)
        return JsonResponse({"ok": True})
    try:
        actions.push_subscription_save(
            actor=request.user,
            endpoint=endpoint,
            p256dh=str(keys.get("p256dh", "")),
            auth=str(keys.get("auth", "")),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except actions.NotifyInputError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse({"ok": True}, status=201)


@require_GET
@cache_control(max_age=0, no_cache=True)
def service_worker(request):
    """The service worker at /sw.js, so its scope is the whole site."""
    path = finders.find("js/sw.js") or Path(settings.STATIC_ROOT) / "js" / "sw.js"
    if not path or not Path(path).exists():
        path = Path(settings.BASE_DIR) / "assets" / "js" / "sw.js"
    response = FileResponse(open(path, "rb"), content_type="text/javascript")  # noqa: SIM115
    response["Service-Worker-Allowed"] = "/"
    return response


# --- GOV.UK Notify delivery receipts -------------------------------------------------------


@csrf_exempt
@require_POST
def notify_callback(request):
    """GOV.UK Notify posts each message's final status here with our bearer token."""
    expected = conf.get("NOTIFY_CALLBACK_TOKEN", "")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return HttpResponse(status=401)
    try:
        data = json.loads(request.body)
        provider_id = str(data.get("id", ""))
        reference = str(data.get("reference") or "")
        status = str(data["status"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return HttpResponseBadRequest("Expected Notify's JSON callback.")
    known = actions.delivery_status_record(
        provider_id=provider_id, reference=reference, status=status
    )
    # 200 either way: Notify must not keep retrying a receipt for a message we have deleted.
    return JsonResponse({"recorded": known})
