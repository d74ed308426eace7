"""Every write in ``councils``: adding a council, loading its boundaries and postcodes.

Each action takes keyword-only arguments and an explicit ``actor`` (a platform operator, or
None for the platform itself: a management command run by whoever operates the deployment),
runs in one transaction and writes a ``CouncilAuditEntry`` in that transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pocketcouncil.councils import boundaries, geo
from pocketcouncil.councils.models import (
    Area,
    AreaKind,
    BoundaryGeneration,
    Council,
    CouncilAuditAction,
    CouncilAuditEntry,
    CouncilTier,
    Postcode,
)

COMMAND_LINE = "command line"

# Slugs are the Open311 jurisdiction_id and part of web addresses: lower case, digits, hyphens.
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_GSS = re.compile(r"^[EWSN]\d{8}$")


class CouncilAddError(ValueError):
    """The council cannot be added; the message says why in plain words."""


class CouncilSlugTakenError(CouncilAddError):
    """Another council already has this short name (Open311 jurisdiction_id)."""


class CouncilGssTakenError(CouncilAddError):
    """Another council already has this GSS code."""


def require_operator(actor) -> None:
    """Only a platform operator (a superuser) or the platform itself (``actor=None``: a
    management command) may add councils or load reference data."""
    if actor is None:
        return
    if not (getattr(actor, "is_active", False) and getattr(actor, "is_superuser", False)):
        raise PermissionDenied(_("Only a platform operator can do that."))


def actor_label(actor) -> str:
    if actor is None:
        return COMMAND_LINE
    return getattr(actor, "email", "") or str(actor)


def audit(
    *, council: Council | None, action: str, actor, before=None, after=None, note: str = ""
) -> CouncilAuditEntry:
    """Record one change (call inside the action's transaction)."""
    return CouncilAuditEntry.objects.create(
        council=council,
        action=action,
        actor=actor,
        actor_label=actor_label(actor)[:200],
        before=before or {},
        after=after or {},
        note=note,
    )


def council_snapshot(council: Council) -> dict:
    """The council's own settings as plain values, for the audit trail."""
    values = {}
    for model_field in Council._meta.concrete_fields:
        if model_field.name in ("id", "created_at", "updated_at"):
            continue
        value = getattr(council, model_field.attname)
        values[model_field.attname] = (
            value if value is None or isinstance(value, int | bool) else str(value)
        )
    return values


def _reference_prefix(slug: str) -> str:
    """A case reference prefix no other council has, from the slug's letters (OXF, MAN ...)."""
    letters = "".join(ch for ch in slug.upper() if ch.isalpha()) or "PC"
    letters = letters.ljust(3, "X")
    used = set(Council.objects.values_list("case_reference_prefix", flat=True))
    candidates = [letters[:3], letters[:4]]
    candidates += [letters[:2] + chr(65 + n) for n in range(26)]
    candidates += [letters[:3] + chr(65 + n) for n in range(26)]
    for candidate in candidates:
        if len(candidate) >= 2 and candidate not in used:
            return candidate
    raise CouncilAddError(_("Could not choose a case reference prefix; set one in the admin."))


@transaction.atomic
def council_add(
    *,
    slug: str,
    name: str,
    gss: str,
    tier: str,
    parent: Council | str | None = None,
    name_cy: str = "",
    actor,
) -> Council:
    """Add a council to the platform.

    ``slug`` is its short name in web addresses and its Open311 ``jurisdiction_id``; ``gss``
    its ONS code (E07000178); ``parent`` (a Council or its slug) the county above a district.
    Raises ``CouncilSlugTakenError`` or ``CouncilGssTakenError`` for a clash with another
    council, ``CouncilAddError`` for anything else wrong, each with a message saying what.
    """
    require_operator(actor)
    slug = (slug or "").strip()
    name = (name or "").strip()
    name_cy = (name_cy or "").strip()
    gss = (gss or "").strip().upper()
    if not _SLUG.match(slug) or len(slug) > 60:
        raise CouncilAddError(
            _(
                "The short name %(slug)r can only have lower-case letters, digits and hyphens "
                "(at most 60), for example south-oxfordshire. It is the council's Open311 "
                "jurisdiction_id and part of its web addresses."
            )
            % {"slug": slug}
        )
    if not name:
        raise CouncilAddError(_("Give the council's name."))
    if not _GSS.match(gss):
        raise CouncilAddError(
            _("%(gss)r is not a GSS code: it looks like E07000178 (a letter and 8 digits).")
            % {"gss": gss}
        )
    if tier not in CouncilTier.values:
        raise CouncilAddError(
            _("The tier must be one of: %(tiers)s.") % {"tiers": ", ".join(CouncilTier.values)}
        )
    existing = Council.objects.filter(slug=slug).first()
    if existing is not None:
        raise CouncilSlugTakenError(
            _(
                "The short name %(slug)s is already used by %(council)s. Slugs are Open311 "
                "jurisdiction_ids, so each council needs its own: choose another."
            )
            % {"slug": slug, "council": existing.name}
        )
    existing = Council.objects.filter(gss_code=gss).first()
    if existing is not None:
        raise CouncilGssTakenError(
            _("The GSS code %(gss)s already belongs to %(council)s (%(slug)s).")
            % {"gss": gss, "council": existing.name, "slug": existing.slug}
        )
    if Council.objects.filter(name_en_gb=name).exists():
        raise CouncilAddError(
            _("A council called %(name)s is already on the platform.") % {"name": name}
        )
    if name_cy and Council.objects.filter(name_cy=name_cy).exists():
        raise CouncilAddError(
            _("A council with the Welsh name %(name)s is already on the platform.")
            % {"name": name_cy}
        )
    upper_tier = None
    if parent:
        upper_tier = (
            parent if isinstance(parent, Council) else Council.objects.filter(slug=parent).first()
        )
        if upper_tier is None:
            raise CouncilAddError(
                _("There is no council with the short name %(slug)s.") % {"slug": parent}
            )
        if tier != CouncilTier.DISTRICT:
            raise CouncilAddError(_("Only a district council sits under a county council."))
        if upper_tier.tier != CouncilTier.COUNTY:
            raise CouncilAddError(
                _("%(council)s is not a county council, so it cannot be the council above.")
                % {"council": upper_tier.name}
            )
    council = Council(
        slug=slug,
        name=name,
        name_en_gb=name,
        name_cy=name_cy or None,
        gss_code=gss,
        tier=tier,
        upper_tier=upper_tier,
        case_reference_prefix=_reference_prefix(slug),
    )
    try:
        council.full_clean()
    except ValidationError as error:
        raise CouncilAddError(
            " ".join(m for ms in error.message_dict.values() for m in ms)
        ) from None
    council.save()
    audit(
        council=council,
        action=CouncilAuditAction.COUNCIL_ADDED,
        actor=actor,
        after=council_snapshot(council),
    )
    return council


# ---------------------------------------------------------------------------------------------
# Boundaries


class BoundaryImportError(ValueError):
    """The boundaries cannot be imported; the message says why."""


@dataclass
class BoundaryImportResult:
    kind: str
    generation: BoundaryGeneration | None  # None: nothing changed
    added: list[tuple[str, str]] = field(default_factory=list)  # (code, name)
    changed: list[tuple[str, str]] = field(default_factory=list)  # new boundary
    removed: list[tuple[str, str]] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # same boundary, new name
    unchanged: int = 0
    repairs: list[str] = field(default_factory=list)
    council_area_updated: bool = False

    @property
    def changes_anything(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.renamed)


@transaction.atomic
def boundaries_import(
    *,
    council: Council,
    boundary_file: boundaries.BoundaryFile,
    valid_from: dt.date | None = None,
    source: str = "",
    sha256: str = "",
    actor,
) -> BoundaryImportResult:
    """Load a council's wards (or divisions, or parishes) from a parsed boundary file.

    Compared by GSS code with the council's current areas of that kind: a new code is added, a
    code whose boundary moved gets a new area (the old one is retired, so cases made in it keep
    it), a code no longer in the file is retired, and a new name alone is changed in place. Any
    added, changed or removed area starts a new generation valid from ``valid_from`` (today
    if not given); the same file again changes nothing. The council's own area (district or
    county) is kept as the union of its current wards or divisions.
    """
    require_operator(actor)
    Council.objects.select_for_update().get(pk=council.pk)  # one import per council at a time
    kind = boundary_file.kind
    valid_from = valid_from or timezone.localdate()
    result = BoundaryImportResult(kind=kind, generation=None, repairs=list(boundary_file.repairs))
    current = {
        area.gss_code: area
        for area in Area.objects.filter(council=council, kind=kind, retired_in__isnull=True)
        .exclude(gss_code="")
        .defer("geometry")
    }
    in_file = {feature.code for feature in boundary_file.features}
    new_areas, retire = [], []
    for feature in boundary_file.features:
        key = geo.geometry_key(feature.geometry)
        area = current.get(feature.code)
        if area is None:
            result.added.append((feature.code, feature.name))
            new_areas.append(feature)
        elif area.geometry_key != key:
            result.changed.append((feature.code, feature.name))
            new_areas.append(feature)
            retire.append(area)
        elif (area.name_en_gb, area.name_cy or "") != (feature.name, feature.name_cy):
            result.renamed.append((feature.code, feature.name))
            area.name_en_gb, area.name_cy = feature.name, feature.name_cy or None
            area.save(update_fields=["name_en_gb", "name_cy", "updated_at"])
        else:
            result.unchanged += 1
    for code, area in sorted(current.items()):
        if code not in in_file:
            result.removed.append((code, area.name_en_gb))
            retire.append(area)
    if new_areas or retire:
        result.generation = _start_generation(
            council=council, valid_from=valid_from, source=source, sha256=sha256
        )
        Area.objects.filter(pk__in=[a.pk for a in retire]).update(retired_in=result.generation)
        parent = _council_area(council)
        for feature in new_areas:
            area = Area(
                council=council,
                kind=kind,
                name=feature.name,
                name_en_gb=feature.name,
                name_cy=feature.name_cy or None,
                gss_code=feature.code,
                geometry=feature.geometry,
                parent=parent,
                generation=result.generation,
            )
            try:
                area.full_clean(exclude=["parent", "generation", "retired_in"])
            except ValidationError as error:
                raise BoundaryImportError(
                    f"{feature.code} {feature.name}: "
                    + " ".join(m for ms in error.message_dict.values() for m in ms)
                ) from None
            area.save()
        if kind != AreaKind.PARISH:
            result.council_area_updated = _update_council_area(council, kind)
    if result.changes_anything:
        audit(
            council=council,
            action=CouncilAuditAction.BOUNDARIES_IMPORTED,
            actor=actor,
            before={"generation": _last_generation_number(council, exclude=result.generation)},
            after={
                "generation": result.generation.number if result.generation else None,
                "valid_from": valid_from.isoformat() if result.generation else None,
                "kind": kind,
                "added": [c for c, _ in result.added],
                "changed": [c for c, _ in result.changed],
                "removed": [c for c, _ in result.removed],
                "renamed": [c for c, _ in result.renamed],
            },
            note="\n".join([f"File: {source}", *result.repairs]),
        )
    return result


def _last_generation_number(council: Council, exclude=None) -> int | None:
    generations = BoundaryGeneration.objects.filter(council=council)
    if exclude is not None:
        generations = generations.exclude(pk=exclude.pk)
    last = generations.order_by("-number").first()
    return last.number if last else None


def _start_generation(*, council, valid_from, source, sha256) -> BoundaryGeneration:
    last = BoundaryGeneration.objects.filter(council=council).order_by("-number").first()
    if last is not None and valid_from < last.valid_from:
        raise BoundaryImportError(
            _(
                "These boundaries would be valid from %(date)s, before the current ones "
                "(generation %(number)s, valid from %(current)s). Give a later --valid-from."
            )
            % {"date": valid_from, "number": last.number, "current": last.valid_from}
        )
    return BoundaryGeneration.objects.create(
        council=council,
        number=(last.number + 1) if last else 1,
        valid_from=valid_from,
        source=source[:255],
        sha256=sha256,
    )


def _council_area_kind(council: Council) -> str:
    return AreaKind.COUNTY if council.tier == CouncilTier.COUNTY else AreaKind.DISTRICT


def _council_area(council: Council) -> Area | None:
    return (
        Area.objects.filter(
            council=council, kind=_council_area_kind(council), retired_in__isnull=True
        )
        .defer("geometry")
        .first()
    )


def _update_council_area(council: Council, kind: str) -> bool:
    """Make the council's own area the union of its current wards (or divisions); True if it
    changed. Its wards, new and old, are put under it."""
    parts = list(
        Area.objects.filter(council=council, kind=kind, retired_in__isnull=True).values_list(
            "geometry", flat=True
        )
    )
    if not parts:
        return False
    union = boundaries._rounded(geo.union(parts))
    area = _council_area(council)
    changed = False
    if area is None:
        area = Area(
            council=council,
            kind=_council_area_kind(council),
            name=council.name_en_gb or council.name,
            name_en_gb=council.name_en_gb or council.name,
            name_cy=council.name_cy or None,
            gss_code=council.gss_code,
            geometry=union,
        )
        area.save()
        changed = True
    elif area.geometry_key != geo.geometry_key(union):
        area.geometry = union
        area.save(update_fields=["geometry", "updated_at"])
        changed = True
    Area.objects.filter(council=council, kind=kind, retired_in__isnull=True).exclude(
        parent=area
    ).update(parent=area)
    return changed


# ---------------------------------------------------------------------------------------------
# Postcodes

POSTCODE_BATCH = 50_000


@dataclass
class PostcodeImportResult:
    rows: int = 0  # postcodes read (after skipping)
    added: int = 0
    moved: int = 0
    unchanged: int = 0
    repeated: int = 0  # the same postcode again later in the file: the last one wins


def postcodes_import(*, reader, actor, progress=None) -> PostcodeImportResult:
    """Load postcode centres from a ``postcodes.PostcodeReader``: new postcodes are added,
    moved ones updated, the rest left alone. Streams in batches with bounded memory; the whole
    file is one transaction, so a failure part-way leaves the postcodes as they were.

    ``progress(rows, bytes_read)`` is called after each batch. On PostgreSQL each batch is
    copied (COPY) into a temporary table and merged with one INSERT ... ON CONFLICT.
    """
    require_operator(actor)
    result = PostcodeImportResult()
    write = _postcodes_write_pg if connection.vendor == "postgresql" else _postcodes_write_other
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "CREATE TEMPORARY TABLE IF NOT EXISTS postcode_load "
                    "(postcode varchar(8), latitude double precision, longitude double precision)"
                    " ON COMMIT DROP"
                )
                # One load at a time: two at once could both decide a postcode is new.
                table = connection.ops.quote_name(Postcode._meta.db_table)
                cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        batch: dict[str, tuple[float, float]] = {}
        for code, lat, lon in reader.rows():
            result.rows += 1
            if code in batch:
                result.repeated += 1
            batch[code] = (lat, lon)
            if len(batch) >= POSTCODE_BATCH:
                write(batch, result)
                batch = {}
                if progress:
                    progress(result.rows, reader.bytes_read)
        if batch:
            write(batch, result)
        if progress:
            progress(result.rows, reader.bytes_read)
        result.unchanged = result.rows - result.repeated - result.added - result.moved
        audit(
            council=None,
            action=CouncilAuditAction.POSTCODES_IMPORTED,
            actor=actor,
            after={
                "rows": result.rows,
                "added": result.added,
                "moved": result.moved,
                "unchanged": result.unchanged,
                "skipped": dict(reader.skipped.counts),
                "columns": reader.columns,
            },
        )
    return result


def _postcodes_write_pg(batch: dict, result: PostcodeImportResult) -> None:
    table = connection.ops.quote_name(Postcode._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE postcode_load")
        # One block of COPY text per batch (postcodes hold no tab, newline or backslash: the
        # reader only passes ones shaped like "OX4 3BD"); much faster than a row at a time.
        data = "".join(f"{code}\t{lat!r}\t{lon!r}\n" for code, (lat, lon) in batch.items())
        with cursor.cursor.copy(
            "COPY postcode_load (postcode, latitude, longitude) FROM STDIN"
        ) as copy:
            copy.write(data.encode())
        cursor.execute("ANALYZE postcode_load")  # so the planner joins it sensibly
        # Only names from model metadata are interpolated; the data came in through COPY.
        # An UPDATE of the moved and an INSERT of the new (an anti-join) is faster than
        # INSERT ... ON CONFLICT, which tries each row against the unique index one at a time.
        cursor.execute(
            f"UPDATE {table} AS p SET latitude = l.latitude, longitude = l.longitude "  # noqa: S608
            "FROM postcode_load l WHERE p.postcode = l.postcode "
            "AND (p.latitude, p.longitude) IS DISTINCT FROM (l.latitude, l.longitude)"
        )
        result.moved += cursor.rowcount
        cursor.execute(
            f"INSERT INTO {table} (postcode, latitude, longitude) "  # noqa: S608
            "SELECT l.postcode, l.latitude, l.longitude FROM postcode_load l "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} p WHERE p.postcode = l.postcode) "
            "ORDER BY l.postcode"  # in index order: each index page is written once, in turn
        )
        result.added += cursor.rowcount


def _postcodes_write_other(batch: dict, result: PostcodeImportResult) -> None:
    codes = list(batch)
    existing: dict[str, tuple[float, float]] = {}
    for start in range(0, len(codes), 900):  # SQLite allows a limited number of parameters
        for code, lat, lon in Postcode.objects.filter(
            postcode__in=codes[start : start + 900]
        ).values_list("postcode", "latitude", "longitude"):
            existing[code] = (lat, lon)
    new = [
        Postcode(postcode=c, latitude=v[0], longitude=v[1])
        for c, v in batch.items()
        if c not in existing
    ]
    moved = [(c, v) for c, v in batch.items() if c in existing and existing[c] != v]
    Postcode.objects.bulk_create(new, batch_size=2000)
    if moved:
        table = connection.ops.quote_name(Postcode._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET latitude = %s, longitude = %s WHERE postcode = %s",  # noqa: S608
                [(lat, lon, code) for code, (lat, lon) in moved],
            )
    result.added += len(new)
    result.moved += len(moved)
