"""The outbound Open311 client: send a service's new cases to a back office's GeoReport v2
endpoint, and fetch the back office's updates back into the case timelines.

The outbox
    A case made for a service that has an enabled ``OutboundEndpoint`` gets an ``OutboundSend``
    row in the same transaction (``on_case_event`` is a ``cases.actions.EVENT_HOOKS`` member),
    and a task is queued. The row is the truth: a task that runs twice or dies half-way loses
    nothing, and a lease stops two workers sending one case at once.

Exactly once
    Open311 has no idempotency key, and a worker can die after the back office accepted a case
    but before the id it answered is stored. So:

    1. every case is sent with its reference in the description (``Pocket Council reference:
       OXF-26-000123``), in ``attribute[pocketcouncil_reference]``, and in an
       ``Idempotency-Key`` header (Pocket Council's own server honours the header: a repeated
       POST returns the first request's id);
    2. a row that was tried before (a lease that ran out in ``sending``, a timeout, a network
       error, a 5xx) is first looked up at the back office (``GET requests.json`` for the
       service since the case was queued, matched on the reference in the description); if it
       is there its id is adopted and nothing is POSTed;
    3. the database refuses two sends with one back-office id (a unique constraint).

Retries
    Network errors, timeouts, 408, 429 and 5xx are tried again after 30 s, 1, 2, 4 ... minutes
    (at most 6 hours, each wait shortened by up to a half at random so a back office coming
    back is not hit by every retry at once), up to ``OPEN311_OUTBOUND_MAX_ATTEMPTS`` tries.
    Any other answer (400, 401, 403, 404 ...) is a refusal that trying again will not fix: the
    send is marked failed at once. Failed sends are listed for staff with the error, and can be
    sent again.

The resident's reopens and messages
    A resident's reopen ("it is not fixed") or message on a sent case gets an
    ``OutboundUpdateSend`` row in the same way, and is passed on with mySociety's ``POST
    servicerequestupdates`` once the case's send has the back office's id (never before; if
    the send failed, the update is held and staff see why). Same lease, retries and failure
    rule. Exactly once: our ``update_id`` is the ``Idempotency-Key``; an update tried before is
    first looked up with ``GET servicerequestupdates`` where the back office lists updates.
    Only those two kinds are sent: the back office's own updates (public updates made by
    ``update_record``) are never echoed back.
"""

from __future__ import annotations

import json
import logging
import random
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from pocketcouncil.open311 import conf, urlguard
from pocketcouncil.open311.models import (
    OutboundEndpoint,
    OutboundSend,
    OutboundUpdate,
    OutboundUpdateSend,
    SendState,
)

log = logging.getLogger(__name__)

BATCH = 20
LOOKUP_PAGES = 10
LOOKUP_PAGE_SIZE = 200
UPDATE_ROUNDS = 10
MAX_DESCRIPTION = 5000
RETRYABLE_STATUS = frozenset({408, 425, 429})
REFERENCE_LABEL = "Pocket Council reference"
USER_AGENT = "PocketCouncil-Open311/1"


# --- transport ---------------------------------------------------------------------------------


class TransportError(Exception):
    """The request did not get an HTTP answer (refused, reset, timed out, not allowed)."""


@dataclass
class Response:
    status: int
    body: bytes

    def json(self):
        return json.loads(self.body.decode("utf-8"))


class UrllibTransport:
    """HTTP with the standard library, a timeout on every request, and the SSRF guard."""

    def request(self, method, url, *, params=None, data=None, headers=None, timeout=10.0):
        try:
            urlguard.check(url)
        except urlguard.UnsafeUrlError as problem:
            raise TransportError(str(problem)) from None
        if params:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params, doseq=True)
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(  # noqa: S310 (http(s) only: checked above)
            url, data=body, method=method, headers={"User-Agent": USER_AGENT, **(headers or {})}
        )
        if body is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
                return Response(answer.status, answer.read(1_000_000))
        except urllib.error.HTTPError as problem:
            return Response(problem.code, problem.read(100_000) if problem.fp else b"")
        except (urllib.error.URLError, OSError, ValueError) as problem:
            raise TransportError(str(getattr(problem, "reason", problem))[:300]) from None


transport = UrllibTransport()


def _transport(given):
    return given if given is not None else transport


def _url(endpoint: OutboundEndpoint, path: str) -> str:
    return endpoint.base_url.rstrip("/") + "/" + path


def _w3c(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _error_text(response: Response) -> str:
    """The first error description of an Open311 error list, or the start of the body."""
    try:
        data = response.json()
        if isinstance(data, list) and data and isinstance(data[0], dict):
            return str(data[0].get("description", ""))[:300]
    except (ValueError, UnicodeDecodeError):
        pass
    return response.body[:200].decode("utf-8", "replace")


# --- the outbox (inside the case action's transaction) -----------------------------------------


def on_case_event(event) -> None:
    """``cases.actions.EVENT_HOOKS`` member: a new case of a service with an enabled back
    office gets a send row, and a worker is asked to send it."""
    from pocketcouncil.cases.models import EventKind

    if event.kind in RESIDENT_UPDATE_KINDS:
        _update_queue(event)
        return
    if event.kind != EventKind.CREATED:
        return
    case = event.case
    endpoint = OutboundEndpoint.objects.filter(
        council_id=case.council_id, service_id=case.service_id, is_enabled=True
    ).first()
    if endpoint is None:
        return
    OutboundSend.objects.get_or_create(
        case=case, defaults={"council_id": case.council_id, "endpoint": endpoint}
    )
    from pocketcouncil.open311 import tasks

    tasks.outbound_kick()


# What the resident says on a case that the back office is told about: they reopened it ("it
# is not fixed"), or added information. Only these: the back office's own updates come back as
# public updates (``update_record``), never one of these kinds, so they are never echoed back.
RESIDENT_UPDATE_KINDS = frozenset({"reopened", "message_in"})


def update_id_for(event) -> str:
    """Our id for an update we send: unique (the event's), stable, and naming this site, so
    it can be the ``Idempotency-Key`` as well."""
    host = urllib.parse.urlsplit(settings.POCKETCOUNCIL_SITE_URL).hostname or "pocketcouncil"
    return f"{event.case.reference}-u{event.pk}@{host}"


def _update_queue(event) -> None:
    """A resident's reopen or message on a case that was (or is waiting to be) sent to a back
    office gets an update row, in the case action's transaction."""
    case = event.case
    send = OutboundSend.objects.filter(case_id=case.pk).first()
    if send is None or send.council_id != case.council_id:
        return  # never sent, or since moved to another council: not this back office's now
    OutboundUpdateSend.objects.get_or_create(
        case_event=event,
        defaults={
            "council_id": case.council_id,
            "send": send,
            "update_id": update_id_for(event),
            # As FixMyStreet sends it: the resident acts only on open cases (a reopen makes it
            # open again), so the status the back office is told is OPEN.
            "status": "OPEN",
        },
    )
    from pocketcouncil.open311 import tasks

    tasks.outbound_kick()


# --- sending -----------------------------------------------------------------------------------


def idempotency_key(case) -> str:
    host = urllib.parse.urlsplit(settings.POCKETCOUNCIL_SITE_URL).hostname or "pocketcouncil"
    return f"{case.reference}@{host}"


def reference_line(case) -> str:
    return f"{REFERENCE_LABEL}: {case.reference}"


def request_form(send: OutboundSend) -> dict:
    """The GeoReport v2 ``POST requests`` form for a case."""
    case, endpoint = send.case, send.endpoint
    marker = "\n\n" + reference_line(case)
    form = {
        "api_key": endpoint.api_key,
        "service_code": endpoint.service_code,
        "description": case.description[: MAX_DESCRIPTION - len(marker)] + marker,
        "attribute[pocketcouncil_reference]": case.reference,
    }
    if endpoint.jurisdiction_id:
        form["jurisdiction_id"] = endpoint.jurisdiction_id
    if case.latitude is not None and case.longitude is not None:
        form["lat"] = f"{case.latitude:.6f}"
        form["long"] = f"{case.longitude:.6f}"
    if case.location_text:
        form["address_string"] = case.location_text
    form.update(_person_fields(case))
    for code, value in (case.attributes or {}).items():
        if code.startswith("open311_"):
            continue  # what an inbound Open311 client sent us about itself
        if isinstance(value, list):
            form[f"attribute[{code}][]"] = [str(v) for v in value]
        elif value not in (None, ""):
            form[f"attribute[{code}]"] = str(value)
    return form


def backoff(attempts: int) -> timedelta:
    """The wait after ``attempts`` failed tries: base, 2 x base, 4 x base ... at most 6 hours,
    each shortened by up to a half at random (jitter)."""
    base = conf.outbound_retry_base_seconds() * 2 ** max(attempts - 1, 0)
    seconds = min(base, 6 * 3600)
    return timedelta(seconds=seconds * (0.5 + random.random() / 2))  # noqa: S311 (not security)


@dataclass
class SendReport:
    sent: int = 0
    adopted: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    updates_sent: int = 0
    updates_adopted: int = 0
    updates_retried: int = 0
    updates_failed: int = 0


def _claim_due(model, ready: Q, order: tuple[str, ...], now) -> list[tuple[object, bool]]:
    """Take up to ``BATCH`` due rows of ``model`` (a send or an update outbox), with a lease.
    Returns each row and whether it was left in ``sending`` by a worker that died (so it may
    have reached the back office)."""
    with transaction.atomic():
        due = list(
            model.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                ready, state__in=[SendState.PENDING, SendState.SENDING], next_attempt_at__lte=now
            )
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
            .order_by(*order)[:BATCH]
        )
        claimed = [(row, row.state == SendState.SENDING) for row in due]
        model.objects.filter(pk__in=[row.pk for row in due]).update(
            state=SendState.SENDING, lease_until=now + conf.outbound_lease()
        )
    return claimed


def _claim(now) -> list[tuple[OutboundSend, bool]]:
    """Due case sends, in the order they fell due."""
    return _claim_due(OutboundSend, Q(endpoint__is_enabled=True), ("next_attempt_at", "pk"), now)


def _finish(row, **fields) -> None:
    """Store an outcome on a send or update row and release its lease."""
    type(row).objects.filter(pk=row.pk).update(lease_until=None, **fields)
    for name, value in fields.items():
        setattr(row, name, value)


def _sent(send: OutboundSend, *, service_request_id: str, token: str, adopted: bool) -> str:
    try:
        with transaction.atomic():
            _finish(
                send,
                state=SendState.SENT,
                service_request_id=service_request_id,
                token=token,
                adopted=adopted,
                sent_at=timezone.now(),
                last_error="",
                attempts=send.attempts + (0 if adopted else 1),
            )
    except IntegrityError:
        # Another case already holds that back-office id: never two cases for one request.
        _finish(
            send,
            state=SendState.FAILED,
            last_error=_("The back office gave id %(id)s, already held by another case")
            % {"id": service_request_id},
        )
        return "failed"
    return "adopted" if adopted else "sent"


def _retry_or_fail(row, *, status: int | None, error: str, permanent: bool) -> str:
    """Record a failed try on a case send or an update: try again after ``backoff``, or fail
    for good when the answer was final or the tries are used up."""
    attempts = row.attempts + 1
    fields = {"attempts": attempts, "last_status_code": status, "last_error": error[:500]}
    if permanent or attempts >= conf.outbound_max_attempts():
        _finish(row, state=SendState.FAILED, **fields)
        return "failed"
    _finish(
        row,
        state=SendState.PENDING,
        next_attempt_at=timezone.now() + backoff(attempts),
        **fields,
    )
    return "retried"


def lookup(send: OutboundSend, *, transport=None) -> str | None:
    """The back office's id for this case if it already has it (found by the reference in the
    description among the service's requests since the case was queued), else None. Raises
    ``TransportError`` or ``ValueError`` if the back office could not be asked."""
    http = _transport(transport)
    endpoint, case = send.endpoint, send.case
    pattern = re.compile(re.escape(reference_line(case)) + r"(?![0-9A-Za-z-])")
    params = {
        "service_code": endpoint.service_code,
        "start_date": _w3c(send.created_at - timedelta(minutes=10)),
        "end_date": _w3c(timezone.now() + timedelta(minutes=10)),
        "page_size": LOOKUP_PAGE_SIZE,
    }
    if endpoint.jurisdiction_id:
        params["jurisdiction_id"] = endpoint.jurisdiction_id
    seen: set[str] = set()
    for page in range(1, LOOKUP_PAGES + 1):
        response = http.request(
            "GET",
            _url(endpoint, "requests.json"),
            params={**params, "page": page},
            timeout=conf.outbound_timeout(),
        )
        if response.status != 200:
            raise ValueError(f"lookup: HTTP {response.status} {_error_text(response)}")
        rows = response.json()
        if not isinstance(rows, list):
            raise ValueError("lookup: the answer is not a list")
        ids = {str(r.get("service_request_id")) for r in rows if isinstance(r, dict)}
        for row in rows:
            if isinstance(row, dict) and pattern.search(str(row.get("description") or "")):
                return str(row["service_request_id"])
        if len(rows) < LOOKUP_PAGE_SIZE or ids <= seen:
            return None  # the last page, or a server that ignores ``page``
        seen |= ids
    return None


def _read_created(response: Response) -> tuple[str, str]:
    """(service_request_id, token) from a POST requests answer (a list, or one object)."""
    data = response.json()
    if isinstance(data, list):
        data = data[0] if data else {}
    if not isinstance(data, dict):
        raise ValueError("the answer is not an Open311 request list")
    request_id = str(data.get("service_request_id") or "").strip()
    token = str(data.get("token") or "").strip()
    if not request_id and not token:
        raise ValueError("the answer has neither service_request_id nor token")
    return request_id, token


def token_resolve(send: OutboundSend, *, transport=None) -> str | None:
    """The id for a token the back office answered with, once it has one (else None)."""
    http = _transport(transport)
    jurisdiction = send.endpoint.jurisdiction_id
    params = {"jurisdiction_id": jurisdiction} if jurisdiction else {}
    response = http.request(
        "GET",
        _url(send.endpoint, f"tokens/{urllib.parse.quote(send.token, safe='')}.json"),
        params=params,
        timeout=conf.outbound_timeout(),
    )
    if response.status != 200:
        return None
    data = response.json()
    if isinstance(data, list):
        data = data[0] if data else {}
    request_id = str((data or {}).get("service_request_id") or "").strip()
    return request_id or None


def send_one(send: OutboundSend, *, interrupted: bool = False, transport=None) -> str:
    """Send one claimed row. Returns "sent", "adopted", "retried" or "failed"."""
    http = _transport(transport)
    send = (
        OutboundSend.objects.select_related("endpoint", "case", "case__resident")
        .filter(pk=send.pk)
        .first()
    )
    if send is None:
        return "failed"
    if interrupted or send.attempts > 0:
        # It may have reached the back office already: look before sending again.
        try:
            found = lookup(send, transport=http)
        except (TransportError, ValueError, UnicodeDecodeError) as problem:
            return _retry_or_fail(send, status=None, error=str(problem), permanent=False)
        if found:
            return _sent(send, service_request_id=found, token="", adopted=True)
    try:
        response = http.request(
            "POST",
            _url(send.endpoint, "requests.json"),
            data=request_form(send),
            headers={"Idempotency-Key": idempotency_key(send.case), "Accept": "application/json"},
            timeout=conf.outbound_timeout(),
        )
    except TransportError as problem:
        return _retry_or_fail(send, status=None, error=str(problem), permanent=False)
    if 200 <= response.status < 300:
        try:
            request_id, token = _read_created(response)
        except (ValueError, UnicodeDecodeError) as problem:
            # Accepted, but we cannot read the id: the next try looks it up first.
            return _retry_or_fail(
                send, status=response.status, error=f"unreadable answer: {problem}", permanent=False
            )
        if not request_id:
            send.token = token
            try:
                request_id = token_resolve(send, transport=http) or ""
            except (TransportError, ValueError, UnicodeDecodeError):
                request_id = ""  # the scheduled fetch asks again
        return _sent(send, service_request_id=request_id, token=token, adopted=False)
    permanent = response.status < 500 and response.status not in RETRYABLE_STATUS
    return _retry_or_fail(
        send,
        status=response.status,
        error=f"HTTP {response.status}: {_error_text(response)}",
        permanent=permanent,
    )


def send_due(*, time_limit: float = 60, transport=None) -> SendReport:
    """Send every due row (until ``time_limit`` seconds have passed)."""
    report = SendReport()
    deadline = time.monotonic() + time_limit
    while time.monotonic() < deadline:
        batch = _claim(timezone.now())
        if not batch:
            break
        for send, interrupted in batch:
            outcome = send_one(send, interrupted=interrupted, transport=transport)
            setattr(report, outcome, getattr(report, outcome) + 1)
    # Then the residents' updates whose cases are now at their back offices.
    while time.monotonic() < deadline:
        batch = _update_claim(timezone.now())
        if not batch:
            break
        for update, interrupted in batch:
            outcome = update_send_one(update, interrupted=interrupted, transport=transport)
            name = f"updates_{outcome}"
            setattr(report, name, getattr(report, name) + 1)
    return report


def _soonest(sends, state: str, field: str):
    """The earliest ``field`` among ``sends`` in ``state`` (None if there are none)."""
    return (
        sends.filter(state=state, **{f"{field}__isnull": False})
        .order_by(field)
        .values_list(field, flat=True)
        .first()
    )


def next_due_at():
    """When a send is next due: the soonest retry, or the soonest lease to run out (a send
    another worker holds, or one a dead worker left), or None."""
    live = OutboundSend.objects.filter(endpoint__is_enabled=True)
    updates = OutboundUpdateSend.objects.filter(_UPDATE_READY)
    times = (
        _soonest(live, SendState.PENDING, "next_attempt_at"),
        _soonest(live, SendState.SENDING, "lease_until"),
        _soonest(updates, SendState.PENDING, "next_attempt_at"),
        _soonest(updates, SendState.SENDING, "lease_until"),
    )
    return min((t for t in times if t is not None), default=None)


# --- passing the resident's updates on (servicerequestupdates) ---------------------------------

# An update can go once its case is at the back office with an id there, and while the back
# office is switched on. Until then it waits (the staff page says why).
_UPDATE_READY = (
    Q(send__state=SendState.SENT)
    & ~Q(send__service_request_id="")
    & Q(send__endpoint__is_enabled=True)
)


def _update_claim(now) -> list[tuple[OutboundUpdateSend, bool]]:
    """Due residents' updates whose case has reached the back office, oldest first."""
    return _claim_due(OutboundUpdateSend, _UPDATE_READY, ("created_at", "pk"), now)


def _update_sent(update: OutboundUpdateSend, *, external_id: str, adopted: bool) -> str:
    _finish(
        update,
        state=SendState.SENT,
        external_update_id=external_id[:200],
        adopted=adopted,
        sent_at=timezone.now(),
        last_error="",
        attempts=update.attempts + (0 if adopted else 1),
    )
    return "adopted" if adopted else "sent"


def _person_fields(case) -> dict:
    """``email``, ``first_name`` and ``last_name``, only those the case holds."""
    form = {}
    email = case.reporter_email or getattr(case.resident, "email", "")
    if email:
        form["email"] = email
    # ``full_name``, not ``get_full_name()``: that falls back to the email address.
    name = case.reporter_name or (
        case.resident.full_name if case.resident_id and case.resident else ""
    )
    if name:
        first, _space, last = name.strip().partition(" ")
        form["first_name"] = first
        if last:
            form["last_name"] = last
    return form


def update_form(update: OutboundUpdateSend) -> dict:
    """mySociety's ``POST servicerequestupdates`` form, as FixMyStreet sends it."""
    send, event = update.send, update.case_event
    form = {
        "api_key": send.endpoint.api_key,
        "service_request_id": send.service_request_id,
        "update_id": update.update_id,
        "updated_datetime": _w3c(event.created_at),
        "status": update.status,
        "description": event.note[:MAX_DESCRIPTION],
        **_person_fields(send.case),
    }
    if send.endpoint.jurisdiction_id:
        form["jurisdiction_id"] = send.endpoint.jurisdiction_id
    return form


def update_lookup(update: OutboundUpdateSend, *, transport=None) -> str | None:
    """The back office's id for this update if its ``GET servicerequestupdates`` lists it
    already (under our ``update_id``, or with the resident's words on the same request since
    the update was made), else None. Raises ``TransportError`` if the back office could not be
    asked, and ``LookupUnavailableError`` if it does not list updates (then only the
    ``Idempotency-Key`` stands between a retry and a second copy)."""
    http = _transport(transport)
    send, event = update.send, update.case_event
    params = {
        "start_date": _w3c(event.created_at - timedelta(minutes=10)),
        "end_date": _w3c(timezone.now() + timedelta(minutes=10)),
    }
    if send.endpoint.jurisdiction_id:
        params["jurisdiction_id"] = send.endpoint.jurisdiction_id
    response = http.request(
        "GET",
        _url(send.endpoint, "servicerequestupdates.json"),
        params=params,
        timeout=conf.outbound_timeout(),
    )
    if response.status >= 500 or response.status in RETRYABLE_STATUS:
        raise TransportError(f"lookup: HTTP {response.status} {_error_text(response)}")
    try:
        rows = response.json() if response.status == 200 else None
    except (ValueError, UnicodeDecodeError):
        rows = None
    if not isinstance(rows, list):
        raise LookupUnavailableError(f"HTTP {response.status}")
    words = event.note[:MAX_DESCRIPTION].strip()
    taken = set(
        OutboundUpdateSend.objects.filter(send=send)
        .exclude(pk=update.pk)
        .exclude(external_update_id="")
        .values_list("external_update_id", flat=True)
    )
    earliest = event.created_at - timedelta(minutes=1)
    for row in rows:
        if not isinstance(row, dict):
            continue
        if str(row.get("service_request_id") or "") != send.service_request_id:
            continue
        theirs = str(row.get("update_id") or "")
        if theirs == update.update_id:
            return theirs
        try:
            when = parse_datetime(str(row.get("updated_datetime") or ""))
        except ValueError:
            when = None
        same_words = bool(words) and str(row.get("description") or "").strip() == words
        recent = when is not None and timezone.is_aware(when) and when >= earliest
        if same_words and recent and theirs and theirs not in taken:
            return theirs
    return None


class LookupUnavailableError(Exception):
    """The back office does not list updates (``GET servicerequestupdates`` is refused)."""


def _read_update_created(response: Response) -> str:
    """The back office's update_id from a POST servicerequestupdates answer, or ""."""
    try:
        data = response.json()
    except (ValueError, UnicodeDecodeError):
        return ""
    if isinstance(data, list):
        data = data[0] if data else {}
    if not isinstance(data, dict):
        return ""
    return str(data.get("update_id") or "").strip()


def update_send_one(
    update: OutboundUpdateSend, *, interrupted: bool = False, transport=None
) -> str:
    """Pass one claimed update on. Returns "sent", "adopted", "retried" or "failed"."""
    http = _transport(transport)
    update = (
        OutboundUpdateSend.objects.select_related(
            "send__endpoint", "send__case__resident", "case_event__case"
        )
        .filter(pk=update.pk)
        .first()
    )
    if update is None:
        return "failed"
    if interrupted or update.attempts > 0:
        # An earlier try may have reached the back office: look before posting again.
        try:
            found = update_lookup(update, transport=http)
        except TransportError as problem:
            return _retry_or_fail(update, status=None, error=str(problem), permanent=False)
        except LookupUnavailableError:
            found = None  # it does not list updates: the Idempotency-Key is all there is
        if found:
            return _update_sent(update, external_id=found, adopted=True)
    try:
        response = http.request(
            "POST",
            _url(update.send.endpoint, "servicerequestupdates.json"),
            data=update_form(update),
            headers={"Idempotency-Key": update.update_id, "Accept": "application/json"},
            timeout=conf.outbound_timeout(),
        )
    except TransportError as problem:
        return _retry_or_fail(update, status=None, error=str(problem), permanent=False)
    if 200 <= response.status < 300:
        # Accepted. The back office's own id is kept if it gave one; without it the update
        # still arrived, so it is not sent again.
        return _update_sent(update, external_id=_read_update_created(response), adopted=False)
    permanent = response.status < 500 and response.status not in RETRYABLE_STATUS
    return _retry_or_fail(
        update,
        status=response.status,
        error=f"HTTP {response.status}: {_error_text(response)}",
        permanent=permanent,
    )


# --- fetching updates back ---------------------------------------------------------------------

STATUS_WORDS = {
    "OPEN": "open",
    "INVESTIGATING": "being investigated",
    "IN_PROGRESS": "in progress",
    "ACTION_SCHEDULED": "action scheduled",
    "FIXED": "fixed",
    "CLOSED": "closed",
    "DUPLICATE": "a duplicate of another report",
    "NOT_COUNCILS_RESPONSIBILITY": "not the council's responsibility",
    "NO_FURTHER_ACTION": "no further action",
}


@dataclass
class FetchReport:
    added: int = 0
    ids_found: int = 0
    errors: list[str] = field(default_factory=list)


def _note(endpoint: OutboundEndpoint, status: str, description: str) -> str:
    words = STATUS_WORDS.get(status.upper(), status.replace("_", " ").lower())
    head = (
        _("%(system)s says: %(status)s.") % {"system": endpoint.name, "status": words}
        if status
        else _("%(system)s says:") % {"system": endpoint.name}
    )
    return f"{head}\n{description}".strip() if description else head


def update_record(*, send: OutboundSend, update_id: str, status: str, description: str) -> bool:
    """Copy one back-office update into the case timeline as a public update (the resident
    and followers are told), once: a second copy of ``update_id`` adds nothing. Returns
    whether it was added."""
    from pocketcouncil.cases import actions as case_actions

    if not update_id or OutboundUpdate.objects.filter(send=send, update_id=update_id).exists():
        return False
    try:
        with transaction.atomic():
            row = OutboundUpdate.objects.create(
                council_id=send.council_id, send=send, update_id=update_id, status=status[:40]
            )
            event = case_actions.case_update_add(
                case=send.case,
                actor=send.endpoint,
                note=_note(send.endpoint, status, description)[:5000],
            )
            OutboundUpdate.objects.filter(pk=row.pk).update(case_event=event)
    except IntegrityError:
        return False  # another fetch added it at the same moment
    except (PermissionDenied, case_actions.CaseInputError) as problem:
        # The case moved to another council since it was sent (the back office's updates are
        # no longer this council's to publish), or the update was empty.
        log.info("update %s of send %s not added: %s", update_id, send.pk, problem)
        return False
    return True


def _active_sends(endpoint: OutboundEndpoint, now) -> list[OutboundSend]:
    """Sent cases whose updates are still fetched: sent in the last 90 days (the widest range
    an Open311 server is asked for at once)."""
    return list(
        OutboundSend.objects.filter(
            endpoint=endpoint,
            state=SendState.SENT,
            sent_at__gte=now - timedelta(days=conf.MAX_DATE_RANGE_DAYS - 1),
        ).select_related("case", "endpoint", "case__council", "case__service")
    )


def _fetch_endpoint(endpoint: OutboundEndpoint, *, http, report: FetchReport) -> None:
    now = timezone.now()
    sends = _active_sends(endpoint, now)
    for send in sends:
        if send.token and not send.service_request_id:
            found = token_resolve(send, transport=http)
            if found:
                try:
                    with transaction.atomic():
                        _finish(send, service_request_id=found)
                    report.ids_found += 1
                except IntegrityError:
                    _finish(send, state=SendState.FAILED, last_error=f"id {found} already held")
    by_id = {s.service_request_id: s for s in sends if s.service_request_id}
    if not by_id:
        return
    start = min(s.updates_fetched_at or s.sent_at for s in by_id.values()) - timedelta(minutes=1)
    start = max(start, now - timedelta(days=conf.MAX_DATE_RANGE_DAYS - 1))
    params = {"end_date": _w3c(now + timedelta(minutes=1))}
    if endpoint.jurisdiction_id:
        params["jurisdiction_id"] = endpoint.jurisdiction_id
    complete = False
    for _round in range(UPDATE_ROUNDS):
        response = http.request(
            "GET",
            _url(endpoint, "servicerequestupdates.json"),
            params={**params, "start_date": _w3c(start)},
            timeout=conf.outbound_timeout(),
        )
        if response.status != 200:
            raise ValueError(f"HTTP {response.status}: {_error_text(response)}")
        rows = response.json()
        if not isinstance(rows, list):
            raise ValueError("the answer is not a list of updates")
        latest = start
        for row in rows:
            if not isinstance(row, dict):
                continue
            send = by_id.get(str(row.get("service_request_id") or ""))
            try:
                when = parse_datetime(str(row.get("updated_datetime") or ""))
            except ValueError:
                when = None
            if when is not None and timezone.is_aware(when):
                latest = max(latest, when)
            if send is None:
                continue
            if update_record(
                send=send,
                update_id=str(row.get("update_id") or ""),
                status=str(row.get("status") or ""),
                description=str(row.get("description") or ""),
            ):
                report.added += 1
        if len(rows) < 1000 or latest <= start:
            complete = True
            break
        start = latest  # a full answer: ask again from its last update
    # Next time, start from here (or, if there were more updates than this fetch read, from the
    # last one read). A minute of overlap is re-read then; update_id keeps it from counting twice.
    OutboundSend.objects.filter(pk__in=[s.pk for s in by_id.values()]).update(
        updates_fetched_at=now if complete else start
    )


def fetch_updates(*, transport=None) -> FetchReport:
    """For every enabled back office: resolve tokens to ids, then copy new updates into the
    case timelines (mySociety's ``servicerequestupdates`` extension)."""
    http = _transport(transport)
    report = FetchReport()
    for endpoint in OutboundEndpoint.objects.filter(is_enabled=True).order_by("pk"):
        try:
            _fetch_endpoint(endpoint, http=http, report=report)
        except (TransportError, ValueError, UnicodeDecodeError) as problem:
            message = f"{endpoint.name}: {problem}"
            log.warning("open311 outbound: fetching updates failed: %s", message)
            report.errors.append(message)
    if (
        report.ids_found
        and OutboundUpdateSend.objects.filter(_UPDATE_READY, state=SendState.PENDING).exists()
    ):
        from pocketcouncil.open311 import tasks

        tasks.outbound_kick()  # residents' updates held for those ids can go now
    return report
