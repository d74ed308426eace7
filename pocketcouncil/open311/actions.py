"""Every write of the open311 app: API keys, and new requests received through Open311.

The Open311 server is an adapter: it checks and translates what a client sent, then calls
``cases.actions`` to make the case. No case rule lives here.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import IntegrityError, transaction
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
    _check_reachable(url, field="url")
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


def _check_reachable(url: str, *, field: str) -> None:
    from pocketcouncil.open311 import urlguard

    try:
        urlguard.check(url)
    except urlguard.UnsafeUrlError as problem:
        raise ApiClientInputError(str(problem), field=field) from None


@transaction.atomic
def webhook_enable(*, webhook, actor, enabled: bool):
    """Stop sending a webhook's events (its deliveries already waiting are held, not lost) or
    start again (held deliveries go out)."""
    from pocketcouncil.open311 import tasks
    from pocketcouncil.open311.models import Webhook

    permissions.require(actor, "integrations.manage", webhook.council)
    webhook = Webhook.objects.select_for_update().get(pk=webhook.pk)
    if enabled and webhook.disabled_at is not None:
        webhook.disabled_at = None
        webhook.save(update_fields=["disabled_at"])
        tasks.kick()
    elif not enabled and webhook.disabled_at is None:
        webhook.disabled_at = timezone.now()
        webhook.save(update_fields=["disabled_at"])
    return webhook


@transaction.atomic
def webhook_delete(*, webhook, actor) -> None:
    """Remove a webhook with its deliveries and their log."""
    permissions.require(actor, "integrations.manage", webhook.council)
    webhook.delete()


# --- outbound Open311: back offices a service's new cases are sent to -------------------------


@transaction.atomic
def outbound_endpoint_save(
    *,
    council: Council,
    actor,
    service,
    name: str,
    base_url: str,
    jurisdiction_id: str,
    service_code: str,
    api_key: str = "",
    is_enabled: bool = True,
    endpoint=None,
    is_demo: bool = False,
):
    """Add a back office for one of the council's services, or change one (``endpoint``).
    An empty ``api_key`` when changing keeps the key already held. ``actor`` None is the system
    (demo data)."""
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    from pocketcouncil.open311.models import OutboundEndpoint
    from pocketcouncil.services import queries as services_queries

    if actor is not None:
        permissions.require(actor, "integrations.manage", council)
    if endpoint is not None and endpoint.council_id != council.pk:
        raise ApiClientInputError(_("That back office is another council's"))
    offered = {s.pk for s in services_queries.service_list_for_council(council=council)}
    if service is None or service.pk not in offered:
        raise ApiClientInputError(_("Choose one of the council's services"), field="service")
    name, base_url = name.strip(), base_url.strip()
    service_code, jurisdiction_id = service_code.strip(), jurisdiction_id.strip()
    api_key = api_key.strip()
    if not name:
        raise ApiClientInputError(_("Enter the back office's name"), field="name")
    try:
        URLValidator(schemes=["https", "http"])(base_url)
    except ValidationError:
        raise ApiClientInputError(
            _(
                "Enter the Open311 address as a full web address, like https://example.org/open311/v2/"
            ),
            field="base_url",
        ) from None
    if actor is not None:
        _check_reachable(base_url, field="base_url")
    if not service_code:
        raise ApiClientInputError(
            _("Enter the back office's code for this service"), field="service_code"
        )
    if endpoint is None and not api_key:
        raise ApiClientInputError(_("Enter the API key the back office gave you"), field="api_key")
    clash = OutboundEndpoint.objects.filter(council=council, service=service)
    if endpoint is not None:
        clash = clash.exclude(pk=endpoint.pk)
    if clash.exists():
        raise ApiClientInputError(
            _("%(service)s already has a back office: change that one instead")
            % {"service": service.name},
            field="service",
        )
    if endpoint is None:
        endpoint = OutboundEndpoint(
            council=council,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    else:
        endpoint = OutboundEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    switched_on = endpoint.pk is not None and not endpoint.is_enabled and is_enabled
    endpoint.service = service
    endpoint.name = name
    endpoint.base_url = base_url
    endpoint.jurisdiction_id = jurisdiction_id
    endpoint.service_code = service_code
    endpoint.is_enabled = is_enabled
    endpoint.is_demo = is_demo
    if api_key:
        endpoint.api_key = api_key
    endpoint.save()
    if switched_on:
        from pocketcouncil.open311 import tasks

        tasks.outbound_kick()  # sends held while it was switched off go now
    return endpoint


def _retry_failed(row, actor):
    """Put a failed outbox row (a case send or a resident's update) back in the queue from the
    start, and wake a worker. Its first try looks it up at the back office before posting."""
    from pocketcouncil.open311 import tasks
    from pocketcouncil.open311.models import SendState

    permissions.require(actor, "integrations.manage", row.council)
    type(row).objects.filter(pk=row.pk, state=SendState.FAILED).update(
        state=SendState.PENDING,
        attempts=1,
        next_attempt_at=timezone.now(),
        lease_until=None,
    )
    tasks.outbound_kick()
    row.refresh_from_db()
    return row


@transaction.atomic
def outbound_send_retry(*, send, actor):
    """Try a failed send again from the start (after its back office or key is fixed). It is
    looked up at the back office first, so a case that did arrive is not sent twice."""
    return _retry_failed(send, actor)


@transaction.atomic
def outbound_update_retry(*, update, actor):
    """Pass a failed update on again (after its back office is fixed). It is looked up at the
    back office first where the back office lists updates, and carries the same
    ``Idempotency-Key``, so one that did arrive is not added twice."""
    return _retry_failed(update, actor)


# --- updates received through Open311 (servicerequestupdates) --------------------------------


def _reporter_reopen(*, case, sender, reason: str):
    """The reporter's reopen through an app: the REOPENED event, or None if the case cannot
    be reopened (too long ago, or rejected or merged) and a note must do."""
    from pocketcouncil.cases import actions as case_actions
    from pocketcouncil.cases.workflow import CaseTransitionNotAllowedError

    try:
        with transaction.atomic():
            case_actions.case_reopen(case=case, actor=sender, reason=reason)
    except CaseTransitionNotAllowedError:
        return None
    return case.events.filter(kind="reopened").order_by("-created_at", "-pk").first()


def request_update_add(
    *,
    client: ApiClient,
    case,
    description: str,
    email: str,
    name: str,
    status: str,
    idempotency_key: str = "",
):
    """An update an app sends about a request (FixMyStreet sends its users' comments).

    From the person who reported it (``email`` is a verified address of the case's resident
    account) it is their message on the case, as if sent on the website; with ``status`` OPEN
    on a finished case it is their "it is not fixed" (a reopen, as FixMyStreet and Pocket
    Council's own outbound client send it), or, past the reopen period, a note for staff as
    below so their words are not lost. From anyone else it
    is a note for staff, saying who sent it through which app: it is not published, because
    nobody at the council has read it yet. Returns the timeline event.

    With an ``idempotency_key``, the key is kept with the event in the same transaction: the
    same key from the same client again returns the first event and adds nothing (two at once:
    the database refuses the second key, and its update rolls back).
    """
    from pocketcouncil.cases import actions as case_actions
    from pocketcouncil.open311 import queries
    from pocketcouncil.open311.models import InboundUpdateKey

    def earlier():
        first = queries.update_for_idempotency_key(client=client, key=idempotency_key)
        if first is not None and first.case_id != case.pk:
            raise case_actions.CaseInputError(
                _("this key was used for an update of another request"), field="Idempotency-Key"
            )
        return first

    if idempotency_key and (first := earlier()) is not None:
        return first
    try:
        with transaction.atomic():
            sender = queries.account_with_verified_email(email)
            event = None
            if sender is not None and sender.pk == case.resident_id:
                if status == "OPEN" and not case.is_open:
                    event = _reporter_reopen(case=case, sender=sender, reason=description)
                else:
                    event = case_actions.case_resident_reply(
                        case=case, actor=sender, message=description
                    )
            if event is None:
                who = ", ".join(filter(None, [name, email])) or _("someone")
                heading = _("Update from %(who)s through %(app)s") % {
                    "who": who,
                    "app": client.name,
                }
                if status:
                    heading += " " + _("(their app says the problem is: %(status)s)") % {
                        "status": status
                    }
                event = case_actions.case_note_add(
                    case=case, actor=client, note=f"{heading}:\n{description}"
                )
            if idempotency_key:
                InboundUpdateKey.objects.create(
                    council_id=case.council_id,
                    client=client,
                    key=idempotency_key,
                    case_event=event,
                )
    except IntegrityError:
        first = earlier() if idempotency_key else None
        if first is None:
            raise
        return first
    return event
