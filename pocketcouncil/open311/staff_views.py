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
from pocketcouncil.open311.forms import ApiClientForm, OutboundEndpointForm, WebhookForm
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
            "endpoints": queries.outbound_endpoint_list(council=council),
            "sends": queries.outbound_send_list(council=council),
            "update_sends": queries.outbound_update_list(council=council),
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


def _webhook(council, webhook_id: int):
    hook = next((h for h in queries.webhook_list(council=council) if h.pk == webhook_id), None)
    if hook is None:
        raise Http404
    return hook


@require_POST
@staff_required
def webhook_switch(request, slug: str, webhook_id: int):
    council = _council(request, slug)
    hook = _webhook(council, webhook_id)
    enabled = request.POST.get("enabled") == "1"
    actions.webhook_enable(webhook=hook, actor=request.user, enabled=enabled)
    if enabled:
        messages.success(request, _("Events are sent to %(url)s again.") % {"url": hook.url})
    else:
        messages.success(
            request,
            _("Events are no longer sent to %(url)s. Deliveries waiting are kept.")
            % {"url": hook.url},
        )
    return redirect("open311:staff-integrations", slug=council.slug)


@staff_required
def webhook_delete(request, slug: str, webhook_id: int):
    """GET asks "are you sure?" (works without JavaScript); POST deletes."""
    council = _council(request, slug)
    hook = _webhook(council, webhook_id)
    if request.method == "POST":
        actions.webhook_delete(webhook=hook, actor=request.user)
        messages.success(request, _("The webhook for %(url)s is deleted.") % {"url": hook.url})
        return redirect("open311:staff-integrations", slug=council.slug)
    return render(
        request,
        "open311/staff_webhook_delete.html",
        {"council": council, "page_council": council, "hook": hook},
    )


def _services(council):
    from pocketcouncil.services import queries as services_queries

    return services_queries.service_list_for_council(council=council)


@staff_required
def endpoint_edit(request, slug: str, endpoint_id: int | None = None):
    """Add a back office for a service (``endpoint_id`` None) or change one."""
    council = _council(request, slug)
    endpoint = None
    if endpoint_id is not None:
        endpoint = queries.outbound_endpoint_get(council=council, endpoint_id=endpoint_id)
        if endpoint is None:
            raise Http404
    services = _services(council)
    initial = {"is_enabled": True}
    if endpoint is not None:
        initial = {
            "service": endpoint.service_id,
            "name": endpoint.name,
            "base_url": endpoint.base_url,
            "jurisdiction_id": endpoint.jurisdiction_id,
            "service_code": endpoint.service_code,
            "is_enabled": endpoint.is_enabled,
        }
    status = 200
    if request.method == "POST":
        form = OutboundEndpointForm(request.POST, services=services, editing=endpoint is not None)
        if form.is_valid():
            data = form.cleaned_data
            service = next((s for s in services if s.pk == data["service"]), None)
            try:
                saved = actions.outbound_endpoint_save(
                    council=council,
                    actor=request.user,
                    service=service,
                    name=data["name"],
                    base_url=data["base_url"],
                    jurisdiction_id=data["jurisdiction_id"],
                    service_code=data["service_code"],
                    api_key=data["api_key"],
                    is_enabled=data["is_enabled"],
                    endpoint=endpoint,
                )
            except actions.ApiClientInputError as problem:
                field = problem.field if problem.field in form.fields else None
                form.add_error(field, problem.message)
            else:
                messages.success(
                    request,
                    _("%(name)s is switched on: new cases for “%(service)s” are sent to it.")
                    % {"service": saved.service.name, "name": saved.name}
                    if saved.is_enabled
                    else _("%(name)s is saved, and switched off: nothing is sent to it.")
                    % {"name": saved.name},
                )
                return redirect("open311:staff-integrations", slug=council.slug)
        status = 400
    else:
        form = OutboundEndpointForm(
            initial=initial, services=services, editing=endpoint is not None
        )
    response = render(
        request,
        "open311/staff_endpoint.html",
        {"council": council, "page_council": council, "form": form, "endpoint": endpoint},
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@staff_required
def send_retry(request, slug: str, send_id: int):
    council = _council(request, slug)
    send = queries.outbound_send_get(council=council, send_id=send_id)
    if send is None:
        raise Http404
    actions.outbound_send_retry(send=send, actor=request.user)
    messages.success(
        request,
        _("%(reference)s will be sent to %(name)s again in a moment.")
        % {"reference": send.case.reference, "name": send.endpoint.name},
    )
    return redirect("open311:staff-integrations", slug=council.slug)


@require_POST
@staff_required
def update_retry(request, slug: str, update_id: int):
    council = _council(request, slug)
    update = queries.outbound_update_get(council=council, update_id=update_id)
    if update is None:
        raise Http404
    actions.outbound_update_retry(update=update, actor=request.user)
    messages.success(
        request,
        _("The update on %(reference)s will be sent to %(name)s again in a moment.")
        % {"reference": update.send.case.reference, "name": update.send.endpoint.name},
    )
    return redirect("open311:staff-integrations", slug=council.slug)
