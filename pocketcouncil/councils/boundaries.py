"""Reading boundary files as the ONS and Ordnance Survey publish them. Pure Python, no database.

A file is a GeoJSON FeatureCollection of wards, county electoral divisions or parishes. This
module finds which properties hold each feature's code, English name and Welsh name (for any
year: ``WD13CD``/``WD13NM``/``WD13NMW``, ``WD23CD`` ..., ``CED23CD`` ..., ``PAR22CD`` ...),
reprojects British National Grid (EPSG:27700) coordinates to WGS84 longitude/latitude, repairs
invalid geometry where shapely can, and says in plain words what it did and what it refused.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape
from shapely.validation import explain_validity

# Coordinates are rounded to 7 decimal places (about 1 cm), so the same file always gives the
# same stored geometry and re-importing it changes nothing.
PRECISION = 7

# ONS property prefixes and the kind of area each names.
PREFIX_KINDS = {"WD": "ward", "CED": "division", "PAR": "parish"}
_CODE = re.compile(r"^(WD|CED|PAR)(\d{2})CD$", re.IGNORECASE)

# Coordinate ranges: WGS84 degrees over the UK, British National Grid metres.
_WGS84_CRS = ("crs84", "4326", "wgs84", "wgs 84")
_BNG_CRS = ("27700",)


class BoundaryFileError(ValueError):
    """The file cannot be imported; the message says what is wrong and where."""


@dataclass
class Feature:
    code: str
    name: str
    name_cy: str
    geometry: dict  # GeoJSON Polygon or MultiPolygon in WGS84


@dataclass
class BoundaryFile:
    kind: str  # ward, division or parish
    code_property: str
    name_property: str
    name_cy_property: str | None
    crs: str  # "EPSG:4326" or "EPSG:27700"
    features: list[Feature]
    repairs: list[str] = field(default_factory=list)


def read(
    path: str | Path,
    *,
    code_property: str | None = None,
    name_property: str | None = None,
    name_cy_property: str | None = None,
    kind: str | None = None,
) -> BoundaryFile:
    """Read a boundary file. Raises ``BoundaryFileError`` saying what is wrong."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise BoundaryFileError("The file is not text (GeoJSON is UTF-8 text).") from None
    except json.JSONDecodeError as error:
        raise BoundaryFileError(f"The file is not valid GeoJSON: {error}.") from None
    return parse(
        data,
        code_property=code_property,
        name_property=name_property,
        name_cy_property=name_cy_property,
        kind=kind,
    )


def parse(
    data,
    *,
    code_property: str | None = None,
    name_property: str | None = None,
    name_cy_property: str | None = None,
    kind: str | None = None,
) -> BoundaryFile:
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        found = data.get("type") if isinstance(data, dict) else type(data).__name__
        raise BoundaryFileError(
            f"The file must be a GeoJSON FeatureCollection of areas; this one is {found!r}."
        )
    raw = data.get("features")
    if not isinstance(raw, list) or not raw:
        raise BoundaryFileError("The FeatureCollection has no features.")
    for number, feature in enumerate(raw, start=1):
        if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
            raise BoundaryFileError(f"Feature {number} is not a GeoJSON Feature with properties.")
    properties = raw[0]["properties"]
    code_property, name_property, name_cy_property, detected_kind = _properties(
        properties, code_property, name_property, name_cy_property
    )
    kind = kind or detected_kind
    if kind not in PREFIX_KINDS.values():
        raise BoundaryFileError(
            f"Say what kind of area the file holds with --kind (ward, division or parish): "
            f"{code_property!r} does not tell us."
        )
    crs = _crs(data, raw)
    transform = _to_wgs84() if crs == "EPSG:27700" else None
    features: list[Feature] = []
    repairs: list[str] = []
    seen: set[str] = set()
    for number, feature in enumerate(raw, start=1):
        props = feature["properties"]
        code = str(props.get(code_property) or "").strip()
        name = str(props.get(name_property) or "").strip()
        label = f"Feature {number} ({code or 'no code'} {name})".rstrip()
        if not code:
            raise BoundaryFileError(f"Feature {number} has no {code_property}.")
        if not name:
            raise BoundaryFileError(f"{label} has no {name_property}.")
        if code in seen:
            raise BoundaryFileError(f"{label}: the code {code} is in the file twice.")
        seen.add(code)
        name_cy = str(props.get(name_cy_property) or "").strip() if name_cy_property else ""
        geometry = _geometry(feature.get("geometry"), label, transform, repairs)
        features.append(Feature(code, name, name_cy, geometry))
    return BoundaryFile(
        kind=kind,
        code_property=code_property,
        name_property=name_property,
        name_cy_property=name_cy_property,
        crs=crs,
        features=features,
        repairs=repairs,
    )


def _properties(properties: dict, code, name, name_cy) -> tuple[str, str, str | None, str]:
    """The code, name and Welsh name properties: as given, or detected from ONS names."""
    keys = list(properties)
    detected_kind = ""
    if code is None:
        matches = [k for k in keys if _CODE.match(k)]
        if not matches:
            raise BoundaryFileError(
                "We could not tell which property holds each area's code (we look for ONS "
                "names such as WD23CD, CED21CD or PAR22CD). Name it with --code-property; "
                f"the properties are: {', '.join(keys)}."
            )
        code = matches[0]
    elif code not in properties:
        raise BoundaryFileError(
            f"There is no property {code!r}; the properties are: {', '.join(keys)}."
        )
    if match := _CODE.match(code):
        detected_kind = PREFIX_KINDS[match[1].upper()]
        stem = code[:-2]  # WD23CD -> WD23
        name = name or _present(properties, f"{stem}NM")
        name_cy = name_cy or _present(properties, f"{stem}NMW")
    if not name or name not in properties:
        missing = f" (there is no {name!r})" if name else ""
        raise BoundaryFileError(
            f"We could not tell which property holds each area's name{missing}. Name it with "
            f"--name-property; the properties are: {', '.join(keys)}."
        )
    if name_cy and name_cy not in properties:
        raise BoundaryFileError(
            f"There is no property {name_cy!r}; the properties are: {', '.join(keys)}."
        )
    return code, name, name_cy or None, detected_kind


def _present(properties: dict, key: str) -> str | None:
    """``key`` as the file spells it (properties are matched ignoring case)."""
    return next((k for k in properties if k.upper() == key.upper()), None)


def _crs(data: dict, features: list) -> str:
    """EPSG:4326 or EPSG:27700, from the ``crs`` member (old GeoJSON) checked against the
    coordinates (RFC 7946 files have no ``crs``; then the coordinates decide)."""
    named = ""
    crs = data.get("crs")
    if isinstance(crs, dict):
        named = str((crs.get("properties") or {}).get("name") or "").lower()
    x, y = _first_position(features)
    looks_bng = 0 <= x <= 700_000 and 0 <= y <= 1_300_000 and (abs(x) > 180 or abs(y) > 90)
    looks_wgs84 = -180 <= x <= 180 and -90 <= y <= 90
    if named and any(c in named for c in _BNG_CRS):
        if not looks_bng:
            raise BoundaryFileError(
                f"The file says it uses British National Grid (EPSG:27700), but its first point "
                f"({x}, {y}) is not in metres on that grid."
            )
        return "EPSG:27700"
    if named and not any(c in named for c in _WGS84_CRS):
        raise BoundaryFileError(
            f"The file uses the coordinate system {named!r}. Use WGS84 (EPSG:4326) or British "
            "National Grid (EPSG:27700)."
        )
    if looks_wgs84:
        return "EPSG:4326"
    if looks_bng and not named:
        return "EPSG:27700"
    raise BoundaryFileError(
        f"The first point ({x}, {y}) is neither longitude and latitude (WGS84) nor British "
        "National Grid metres."
    )


def _first_position(features: list) -> tuple[float, float]:
    for feature in features:
        coordinates = (feature.get("geometry") or {}).get("coordinates")
        while isinstance(coordinates, list) and coordinates and isinstance(coordinates[0], list):
            coordinates = coordinates[0]
        if isinstance(coordinates, list) and len(coordinates) >= 2:
            try:
                return float(coordinates[0]), float(coordinates[1])
            except (TypeError, ValueError):
                break
    raise BoundaryFileError("No feature has coordinates we can read.")


def _to_wgs84():
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True).transform


def _geometry(geojson, label: str, transform, repairs: list[str]) -> dict:
    if not isinstance(geojson, dict) or "type" not in geojson:
        raise BoundaryFileError(f"{label} has no geometry.")
    if geojson["type"] not in ("Polygon", "MultiPolygon"):
        raise BoundaryFileError(
            f"{label} is a {geojson['type']}, not a Polygon or MultiPolygon: a boundary file "
            "must hold the areas' outlines."
        )
    try:
        geometry = shape(geojson)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError) as error:
        raise BoundaryFileError(f"{label}: its coordinates cannot be read ({error}).") from None
    if geometry.is_empty:
        raise BoundaryFileError(f"{label} has an empty geometry.")
    if transform is not None:
        geometry = shapely.transform(geometry, transform, interleaved=False)
    geometry = shapely.set_precision(geometry, 10**-PRECISION, mode="pointwise")
    if not geometry.is_valid:
        reason = explain_validity(geometry)
        repaired = shapely.make_valid(geometry)
        polygons = _polygons(repaired)
        if polygons is None or polygons.is_empty:
            raise BoundaryFileError(f"{label} is invalid ({reason}) and cannot be repaired.")
        repairs.append(f"{label}: repaired ({reason}).")
        geometry = polygons
    bounds = geometry.bounds
    if not (-180 <= bounds[0] <= bounds[2] <= 180 and -90 <= bounds[1] <= bounds[3] <= 90):
        raise BoundaryFileError(f"{label} is outside the range of longitude and latitude.")
    return _rounded(mapping(geometry))


def _polygons(geometry):
    """The polygonal part of a repaired geometry (make_valid can add stray lines or points)."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    if geometry.geom_type == "GeometryCollection":
        parts = [g for g in geometry.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
        if parts:
            return shapely.union_all(parts)
    return None


def _rounded(geojson: dict) -> dict:
    def walk(value):
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], (int, float)):
                return [round(float(v), PRECISION) for v in value]
            return [walk(v) for v in value]
        return value

    return {"type": geojson["type"], "coordinates": walk(geojson["coordinates"])}
