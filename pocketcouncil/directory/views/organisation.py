"""Organisations keep their listings current: claim a listing, propose changes (the council
reviews them) and confirm a listing is still right."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pocketcouncil.directory import actions, queries
from pocketcouncil.directory.forms import ClaimForm, ListingEditForm
from pocketcouncil.directory.models import ListingChange, ListingClaim, ReviewState


def _service(service_id: str):
    try:
        service = queries.service_get(service_id)
    except queries.DirectoryRecordNotFoundError:
        raise Http404("No such service") from None
    if service.organization_id is None:
        raise Http404("This listing has no organisation to claim it")
    return service


@login_required
def listing_claim(request, service_id: str):
    service = _service(service_id)
    if actions.can_edit(user=request.user, service=service):
        return redirect("directory:listing-edit", service_id)
    pending = ListingClaim.objects.filter(
        organization_id=service.organization_id, user=request.user, state=ReviewState.PENDING
    ).exists()
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and not pending and form.is_valid():
        emails = list(
            EmailAddress.objects.filter(user=request.user, verified=True).values_list(
                "email", flat=True
            )
        )
        try:
            claim = actions.listing_claim(
                organization=service.organization,
                actor=request.user,
                role=form.cleaned_data["role"],
                verified_emails=emails,
            )
        except actions.ListingUpkeepError as error:
            form.add_error(None, str(error))
        else:
            if claim.state == ReviewState.APPROVED:
                messages.success(request, _("You can now keep this listing up to date."))
                return redirect("directory:listing-edit", service_id)
            messages.success(
                request, _("Thank you. The council will check and let you know by email.")
            )
            return redirect("directory:listing-claim", service_id)
    return render(
        request,
        "directory/listing_claim.html",
        {
            "service": service,
            "form": form,
            "pending": pending,
            "domains": sorted(actions.organization_domains(service.organization)),
        },
    )


@login_required
def listing_edit(request, service_id: str):
    service = _service(service_id)
    if not actions.can_edit(user=request.user, service=service):
        return redirect("directory:listing-claim", service_id)
    initial = {f: getattr(service, f) for f in ListingChange.EDITABLE_FIELDS}
    form = ListingEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and "confirm" in request.POST:
        actions.listing_confirm(service=service, actor=request.user)
        messages.success(request, _("Thank you for confirming the listing is right."))
        return redirect("directory:listing-edit", service_id)
    if request.method == "POST" and form.is_valid():
        proposed = {f: form.cleaned_data[f] for f in ListingChange.EDITABLE_FIELDS}
        try:
            actions.listing_change_submit(
                service=service,
                actor=request.user,
                proposed=proposed,
                note=form.cleaned_data["note"],
            )
        except actions.ListingUpkeepError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you. The council will check your changes."))
            return redirect("directory:listing-edit", service_id)
    pending = service.changes.filter(state=ReviewState.PENDING)
    return render(
        request,
        "directory/listing_edit.html",
        {
            "service": service,
            "form": form,
            "pending": list(pending),
            "checked_at": queries.listing_checked_at(service),
        },
    )
