"""Reads other apps need from ``councils``: where a point is, who serves it, postcode lookup."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache

import shapely
import shapely.ops
from django.conf import settings
from django.db import connections
from django.db.models import Q

from pocketcouncil.councils import geo
from pocketcouncil.councils.models import (
    AREA_KIND_SPECIFICITY,
    COUNCIL_AREA_KINDS,
    Area,
    AreaKind,
    Council,
    CouncilTier,
    Postcode,
    Responsibility,
    ServiceTier,
    Team,
)


class NoCouncilHereError(LookupError):
    """No council on the platform serves this point (for this service)."""


class PostcodeInvalidError(ValueError):
    """The text is not shaped like a UK postcode."""


class PostcodeNotFoundError(LookupError):
    """A well-formed postcode that the platform does not know."""


# The shape of a full UK postcode (BS 7666), space optional. GIR 0AA is the one odd one out.
_OUTWARD_PATTERN = r"[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRVWXY\d]?)"
_POSTCODE = re.compile(rf"^(?:GIR ?0AA|{_OUTWARD_PATTERN} ?\d[ABD-HJLNP-UW-Z]{{2}})$")
# An outward code alone ("OX1"), which people often type.
_OUTWARD = re.compile(rf"^{_OUTWARD_PATTERN}$")


def council_list() -> list[Council]:
    return list(Council.objects.select_related("upper_tier").order_by("name"))


def council_get(slug: str) -> Council:
    """The council with this slug; raises ``Council.DoesNotExist`` (also for text no slug can
    be, such as a NUL character, which PostgreSQL would refuse to compare)."""
    if "\x00" in slug or len(slug) > 100:
        raise Council.DoesNotExist
    return Council.objects.select_related("upper_tier").get(slug=slug)


def team_list_for_council(*, council: Council) -> list[Team]:
    return list(Team.objects.filter(council=council).order_by("name"))


def areas_containing(*, lon: float, lat: float, kinds: list[str] | None = None) -> list[Area]:
    """Every area covering the point, most specific first (wards, then districts, counties).

    The database narrows the search to areas whose bounding box holds the point; shapely gives
    the exact answer, so holes and multipolygons are right. A point on a shared border is in
    both areas; ties are ordered by GSS code and name so the answer is always the same. Each
    area comes with its council loaded.

    This is the hottest read on the platform (every report, search and home page asks it), so
    it is one hand-written, parameterised query: building it through the ORM cost 20 times more
    than running it (docs/benchmarks.md).
    """
    sql, area_names, council_names = _candidates_sql()
    params: list = [lon, lon, lat, lat]
    if kinds:
        sql += f" AND a.kind IN ({', '.join(['%s'] * len(kinds))})"
        params.extend(kinds)
    point = shapely.Point(lon, lat)
    db = Area.objects.db
    found = []
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for row in rows:
        area = Area.from_db(db, area_names, row[: len(area_names)])
        geometry = geo.prepared_geometry(area.geometry_key, lambda area=area: _geometry_of(area))
        if geometry.covers(point):
            area.council = Council.from_db(db, council_names, row[len(area_names) :])
            found.append(area)
    found.sort(key=lambda a: (-AREA_KIND_SPECIFICITY[a.kind], a.gss_code or "~", a.name))
    return found


@cache
def _candidates_sql() -> tuple[str, list[str], list[str]]:
    """The bounding-box query behind ``areas_containing``, built once from the models' metadata
    (so it follows renamed columns), selecting every area column but the boundary itself."""
    quote = connections[Area.objects.db].ops.quote_name
    area_fields = [f for f in Area._meta.concrete_fields if f.name != "geometry"]
    council_fields = list(Council._meta.concrete_fields)
    columns = [f"a.{quote(f.column)}" for f in area_fields]
    columns += [f"c.{quote(f.column)}" for f in council_fields]
    # Only quoted identifiers from model metadata are interpolated; values are parameters.
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(Area._meta.db_table)} a "  # noqa: S608
        f"JOIN {quote(Council._meta.db_table)} c ON c.{quote(Council._meta.pk.column)} = "
        f"a.{quote(Area._meta.get_field('council').column)} "
        "WHERE a.min_lon <= %s AND a.max_lon >= %s AND a.min_lat <= %s AND a.max_lat >= %s "
        # Only the current generation of boundaries answers (retired areas stay for old cases).
        f"AND a.{quote(Area._meta.get_field('retired_in').column)} IS NULL"
    )
    return sql, [f.attname for f in area_fields], [f.attname for f in council_fields]


def _geometry_of(area: Area) -> dict:
    return Area.objects.values_list("geometry", flat=True).get(pk=area.pk)


def councils_at(*, lon: float, lat: float) -> list[Council]:
    """The councils serving a point: a unitary, or a county and its district. Upper tier first."""
    councils = {area.council_id: area.council for area in areas_containing(lon=lon, lat=lat)}
    order = {CouncilTier.COUNTY: 0, CouncilTier.UNITARY: 0, CouncilTier.DISTRICT: 1}
    return sorted(councils.values(), key=lambda c: (order[c.tier], c.name))


@dataclass(frozen=True)
class Responsible:
    """Who handles a service at a point, and the areas the point was found in."""

    council: Council
    team: Team | None
    areas: list[Area] = field(default_factory=list)

    @property
    def ward(self) -> Area | None:
        return next((a for a in self.areas if a.kind == AreaKind.WARD), None)


def council_responsible(
    *, lon: float, lat: float, service_tier: str, lgsl: int | None = None
) -> Responsible:
    """Which council (and team, if one is named) handles a service at this point.

    An explicit ``Responsibility`` for the service in the most specific area wins; otherwise the
    council whose tier provides the service (a unitary provides everything). Raises
    ``NoCouncilHereError`` when nobody on the platform serves the point.
    """
    if service_tier not in ServiceTier.values:
        raise ValueError(f"Unknown service tier {service_tier!r}")
    areas = areas_containing(lon=lon, lat=lat)
    if not areas:
        raise NoCouncilHereError("No council on Pocket Council serves this location.")
    if lgsl is not None:
        rules = {
            rule.area_id: rule
            for rule in Responsibility.objects.filter(
                lgsl=lgsl, area__in=[a.pk for a in areas]
            ).select_related("council", "team")
        }
        for area in areas:  # most specific first
            if area.pk in rules:
                rule = rules[area.pk]
                return Responsible(council=rule.council, team=rule.team, areas=areas)
    for area in areas:
        if area.kind in COUNCIL_AREA_KINDS and area.council.provides(service_tier):
            return Responsible(council=area.council, team=None, areas=areas)
    # Wards (or divisions, parishes) alone, no council polygon loaded: fall back to their council.
    for area in areas:
        if area.council.provides(service_tier):
            return Responsible(council=area.council, team=None, areas=areas)
    raise NoCouncilHereError(
        "The council that provides this service here is not on Pocket Council."
    )


def normalise_postcode(text: str) -> str:
    """Upper-case, single space before the inward code: ' ox13bd ' -> 'OX1 3BD'.

    Raises ``PostcodeInvalidError`` if it is not shaped like a full UK postcode.
    """
    compact = re.sub(r"\s+", "", text or "").upper()
    if not compact:
        raise PostcodeInvalidError("Enter a postcode.")
    candidate = f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact
    if not _POSTCODE.match(candidate):
        raise PostcodeInvalidError(f"{text.strip()} is not a full postcode.")
    return candidate


def looks_like_postcode(text: str) -> bool:
    """Whether the text is meant as a postcode (full or outward code), right or wrong."""
    compact = re.sub(r"\s+", "", text or "").upper()
    return bool(re.match(r"^[A-Z]{1,2}\d", compact)) and len(compact) <= 8


def is_outward_code(text: str) -> bool:
    return bool(_OUTWARD.match(re.sub(r"\s+", "", text or "").upper()))


def postcode_get(text: str) -> Postcode:
    """The postcode's centre point. Raises PostcodeInvalidError or PostcodeNotFoundError."""
    postcode = normalise_postcode(text)
    try:
        return Postcode.objects.get(postcode=postcode)
    except Postcode.DoesNotExist:
        raise PostcodeNotFoundError(f"We could not find the postcode {postcode}.") from None


def place_search(text: str) -> list[Area]:
    """Areas whose name matches the text (a ward, district or county name)."""
    words = text.strip()
    if len(words) < 2:
        return []
    # Both languages, whichever page the search is on (Welsh names are often blank).
    matches = (
        Area.objects.filter(Q(name_en_gb__icontains=words) | Q(name_cy__icontains=words))
        .filter(retired_in__isnull=True)
        .select_related("council__upper_tier")
        .defer("geometry")
        .order_by("name", "council__name")
    )
    limit = settings.COUNCILS_PLACE_SEARCH_LIMIT
    found = list(matches[: limit * 2])
    # An exact name first ("Headington" before "Headington Hill and Northway").
    found.sort(key=lambda a: a.name.lower() != words.lower())
    return found[:limit]


def councils_for_area(area: Area) -> list[Council]:
    """The councils serving an area: its own council and, for a district, the county above."""
    councils = [area.council]
    if area.council.upper_tier_id:
        councils.insert(0, area.council.upper_tier)
    return councils


def distance_to_edge_m(*, council: Council, lon: float, lat: float) -> float | None:
    """How far a point is from the edge of the council's own area, in metres (None if the
    council has no area covering the point). Used to warn that a pin near a boundary goes to
    this council and not its neighbour."""
    areas = [
        a
        for a in areas_containing(lon=lon, lat=lat, kinds=[AreaKind.DISTRICT, AreaKind.COUNTY])
        if a.council_id == council.pk
    ]
    if not areas:
        return None
    area = areas[0]
    shape = geo.prepared_geometry(area.geometry_key, lambda: _geometry_of(area))
    point = shapely.Point(lon, lat)
    nearest = shapely.ops.nearest_points(shape.boundary, point)[0]
    return distance_m(lat, lon, nearest.y, nearest.x)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two WGS84 points in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class AreaAnswer:
    """One area covering a point, as the area lookup API answers it."""

    type: str  # council, ward, division or parish
    gss: str | None
    name: str
    name_cy: str | None
    council: Council


_ANSWER_ORDER = {"council": 0, "division": 1, "ward": 2, "parish": 3}
_TIER_ORDER = {CouncilTier.COUNTY: 0, CouncilTier.UNITARY: 1, CouncilTier.DISTRICT: 1}


def areas_at(*, lon: float, lat: float) -> list[AreaAnswer]:
    """Every area covering the point (current boundaries only): the councils first (a county
    before its district), then divisions, wards and parishes. For a two-tier place the county
    is there even where only the district's boundary is loaded, because a district lies inside
    its county. An empty list for the sea, or anywhere no council on the platform covers."""
    answers: list[AreaAnswer] = []
    councils: dict[int, Council] = {}
    for area in areas_containing(lon=lon, lat=lat):
        if area.kind in COUNCIL_AREA_KINDS:
            if area.council_id in councils:
                continue
            councils[area.council_id] = area.council
            answers.append(_council_answer(area.council, gss=area.gss_code))
        else:
            answers.append(
                AreaAnswer(
                    type=area.kind,
                    gss=area.gss_code or None,
                    name=area.name_en_gb or area.name,
                    name_cy=area.name_cy or None,
                    council=area.council,
                )
            )
    for area in list(answers):  # wards alone (no council outline loaded): still say the council
        if area.council.pk not in councils:
            councils[area.council.pk] = area.council
            answers.append(_council_answer(area.council))
    missing = {
        c.upper_tier_id
        for c in councils.values()
        if c.upper_tier_id and c.upper_tier_id not in councils
    }
    if missing:
        for county in Council.objects.filter(pk__in=missing):
            answers.append(_council_answer(county))
    answers.sort(
        key=lambda a: (
            _ANSWER_ORDER[a.type],
            _TIER_ORDER.get(a.council.tier, 1) if a.type == "council" else 0,
            a.gss or "~",
            a.name,
        )
    )
    return answers


def _council_answer(council: Council, gss: str = "") -> AreaAnswer:
    return AreaAnswer(
        type="council",
        gss=council.gss_code or gss or None,
        name=council.name_en_gb or council.name,
        name_cy=council.name_cy or None,
        council=council,
    )
