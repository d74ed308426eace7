"""Reads of the Open311 server: keys, a council's reportable services, public requests and
their updates.

Only public cases (location-based reports, shown on the public map without personal details)
are ever listed or shown through Open311, and only their public timeline events: a private
request (a bulky waste booking, a benefits question) is invisible here, as on the public map.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from pocketcouncil.cases.models import PUBLIC_EVENT_KINDS, Case, CaseEvent, CasePhoto, EventKind
from pocketcouncil.cases.workflow import FINISHED, OPEN
from pocketcouncil.councils.models import Council
from pocketcouncil.open311.actions import key_digest
from pocketcouncil.open311.models import ApiClient
from pocketcouncil.services import queries as services_queries
from pocketcouncil.services.models import Service


def api_client_for_key(*, council: Council, raw_key: str) -> ApiClient | None:
    """The active client of ``council`` holding this key, or None (unknown, revoked, or a key
    of another council)."""
    if not raw_key:
        return None
    return (
        ApiClient.objects.filter(
            council=council, key_digest=key_digest(raw_key), revoked_at__isnull=True
        )
        .select_related("council")
        .first()
    )


def account_with_verified_email(email: str):
    """The active account that has verified ``email`` (allauth's record), or None. An
    unverified match is not enough: anyone can type someone else's address into an app."""
    email = (email or "").strip()
    if not email:
        return None
    address = (
        EmailAddress.objects.filter(email__iexact=email, verified=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    return address.user if address else None


def api_client_list(*, council: Council) -> list[ApiClient]:
    return list(ApiClient.objects.filter(council=council).order_by("name"))


def rate_limit_exceeded(client: ApiClient, *, now: datetime | None = None) -> bool:
    """Count one request against the client's per-minute allowance; True once it is used up.

    A fixed one-minute window in the shared cache, so the limit holds across web processes.
    """
    now = now or timezone.now()
    key = f"open311:rate:{client.pk}:{client.key_digest[:12]}:{now:%Y%m%d%H%M}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # the entry expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    return count > client.rate_limit_per_minute


def reportable_services(*, council: Council) -> list[Service]:
    """Services a council takes through Open311: the ones it offers that are reports about a
    place and need no proof of identity. ``attribute_count`` says whether each has a form."""
    offered = [s.pk for s in services_queries.service_list_for_council(council=council)]
    return list(
        Service.objects.filter(pk__in=offered, location_based=True, minimum_assurance_level=0)
        .annotate(attribute_count=Count("attributes"))
        .order_by("lgsl")
    )


def reportable_service(*, council: Council, service_code: str) -> Service | None:
    if not service_code.isdigit():
        return None
    for service in reportable_services(council=council):
        if service.lgsl == int(service_code):
            return service
    return None


REQUEST_FIELDS = (
    "pk",
    "reference",
    "status",
    "description",
    "received_at",
    "updated_at",
    "due_at",
    "location_text",
    "latitude",
    "longitude",
    "service__lgsl",
    "service__name",
    "council__name",
)


def _public_requests(council: Council) -> QuerySet:
    return Case.objects.filter(council=council, is_public=True)


def _rows(cases: QuerySet) -> list[dict]:
    """Plain rows (no model instances: the list is an API's hot path), each with the token of
    its first public photo or None. Two queries whatever the number of rows."""
    rows = list(cases.values(*REQUEST_FIELDS))
    photos: dict[int, str] = {}
    if rows:
        for case_id, token in (
            CasePhoto.objects.filter(case_id__in=[r["pk"] for r in rows], is_public=True)
            .order_by("-created_at", "-pk")
            .values_list("case_id", "token")
        ):
            photos[case_id] = token  # the earliest photo is written last
    for row in rows:
        row["photo_token"] = photos.get(row["pk"])
    return rows


def request_list(
    *,
    council: Council,
    references: list[str] | None = None,
    service_codes: list[int] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    statuses: list[str] | None = None,
    offset: int = 0,
    limit: int = 50,
) -> list[dict]:
    """Public requests of a council, newest first, as rows of ``REQUEST_FIELDS`` plus
    ``photo_token``. ``references`` overrides the other filters (as the specification says);
    ``statuses`` are Open311's "open" and "closed"."""
    cases = _public_requests(council)
    if references:
        cases = cases.filter(reference__in=references)
    else:
        if service_codes:
            cases = cases.filter(service__lgsl__in=service_codes)
        if start is not None:
            cases = cases.filter(received_at__gte=start)
        if end is not None:
            cases = cases.filter(received_at__lte=end)
        if statuses and set(statuses) != {"open", "closed"}:
            wanted = OPEN if "open" in statuses else FINISHED
            cases = cases.filter(status__in=wanted)
    return _rows(cases.order_by("-received_at", "-pk")[offset : offset + limit])


def request_get(*, council: Council, reference: str) -> dict | None:
    rows = _rows(_public_requests(council).filter(reference=reference.strip().upper()))
    return rows[0] if rows else None


def case_for_update(*, council: Council, reference: str) -> Case | None:
    """A public case of the council, as a model (updates are written through cases.actions)."""
    return (
        _public_requests(council)
        .select_related("council", "service")
        .filter(reference=reference.strip().upper())
        .first()
    )


def new_token() -> str:
    """A token for a new request: the client can look the request up by it later."""
    return secrets.token_hex(16)


def token_for_idempotency_key(*, client: ApiClient, key: str) -> str:
    """The token of the request made by ``client`` with this ``Idempotency-Key``: derived from
    both, so the same key from the same client always names the same request (the case's
    ``submission_key`` is ``open311:<token>``, unique in the database), and two clients' keys
    never collide."""
    digest = hashlib.sha256(f"{client.pk}:{key}".encode()).hexdigest()
    return "ik" + digest[:40]


def update_for_idempotency_key(*, client: ApiClient, key: str):
    """The timeline event an earlier ``POST servicerequestupdates`` by ``client`` with this
    ``Idempotency-Key`` made, or None."""
    from pocketcouncil.open311.models import InboundUpdateKey

    row = (
        InboundUpdateKey.objects.filter(client=client, key=key).select_related("case_event").first()
    )
    return row.case_event if row is not None else None


def request_for_token(*, council: Council, token: str) -> Case | None:
    return (
        Case.objects.filter(council=council, submission_key=f"open311:{token}")
        .only("reference", "submission_key")
        .first()
    )


UPDATE_KINDS = [EventKind.STATUS_CHANGED, EventKind.PUBLIC_UPDATE, EventKind.MERGED]


def update_list(
    *, council: Council, start: datetime, end: datetime, limit: int = 1000
) -> list[CaseEvent]:
    """Public updates (status changes and public notes) on a council's public requests, oldest
    first, for the servicerequestupdates extension."""
    kinds = [k for k in UPDATE_KINDS if k in PUBLIC_EVENT_KINDS]
    return list(
        CaseEvent.objects.filter(
            Q(council=council, case__council=council, case__is_public=True),
            is_public=True,
            kind__in=kinds,
            created_at__gte=start,
            created_at__lte=end,
        )
        .select_related("case")
        .order_by("created_at", "pk")[:limit]
    )


def webhook_list(*, council: Council):
    from pocketcouncil.open311.models import Webhook

    return list(Webhook.objects.filter(council=council).order_by("url"))


def delivery_list(*, council: Council, limit: int = 25):
    """A council's latest webhook deliveries, for the staff log."""
    from pocketcouncil.open311.models import WebhookDelivery

    return list(
        WebhookDelivery.objects.filter(council=council)
        .select_related("webhook")
        .order_by("-created_at", "-pk")[:limit]
    )


def delivery_get(*, council: Council, delivery_id: int):
    from pocketcouncil.open311.models import WebhookDelivery

    return (
        WebhookDelivery.objects.filter(council=council, pk=delivery_id)
        .select_related("council", "webhook")
        .first()
    )


# --- outbound Open311 --------------------------------------------------------------------------


def outbound_endpoint_list(*, council: Council):
    from pocketcouncil.open311.models import OutboundEndpoint

    return list(
        OutboundEndpoint.objects.filter(council=council)
        .select_related("service")
        .order_by("name", "pk")
    )


def outbound_endpoint_get(*, council: Council, endpoint_id: int):
    from pocketcouncil.open311.models import OutboundEndpoint

    return (
        OutboundEndpoint.objects.filter(council=council, pk=endpoint_id)
        .select_related("council", "service")
        .first()
    )


def outbound_send_list(*, council: Council, limit: int = 25):
    """A council's sends to back offices that need attention (failed, or not sent yet), the
    failed first, for the staff page."""
    from django.db.models import Case as Choose
    from django.db.models import IntegerField, Value, When

    from pocketcouncil.open311.models import OutboundSend, SendState

    return list(
        OutboundSend.objects.filter(council=council)
        .exclude(state=SendState.SENT)
        .select_related("endpoint", "case")
        .annotate(
            failed_first=Choose(
                When(state=SendState.FAILED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("failed_first", "-created_at", "-pk")[:limit]
    )


def outbound_update_list(*, council: Council, limit: int = 25):
    """A council's residents' updates (reopens, messages) not yet passed on to back offices,
    the failed first, then those held because their case could not be sent, for the staff
    page."""
    from django.db.models import Case as Choose
    from django.db.models import IntegerField, Value, When

    from pocketcouncil.open311.models import OutboundUpdateSend, SendState

    return list(
        OutboundUpdateSend.objects.filter(council=council)
        .exclude(state=SendState.SENT)
        .select_related("send__endpoint", "send__case", "case_event")
        .annotate(
            failed_first=Choose(
                When(state=SendState.FAILED, then=Value(0)),
                When(send__state=SendState.FAILED, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("failed_first", "-created_at", "-pk")[:limit]
    )


def outbound_update_get(*, council: Council, update_id: int):
    from pocketcouncil.open311.models import OutboundUpdateSend

    return (
        OutboundUpdateSend.objects.filter(council=council, pk=update_id)
        .select_related("council", "send__endpoint", "send__case")
        .first()
    )


def outbound_send_get(*, council: Council, send_id: int):
    from pocketcouncil.open311.models import OutboundSend

    return (
        OutboundSend.objects.filter(council=council, pk=send_id)
        .select_related("council", "endpoint", "case")
        .first()
    )


def outbound_send_for_case(*, case):
    """Where a case was sent (its ``OutboundSend`` with its back office), or None. For the
    staff case page: the case must be of the council the page is for."""
    from pocketcouncil.open311.models import OutboundSend

    return (
        OutboundSend.objects.filter(case_id=case.pk, council_id=case.council_id)
        .select_related("endpoint")
        .first()
    )
