"""Staff pages: a council's integrations (Open311 API keys). Council admins only."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pocketcouncil.accounts import permissions
from pocketcouncil.accounts.permissions import staff_required
from pocketcouncil.councils.models import Council
from pocketcouncil.open311 import actions, queries
from pocketcouncil.open311.forms import ApiClientForm, WebhookForm
from pocketcouncil.open311.models import ApiClient


def _council(request, slug: str) -> Council:
    council = Council.objects.filter(slug=slug).first()
    if council is None:
        raise Http404
    permissions.require(request.user, "integrations.manage", council)
    return council


def _page(request, council, form=None, new_key=None, hook_form=None, new_hook=None, status=200):
    key_form, hook_form = form or ApiClientForm(), hook_form or WebhookForm()
    return render(
        request,
        "open311/staff_integrations.html",
        {
            "council": council,
            "page_council": council,
            # ``form`` is the one with errors, for the error summary and the page title.
            "form": hook_form if hook_form.is_bound and hook_form.errors else key_form,
            "key_form": key_form,
            "hook_form": hook_form,
            "clients": queries.api_client_list(council=council),
            "webhooks": queries.webhook_list(council=council),
            "deliveries": queries.delivery_list(council=council),
            "new_key": new_key,
            "new_hook": new_hook,
            "endpoint": request.build_absolute_uri("/open311/v2/"),
        },
        status=status,
    )


@staff_required
def integrations(request, slug: str):
    council = _council(request, slug)
    if request.method != "POST":
        return _page(request, council)
    form = ApiClientForm(request.POST)
    if form.is_valid():
        try:
            client, raw_key = actions.api_client_create(
                council=council,
                name=form.cleaned_data["name"],
                rate_limit_per_minute=form.cleaned_data["rate_limit_per_minute"],
                actor=request.user,
            )
        except actions.ApiClientInputError as problem:
            form.add_error("name" if problem.field == "name" else None, problem.message)
        else:
            # The key is shown on this answer only: it is never stored, so it cannot be shown
            # again (no redirect, and the page is not cached).
            response = _page(request, council, ApiClientForm(), new_key=(client, raw_key))
            response["Cache-Control"] = "no-store"
            return response
    return _page(request, council, form, status=400)


@require_POST
@staff_required
def webhook_add(request, slug: str):
    council = _council(request, slug)
    form = WebhookForm(request.POST)
    if form.is_valid():
        try:
            hook = actions.webhook_create(
                council=council,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                actor=request.user,
            )
        except actions.ApiClientInputError as problem:
            form.add_error(problem.field, problem.message)
        else:
            response = _page(request, council, new_hook=hook)
            response["Cache-Control"] = "no-store"
            return response
    return _page(request, council, hook_form=form, status=400)


@require_POST
@staff_required
def delivery_replay(request, slug: str, delivery_id: int):
    council = _council(request, slug)
    delivery = queries.delivery_get(council=council, delivery_id=delivery_id)
    if delivery is None:
        raise Http404
    actions.webhook_delivery_replay(delivery=delivery, actor=request.user)
    messages.success(request, _("The event will be sent again in a moment."))
    return redirect("open311:staff-integrations", slug=council.slug)


@require_POST
@staff_required
def client_revoke(request, slug: str, client_id: int):
    council = _council(request, slug)
    client = ApiClient.objects.filter(council=council, pk=client_id).first()
    if client is None:
        raise Http404
    actions.api_client_revoke(client=client, actor=request.user)
    messages.success(request, _("The key for %(name)s no longer works.") % {"name": client.name})
    return redirect("open311:staff-integrations", slug=council.slug)
