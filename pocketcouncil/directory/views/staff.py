"""Council staff: the review queue (claims and proposed changes), stale listings, and the full
history of a listing."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pocketcouncil.accounts import permissions
from pocketcouncil.accounts.permissions import staff_required
from pocketcouncil.councils import queries as councils
from pocketcouncil.councils.models import Council
from pocketcouncil.directory import actions, queries
from pocketcouncil.directory.forms import DecisionForm


def _council(request, slug: str) -> Council:
    try:
        council = councils.council_get(slug)
    except Council.DoesNotExist as error:
        raise Http404 from error
    permissions.require(request.user, "directory.review", council)
    return council


@staff_required
def review(request, slug: str):
    council = _council(request, slug)
    queue = queries.review_queue(council=council)
    for change in queue["changes"]:
        change.rows = [
            {
                "field": change.service._meta.get_field(name).verbose_name,
                "now": getattr(change.service, name),
                "proposed": value,
            }
            for name, value in change.proposed.items()
        ]
    return render(
        request,
        "directory/staff/review.html",
        {
            "council": council,
            "queue": queue,
            "stale": queries.stale_listings(council=council, now=timezone.now()),
        },
    )


def _decision(request):
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return None, ""
    return form.cleaned_data["decision"] == "approve", form.cleaned_data["note"]


@staff_required
@require_POST
def claim_decide(request, slug: str, claim_id: int):
    council = _council(request, slug)
    try:
        claim = queries.claim_get(council=council, claim_id=claim_id)
    except queries.DirectoryRecordNotFoundError:
        raise Http404 from None
    approve, _note = _decision(request)
    if approve is None:
        messages.error(request, _("Choose approve or reject"))
    else:
        try:
            actions.listing_claim_decide(claim=claim, actor=request.user, approve=approve)
        except actions.ListingUpkeepError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Claim approved.") if approve else _("Claim rejected."))
    return redirect("directory:staff-review", council.slug)


@staff_required
@require_POST
def change_decide(request, slug: str, change_id: int):
    council = _council(request, slug)
    try:
        change = queries.change_get(council=council, change_id=change_id)
    except queries.DirectoryRecordNotFoundError:
        raise Http404 from None
    approve, note = _decision(request)
    if approve is None:
        messages.error(request, _("Choose approve or reject"))
    else:
        try:
            actions.listing_change_decide(
                change=change, actor=request.user, approve=approve, note=note
            )
        except actions.ListingUpkeepError as error:
            messages.error(request, str(error))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Change approved and published.") if approve else _("Change rejected.")
            )
    return redirect("directory:staff-review", council.slug)


@staff_required
def history(request, slug: str, service_id: str):
    council = _council(request, slug)
    try:
        service, events = queries.listing_history(council=council, service_id=service_id)
    except queries.DirectoryRecordNotFoundError:
        raise Http404 from None
    for event in events:
        event.snapshot_text = json.dumps(event.snapshot, indent=2, ensure_ascii=False)
    return render(
        request,
        "directory/staff/history.html",
        {"council": council, "service": service, "events": events},
    )
