"""Applying a flattened ORUK feed (``feed.Tables``) to one council's directory.

Idempotent by id: a row whose id is stored is compared field by field and saved only when
something changed (a field the feed leaves out keeps its stored value, a field sent empty is
cleared); a new id is created; where the feed gives the complete list of a parent's
children (a nested array, or a CSV table file) stored children it no longer has are deleted.
Every row that cannot be stored is rejected with the reason, and its children with it; the
rest goes in. Call it through ``actions.directory_import`` (one transaction, history rows,
dry run).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from pocketcouncil.directory import feed
from pocketcouncil.directory.models import (
    ID_LENGTH,
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Funding,
    Language,
    LinkEntity,
    Location,
    Organization,
    OrganizationIdentifier,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
# The fields the standard requires in each table (``schema/<table>.json``).
REQUIRED: dict[str, tuple[str, ...]] = {
    table: tuple(json.loads((SCHEMA_DIR / f"{table}.json").read_text())["required"])
    for table in feed.TABLES
}


class _Bad(ValueError):
    pass


def _text(value) -> str:
    if isinstance(value, bool | int | float):
        value = str(value)
    if not isinstance(value, str):
        raise _Bad("is not text")
    return value.replace("\x00", "").strip()


def _int(value) -> int:
    if isinstance(value, bool):
        raise _Bad("is not a whole number")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d+(\.0+)?\s*", value):
        value = int(float(value))
    if not isinstance(value, int) or not 0 <= value <= 32767:
        raise _Bad("is not a whole number from 0 to 32767")
    return value


def _float(value) -> float:
    if isinstance(value, bool):
        raise _Bad("is not a number")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise _Bad("is not a number") from None


def _decimal(value) -> Decimal:
    if isinstance(value, bool):
        raise _Bad("is not an amount")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise _Bad("is not an amount") from None
    if not amount.is_finite() or abs(amount) >= Decimal("1e8"):
        raise _Bad("is not an amount under 100,000,000")
    return amount.quantize(Decimal("0.01"))


def _date(value) -> dt.date:
    try:
        return dt.date.fromisoformat(_text(value)[:10])
    except ValueError:
        raise _Bad("is not a date (YYYY-MM-DD)") from None


def _time(value) -> dt.time:
    try:
        parsed = dt.time.fromisoformat(_text(value))
    except ValueError:
        raise _Bad("is not a time (HH:MM or HH:MM:SS)") from None
    return parsed.replace(tzinfo=None)


def _datetime(value) -> dt.datetime:
    text = _text(value)
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _Bad("is not a date and time (ISO 8601)") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


@dataclass(frozen=True)
class Spec:
    model: type
    fields: dict  # ORUK field -> (model attribute, converter)
    # ORUK field -> (model attribute, parent table, required)
    links: dict = field(default_factory=dict)
    council_scoped: bool = False


T, INT, FLOAT, DEC, DATE, TIME, DATETIME = _text, _int, _float, _decimal, _date, _time, _datetime


def _same(*names, conv=T) -> dict:
    return {n: (n, conv) for n in names}


SPECS: dict[str, Spec] = {
    "taxonomy": Spec(Taxonomy, _same("name", "description", "uri", "version")),
    "taxonomy_term": Spec(
        TaxonomyTerm,
        _same("name", "description", "parent_id", "taxonomy", "term_uri", "term"),
        links={"taxonomy_id": ("taxonomy_ref_id", "taxonomy", False)},
    ),
    "organization": Spec(
        Organization,
        _same("name", "description", "email", "website", "logo", "uri", "parent_organization_id"),
        council_scoped=True,
    ),
    "organization_identifier": Spec(
        OrganizationIdentifier,
        _same("identifier_scheme", "identifier_type", "identifier"),
        links={"organization_id": ("organization_id", "organization", True)},
    ),
    "service": Spec(
        Service,
        {
            **_same(
                "name",
                "description",
                "url",
                "email",
                "status",
                "fees",
                "accreditations",
                "assurer_email",
                "alert",
            ),
            "minimum_age": ("minimum_age", INT),
            "maximum_age": ("maximum_age", INT),
            "assured_date": ("assured_date", DATE),
            "last_modified": ("last_modified", DATETIME),
        },
        links={"organization_id": ("organization_id", "organization", False)},
        council_scoped=True,
    ),
    "location": Spec(
        Location,
        {
            **_same(
                "location_type",
                "name",
                "description",
                "external_identifier",
                "external_identifier_type",
            ),
            "latitude": ("latitude", FLOAT),
            "longitude": ("longitude", FLOAT),
        },
        council_scoped=True,
    ),
    "address": Spec(
        Address,
        _same(
            "attention",
            "address_1",
            "city",
            "region",
            "state_province",
            "postal_code",
            "country",
            "address_type",
        ),
        links={"location_id": ("location_id", "location", True)},
    ),
    "accessibility": Spec(
        Accessibility,
        _same("description", "details", "url"),
        links={"location_id": ("location_id", "location", True)},
    ),
    "service_at_location": Spec(
        ServiceAtLocation,
        {},
        links={
            "service_id": ("service_id", "service", True),
            "location_id": ("location_id", "location", True),
        },
    ),
    "contact": Spec(
        Contact,
        _same("name", "title"),
        links={"service_id": ("service_id", "service", True)},
    ),
    "phone": Spec(
        Phone,
        _same("number", "description"),
        links={"contact_id": ("contact_id", "contact", True)},
    ),
    "language": Spec(
        Language,
        _same("name", "code"),
        links={
            "service_id": ("service_id", "service", False),
            "phone_id": ("phone_id", "phone", False),
        },
    ),
    "schedule": Spec(
        Schedule,
        {
            **_same(
                "freq",
                "byday",
                "bymonthday",
                "description",
                "schedule_link",
                "attending_type",
                "notes",
            ),
            "valid_from": ("valid_from", DATE),
            "valid_to": ("valid_to", DATE),
            "dtstart": ("dtstart", DATE),
            "interval": ("interval", INT),
            "opens_at": ("opens_at", TIME),
            "closes_at": ("closes_at", TIME),
        },
        links={
            "service_id": ("service_id", "service", False),
            "service_at_location_id": ("service_at_location_id", "service_at_location", False),
        },
    ),
    "cost_option": Spec(
        CostOption,
        {
            **_same("option", "amount_description"),
            "valid_from": ("valid_from", DATE),
            "valid_to": ("valid_to", DATE),
            "amount": ("amount", DEC),
        },
        links={"service_id": ("service_id", "service", True)},
    ),
    "funding": Spec(
        Funding, _same("source"), links={"service_id": ("service_id", "service", True)}
    ),
    "service_area": Spec(
        ServiceArea,
        _same("name", "extent", "extent_type", "uri"),
        links={"service_id": ("service_id", "service", True)},
    ),
    "attribute": Spec(
        Attribute,
        _same("link_type"),
        links={"taxonomy_term_id": ("taxonomy_term_id", "taxonomy_term", True)},
    ),
}
# Tables whose rows hang off a record of the council's directory, and the link that says which.
ALTERNATIVE_FIELDS = {
    # The standard's second name for the same thing; the first non-empty one is stored.
    "accessibility": {"description": ("description", "accessibility")},
    "service_area": {"name": ("name", "service_area")},
}
LINK_ENTITY_TABLES = {
    LinkEntity.SERVICE: "service",
    LinkEntity.ORGANIZATION: "organization",
    LinkEntity.LOCATION: "location",
    LinkEntity.CONTACT: "contact",
}


@dataclass
class Rejection:
    table: str
    id: str
    where: str
    reason: str

    def __str__(self):
        ident = f" {self.id}" if self.id else ""
        return f"{self.table}{ident} ({self.where}): {self.reason}"


@dataclass
class TableCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


@dataclass
class ImportReport:
    counts: dict[str, TableCounts] = field(
        default_factory=lambda: {t: TableCounts() for t in feed.TABLES}
    )
    rejected: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    services_created: list[str] = field(default_factory=list)
    services_updated: list[str] = field(default_factory=list)
    dry_run: bool = False

    def summary_lines(self) -> list[str]:
        lines = []
        for table, c in self.counts.items():
            if c.created or c.updated or c.unchanged or c.deleted:
                lines.append(
                    f"{table}: {c.created} new, {c.updated} changed, {c.unchanged} unchanged, "
                    f"{c.deleted} removed"
                )
        return lines


class Applier:
    def __init__(self, *, council, tables: feed.Tables, report: ImportReport):
        self.council = council
        self.tables = tables
        self.report = report
        # Ids stored by this import (or already stored for this council), per table.
        self.ok: dict[str, set[str]] = {t: set() for t in feed.TABLES}
        self.now = timezone.now()

    # -- lookups ------------------------------------------------------------------------------

    def _parent_ok(self, table: str, ident: str) -> bool:
        if ident in self.ok[table]:
            return True
        if ident in self.tables.rows[table]:
            return False  # in the feed but rejected
        model = SPECS[table].model
        found = self._stored_in_council(model, table, ident)
        if found:
            self.ok[table].add(ident)
        return found

    def _stored_in_council(self, model, table: str, ident: str) -> bool:
        query = model.objects.filter(pk=ident)
        scope = {
            "organization": "council",
            "service": "council",
            "location": "council",
            "organization_identifier": "organization__council",
            "address": "location__council",
            "accessibility": "location__council",
            "service_at_location": "service__council",
            "contact": "service__council",
            "phone": "contact__service__council",
            "language": None,
            "schedule": None,
            "cost_option": "service__council",
            "funding": "service__council",
            "service_area": "service__council",
        }.get(table)
        if scope:
            query = query.filter(**{scope: self.council})
        return query.exists()

    def _owner_council_id(self, table: str, obj) -> int | None:
        """The council a stored child row belongs to (through its parent)."""
        if SPECS[table].council_scoped:
            return obj.council_id
        path = {
            "organization_identifier": ("organization",),
            "address": ("location",),
            "accessibility": ("location",),
            "service_at_location": ("service",),
            "contact": ("service",),
            "phone": ("contact", "service"),
            "cost_option": ("service",),
            "funding": ("service",),
            "service_area": ("service",),
            "language": ("service",),
            "schedule": ("service",),
        }.get(table)
        if not path:
            return None
        current = obj
        for step in path:
            current = getattr(current, step, None)
            if current is None:
                return None
        return current.council_id

    # -- applying -----------------------------------------------------------------------------

    def reject(self, table, ident, where, reason):
        self.report.rejected.append(Rejection(table, ident, where, reason))

    def convert(self, table: str, row: dict) -> dict:
        spec = SPECS[table]
        values = {}
        errors = []
        for oruk, names in ALTERNATIVE_FIELDS.get(table, {}).items():
            for name in names:
                if row.get(name) not in (None, ""):
                    row = {**row, oruk: row[name]}
                    break
        for name in REQUIRED.get(table, ()):
            if name != "id" and row.get(name) in (None, ""):
                errors.append(f"{name} is missing (the standard requires it)")
        for oruk, (attr, conv) in spec.fields.items():
            if oruk not in row:
                continue  # not in this feed: a stored value stays, a new row gets the default
            raw = row.get(oruk)
            if raw is None or raw == "":
                model_field = spec.model._meta.get_field(attr)
                values[attr] = None if model_field.null else model_field.get_default()
                continue
            try:
                values[attr] = conv(raw)
            except _Bad as error:
                errors.append(f"{oruk} {error}")
        if errors:
            raise ValidationError("; ".join(errors))
        return values

    def apply_table(self, table: str) -> None:
        spec = SPECS[table]
        rows = self.tables.rows[table]
        if not rows:
            return
        stored = spec.model.objects.in_bulk(list(rows))
        for ident, row in rows.items():
            where = self.tables.where.get((table, ident), "feed")
            if len(ident) > ID_LENGTH:
                self.reject(table, ident[:40] + "...", where, f"id longer than {ID_LENGTH}")
                continue
            try:
                values = self.convert(table, row)
            except ValidationError as error:
                self.reject(table, ident, where, " ".join(error.messages))
                continue
            reason = self.link(table, row, values)
            if reason:
                self.reject(table, ident, where, reason)
                continue
            existing = stored.get(ident)
            if existing is not None:
                owner = self._owner_council_id(table, existing)
                if owner is not None and owner != self.council.pk:
                    self.reject(table, ident, where, "this id is listed by another council")
                    continue
            if table == "service" and values.get("last_modified") is None:
                values["last_modified"] = (
                    existing.last_modified if existing is not None else self.now
                )
            self.save(table, ident, values, existing, where)

    def link(self, table: str, row: dict, values: dict) -> str | None:
        """Fill the foreign keys; a reason if a required parent is missing."""
        spec = SPECS[table]
        for oruk, (attr, parent_table, required) in spec.links.items():
            parent = row.get(oruk)
            parent = str(parent).strip() if parent not in (None, "") else ""
            if not parent:
                if required:
                    return f"{oruk} is missing"
                if oruk in row:
                    values[attr] = None
                continue
            if parent_table == "taxonomy" and not self._parent_ok("taxonomy", parent):
                # A term may name a taxonomy nobody imported: keep the term, drop the link.
                values[attr] = None
                self.report.warnings.append(
                    f"taxonomy_term {row['id']}: taxonomy {parent} is not in the directory"
                )
                continue
            if not self._parent_ok(parent_table, parent):
                return f"{oruk} {parent} is not a {parent_table.replace('_', ' ')} in this import"
            values[attr] = parent
        if SPECS[table].council_scoped:
            values["council_id"] = self.council.pk
        if table == "location":
            lat, lon = values.get("latitude"), values.get("longitude")
            if (lat is None) != (lon is None) or (
                lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180)
            ):
                self.report.warnings.append(
                    f"location {row['id']}: latitude {lat} and longitude {lon} are not a point "
                    "on Earth; kept without a map position"
                )
                values["latitude"] = values["longitude"] = None
        if table == "language" and not (values.get("service_id") or values.get("phone_id")):
            return "a language needs a service_id or a phone_id"
        if table == "schedule" and not (
            values.get("service_id") or values.get("service_at_location_id")
        ):
            return "a schedule needs a service_id or a service_at_location_id"
        if table == "attribute":
            entity, reason = self._link_entity(row)
            if reason:
                return reason
            values["link_id"] = str(row.get("link_id") or "").strip()
            values["link_entity"] = entity
        if table == "service":
            low, high = values.get("minimum_age"), values.get("maximum_age")
            if low is not None and high is not None and low > high:
                return f"minimum_age {low} is more than maximum_age {high}"
        return None

    def _link_entity(self, row: dict) -> tuple[str, str | None]:
        link_id = str(row.get("link_id") or "").strip()
        if not link_id:
            return "", "link_id is missing"
        given = row.get("link_entity")
        candidates = [given] if given in LINK_ENTITY_TABLES else list(LINK_ENTITY_TABLES)
        for entity in candidates:
            table = LINK_ENTITY_TABLES[entity]
            if link_id in self.tables.rows[table]:
                if link_id in self.ok[table]:
                    return entity, None
                return entity, f"link_id {link_id} ({table}) was not imported"
            if self._stored_in_council(SPECS[table].model, table, link_id):
                return entity, None
        return LinkEntity.OTHER, None

    def save(self, table: str, ident: str, values: dict, existing, where: str) -> None:
        spec = SPECS[table]
        counts = self.report.counts[table]
        if existing is not None:
            changed = [k for k, v in values.items() if getattr(existing, k) != v]
            if not changed:
                counts.unchanged += 1
                self.ok[table].add(ident)
                return
            obj = existing
            for key in changed:
                setattr(obj, key, values[key])
        else:
            obj = spec.model(pk=ident, **values)
        exclude = [
            f.name for f in spec.model._meta.concrete_fields if f.is_relation or f.primary_key
        ]
        try:
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            self.reject(table, ident, where, _messages(error))
            return
        try:
            with transaction.atomic():
                obj.save()
        except IntegrityError as error:
            self.reject(table, ident, where, f"the database refused it ({error})")
            return
        if existing is not None:
            counts.updated += 1
        else:
            counts.created += 1
        self.ok[table].add(ident)

    def delete_missing(self) -> None:
        for table, parent_field, parent_id in sorted(self.tables.complete):
            parent_table = {
                "service_id": "service",
                "location_id": "location",
                "organization_id": "organization",
                "contact_id": "contact",
                "phone_id": "phone",
                "service_at_location_id": "service_at_location",
            }.get(parent_field)
            if parent_table and parent_id not in self.ok[parent_table]:
                continue  # the parent was rejected: leave what is stored
            if parent_field == "link_id" and not any(
                parent_id in self.ok[t] for t in LINK_ENTITY_TABLES.values()
            ):
                continue
            model = SPECS[table].model
            keep = [i for i in self.tables.rows[table] if i in self.ok[table]]
            stale = model.objects.filter(**{parent_field: parent_id}).exclude(pk__in=keep)
            _total, per_model = stale.delete()
            self.report.counts[table].deleted += per_model.get(model._meta.label, 0)

    def run(self) -> None:
        for table, where, reason in self.tables.unreadable:
            self.reject(table, "", where, reason)
        for table in feed.TABLES:
            self.apply_table(table)
        self.delete_missing()


def _messages(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{k} {' '.join(v)}" for k, v in error.message_dict.items())
    return " ".join(error.messages)
