"""GOV.UK Notify's inbound text message callback.

Notify posts JSON to the URL set in its API integration settings, with the bearer token set
there (``CHANNELS_NOTIFY_INBOUND_TOKEN``)::

    {"id": "...", "source_number": "447700900123", "destination_number": "07700900000",
     "message": "Bin not collected", "date_received": "2026-12-03T14:00:00.000000Z"}
"""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from pocketcouncil.channels import actions

FIELDS = ("id", "source_number", "destination_number", "message")


@csrf_exempt
@require_POST
def notify_inbound_sms(request):
    expected = settings.CHANNELS_NOTIFY_INBOUND_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return HttpResponse(status=401)
    try:
        data = json.loads(request.body)
        values = {name: str(data[name]) for name in FIELDS}
    except (ValueError, KeyError, TypeError):
        return HttpResponseBadRequest(
            "Expected Notify's inbound SMS JSON: id, source_number, destination_number, message."
        )
    if not values["id"] or not values["source_number"]:
        return HttpResponseBadRequest("id and source_number must not be empty.")
    try:
        message = actions.sms_receive(
            notify_id=values["id"],
            source_number=values["source_number"],
            destination_number=values["destination_number"],
            message=values["message"],
            raw=request.body,
        )
    except actions.UnknownRecipientError as error:
        # 200, not an error: Notify would retry for ever a number we have not set up.
        return JsonResponse({"stored": False, "reason": str(error)})
    return JsonResponse({"stored": True, "id": message.pk})
