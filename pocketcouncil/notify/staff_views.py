"""Staff pages for notifications: what was sent to a resident, failed messages, and the
council's own wording of each message with a preview before saving.

The delivery log needs ``cases.view`` (staff answering "did I get the message?"); wording needs
``notify.edit_templates`` (council admins and service managers)."""

from __future__ import annotations

import math

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pocketcouncil.accounts import permissions
from pocketcouncil.accounts.permissions import staff_required
from pocketcouncil.councils.models import Council
from pocketcouncil.notify import actions, queries, templates
from pocketcouncil.notify.forms import DeliveryLogSearchForm, MessageTemplateEditForm
from pocketcouncil.notify.models import Channel, Event

SMS_SINGLE, SMS_PART = 160, 153  # GSM characters in one text message / in each part of a long one


def _council(request, slug: str, action: str) -> Council:
    council = Council.objects.filter(slug=slug).first()
    if council is None:
        raise Http404
    permissions.require(request.user, action, council)
    return council


@staff_required
@require_http_methods(["GET"])
def delivery_log(request, slug: str):
    council = _council(request, slug, "cases.view")
    form = DeliveryLogSearchForm(request.GET or None)
    resident, log = None, None
    if form.is_bound and form.is_valid():
        resident = get_user_model().objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if resident is None:
            form.add_error("email", _("There is no account with that email address."))
        else:
            log = queries.delivery_log_for_resident(council=council, user=resident)
    return render(
        request,
        "notify/staff/log.html",
        {
            "council": council,
            "page_council": council,
            "form": form,
            "resident": resident,
            "log": log,
            "failures": queries.delivery_log_failures(council=council, limit=100),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@staff_required
@require_http_methods(["GET"])
def template_list(request, slug: str):
    council = _council(request, slug, "notify.edit_templates")
    rows = queries.message_template_overview(council=council)
    events = {}
    for row in rows:
        events.setdefault((row.event, row.event_label), []).append(row)
    return render(
        request,
        "notify/staff/templates.html",
        {"council": council, "page_council": council, "events": events.items()},
    )


def _sms_parts(text: str) -> int:
    if len(text) <= SMS_SINGLE:
        return 1
    return math.ceil(len(text) / SMS_PART)


@staff_required
@require_http_methods(["GET", "POST"])
def template_edit(request, slug: str, event: str, channel: str):
    council = _council(request, slug, "notify.edit_templates")
    if event not in {e.value for e in queries.EDITABLE_EVENTS} or channel not in Channel.values:
        raise Http404
    sms = channel == Channel.SMS
    own = queries.message_template_get(council=council, event=event, channel=channel)
    default_subject, default_body = templates.source_for(
        council_id=None, event=event, channel=channel
    )
    url = request.path
    if request.method == "POST" and request.POST.get("action") == "reset":
        if actions.message_template_reset(
            actor=request.user, council=council, event=event, channel=channel
        ):
            messages.success(request, _("The standard wording is used again."))
        return redirect(url)

    initial = {
        "subject": own.subject if own else "",
        "body": own.body if own else default_body,
    }
    form = MessageTemplateEditForm(
        request.POST if request.method == "POST" else None, initial=initial, sms=sms
    )
    preview = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            subject = form.cleaned_data.get("subject", "")
            body = form.cleaned_data["body"]
            if request.POST.get("action") == "save":
                try:
                    actions.message_template_save(
                        actor=request.user,
                        council=council,
                        event=event,
                        channel=channel,
                        subject=subject,
                        body=body,
                    )
                except actions.NotifyInputError as error:
                    form.add_error(None, str(error))
                    status = 400
                else:
                    messages.success(request, _("Saved. Messages from now on use this wording."))
                    return redirect(url)
            else:
                preview = templates.preview(
                    subject=subject or default_subject,
                    body=body,
                    council_name=council.name,
                    channel=channel,
                )
        else:
            status = 400
    elif own is None:
        preview = templates.preview(
            subject=default_subject, body=default_body, council_name=council.name, channel=channel
        )
    return render(
        request,
        "notify/staff/template_edit.html",
        {
            "council": council,
            "page_council": council,
            "form": form,
            "own": own,
            "event_label": Event(event).label,
            "channel_label": Channel(channel).label,
            "sms": sms,
            "preview": preview,
            "sms_parts": _sms_parts(preview.text) if preview and sms else None,
            "default_subject": default_subject,
            "default_body": default_body,
        },
        status=status,
    )
