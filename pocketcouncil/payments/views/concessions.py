"""Concessions: the resident sends proof of council tax reduction and sees the decision;
staff check the proof and approve or refuse."""

from __future__ import annotations

import secrets

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pocketcouncil.accounts.permissions import staff_required
from pocketcouncil.accounts.stepup import requires_level
from pocketcouncil.councils.models import Council
from pocketcouncil.payments import actions as pay
from pocketcouncil.payments import bulky, concessions
from pocketcouncil.payments.forms import GovForm
from pocketcouncil.payments.models import ConcessionClaim
from pocketcouncil.payments.views.permits import DecideForm
from pocketcouncil.payments.views.staff import _council as staff_council
from pocketcouncil.payments.views.staff import evidence_response

REASON = gettext_lazy("to make sure lower prices go to people who qualify for them")


class ClaimForm(GovForm):
    evidence = forms.FileField(
        label=gettext_lazy("Proof you get council tax reduction"),
        help_text=gettext_lazy(
            "Your council tax bill or award letter showing the reduction. PDF, JPG or PNG, "
            "up to 5 MB."
        ),
        error_messages={"required": gettext_lazy("Upload proof you get council tax reduction")},
    )
    submission_key = forms.CharField(widget=forms.HiddenInput)


@requires_level(concessions.LEVEL, reason=REASON)
def apply(request, slug: str):
    """Send proof, or see the claim already sent and its decision."""
    council = Council.objects.filter(slug=slug).first()
    if council is None:
        raise Http404
    request.council = council
    claim = concessions.claim_for(council=council, resident=request.user)
    form = ClaimForm(
        request.POST or None,
        request.FILES or None,
        initial={"submission_key": secrets.token_urlsafe(24)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            concessions.concession_claim(
                council=council,
                actor=request.user,
                resident=request.user,
                evidence=form.cleaned_data["evidence"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except pay.PaymentsInputError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Thank you. We will check your proof."))
            return redirect("payments:concession-apply", slug=slug)
    return render(
        request,
        "payments/concession.html",
        {
            "council": council,
            "claim": claim,
            "form": form,
            "percent": bulky.charges_for(council).bulky_concession_percent,
        },
    )


@staff_required
def staff_queue(request, slug: str):
    council = staff_council(request, slug, "payments.approve")
    return render(
        request,
        "payments/staff/concessions.html",
        {
            "council": council,
            "queue": concessions.queue_for(council),
            "recent": concessions.claims_for(council),
        },
    )


def _staff_claim(request, slug: str, pk: int):
    council = staff_council(request, slug, "payments.approve")
    claim = ConcessionClaim.objects.select_related("resident").filter(council=council, pk=pk)
    claim = claim.first()
    if claim is None:
        raise Http404
    return council, claim


@staff_required
def staff_decide(request, slug: str, pk: int):
    council, claim = _staff_claim(request, slug, pk)
    form = DecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            concessions.concession_decide(
                claim=claim,
                actor=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except pay.PaymentsInputError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Decision saved."))
            return redirect("payments:staff-concessions", slug=slug)
    return render(
        request,
        "payments/staff/concession_decide.html",
        {"council": council, "claim": claim, "form": form},
    )


@staff_required
def staff_evidence(request, slug: str, pk: int):
    _council, claim = _staff_claim(request, slug, pk)
    return evidence_response(claim.evidence, claim.evidence_type)
