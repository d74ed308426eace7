"""Every read of the directory other code needs. Listings are public, but each belongs to one
council's directory: functions that serve a council's pages take the council explicitly."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from pocketcouncil.directory.models import (
    Attribute,
    CostOption,
    LinkEntity,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)


class DirectoryRecordNotFoundError(LookupError):
    pass


def _locations_prefetch() -> Prefetch:
    return Prefetch(
        "locations_at",
        queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
            "location__addresses", "location__accessibility", "schedules"
        ),
    )


def service_full_queryset() -> QuerySet[Service]:
    """Services with everything ``oruk.service_full`` renders, in a fixed number of queries."""
    return Service.objects.select_related("organization", "council").prefetch_related(
        "organization__organization_identifiers",
        "schedules",
        "service_areas",
        _locations_prefetch(),
        "languages",
        "funding",
        "cost_options",
        "contacts__phones__languages",
    )


def attributes_for(services: list[Service]) -> dict[str, list[Attribute]]:
    """The attributes (with their terms) of the services and of the records under them, by the
    id they link to: one query for any number of services."""
    ids: set[str] = set()
    for svc in services:
        ids.add(svc.id)
        if svc.organization_id:
            ids.add(svc.organization_id)
        ids.update(sal.location_id for sal in svc.locations_at.all())
        ids.update(c.id for c in svc.contacts.all())
    found: dict[str, list[Attribute]] = defaultdict(list)
    if not ids:
        return found
    for attr in Attribute.objects.filter(link_id__in=ids).select_related("taxonomy_term"):
        found[attr.link_id].append(attr)
    return found


def service_get(service_id: str, *, council=None) -> Service:
    """The full service (for ``oruk.service_full`` or the service page)."""
    query = service_full_queryset().filter(pk=service_id)
    if council is not None:
        query = query.filter(council=council)
    svc = query.first()
    if svc is None:
        raise DirectoryRecordNotFoundError(service_id)
    return svc


def service_at_location_get(sal_id: str) -> ServiceAtLocation:
    sal = (
        ServiceAtLocation.objects.filter(pk=sal_id)
        .select_related("location", "service")
        .prefetch_related("location__addresses", "location__accessibility", "schedules")
        .first()
    )
    if sal is None:
        raise DirectoryRecordNotFoundError(sal_id)
    return sal


def taxonomy_get(taxonomy_id: str) -> Taxonomy:
    tax = Taxonomy.objects.filter(pk=taxonomy_id).prefetch_related("terms").first()
    if tax is None:
        raise DirectoryRecordNotFoundError(taxonomy_id)
    return tax


def taxonomy_term_get(term_id: str) -> TaxonomyTerm:
    term = TaxonomyTerm.objects.filter(pk=term_id).first()
    if term is None:
        raise DirectoryRecordNotFoundError(term_id)
    return term


def organization_list_for_council(council) -> QuerySet[Organization]:
    return Organization.objects.filter(council=council)


def services_with_term(term_ids) -> QuerySet:
    """Ids of services tagged with any of the terms."""
    return Attribute.objects.filter(
        link_entity=LinkEntity.SERVICE, taxonomy_term_id__in=term_ids
    ).values("link_id")


# -- search ---------------------------------------------------------------------------------

EARTH_RADIUS_M = 6_371_000


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class Near:
    latitude: float
    longitude: float
    radius_m: float


@dataclass
class SearchResult:
    total: int
    services: list[Service]
    # Service id -> metres to its nearest location (only when searching near a point).
    distances: dict[str, float]


def _bounding_box(near: Near, prefix: str = "") -> Q:
    dlat = math.degrees(near.radius_m / EARTH_RADIUS_M)
    coslat = max(math.cos(math.radians(near.latitude)), 0.01)
    dlon = math.degrees(near.radius_m / (EARTH_RADIUS_M * coslat))
    return Q(
        **{
            f"{prefix}latitude__gte": near.latitude - dlat,
            f"{prefix}latitude__lte": near.latitude + dlat,
            f"{prefix}longitude__gte": near.longitude - dlon,
            f"{prefix}longitude__lte": near.longitude + dlon,
        }
    )


def _distances(query: QuerySet[Service], near: Near) -> dict[str, float]:
    """Service id -> metres to its nearest location within the radius, for the services of
    ``query``: one query from the locations in the circle's bounding box (the point index),
    exact distances in Python."""
    rows = query.filter(_bounding_box(near, "locations_at__location__")).values_list(
        "pk", "locations_at__location__latitude", "locations_at__location__longitude"
    )
    best: dict[str, float] = {}
    for service_id, lat, lon in rows:
        d = distance_m(near.latitude, near.longitude, lat, lon)
        if d <= near.radius_m and d < best.get(service_id, math.inf):
            best[service_id] = d
    return best


def _filtered(
    *,
    council=None,
    text: str = "",
    term_ids: list[str] | None = None,
    taxonomy_id: str = "",
    organization_id: str = "",
    modified_after=None,
    age: int | None = None,
    free_or_low_cost: bool = False,
    active_only: bool = True,
) -> QuerySet[Service]:
    query = Service.objects.all()
    if council is not None:
        query = query.filter(council=council)
    if active_only:
        query = query.filter(status=ServiceStatus.ACTIVE)
    for word in text.lower().split()[:8]:
        query = query.filter(search_text__contains=word)
    if term_ids:
        query = query.filter(pk__in=services_with_term(term_ids))
    if taxonomy_id:
        query = query.filter(
            pk__in=Attribute.objects.filter(
                link_entity=LinkEntity.SERVICE, taxonomy_term__taxonomy_ref_id=taxonomy_id
            ).values("link_id")
        )
    if organization_id:
        query = query.filter(organization_id=organization_id)
    if modified_after is not None:
        query = query.filter(last_modified__gte=modified_after)
    if age is not None:
        query = query.filter(
            Q(minimum_age__isnull=True) | Q(minimum_age__lte=age),
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=age),
        )
    if free_or_low_cost:
        query = query.exclude(
            pk__in=CostOption.objects.filter(amount__gt=LOW_COST_LIMIT).values("service_id")
        )
    return query


def _open_at(ids: list[str], when) -> list[str]:
    from pocketcouncil.directory import schedules

    by_service: dict[str, list[Schedule]] = defaultdict(list)
    for sched in Schedule.objects.filter(service_id__in=ids):
        by_service[sched.service_id].append(sched)
    return [i for i in ids if schedules.open_now(by_service.get(i, []), when)]


def service_search(
    *, near: Near | None = None, offset: int = 0, limit: int = 50, open_at=None, **filters
) -> SearchResult:
    """Services matching every filter given (see ``_filtered``): nearest first near a point,
    else by name. ``open_at``: only services whose opening times include that moment."""
    query = _filtered(**filters)
    if near is not None:
        distances = _distances(query, near)
        ids = sorted(distances, key=lambda i: (distances[i], i))
        if open_at is not None:
            ids = _open_at(ids, open_at)
        page_ids = ids[offset : offset + limit]
        by_id = Service.objects.select_related("organization").in_bulk(page_ids)
        return SearchResult(
            total=len(ids),
            services=[by_id[i] for i in page_ids],
            distances={i: distances[i] for i in page_ids},
        )
    if open_at is not None:
        ids = _open_at(list(query.order_by("name", "id").values_list("pk", flat=True)), open_at)
        by_id = Service.objects.select_related("organization").in_bulk(ids[offset : offset + limit])
        return SearchResult(
            total=len(ids),
            services=[by_id[i] for i in ids[offset : offset + limit]],
            distances={},
        )
    total = query.count()
    services = list(
        query.select_related("organization").order_by("name", "id")[offset : offset + limit]
    )
    return SearchResult(total=total, services=services, distances={})


def service_at_location_search(
    *, near: Near | None = None, offset: int = 0, limit: int = 50, **filters
) -> tuple[int, list[ServiceAtLocation]]:
    """Services at locations whose service matches the filters; nearest first near a point."""
    services = _filtered(**filters)
    rows = ServiceAtLocation.objects.filter(service__in=services)
    related = ("location__addresses", "location__accessibility", "schedules")
    if near is None:
        total = rows.count()
        page = (
            rows.select_related("location", "service")
            .prefetch_related(*related)
            .order_by("service__name", "id")[offset : offset + limit]
        )
        return total, list(page)
    points = rows.filter(location__in=Location.objects.filter(_bounding_box(near))).values_list(
        "pk", "location__latitude", "location__longitude"
    )
    distances = {
        pk: d
        for pk, lat, lon in points
        if (d := distance_m(near.latitude, near.longitude, lat, lon)) <= near.radius_m
    }
    ids = sorted(distances, key=lambda pk: (distances[pk], pk))
    page_ids = ids[offset : offset + limit]
    by_id = (
        ServiceAtLocation.objects.select_related("location", "service")
        .prefetch_related(*related)
        .in_bulk(page_ids)
    )
    return len(ids), [by_id[pk] for pk in page_ids]


# A cost option at or under this many pounds counts as "low cost" in the resident's filter.
LOW_COST_LIMIT = 5


def schedules_for(services: list[Service]) -> dict[str, list[Schedule]]:
    found: dict[str, list[Schedule]] = defaultdict(list)
    for sched in Schedule.objects.filter(service__in=services):
        found[sched.service_id].append(sched)
    return found


# -- resident pages and listing upkeep ------------------------------------------------------

# A listing nobody has confirmed for this long is flagged as possibly out of date, and its
# organisation is reminded (``actions.listing_reminders_send``).
STALE_AFTER = dt.timedelta(days=183)


def listing_checked_at(service: Service) -> dt.datetime:
    """When the listing was last known to be right: checked, or else last changed."""
    return service.last_checked_at or service.last_modified


def listing_is_stale(service: Service, *, now: dt.datetime) -> bool:
    return listing_checked_at(service) < now - STALE_AFTER


def service_exists(service_id: str) -> bool:
    return bool(service_id) and Service.objects.filter(pk=service_id).exists()


def service_list_by_ids(ids: list[str]) -> list[Service]:
    """The services in the order given (a resident's list), skipping any since removed."""
    found = (
        Service.objects.filter(pk__in=ids)
        .select_related("organization")
        .prefetch_related(
            "schedules",
            "contacts__phones",
            Prefetch(
                "locations_at",
                queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                    "location__addresses"
                ),
            ),
        )
        .in_bulk()
    )
    return [found[i] for i in ids if i in found]


def term_ids_of(service: Service) -> set[str]:
    return set(
        Attribute.objects.filter(link_entity=LinkEntity.SERVICE, link_id=service.id).values_list(
            "taxonomy_term_id", flat=True
        )
    )


def need_for_text(text: str):
    """The need (``needs.Need``) a resident's words are about, or None: for other apps, which
    come in through this front door rather than ``needs``."""
    from pocketcouncil.directory import needs

    return needs.need_for_text(text)


def safe_exit_url() -> str:
    """Where "Exit this page" goes, for pages outside the directory that show a safe-exit need."""
    from pocketcouncil.directory import needs

    return needs.SAFE_EXIT_URL


def services_for_need(
    *,
    need,
    council=None,
    latitude: float | None = None,
    longitude: float | None = None,
    radius_m: float = 8_000,
    limit: int = 3,
) -> list[Service]:
    """Active community services answering ``need`` (a ``needs.Need`` or its slug): nearest
    first when a point is given (any distance if none is within ``radius_m``), else by name.
    ``council`` limits them to that council's directory."""
    from pocketcouncil.directory import needs

    if isinstance(need, str):
        need = needs.need_get(need)
    if need is None:
        return []
    found = []
    if latitude is not None and longitude is not None:
        near = Near(latitude=latitude, longitude=longitude, radius_m=radius_m)
        found = service_search(
            council=council, term_ids=[need.term_id], near=near, limit=limit
        ).services
    if not found:
        found = service_search(council=council, term_ids=[need.term_id], limit=limit).services
    return found


def services_due_a_reminder(*, now: dt.datetime) -> list[Service]:
    """Active listings with an organisation, unchecked for ``STALE_AFTER``, not yet reminded
    since they went stale."""
    cutoff = now - STALE_AFTER
    return list(
        Service.objects.filter(status=ServiceStatus.ACTIVE, organization__isnull=False)
        .filter(
            Q(last_checked_at__lt=cutoff)
            | Q(last_checked_at__isnull=True, last_modified__lt=cutoff)
        )
        .filter(reminder_sent_at__isnull=True)
        .select_related("organization", "council")
    )


def review_queue(*, council) -> dict:
    """What waits for the council: claims, proposed changes, and stale listings."""
    from pocketcouncil.directory.models import ListingChange, ListingClaim, ReviewState

    return {
        "claims": list(
            ListingClaim.objects.filter(council=council, state=ReviewState.PENDING).select_related(
                "organization", "user"
            )
        ),
        "changes": list(
            ListingChange.objects.filter(council=council, state=ReviewState.PENDING).select_related(
                "service", "submitted_by"
            )
        ),
    }


def stale_listings(*, council, now: dt.datetime, limit: int = 100) -> list[Service]:
    cutoff = now - STALE_AFTER
    return list(
        Service.objects.filter(council=council, status=ServiceStatus.ACTIVE)
        .filter(
            Q(last_checked_at__lt=cutoff)
            | Q(last_checked_at__isnull=True, last_modified__lt=cutoff)
        )
        .order_by("last_checked_at", "last_modified")[:limit]
    )


def listing_history(*, council, service_id: str) -> tuple[Service, list]:
    from pocketcouncil.directory.models import ListingEvent

    service = Service.objects.filter(council=council, pk=service_id).first()
    if service is None:
        raise DirectoryRecordNotFoundError(service_id)
    events = list(ListingEvent.objects.filter(service=service).select_related("actor"))
    return service, events


def claim_get(*, council, claim_id: int):
    from pocketcouncil.directory.models import ListingClaim

    claim = ListingClaim.objects.filter(council=council, pk=claim_id).first()
    if claim is None:
        raise DirectoryRecordNotFoundError(str(claim_id))
    return claim


def change_get(*, council, change_id: int):
    from pocketcouncil.directory.models import ListingChange

    change = (
        ListingChange.objects.filter(council=council, pk=change_id)
        .select_related("service")
        .first()
    )
    if change is None:
        raise DirectoryRecordNotFoundError(str(change_id))
    return change
