"""The Open311 GeoReport v2 server under ``/open311/v2/`` (XML or JSON by the path's suffix).

Views parse and check parameters, call ``queries`` or ``actions``, and render; every error is
the specification's error list with the right HTTP status. Limits are in ``open311.conf``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from pocketcouncil.cases import photos as case_photos
from pocketcouncil.cases.actions import CaseInputError
from pocketcouncil.cases.workflow import OPEN, CaseStatus, CloseReason
from pocketcouncil.councils.models import Council
from pocketcouncil.open311 import actions, conf, queries, response_cache
from pocketcouncil.open311.render import FORMATS, Open311Error, error, respond
from pocketcouncil.services.forms import form_class_for
from pocketcouncil.services.queries import service_attributes

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
NOT_PINPOINTED = "#NOTPINPOINTED#"
ATTRIBUTE_PARAM = re.compile(r"attribute\[(?P<code>[^\]]+)\](\[\])?")


def open311_view(methods):
    """Check the format suffix, turn ``Open311Error`` into the error format, allow CORS."""

    def decorate(view):
        @csrf_exempt
        @require_http_methods(methods)
        def wrapper(request: HttpRequest, fmt: str, **kwargs) -> HttpResponse:
            if fmt not in FORMATS:
                return error("json", 404, "Use the format .xml or .json at the end of the path.")
            try:
                return view(request, fmt, **kwargs)
            except Open311Error as problem:
                return error(fmt, problem.status, problem.description)

        wrapper.__name__ = view.__name__
        wrapper.__doc__ = view.__doc__
        return wrapper

    return decorate


def _param(request: HttpRequest, name: str) -> str:
    """A parameter from the query string, or for a POST from the body first (some clients put
    ``jurisdiction_id`` and ``api_key`` in the query string of a POST)."""
    value = request.POST.get(name) if request.method == "POST" else None
    # PostgreSQL cannot hold a NUL character in text (a 500 there); nobody means to send one.
    return (value or request.GET.get(name) or "").replace("\x00", "").strip()


def _jurisdiction(request: HttpRequest) -> str:
    slug = _param(request, "jurisdiction_id")
    if not slug:
        raise Open311Error(400, "jurisdiction_id: required. Use a council's id from discovery.")
    return slug


def _council(request: HttpRequest) -> Council:
    slug = _jurisdiction(request)
    council = Council.objects.filter(slug=slug).first()
    if council is None:
        raise Open311Error(404, f"jurisdiction_id: no council has the id {slug!r}.")
    return council


def _w3c(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_date(request: HttpRequest, name: str) -> datetime | None:
    text = _param(request, name)
    if not text:
        return None
    try:
        value = parse_datetime(text.replace(" ", "+"))
    except ValueError:
        value = None
    if value is None:
        raise Open311Error(
            400, f"{name}: not a date and time in W3C format, e.g. 2026-11-21T09:30:00Z."
        )
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value


def _date_range(request: HttpRequest) -> tuple[datetime, datetime]:
    start, end = _parse_date(request, "start_date"), _parse_date(request, "end_date")
    span = timedelta(days=conf.MAX_DATE_RANGE_DAYS)
    if start is None and end is None:
        end = timezone.now()
    try:
        if start is None:
            start = end - span
        if end is None:
            end = start + span
    except OverflowError:  # within 90 days of year 1 or year 9999
        name = "end_date" if start is None else "start_date"
        raise Open311Error(400, f"{name}: not a date we hold requests for.") from None
    if end < start:
        raise Open311Error(400, "end_date: must not be before start_date.")
    if end - start > span:
        raise Open311Error(
            400, f"end_date: the range may span at most {conf.MAX_DATE_RANGE_DAYS} days."
        )
    return start, end


def _int_param(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    text = _param(request, name)
    if not text:
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        raise Open311Error(400, f"{name}: must be a whole number from {low} to {high}.")
    return int(text)


# --- discovery and services --------------------------------------------------------------------


@open311_view(["GET"])
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:discovery", args=["json"]))
    data = {
        "changeset": "2026-11-21T00:00:00Z",
        "contact": "Your council's IT team; see /docs/integrations on this site.",
        "key_service": "Council administrators issue API keys on the staff integrations page.",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base.rsplit("/", 1)[0],
                "changeset": "2026-11-21T00:00:00Z",
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
        "jurisdictions": [c.slug for c in Council.objects.only("slug").order_by("slug")],
    }
    if fmt == "xml":
        del data["jurisdictions"]  # not part of the XML schema; JSON clients may use it
    return respond(fmt, data, root="discovery", item=None)


def _service_out(service) -> dict:
    return {
        "service_code": str(service.lgsl),
        "service_name": service.name,
        "description": service.summary,
        "metadata": service.attribute_count > 0,
        "type": "realtime",
        "keywords": ", ".join(service.synonym_list[:10]),
        "group": service.get_topic_display(),
    }


@open311_view(["GET"])
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    council = _council(request)
    # The catalogue changes rarely and the list is asked for often: it is kept in the shared
    # cache for a minute (documented: a change shows within a minute).
    key = f"open311:services:{council.pk}:{get_language()}"
    data = cache.get(key)
    if data is None:
        data = [_service_out(s) for s in queries.reportable_services(council=council)]
        cache.set(key, data, timeout=conf.SERVICES_CACHE_SECONDS)
    return respond(fmt, data, root="services", item="service")


def _attribute_out(attribute) -> dict:
    out = {
        "variable": True,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": attribute.required,
        "datatype_description": attribute.help_text,
        "order": attribute.order,
        "description": attribute.label,
    }
    if attribute.values:
        out["values"] = [{"key": v["key"], "name": v["name"]} for v in attribute.values]
    return out


@open311_view(["GET"])
def service_definition(request: HttpRequest, fmt: str, service_code: str) -> HttpResponse:
    council = _council(request)
    service = queries.reportable_service(council=council, service_code=service_code)
    if service is None:
        raise Open311Error(404, f"service_code: {council.name} has no service {service_code!r}.")
    data = {
        "service_code": str(service.lgsl),
        "attributes": [_attribute_out(a) for a in service_attributes(service=service)],
    }
    return respond(fmt, data, root="service_definition", item=None)


# --- requests ----------------------------------------------------------------------------------


def _status_note(status: str) -> str:
    return str(CaseStatus(status).label)


def _request_out(request: HttpRequest, row: dict, site: str) -> dict:
    token = row["photo_token"]
    return {
        "service_request_id": row["reference"],
        "status": "open" if row["status"] in OPEN else "closed",
        "status_notes": _status_note(row["status"]),
        "service_name": row["service__name"],
        "service_code": str(row["service__lgsl"]),
        "description": row["description"],
        "agency_responsible": row["council__name"],
        "service_notice": None,
        "requested_datetime": _w3c(row["received_at"]),
        "updated_datetime": _w3c(row["updated_at"]),
        "expected_datetime": _w3c(row["due_at"]),
        "address": row["location_text"],
        "address_id": None,
        "zipcode": None,
        "lat": row["latitude"],
        "long": row["longitude"],
        "media_url": site + reverse("cases:photo", args=[row["reference"], token])
        if token
        else None,
    }


def _site(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _list_param(request: HttpRequest, name: str) -> list[str]:
    return [part.strip() for part in _param(request, name).split(",") if part.strip()]


@open311_view(["GET", "POST"])
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _request_create(request, fmt)
    slug = _jurisdiction(request)
    references = [r.upper() for r in _list_param(request, "service_request_id")]
    if len(references) > conf.MAX_IDS:
        raise Open311Error(400, f"service_request_id: at most {conf.MAX_IDS} ids at once.")
    codes = _list_param(request, "service_code")
    if any(not code.isdigit() or len(code) > 9 for code in codes):
        raise Open311Error(400, "service_code: use service codes (numbers) separated by commas.")
    statuses = [s.lower() for s in _list_param(request, "status")]
    if any(s not in {"open", "closed"} for s in statuses):
        raise Open311Error(400, "status: use open, closed, or open,closed.")
    start, end = _date_range(request)
    page_size = _int_param(request, "page_size", conf.DEFAULT_PAGE_SIZE, 1, conf.MAX_PAGE_SIZE)
    page = _int_param(request, "page", 1, 1, conf.MAX_RESULTS // page_size)
    site = _site(request)

    def build() -> HttpResponse:
        cases = queries.request_list(
            council=_council(request),
            references=references,
            service_codes=[int(c) for c in codes],
            start=start,
            end=end,
            statuses=statuses,
            offset=(page - 1) * page_size,
            limit=page_size,
        )
        data = [_request_out(request, case, site) for case in cases]
        return respond(fmt, data, root="service_requests", item="request")

    # Everything the answer depends on besides the council's cases; a default date range is
    # "the last 90 days", whatever the time (the cache entry's lifetime bounds the drift).
    explicit_dates = (_param(request, "start_date"), _param(request, "end_date"))
    window = (start, end) if any(explicit_dates) else None
    parts = (fmt, get_language(), site, references, codes, statuses, window, page_size, page)
    return response_cache.cached(slug, parts, build)


@open311_view(["GET"])
def request_detail(request: HttpRequest, fmt: str, service_request_id: str) -> HttpResponse:
    council = _council(request)
    case = queries.request_get(council=council, reference=service_request_id)
    if case is None:
        raise Open311Error(404, f"service_request_id: no request {service_request_id!r} here.")
    data = [_request_out(request, case, _site(request))]
    return respond(fmt, data, root="service_requests", item="request")


@open311_view(["GET"])
def token_detail(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    council = _council(request)
    case = queries.request_for_token(council=council, token=token)
    if case is None:
        raise Open311Error(404, f"token: no request was made with the token {token!r} here.")
    data = [{"service_request_id": case.reference, "token": token}]
    return respond(fmt, data, root="service_requests", item="request")


def _client(request: HttpRequest, council: Council):
    client = queries.api_client_for_key(council=council, raw_key=_param(request, "api_key"))
    if client is None:
        raise Open311Error(403, "api_key: missing, revoked or not a key for this jurisdiction.")
    if queries.rate_limit_exceeded(client):
        raise Open311Error(
            429,
            f"api_key: this key may make {client.rate_limit_per_minute} requests a minute. "
            "Wait a minute and try again.",
        )
    return client


def _coordinate(request: HttpRequest, name: str, limit: float) -> float | None:
    text = _param(request, name)
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not -limit <= value <= limit:
        raise Open311Error(400, f"{name}: must be a number from -{limit:g} to {limit:g}.")
    return value


def _attributes(request: HttpRequest, service, *, where: str) -> dict:
    """``attribute[code]`` (and ``attribute[code][]`` for lists) checked by the service's form.

    The "where" question of a location-based form is answered by the address the client sent
    (as the web journey answers it from the place the resident typed)."""
    data = QueryDict(mutable=True)
    for key in request.POST:
        match = ATTRIBUTE_PARAM.fullmatch(key)
        if match:
            data.setlist(match["code"], request.POST.getlist(key))
    if "where" not in data:
        data["where"] = where
    form = form_class_for(service)(data=data)
    if not form.is_valid():
        code, messages = next(iter(form.errors.items()))
        raise Open311Error(400, f"attribute[{code}]: {messages[0]}")
    values = {}
    for code, value in form.cleaned_data.items():
        if value in (None, "", []):
            continue
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif not isinstance(value, str | int | float | bool | list):
            value = str(value)
        values[code] = value
    return values


_FIELD_PARAMS = {
    "location": "lat",
    "description": "description",
    "council": "service_code",
    "email": "email",
    "photos": "media",
}


def _idempotent_token(request: HttpRequest, client) -> str | None:
    """The token for a POST with an ``Idempotency-Key`` header: the same for the same key from
    the same API client, so a retried POST finds the request the first one made (and answers
    with its id and token) instead of making a second case."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return None
    if len(key) > conf.MAX_IDEMPOTENCY_KEY or not key.isprintable():
        raise Open311Error(
            400, f"Idempotency-Key: at most {conf.MAX_IDEMPOTENCY_KEY} printable characters."
        )
    return queries.token_for_idempotency_key(client=client, key=key)


def _request_create(request: HttpRequest, fmt: str) -> HttpResponse:
    council = _council(request)
    client = _client(request, council)
    code = _param(request, "service_code")
    if not code:
        raise Open311Error(400, "service_code: required.")
    service = queries.reportable_service(council=council, service_code=code)
    if service is None:
        raise Open311Error(400, f"service_code: {council.name} takes no reports for {code!r}.")
    lat, lon = _coordinate(request, "lat", 90), _coordinate(request, "long", 180)
    if (lat is None) != (lon is None):
        raise Open311Error(400, "lat: give both lat and long, or neither.")
    if lat is None:
        raise Open311Error(400, "lat: required with long; reports are placed on a map.")
    description = _param(request, "description")
    if not description:
        raise Open311Error(400, "description: required.")
    if len(description) > conf.MAX_DESCRIPTION:
        raise Open311Error(400, f"description: at most {conf.MAX_DESCRIPTION} characters.")
    email = _param(request, "email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Open311Error(400, "email: not an email address.") from None
    address = _param(request, "address_string")[:300]
    attributes = _attributes(request, service, where=address or f"{lat:.6f}, {lon:.6f}")
    extra = {}
    device = _param(request, "device_id") or _param(request, "deviceid")
    if device:
        extra["open311_device_id"] = device[:100]
    media_urls = [u.strip() for u in request.POST.getlist("media_url") if u.strip()]
    check_url = URLValidator(schemes=["http", "https"])
    for url in media_urls:
        try:
            check_url(url)
        except ValidationError:
            raise Open311Error(400, "media_url: must be an http or https address.") from None
    if media_urls:
        extra["open311_media_urls"] = media_urls[: conf.MAX_MEDIA_URLS]
    address_id = _param(request, "address_id")
    if address_id and address_id != NOT_PINPOINTED:
        extra["open311_address_id"] = address_id[:100]
    uploads = [f for name in request.FILES for f in request.FILES.getlist(name)]
    if len(uploads) > case_photos.MAX_PHOTOS:
        raise Open311Error(400, f"media: at most {case_photos.MAX_PHOTOS} photos.")
    try:
        photos = [case_photos.process(upload) for upload in uploads]
    except case_photos.PhotoInvalidError as problem:
        raise Open311Error(400, f"media: {problem}") from None
    name = " ".join(filter(None, [_param(request, "first_name"), _param(request, "last_name")]))
    token = _idempotent_token(request, client) or queries.new_token()
    try:
        case = actions.request_create(
            client=client,
            service=service,
            description=description,
            lon=lon,
            lat=lat,
            address=address,
            attributes={**attributes, **extra},
            email=email,
            name=name[:200],
            photos=photos,
            token=token,
        )
    except CaseInputError as problem:
        raise Open311Error(
            400, f"{_FIELD_PARAMS.get(problem.field, 'request')}: {problem.message}"
        ) from None
    except PermissionDenied as problem:
        raise Open311Error(403, f"email: {problem}") from None
    data = [
        {
            "service_request_id": case.reference,
            "token": token,
            "service_notice": None,
            "account_id": None,
        }
    ]
    return respond(fmt, data, root="service_requests", item="request")


# --- servicerequestupdates (mySociety's extension, as FixMyStreet uses it) --------------------

_CLOSED_STATUS = {
    CloseReason.NOT_RESPONSIBLE: "NOT_COUNCILS_RESPONSIBILITY",
    CloseReason.UNABLE_TO_FIX: "NO_FURTHER_ACTION",
}
_STATUS = {
    CaseStatus.SUBMITTED: "OPEN",
    CaseStatus.ACKNOWLEDGED: "INVESTIGATING",
    CaseStatus.IN_PROGRESS: "IN_PROGRESS",
    CaseStatus.WAITING: "INVESTIGATING",
    CaseStatus.RESOLVED: "FIXED",
    CaseStatus.CLOSED: "CLOSED",
    CaseStatus.REJECTED: "NO_FURTHER_ACTION",
    CaseStatus.DUPLICATE: "DUPLICATE",
}


def update_status(status: str, close_reason: str = "") -> str:
    """mySociety's status name for a case status."""
    if status == CaseStatus.CLOSED and close_reason in _CLOSED_STATUS:
        return _CLOSED_STATUS[close_reason]
    return _STATUS[status]


def _update_out(event) -> dict:
    case = event.case
    if event.to_status:
        status = update_status(event.to_status, (event.data or {}).get("close_reason", ""))
    else:
        status = update_status(case.status, case.close_reason)
    return {
        "update_id": str(event.pk),
        "service_request_id": case.reference,
        "status": status,
        "updated_datetime": _w3c(event.created_at),
        "description": event.note,
        "media_url": None,
    }


UPDATE_STATUSES = frozenset({*_STATUS.values(), *_CLOSED_STATUS.values(), "ACTION_SCHEDULED"})


@open311_view(["GET", "POST"])
def update_list(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _update_create(request, fmt)
    council = _council(request)
    start, end = _date_range(request)
    events = queries.update_list(council=council, start=start, end=end, limit=conf.MAX_UPDATES)
    data = [_update_out(event) for event in events]
    return respond(fmt, data, root="service_requests_updates", item="request_update")


def _update_create(request: HttpRequest, fmt: str) -> HttpResponse:
    council = _council(request)
    client = _client(request, council)
    reference = _param(request, "service_request_id")
    if not reference:
        raise Open311Error(400, "service_request_id: required.")
    case = queries.case_for_update(council=council, reference=reference)
    if case is None:
        raise Open311Error(404, f"service_request_id: no request {reference!r} here.")
    description = _param(request, "description")
    if not description:
        raise Open311Error(400, "description: required.")
    if len(description) > conf.MAX_DESCRIPTION:
        raise Open311Error(400, f"description: at most {conf.MAX_DESCRIPTION} characters.")
    status = _param(request, "status").upper()
    if status and status not in UPDATE_STATUSES:
        raise Open311Error(400, "status: not a status of the servicerequestupdates extension.")
    email = _param(request, "email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Open311Error(400, "email: not an email address.") from None
    name = " ".join(filter(None, [_param(request, "first_name"), _param(request, "last_name")]))
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > conf.MAX_IDEMPOTENCY_KEY or not key.isprintable():
        raise Open311Error(
            400, f"Idempotency-Key: at most {conf.MAX_IDEMPOTENCY_KEY} printable characters."
        )
    try:
        event = actions.request_update_add(
            client=client,
            case=case,
            description=description,
            email=email,
            name=name[:200],
            status=status,
            idempotency_key=key,
        )
    except CaseInputError as problem:
        where = problem.field if problem.field == "Idempotency-Key" else "description"
        raise Open311Error(400, f"{where}: {problem.message}") from None
    data = [{"update_id": str(event.pk)}]
    return respond(fmt, data, root="service_request_updates", item="request_update")
