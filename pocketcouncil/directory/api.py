"""The Open Referral UK 3.0 API under ``/openreferral/`` (read only, public, CORS open).

Views parse and check parameters, call ``queries``, and render with ``oruk``. Unknown ids are
404 and bad parameters 400, always with a JSON body ``{"detail": ..., "errors": [{"parameter":
..., "message": ...}]}``; never a 500 for anything a client can send.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import wraps

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from pocketcouncil.councils import queries as councils
from pocketcouncil.councils.models import Council
from pocketcouncil.directory import oruk, queries
from pocketcouncil.directory.models import Taxonomy, TaxonomyTerm

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
MAX_PAGE = 100_000
DEFAULT_PROXIMITY_M = 5_000
MAX_PROXIMITY_M = 200_000
MAX_TEXT = 200


class ApiError(Exception):
    def __init__(self, status: int, detail: str, errors: list[dict] | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or []


def _respond(data, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def oruk_view(view):
    @require_GET
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        try:
            return _respond(view(request, *args, **kwargs))
        except ApiError as problem:
            body = {"detail": problem.detail}
            if problem.errors:
                body["errors"] = problem.errors
            return _respond(body, status=problem.status)

    return wrapper


def _bad(parameter: str, message: str) -> ApiError:
    return ApiError(
        400, "The request is not valid.", [{"parameter": parameter, "message": message}]
    )


def _not_found(kind: str, ident: str) -> ApiError:
    return ApiError(404, f"No {kind} with the id {ident[:100]!r}.")


def _text(request, name: str) -> str:
    value = request.GET.get(name, "").replace("\x00", "").strip()
    if len(value) > MAX_TEXT:
        raise _bad(name, f"At most {MAX_TEXT} characters.")
    return value


def _int(request, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _bad(name, "Must be a whole number.") from None
    if not low <= value <= high:
        raise _bad(name, f"Must be from {low} to {high}.")
    return value


def _paging(request) -> tuple[int, int]:
    return (
        _int(request, "page", 1, 1, MAX_PAGE),
        _int(request, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
    )


def _council(request) -> Council | None:
    slug = _text(request, "council")
    if not slug:
        return None
    try:
        return councils.council_get(slug)
    except Council.DoesNotExist:
        raise _bad("council", "No council has this short name.") from None


def _near(request) -> queries.Near | None:
    postcode = _text(request, "postcode")
    proximity_raw = _text(request, "proximity")
    if proximity_raw and not postcode:
        raise _bad("proximity", "Give a postcode to measure the distance from.")
    if not postcode:
        return None
    try:
        point = councils.postcode_get(postcode)
    except councils.PostcodeInvalidError:
        raise _bad("postcode", "Not a full UK postcode.") from None
    except councils.PostcodeNotFoundError:
        raise _bad("postcode", "We do not know where this postcode is.") from None
    radius = DEFAULT_PROXIMITY_M
    if proximity_raw:
        try:
            radius = float(proximity_raw)
        except ValueError:
            raise _bad("proximity", "Must be a distance in metres.") from None
        if not math.isfinite(radius) or not 0 < radius <= MAX_PROXIMITY_M:
            raise _bad("proximity", f"Must be more than 0 and at most {MAX_PROXIMITY_M} metres.")
    return queries.Near(latitude=point.latitude, longitude=point.longitude, radius_m=radius)


def _modified_after(request) -> dt.datetime | None:
    raw = _text(request, "modified_after")
    if not raw:
        return None
    try:
        value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        raise _bad("modified_after", "Must be a date and time in ISO 8601 form.") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


@oruk_view
def api_info(request: HttpRequest):
    return {
        "version": oruk.VERSION,
        "profile": oruk.PROFILE,
        "openapi_url": request.build_absolute_uri(reverse("api:openapi-json")),
    }


def _filters(request) -> dict:
    term = _text(request, "taxonomy_term_id")
    return {
        "council": _council(request),
        "text": _text(request, "search"),
        "term_ids": [term] if term else None,
        "taxonomy_id": _text(request, "taxonomy_id"),
        "organization_id": _text(request, "organization_id"),
        "near": _near(request),
        "modified_after": _modified_after(request),
    }


@oruk_view
def service_list(request: HttpRequest):
    page, per_page = _paging(request)
    found = queries.service_search(
        offset=(page - 1) * per_page, limit=per_page, **_filters(request)
    )
    items = []
    for svc in found.services:
        item = oruk.service_summary(svc)
        if svc.organization_id:
            item["organization"] = oruk.organization_summary(svc.organization)
        if svc.id in found.distances:
            item["distance"] = round(found.distances[svc.id])
        items.append(item)
    return oruk.page(items=items, total=found.total, page_number=page, size=per_page)


@oruk_view
def service_detail(request: HttpRequest, service_id: str):
    try:
        svc = queries.service_get(service_id)
    except queries.DirectoryRecordNotFoundError:
        raise _not_found("service", service_id) from None
    return oruk.service_full(svc, queries.attributes_for([svc]))


@oruk_view
def taxonomy_list(request: HttpRequest):
    page, per_page = _paging(request)
    query = Taxonomy.objects.order_by("name", "id")
    total = query.count()
    rows = query[(page - 1) * per_page : page * per_page]
    items = [oruk.taxonomy(t) for t in rows]
    return oruk.page(items=items, total=total, page_number=page, size=per_page)


@oruk_view
def taxonomy_detail(request: HttpRequest, taxonomy_id: str):
    try:
        tax = queries.taxonomy_get(taxonomy_id)
    except queries.DirectoryRecordNotFoundError:
        raise _not_found("taxonomy", taxonomy_id) from None
    return oruk.taxonomy(tax, terms=True)


@oruk_view
def taxonomy_term_list(request: HttpRequest):
    page, per_page = _paging(request)
    query = TaxonomyTerm.objects.order_by("name", "id")
    taxonomy_id = _text(request, "taxonomy_id")
    if taxonomy_id:
        query = query.filter(taxonomy_ref_id=taxonomy_id)
    total = query.count()
    rows = query[(page - 1) * per_page : page * per_page]
    items = [oruk.taxonomy_term(t) for t in rows]
    return oruk.page(items=items, total=total, page_number=page, size=per_page)


@oruk_view
def taxonomy_term_detail(request: HttpRequest, term_id: str):
    try:
        term = queries.taxonomy_term_get(term_id)
    except queries.DirectoryRecordNotFoundError:
        raise _not_found("taxonomy term", term_id) from None
    return oruk.taxonomy_term(term)


@oruk_view
def service_at_location_list(request: HttpRequest):
    page, per_page = _paging(request)
    total, rows = queries.service_at_location_search(
        offset=(page - 1) * per_page, limit=per_page, **_filters(request)
    )
    items = [oruk.service_at_location(r) for r in rows]
    return oruk.page(items=items, total=total, page_number=page, size=per_page)


@oruk_view
def service_at_location_detail(request: HttpRequest, sal_id: str):
    try:
        sal = queries.service_at_location_get(sal_id)
    except queries.DirectoryRecordNotFoundError:
        raise _not_found("service at location", sal_id) from None
    svc = queries.service_get(sal.service_id)
    out = oruk.service_at_location(sal, queries.attributes_for([svc]))
    out["service"] = oruk.service_full(svc, queries.attributes_for([svc]))
    return out
