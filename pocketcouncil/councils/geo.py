"""Geometry helpers: GeoJSON in, exact point-in-polygon answers out (shapely/GEOS).

Boundaries are stored as GeoJSON geometry objects in WGS84 (longitude, latitude). A point on a
boundary line counts as inside (``covers``), so a point on the border between two wards is in
both; callers that need one answer pick deterministically (see ``queries``).
"""

from __future__ import annotations

import hashlib
import json

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry


class GeometryInvalidError(ValueError):
    """The GeoJSON is not a valid polygon or multipolygon."""


def parse_geometry(geojson: dict | str) -> BaseGeometry:
    """Turn a GeoJSON Polygon or MultiPolygon (dict or text) into a valid shapely geometry."""
    if isinstance(geojson, str):
        try:
            geojson = json.loads(geojson)
        except json.JSONDecodeError as error:
            raise GeometryInvalidError(f"The boundary is not valid JSON: {error}") from None
    if not isinstance(geojson, dict) or geojson.get("type") not in ("Polygon", "MultiPolygon"):
        raise GeometryInvalidError("The boundary must be a GeoJSON Polygon or MultiPolygon.")
    try:
        geometry = shape(geojson)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError) as error:
        raise GeometryInvalidError(f"The boundary's coordinates are not valid: {error}") from None
    if geometry.is_empty:
        raise GeometryInvalidError("The boundary is empty.")
    minx, miny, maxx, maxy = geometry.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise GeometryInvalidError("The boundary must use longitude and latitude (WGS84).")
    if not geometry.is_valid:
        # Published boundaries sometimes self-touch after generalisation; repair rather than
        # refuse, as MapIt does, so the area still answers lookups.
        geometry = shapely.make_valid(geometry)
    return geometry


def geometry_key(geojson: dict) -> str:
    """A short fingerprint of a geometry, so caches notice when a boundary is edited."""
    text = json.dumps(geojson, sort_keys=True, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


_PREPARED: dict[str, BaseGeometry] = {}
_PREPARED_LIMIT = 4096


def prepared_geometry(key: str, load) -> BaseGeometry:
    """A parsed, prepared geometry, cached under its content fingerprint ``key``.

    ``load`` returns the GeoJSON and is called only on a miss, so a warm lookup never reads
    the boundary from the database. The key is derived from the content, so the cache cannot
    be stale: an edited boundary has a new key. It holds derived, immutable data, not state;
    any process answers the same with or without it.
    """
    geometry = _PREPARED.get(key)
    if geometry is None:
        geometry = parse_geometry(load())
        shapely.prepare(geometry)
        if len(_PREPARED) >= _PREPARED_LIMIT:
            _PREPARED.clear()
        _PREPARED[key] = geometry
    return geometry


def union(geometries: list[dict]) -> dict:
    """The union of several GeoJSON geometries, as GeoJSON (used to build a district from wards)."""
    merged = shapely.union_all([parse_geometry(g) for g in geometries])
    return json.loads(shapely.to_geojson(merged))
