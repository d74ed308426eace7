"""Staff inbox pages: every message that came in by email, text message or social media, one
queue per council. Thin: parse, authorise, call an inbox action, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pocketcouncil.accounts import permissions
from pocketcouncil.accounts.permissions import staff_required
from pocketcouncil.channels import forms, inbox, queries
from pocketcouncil.channels.actions import ChannelInputError
from pocketcouncil.channels.replies import ReplyNotAllowedError
from pocketcouncil.councils.models import Council


def _council(request, slug: str) -> Council:
    council = Council.objects.filter(slug=slug).first()
    if council is None:
        raise Http404
    permissions.require(request.user, "channels.answer", council)
    request.council = council
    return council


@staff_required
def staff_inbox(request, slug: str):
    council = _council(request, slug)
    show = request.GET.get("show", "open")
    if show not in queries.FILTERS:
        show = "open"
    page = Paginator(
        queries.message_list_for_council(council=council, show=show, user=request.user), 50
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "channels/staff/inbox.html",
        {"council": council, "page": page, "show": show, "filters": queries.FILTERS},
    )


def _forms(council, data=None, which=None):
    def bound(name, cls, **kwargs):
        return cls(data if which == name else None, **kwargs)

    return {
        "reply_form": bound("reply", forms.ReplyForm, council=council),
        "link_form": bound("link", forms.LinkForm),
        "convert_form": bound("convert", forms.ConvertForm, council=council),
    }


@staff_required
def staff_message(request, slug: str, pk: int):
    council = _council(request, slug)
    message = queries.message_get(council=council, message_id=pk)
    if message is None:
        raise Http404
    which = request.POST.get("do") if request.method == "POST" else None
    context = _forms(council, request.POST, which)
    if request.method == "POST":
        try:
            done = _act(request, message, which, context)
        except (ChannelInputError, ReplyNotAllowedError) as error:
            form = context.get(f"{which}_form") or context["reply_form"]
            form.add_error(None, str(error))
            done = False
        except PermissionDenied:
            raise
        if done:
            messages.success(request, done)
            return redirect("channels:staff-message", council.slug, message.pk)
    return render(
        request,
        "channels/staff/message.html",
        {
            "council": council,
            "message": message,
            "replies": queries.replies_for(message),
            "canned": queries.canned_replies_for(council=council),
            **context,
        },
    )


def _act(request, message, which: str, context) -> str | bool:
    user = request.user
    if which == "reply":
        form = context["reply_form"]
        if not form.is_valid():
            return False
        reply = inbox.message_reply(message=message, actor=user, body=form.cleaned_data["body"])
        return _("Reply sent.") if reply.state == "sent" else _("The reply could not be sent.")
    if which == "link":
        form = context["link_form"]
        if not form.is_valid():
            return False
        inbox.message_link_case(
            message=message, actor=user, reference=form.cleaned_data["reference"]
        )
        return _("Added to the case.")
    if which == "convert":
        form = context["convert_form"]
        if not form.is_valid():
            return False
        inbox.message_convert_to_case(
            message=message,
            actor=user,
            lgsl=int(form.cleaned_data["service"]),
            postcode=form.cleaned_data["postcode"],
        )
        return _("Case made and the resident told its reference.")
    if which == "spam":
        inbox.message_mark_spam(message=message, actor=user)
        return _("Marked as spam.")
    if which == "assign":
        inbox.message_assign(message=message, actor=user, assignee=user)
        return _("Assigned to you.")
    return False
