"""Boundary files as the ONS and OS publish them, and MapIt-style generations (issue 16)."""

import datetime as dt
import io
import json
from pathlib import Path

import pytest
import shapely.affinity
from django.conf import settings
from django.core.management import CommandError, call_command
from shapely.geometry import mapping, shape

from pocketcouncil.cases.tests import conftest as cases_fixtures
from pocketcouncil.councils import actions, boundaries, queries
from pocketcouncil.councils.models import (
    Area,
    AreaKind,
    BoundaryGeneration,
    CouncilAuditAction,
    CouncilAuditEntry,
    CouncilTier,
)
from pocketcouncil.councils.tests.factories import CouncilFactory, square

# The cases app's fixtures, to make a real case in a ward before its boundary is redrawn.
at, report, resident, service = (
    cases_fixtures.at,
    cases_fixtures.report,
    cases_fixtures.resident,
    cases_fixtures.service,
)

GEO = Path(settings.BASE_DIR) / "data" / "geo"
OXFORD_WARDS = GEO / "wards_2013_oxford_E07000178.geojson"


def feature(code, name, geometry, prefix="WD23", name_cy=None):
    props = {f"{prefix}CD": code, f"{prefix}NM": name}
    if prefix.startswith("WD"):
        props[f"{prefix}NMW"] = name_cy
    return {"type": "Feature", "properties": props, "geometry": geometry}


def collection(*features, crs=None):
    data = {"type": "FeatureCollection", "features": list(features)}
    if crs:
        data["crs"] = {"type": "name", "properties": {"name": crs}}
    return data


# Three wards side by side in the North Sea, far from every demo council.
WEST = square(3.0, 55.0, 0.1)
MIDDLE = square(3.1, 55.0, 0.1)
EAST = square(3.2, 55.0, 0.1)
WARDS = collection(
    feature("E05000001", "West", WEST),
    feature("E05000002", "Middle", MIDDLE),
    feature("E05000003", "East", EAST),
)


# ---------------------------------------------------------------------------------------------
# Reading files


@pytest.mark.parametrize(
    ("prefix", "kind"),
    [("WD13", "ward"), ("WD23", "ward"), ("CED21", "division"), ("PAR22", "parish")],
)
def test_properties_of_any_year_are_detected(prefix, kind):
    parsed = boundaries.parse(collection(feature("E05000001", "West", WEST, prefix=prefix)))
    assert parsed.kind == kind
    assert parsed.code_property == f"{prefix}CD"
    assert parsed.name_property == f"{prefix}NM"
    assert parsed.features[0].code == "E05000001"


def test_welsh_names_are_read():
    parsed = boundaries.parse(
        collection(feature("W05000001", "Adamsdown", WEST, prefix="WD13", name_cy="Adamsdown"))
    )
    assert parsed.name_cy_property == "WD13NMW"
    assert parsed.features[0].name_cy == "Adamsdown"


def test_properties_can_be_named():
    data = collection(
        {"type": "Feature", "properties": {"C": "E05000009", "N": "X", "W": "Y"}, "geometry": WEST}
    )
    with pytest.raises(
        boundaries.BoundaryFileError, match="--code-property; the properties are: C"
    ):
        boundaries.parse(data)
    parsed = boundaries.parse(
        data, code_property="C", name_property="N", name_cy_property="W", kind="ward"
    )
    assert (parsed.features[0].name, parsed.features[0].name_cy) == ("X", "Y")
    with pytest.raises(boundaries.BoundaryFileError, match="--kind"):
        boundaries.parse(data, code_property="C", name_property="N")


def test_british_national_grid_is_reprojected_with_or_without_a_crs_member():
    # A 1 km square in Oxford (Carfax is near 451350, 206200).
    ring = [
        [451000, 206000],
        [452000, 206000],
        [452000, 207000],
        [451000, 207000],
        [451000, 206000],
    ]
    geometry = {"type": "Polygon", "coordinates": [ring]}
    for crs in ("urn:ogc:def:crs:EPSG::27700", None):
        parsed = boundaries.parse(collection(feature("E05000001", "Carfax", geometry), crs=crs))
        assert parsed.crs == "EPSG:27700"
        lon, lat = parsed.features[0].geometry["coordinates"][0][0]
        # West Oxford, a little south-west of Carfax (-1.2577, 51.7519).
        assert lon == pytest.approx(-1.2626, abs=0.002)
        assert lat == pytest.approx(51.7494, abs=0.002)


def test_a_crs_that_disagrees_with_the_coordinates_is_refused():
    with pytest.raises(boundaries.BoundaryFileError, match="not in metres on that grid"):
        boundaries.parse(collection(feature("E05000001", "W", WEST), crs="EPSG:27700"))
    with pytest.raises(boundaries.BoundaryFileError, match="coordinate system 'epsg:3857'"):
        boundaries.parse(collection(feature("E05000001", "W", WEST), crs="EPSG:3857"))


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ({"type": "Point", "coordinates": [3.0, 55.0]}, "Feature 1 \\(E05000001 W\\) is a Point"),
        (
            {"type": "LineString", "coordinates": [[3.0, 55.0], [3.1, 55.1]]},
            "is a LineString, not a Polygon or MultiPolygon",
        ),
        (None, "Feature 2 \\(E05000001 W\\) has no geometry"),
    ],
)
def test_a_file_that_is_not_polygons_is_refused_with_a_specific_error(geometry, message):
    if geometry is None:  # the first feature is fine, the second has none
        data = collection(feature("E05000009", "V", EAST), feature("E05000001", "W", None))
    else:
        data = collection(feature("E05000001", "W", geometry))
    with pytest.raises(boundaries.BoundaryFileError, match=message):
        boundaries.parse(data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"type": "Feature"}, "must be a GeoJSON FeatureCollection"),
        ([], "must be a GeoJSON FeatureCollection"),
        ({"type": "FeatureCollection", "features": []}, "has no features"),
        (collection(feature("E05000001", "W", WEST), feature("E05000001", "X", EAST)), "twice"),
        (collection(feature("", "W", WEST)), "has no WD23CD"),
    ],
)
def test_bad_files_are_refused_plainly(data, message):
    with pytest.raises(boundaries.BoundaryFileError, match=message):
        boundaries.parse(data)


def test_invalid_geometry_is_repaired_and_each_repair_reported():
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[3, 55], [3.1, 55.1], [3.1, 55], [3, 55.1], [3, 55]]],
    }
    parsed = boundaries.parse(collection(feature("E05000001", "Bow", bowtie)))
    assert parsed.features[0].geometry["type"] == "MultiPolygon"
    assert len(parsed.repairs) == 1
    assert parsed.repairs[0].startswith("Feature 1 (E05000001 Bow): repaired (Self-intersection")


# ---------------------------------------------------------------------------------------------
# Importing, generations


@pytest.fixture
def district(db):
    return CouncilFactory(tier=CouncilTier.DISTRICT, gss_code="E07000999")


def _import(council, data, valid_from=None):
    return actions.boundaries_import(
        council=council,
        boundary_file=boundaries.parse(data),
        valid_from=valid_from,
        source="wards.geojson",
        actor=None,
    )


def _ward_at(lon, lat):
    return [a for a in queries.areas_containing(lon=lon, lat=lat) if a.kind == AreaKind.WARD]


@pytest.mark.django_db
def test_the_first_import_starts_generation_one_and_makes_the_council_area(district):
    result = _import(district, WARDS, valid_from=dt.date(2023, 5, 4))
    assert result.generation.number == 1
    assert result.generation.valid_from == dt.date(2023, 5, 4)
    assert [c for c, _ in result.added] == ["E05000001", "E05000002", "E05000003"]
    assert result.council_area_updated
    own = Area.objects.get(council=district, kind=AreaKind.DISTRICT)
    assert own.gss_code == "E07000999"
    assert set(
        Area.objects.filter(kind=AreaKind.WARD, council=district).values_list("parent", flat=True)
    ) == {own.pk}
    found = queries.areas_containing(lon=3.15, lat=55.05)
    assert [(a.kind, a.name) for a in found] == [("ward", "Middle"), ("district", district.name)]
    entry = CouncilAuditEntry.objects.get(
        council=district, action=CouncilAuditAction.BOUNDARIES_IMPORTED
    )
    assert entry.after["added"] == ["E05000001", "E05000002", "E05000003"]


@pytest.mark.django_db
def test_importing_the_same_file_again_changes_nothing(district):
    _import(district, WARDS)
    before = list(Area.objects.filter(council=district).values_list("pk", "updated_at"))
    result = _import(district, WARDS)
    assert result.generation is None
    assert not result.changes_anything
    assert result.unchanged == 3
    assert list(Area.objects.filter(council=district).values_list("pk", "updated_at")) == before
    assert BoundaryGeneration.objects.filter(council=district).count() == 1
    assert CouncilAuditEntry.objects.filter(council=district).count() == 1


@pytest.mark.django_db
def test_a_changed_file_starts_a_generation_and_lookups_use_only_the_current_one(district):
    _import(district, WARDS, valid_from=dt.date(2023, 5, 4))
    old_middle = Area.objects.get(gss_code="E05000002")
    # Middle grows east over half of East's old ground; East goes; North is new; West renamed.
    changed = collection(
        feature("E05000001", "West Town", WEST),
        feature("E05000002", "Middle", square(3.1, 55.0, 0.15)),
        feature("E05000004", "North", square(3.0, 55.1, 0.1)),
    )
    result = _import(district, changed, valid_from=dt.date(2027, 5, 6))
    assert result.generation.number == 2
    assert result.added == [("E05000004", "North")]
    assert result.changed == [("E05000002", "Middle")]
    assert result.removed == [("E05000003", "East")]
    assert result.renamed == [("E05000001", "West Town")]
    # The old Middle is kept, retired, for the cases made in it; the lookup never answers it.
    old_middle.refresh_from_db()
    assert old_middle.retired_in == result.generation
    assert [a.name for a in _ward_at(3.22, 55.05)] == ["Middle"]
    assert _ward_at(3.22, 55.05)[0].pk != old_middle.pk
    assert _ward_at(3.28, 55.05) == []  # old East's remaining ground: no ward now
    assert [a.name for a in _ward_at(3.05, 55.05)] == ["West Town"]
    assert "East" not in [a.name for a in queries.place_search("East")]


@pytest.mark.django_db
def test_a_generation_cannot_start_before_the_current_one(district):
    _import(district, WARDS, valid_from=dt.date(2027, 5, 6))
    with pytest.raises(actions.BoundaryImportError, match="before the current ones"):
        _import(district, collection(feature("E05000001", "West", WEST)), dt.date(2023, 1, 1))
    assert Area.objects.filter(council=district, kind=AreaKind.WARD, retired_in=None).count() == 3


@pytest.mark.django_db
def test_old_cases_keep_the_ward_they_were_reported_in(report, demo):
    case = report()  # at OX4 3BD, in an Oxford ward
    ward = case.ward
    assert ward is not None
    data = json.loads(OXFORD_WARDS.read_text())
    for f in data["features"]:
        if f["properties"]["WD13CD"] == ward.gss_code:  # the ward's boundary is redrawn
            moved = shapely.affinity.translate(shape(f["geometry"]), xoff=0.00001)
            f["geometry"] = mapping(moved)
    result = _import(demo["oxford"], data, valid_from=dt.date(2027, 5, 6))
    assert (ward.gss_code, ward.name) in result.changed
    case.refresh_from_db()
    assert case.ward_id == ward.pk
    assert Area.objects.get(pk=ward.pk).retired_in == result.generation
    # A new case at the same place gets the ward's new version.
    current = _ward_at(case.longitude, case.latitude)
    assert [a.gss_code for a in current] == [ward.gss_code]
    assert current[0].pk != ward.pk
    assert report().ward_id == current[0].pk


# ---------------------------------------------------------------------------------------------
# The command


@pytest.mark.django_db
def test_the_command_reports_what_it_did(district, tmp_path):
    path = tmp_path / "wards.geojson"
    path.write_text(json.dumps(WARDS))
    out = io.StringIO()
    call_command(
        "councils_import_boundaries",
        district.slug,
        str(path),
        "--valid-from",
        "2023-05-04",
        stdout=out,
    )
    text = out.getvalue()
    assert (
        "3 wards in EPSG:4326; codes from WD23CD, names from WD23NM, Welsh names from WD23NMW"
        in text
    )
    assert "Generation 1" in text and "valid from 04 May 2023" in text
    assert "3 added" in text
    out = io.StringIO()
    call_command("councils_import_boundaries", district.slug, str(path), stdout=out)
    assert "No change: all 3 are already loaded as they are." in out.getvalue()


@pytest.mark.django_db
def test_the_command_refuses_plainly(district, tmp_path):
    path = tmp_path / "points.geojson"
    path.write_text(
        json.dumps(collection(feature("E05000001", "W", {"type": "Point", "coordinates": [3, 55]})))
    )
    with pytest.raises(CommandError, match="is a Point, not a Polygon"):
        call_command("councils_import_boundaries", district.slug, str(path))
    with pytest.raises(CommandError, match="No council with the short name"):
        call_command("councils_import_boundaries", "nowhere", str(path))
    (tmp_path / "bad.geojson").write_text("{not json")
    with pytest.raises(CommandError, match="not valid GeoJSON"):
        call_command("councils_import_boundaries", district.slug, str(tmp_path / "bad.geojson"))
