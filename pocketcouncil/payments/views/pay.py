"""The two addresses GOV.UK Pay uses: the resident's return, and signed webhooks."""

from __future__ import annotations

import logging

from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from pocketcouncil.payments import actions, purposes, queries

log = logging.getLogger(__name__)


@require_GET
def payment_return(request, token: str):
    """GOV.UK Pay sends the resident here whatever happened; the state comes from GOV.UK Pay
    itself (the address proves nothing), then the transaction's own page says what next."""
    payment = queries.payment_by_return_token(token)
    if payment is None:
        raise Http404
    payment = actions.payment_returned(payment=payment)
    return redirect(purposes.handler_for(payment.purpose).done_url(payment))


@csrf_exempt
@require_POST
def webhook(request, slug: str):
    try:
        payment = actions.webhook_receive(
            council_slug=slug,
            body=request.body,
            signature=request.headers.get("Pay-Signature", ""),
        )
    except actions.WebhookSignatureError:
        log.warning("Refused a GOV.UK Pay webhook for %s: signature or body not valid", slug)
        return JsonResponse(
            {"error": "signature_invalid", "message": "Pay-Signature does not match."}, status=401
        )
    return JsonResponse({"ok": True, "known": payment is not None})
