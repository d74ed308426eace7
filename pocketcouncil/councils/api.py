"""JSON API of area lookup: ``GET /api/v1/areas?lat=..&lon=..`` or ``?postcode=..``.

Separate input and output schemas; every error is a JSON body with ``detail`` (and, for bad
input, ``errors``: which parameter and why).
"""

from __future__ import annotations

import math

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from pocketcouncil.councils import queries

router = Router(tags=["areas"])


class AreasIn(Schema):
    lat: str | None = Field(None, max_length=40, description="Latitude, WGS84 degrees (-90 to 90).")
    lon: str | None = Field(
        None, max_length=40, description="Longitude, WGS84 degrees (-180 to 180)."
    )
    postcode: str | None = Field(
        None,
        max_length=10,
        description="A full UK postcode known to the platform, instead of lat and lon.",
    )


class AreaOut(Schema):
    type: str = Field(..., description="`council`, `ward`, `division` or `parish`.")
    gss: str | None = Field(..., description="The ONS GSS code (E05000439), if it has one.")
    name: str = Field(..., description="The name in English.")
    name_cy: str | None = Field(..., description="The name in Welsh, or null if none is held.")
    council: str = Field(..., description="Slug of the council (its Open311 jurisdiction_id).")
    tier: str = Field(..., description="The council's tier: `county`, `district` or `unitary`.")


class AreasOut(Schema):
    areas: list[AreaOut] = Field(
        ...,
        description="Every area covering the point, councils first (a county before its "
        "district). Empty for the sea or anywhere no council on the platform covers.",
    )


class FieldErrorOut(Schema):
    parameter: str
    message: str


class BadRequestOut(Schema):
    detail: str
    errors: list[FieldErrorOut] = Field(..., description="Which parameter is wrong, and why.")


class NotFoundOut(Schema):
    detail: str


def _bad(errors: list[tuple[str, str]]):
    return Status(
        400,
        {
            "detail": "The request is not valid.",
            "errors": [{"parameter": p, "message": m} for p, m in errors],
        },
    )


def _coordinate(name: str, text: str | None, limit: float, errors: list) -> float | None:
    if text is None or not text.strip():
        errors.append((name, f"Give {name} (or a postcode)."))
        return None
    try:
        value = float(text)
    except ValueError:
        errors.append((name, f"{name} must be a number of degrees, like 51.7520."))
        return None
    if not math.isfinite(value) or not -limit <= value <= limit:
        errors.append((name, f"{name} must be between -{limit:g} and {limit:g}."))
        return None
    return value


@router.get(
    "",
    response={200: AreasOut, 400: BadRequestOut, 404: NotFoundOut},
    summary="Which councils, wards and divisions cover a place",
    url_name="areas",
)
def areas(request: HttpRequest, params: Query[AreasIn]):
    """The areas covering a point given by `lat` and `lon`, or by a `postcode`: for a two-tier
    place both the county and the district council, then the ward (or division, parish)."""
    if params.postcode is not None and (params.lat is not None or params.lon is not None):
        return _bad([("postcode", "Give either a postcode or lat and lon, not both.")])
    if params.postcode is not None:
        try:
            point = queries.postcode_get(params.postcode)
        except queries.PostcodeInvalidError:
            return _bad([("postcode", "postcode is not a full UK postcode, like OX4 3BD.")])
        except queries.PostcodeNotFoundError:
            return Status(404, {"detail": "We do not know that postcode."})
        lat, lon = point.latitude, point.longitude
    else:
        errors: list[tuple[str, str]] = []
        lat = _coordinate("lat", params.lat, 90, errors)
        lon = _coordinate("lon", params.lon, 180, errors)
        if errors:
            return _bad(errors)
    return {
        "areas": [
            {
                "type": a.type,
                "gss": a.gss,
                "name": a.name,
                "name_cy": a.name_cy,
                "council": a.council.slug,
                "tier": a.council.tier,
            }
            for a in queries.areas_at(lon=lon, lat=lat)
        ]
    }
