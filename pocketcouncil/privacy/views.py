"""The resident's privacy pages: what they share and with whom, and who has looked."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pocketcouncil.accounts import assisted
from pocketcouncil.privacy import actions, queries
from pocketcouncil.privacy.models import ConsentChannel, SharingAgreement


def _who(request):
    """(the person recording, whether it is staff for the resident)."""
    staff = assisted.acting_staff(request)
    return (staff, True) if staff is not None else (request.user, False)


@login_required
def privacy(request):
    return render(
        request,
        "privacy/privacy.html",
        {
            "cards": queries.consent_cards_for(request.user),
            "offers": queries.consent_offers_for(request.user),
            "without_consent": queries.sharing_without_consent_for(request.user),
            "history": queries.consent_history_for(request.user, limit=20),
        },
    )


@login_required
def consent_grant(request, pk: int):
    agreement = get_object_or_404(SharingAgreement.objects.select_related("recipient"), pk=pk)
    try:
        wording = actions.wording_current(agreement)
    except actions.AgreementInactiveError as problem:
        raise Http404(str(problem)) from problem
    error = ""
    if request.method == "POST":
        actor, on_behalf = _who(request)
        try:
            actions.consent_grant(
                resident=request.user,
                agreement=agreement,
                actor=actor,
                on_behalf=on_behalf,
                channel=ConsentChannel.IN_PERSON if on_behalf else ConsentChannel.WEB,
            )
        except (
            actions.ConsentStateError,
            actions.ConsentNotNeededError,
            actions.AgreementInactiveError,
        ) as problem:
            error = str(problem)
        else:
            messages.success(
                request,
                _("You are now sharing with %(recipient)s.") % {"recipient": agreement.recipient},
            )
            return redirect("privacy:centre")
    return render(
        request,
        "privacy/grant.html",
        {"agreement": agreement, "wording": wording, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_POST
def consent_withdraw(request, pk: int):
    agreement = get_object_or_404(SharingAgreement.objects.select_related("recipient"), pk=pk)
    actor, on_behalf = _who(request)
    try:
        actions.consent_withdraw(
            resident=request.user,
            agreement=agreement,
            actor=actor,
            on_behalf=on_behalf,
            channel=ConsentChannel.IN_PERSON if on_behalf else ConsentChannel.WEB,
        )
    except actions.ConsentStateError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(
            request,
            _("Sharing with %(recipient)s has stopped. Anything waiting to be sent was cancelled.")
            % {"recipient": agreement.recipient},
        )
    return redirect("privacy:centre")


@login_required
def access_log(request):
    return render(
        request, "privacy/access_log.html", {"entries": queries.access_log_for(request.user)}
    )
