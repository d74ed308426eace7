"""Every write of the open311 app: API keys, and new requests received through Open311.

The Open311 server is an adapter: it checks and translates what a client sent, then calls
``cases.actions`` to make the case. No case rule lives here.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pocketcouncil.accounts import permissions
from pocketcouncil.councils.models import Council
from pocketcouncil.open311.models import ApiClient

KEY_BYTES = 24
PREFIX_LENGTH = 8


class ApiClientInputError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def key_digest(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


@transaction.atomic
def api_client_create(
    *,
    council: Council,
    name: str,
    actor,
    rate_limit_per_minute: int = 60,
    raw_key: str | None = None,
    is_demo: bool = False,
) -> tuple[ApiClient, str]:
    """Issue a key to an app or back office. Returns the client and the key, which is shown
    once and never stored. ``actor`` None is the system (demo data, management commands)."""
    if actor is not None:
        permissions.require(actor, "integrations.manage", council)
    name = name.strip()
    if not name:
        raise ApiClientInputError(_("Enter who will use this key"), field="name")
    if ApiClient.objects.filter(council=council, name=name).exists():
        raise ApiClientInputError(_("A key with that name already exists"), field="name")
    if rate_limit_per_minute < 1:
        raise ApiClientInputError(_("Allow at least 1 request a minute"), field="rate")
    raw_key = raw_key or secrets.token_urlsafe(KEY_BYTES)
    client = ApiClient.objects.create(
        council=council,
        name=name,
        key_prefix=raw_key[:PREFIX_LENGTH],
        key_digest=key_digest(raw_key),
        rate_limit_per_minute=rate_limit_per_minute,
        is_demo=is_demo,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    return client, raw_key


@transaction.atomic
def api_client_revoke(*, client: ApiClient, actor) -> ApiClient:
    """Stop a key working at once. Revoking twice keeps the first time."""
    permissions.require(actor, "integrations.manage", client.council)
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
    return client


# --- requests received through Open311 -----------------------------------------------------


def request_create(
    *,
    client: ApiClient,
    service,
    description: str,
    lon: float | None,
    lat: float | None,
    address: str = "",
    attributes: dict | None = None,
    email: str = "",
    name: str = "",
    photos=(),
    token: str,
):
    """Make a case from an Open311 POST. The case's reference is the ``service_request_id``.

    The report is linked to a resident's account only when ``email`` is a verified address of
    that account; otherwise the email is kept as the reporter's contact, as for an anonymous
    web report. Raises ``cases.actions.CaseInputError`` for input the case rules refuse.
    """
    from pocketcouncil.cases import actions as case_actions
    from pocketcouncil.cases.models import Source
    from pocketcouncil.open311 import queries

    resident = queries.account_with_verified_email(email)
    if resident is None and not service.anonymous_allowed:
        raise case_actions.CaseInputError(
            _("This service needs the email address of a verified Pocket Council account"),
            field="email",
        )
    routing = case_actions.route(service=service, lon=lon, lat=lat, council=client.council)
    if routing.council.pk != client.council.pk:
        # A key is one council's: it cannot make another council's cases.
        raise case_actions.CaseInputError(
            _("That place is looked after by %(council)s, not %(ours)s. Send it there.")
            % {"council": routing.council.name, "ours": client.council.name},
            field="location",
        )
    return case_actions.case_create(
        service=service,
        description=description,
        actor=resident,
        resident=resident,
        council=client.council,
        lon=lon,
        lat=lat,
        location_text=address,
        attributes=attributes or {},
        reporter_name="" if resident else name,
        reporter_email="" if resident else email,
        photos=list(photos),
        submission_key=f"open311:{token}",
        source=Source.OPEN311,
    )


# --- webhooks ----------------------------------------------------------------------------------


@transaction.atomic
def webhook_create(*, council: Council, url: str, events: list[str], actor):
    """Register an address for some of a council's case events. Returns the webhook; its
    ``secret`` is for the receiver to check signatures."""
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    from pocketcouncil.open311.models import Webhook, WebhookEvent

    permissions.require(actor, "integrations.manage", council)
    url = url.strip()
    try:
        URLValidator(schemes=["https", "http"])(url)
    except ValidationError:
        raise ApiClientInputError(
            _("Enter the address as a full web address, like https://example.org/hooks"),
            field="url",
        ) from None
    events = [e for e in WebhookEvent.values if e in set(events)]
    if not events:
        raise ApiClientInputError(_("Choose at least one event"), field="events")
    return Webhook.objects.create(
        council=council,
        url=url,
        events=events,
        secret=secrets.token_hex(32),
        created_by=actor,
    )


@transaction.atomic
def webhook_delivery_replay(*, delivery, actor):
    """Send a delivery again (after the receiver is fixed, or to resend a delivered one)."""
    from pocketcouncil.open311 import tasks
    from pocketcouncil.open311.models import DeliveryState, WebhookDelivery

    permissions.require(actor, "integrations.manage", delivery.council)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        lease_until=None,
    )
    tasks.kick()
    delivery.refresh_from_db()
    return delivery


# --- updates received through Open311 (servicerequestupdates) --------------------------------


def request_update_add(
    *, client: ApiClient, case, description: str, email: str, name: str, status: str
):
    """An update an app sends about a request (FixMyStreet sends its users' comments).

    From the person who reported it (``email`` is a verified address of the case's resident
    account) it is their message on the case, as if sent on the website. From anyone else it
    is a note for staff, saying who sent it through which app: it is not published, because
    nobody at the council has read it yet. Returns the timeline event.
    """
    from pocketcouncil.cases import actions as case_actions
    from pocketcouncil.open311 import queries

    sender = queries.account_with_verified_email(email)
    if sender is not None and sender.pk == case.resident_id:
        return case_actions.case_resident_reply(case=case, actor=sender, message=description)
    who = ", ".join(filter(None, [name, email])) or _("someone")
    heading = _("Update from %(who)s through %(app)s") % {"who": who, "app": client.name}
    if status:
        heading += " " + _("(their app says the problem is: %(status)s)") % {"status": status}
    return case_actions.case_note_add(case=case, actor=client, note=f"{heading}:\n{description}")
