"""The partner's till: type (or scan) a resident's code, see plainly whether to give the offer.

Scanning the QR image with a phone camera opens this page with the code filled in; the code is
used only when the partner presses the button, so opening a link never uses anyone's code.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from pocketcouncil.rewards import actions, offers
from pocketcouncil.rewards.forms import CodeForm
from pocketcouncil.rewards.models import CodeCheckOutcome

ANSWERS = {
    CodeCheckOutcome.ACCEPTED: _("Code accepted. Give the offer."),
    CodeCheckOutcome.ALREADY_USED: _("Do not give the offer: this code has already been used."),
    CodeCheckOutcome.UNKNOWN: _("Do not give the offer: there is no such code. Check each letter."),
    CodeCheckOutcome.OTHER_PARTNER: _("Do not give the offer: this code is for another partner."),
    CodeCheckOutcome.EXPIRED: _("Do not give the offer: the offer has ended."),
    CodeCheckOutcome.CANCELLED: _("Do not give the offer: the resident cancelled this code."),
}


@login_required
def till(request):
    partners = offers.partners_of(request.user)
    if not partners:
        raise PermissionDenied(_("You do not check codes for any partner."))
    chosen = partners[0]
    if len(partners) > 1:
        wanted = request.POST.get("partner") or request.GET.get("partner")
        chosen = next((p for p in partners if str(p.pk) == wanted), partners[0])
    form = CodeForm(
        request.POST if request.method == "POST" else None,
        initial={"code": request.GET.get("code", "")},
    )
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            outcome, redemption = offers.code_check(
                partner=chosen, actor=request.user, code=form.cleaned_data["code"]
            )
        except actions.RewardsError as refused:
            form.add_error("code", refused.message)
        else:
            result = {
                "accepted": outcome == CodeCheckOutcome.ACCEPTED,
                "message": ANSWERS[outcome],
                "offer": redemption.offer if redemption else None,
            }
            form = CodeForm()
    return render(
        request,
        "rewards/till.html",
        {"partners": partners, "partner": chosen, "form": form, "result": result},
    )
