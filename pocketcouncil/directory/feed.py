"""Reading Open Referral UK feeds into flat tables, the one shape the importer applies.

An ORUK feed comes as nested JSON (one full service, a page of services, an organisation with
its services, a taxonomy with its terms, a service-at-location), as a folder of CSV files (the
datapackage form, one file per table) or as a remote API that pages through ``/services``.
Each is flattened here into ``Tables``: for every ORUK table, the rows by id in the order they
were read, each row a dict of the standard's field names with foreign keys filled in from the
nesting. Nothing here touches the database.
"""

from __future__ import annotations

import csv
import json
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

# Apply order: parents before children.
TABLES = (
    "taxonomy",
    "taxonomy_term",
    "organization",
    "organization_identifier",
    "service",
    "location",
    "address",
    "accessibility",
    "service_at_location",
    "contact",
    "phone",
    "language",
    "schedule",
    "cost_option",
    "funding",
    "service_area",
    "attribute",
)

# CSV file names of each table (the datapackage's names and the singular/plural variants the
# official example folder has).
CSV_FILES = {
    "taxonomy": ("taxonomies.csv", "taxonomy.csv"),
    "taxonomy_term": ("taxonomy_terms.csv",),
    "organization": ("organizations.csv",),
    "organization_identifier": ("organization_identifiers.csv",),
    "service": ("services.csv",),
    "location": ("locations.csv",),
    "address": ("addresses.csv", "address.csv"),
    "accessibility": ("accessibility.csv",),
    "service_at_location": ("service_at_location.csv", "service_at_locations.csv"),
    "contact": ("contacts.csv",),
    "phone": ("phones.csv",),
    "language": ("languages.csv",),
    "schedule": ("schedules.csv", "schedule.csv"),
    "cost_option": ("cost_options.csv",),
    "funding": ("funding.csv",),
    "service_area": ("service_areas.csv",),
    "attribute": ("attributes.csv", "attribute.csv"),
}
# A child table's file in a CSV folder is the complete list for every parent in the folder.
CSV_PARENTS = {
    "organization_identifier": ("organization_id", "organization"),
    "address": ("location_id", "location"),
    "accessibility": ("location_id", "location"),
    "service_at_location": ("service_id", "service"),
    "contact": ("service_id", "service"),
    "phone": ("contact_id", "contact"),
    "schedule": ("service_id", "service"),
    "cost_option": ("service_id", "service"),
    "funding": ("service_id", "service"),
    "service_area": ("service_id", "service"),
    "language": ("service_id", "service"),
}
IGNORED_CSV = {"datapackage.json", "meta_table_descriptions.csv"}

# The nested arrays of a full service. A key present in the JSON (even as []) is the complete
# list for that service: rows missing from it are deleted. An absent key leaves the stored rows.
_ARRAY_TABLE = {
    "schedules": "schedule",
    "service_areas": "service_area",
    "service_at_locations": "service_at_location",
    "languages": "language",
    "funding": "funding",
    "cost_options": "cost_option",
    "contacts": "contact",
}

MAX_REMOTE_PAGES = 10_000
REMOTE_TIMEOUT_S = 30
MAX_REMOTE_BYTES = 50 * 1024 * 1024


class FeedError(Exception):
    """The feed as a whole cannot be read (not JSON, not an ORUK shape, remote failure)."""


@dataclass
class Tables:
    rows: dict[str, dict[str, dict]] = field(default_factory=lambda: {t: {} for t in TABLES})
    # (table, parent field, parent id): the feed gives the complete list of ``table`` rows under
    # that parent, so the importer deletes stored rows there that the feed does not have.
    complete: set[tuple[str, str, str]] = field(default_factory=set)
    # Rows that could not even be read (no id, not an object), as (table, where, reason).
    unreadable: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Where each row was read, for the report: (table, id) -> "services.csv line 3".
    where: dict[tuple[str, str], str] = field(default_factory=dict)

    def add(self, table: str, row, *, where: str, **links) -> str | None:
        if not isinstance(row, dict):
            self.unreadable.append((table, where, "not a JSON object"))
            return None
        row = {k: v for k, v in row.items() if not isinstance(v, dict | list)}
        row.update({k: v for k, v in links.items() if v is not None})
        ident = str(row.get("id") or "").strip()
        if not ident:
            self.unreadable.append((table, where, "it has no id"))
            return None
        row["id"] = ident
        self.rows[table][ident] = row
        self.where[(table, ident)] = where
        return ident

    def count(self) -> int:
        return sum(len(r) for r in self.rows.values())


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _term(tables: Tables, term, *, where: str) -> str | None:
    if not isinstance(term, dict):
        return None
    return tables.add("taxonomy_term", term, where=where)


def _attributes(tables: Tables, parent: dict, *, link_id: str, entity: str, where: str) -> None:
    if "attributes" in parent:
        tables.complete.add(("attribute", "link_id", link_id))
    for i, attr in enumerate(_list(parent.get("attributes"))):
        spot = f"{where} attributes[{i}]"
        term_id = _term(
            tables, attr.get("taxonomy_term") if isinstance(attr, dict) else None, where=spot
        )
        links = {"link_id": link_id, "link_entity": entity}
        if term_id:
            links["taxonomy_term_id"] = term_id
        tables.add("attribute", attr, where=spot, **links)


def _location(tables: Tables, loc, *, where: str) -> str | None:
    loc_id = tables.add("location", loc, where=where)
    if not loc_id:
        return None
    for key, table in (("addresses", "address"), ("accessibility", "accessibility")):
        if key in loc:
            tables.complete.add((table, "location_id", loc_id))
        for i, child in enumerate(_list(loc.get(key))):
            tables.add(table, child, where=f"{where} {key}[{i}]", location_id=loc_id)
    _attributes(tables, loc, link_id=loc_id, entity="location", where=where)
    return loc_id


def _organization(tables: Tables, org, *, where: str) -> str | None:
    org_id = tables.add("organization", org, where=where)
    if not org_id:
        return None
    if "organization_identifiers" in org:
        tables.complete.add(("organization_identifier", "organization_id", org_id))
    for i, ident in enumerate(_list(org.get("organization_identifiers"))):
        tables.add(
            "organization_identifier",
            ident,
            where=f"{where} organization_identifiers[{i}]",
            organization_id=org_id,
        )
    _attributes(tables, org, link_id=org_id, entity="organization", where=where)
    for i, svc in enumerate(_list(org.get("services"))):
        if isinstance(svc, dict):
            svc = {**svc, "organization_id": svc.get("organization_id") or org_id}
        add_service(tables, svc, where=f"{where} services[{i}]")
    return org_id


def add_service(tables: Tables, svc, *, where: str) -> None:
    """Flatten one service (list form or fully nested) into ``tables``."""
    if not isinstance(svc, dict):
        tables.unreadable.append(("service", where, "not a JSON object"))
        return
    org_id = svc.get("organization_id")
    if isinstance(svc.get("organization"), dict):
        org_id = _organization(tables, svc["organization"], where=f"{where} organization")
    svc_id = tables.add("service", svc, where=where, organization_id=org_id)
    if not svc_id:
        return
    for key, table in _ARRAY_TABLE.items():
        if key in svc:
            tables.complete.add((table, "service_id", svc_id))
    for i, item in enumerate(_list(svc.get("schedules"))):
        tables.add("schedule", item, where=f"{where} schedules[{i}]", service_id=svc_id)
    for i, item in enumerate(_list(svc.get("service_areas"))):
        tables.add("service_area", item, where=f"{where} service_areas[{i}]", service_id=svc_id)
    for i, item in enumerate(_list(svc.get("languages"))):
        tables.add("language", item, where=f"{where} languages[{i}]", service_id=svc_id)
    for i, item in enumerate(_list(svc.get("funding"))):
        tables.add("funding", item, where=f"{where} funding[{i}]", service_id=svc_id)
    for i, item in enumerate(_list(svc.get("cost_options"))):
        tables.add("cost_option", item, where=f"{where} cost_options[{i}]", service_id=svc_id)
    for i, item in enumerate(_list(svc.get("contacts"))):
        spot = f"{where} contacts[{i}]"
        contact_id = tables.add("contact", item, where=spot, service_id=svc_id)
        if not contact_id:
            continue
        if "phones" in item:
            tables.complete.add(("phone", "contact_id", contact_id))
        for j, phone in enumerate(_list(item.get("phones"))):
            phone_id = tables.add(
                "phone", phone, where=f"{spot} phones[{j}]", contact_id=contact_id
            )
            if phone_id and "languages" in phone:
                tables.complete.add(("language", "phone_id", phone_id))
            for k, lang in enumerate(_list(phone.get("languages")) if phone_id else []):
                tables.add(
                    "language", lang, where=f"{spot} phones[{j}] languages[{k}]", phone_id=phone_id
                )
        _attributes(tables, item, link_id=contact_id, entity="contact", where=spot)
    for i, item in enumerate(_list(svc.get("service_at_locations"))):
        spot = f"{where} service_at_locations[{i}]"
        if not isinstance(item, dict):
            tables.unreadable.append(("service_at_location", spot, "not a JSON object"))
            continue
        loc_id = item.get("location_id")
        if isinstance(item.get("location"), dict):
            loc_id = _location(tables, item["location"], where=f"{spot} location")
        sal_id = tables.add(
            "service_at_location", item, where=spot, service_id=svc_id, location_id=loc_id
        )
        if sal_id and "schedules" in item:
            tables.complete.add(("schedule", "service_at_location_id", sal_id))
        for j, sched in enumerate(_list(item.get("schedules")) if sal_id else []):
            tables.add(
                "schedule", sched, where=f"{spot} schedules[{j}]", service_at_location_id=sal_id
            )
    _attributes(tables, svc, link_id=svc_id, entity="service", where=where)


def _kind(item: dict) -> str:
    """Which ORUK record a JSON object is."""
    if "taxonomy_terms" in item or "version" in item:
        return "taxonomy"
    if "service" in item and "location" in item:
        return "service_at_location"
    if "services" in item or "organization_identifiers" in item or "logo" in item:
        return "organization"
    if {"term", "term_uri", "parent_id", "taxonomy_id", "taxonomy"} & item.keys():
        return "taxonomy_term"
    return "service"


def add_json(tables: Tables, data, *, where: str = "") -> None:
    """Flatten any ORUK JSON document: a record, a list of records or an ORUK page."""
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        items = data["contents"]
    elif isinstance(data, list):
        items = data
    elif isinstance(data, dict):
        items = [data]
    else:
        raise FeedError("The file is not an Open Referral UK record or page.")
    for i, item in enumerate(items):
        spot = f"{where}[{i}]" if len(items) > 1 or "contents" in (data or {}) else where
        spot = spot.strip() or "record"
        if not isinstance(item, dict):
            tables.unreadable.append(("record", spot, "not a JSON object"))
            continue
        kind = _kind(item)
        if kind == "taxonomy":
            tax_id = tables.add("taxonomy", item, where=spot)
            for j, term in enumerate(_list(item.get("taxonomy_terms")) if tax_id else []):
                if isinstance(term, dict):
                    term = {**term, "taxonomy_id": term.get("taxonomy_id") or tax_id}
                tables.add("taxonomy_term", term, where=f"{spot} taxonomy_terms[{j}]")
        elif kind == "taxonomy_term":
            tables.add("taxonomy_term", item, where=spot)
        elif kind == "organization":
            _organization(tables, item, where=spot)
        elif kind == "service_at_location":
            svc = item.get("service")
            if isinstance(svc, dict):
                svc = {
                    **svc,
                    "service_at_locations": [{k: v for k, v in item.items() if k != "service"}],
                }
            add_service(tables, svc, where=spot)
        else:
            add_service(tables, item, where=spot)


def read_json_file(path: Path) -> Tables:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as error:
        raise FeedError(f"{path.name} is not UTF-8 text.") from error
    except json.JSONDecodeError as error:
        raise FeedError(
            f"{path.name} is not valid JSON: {error.msg} (line {error.lineno})."
        ) from error
    tables = Tables()
    add_json(tables, data, where=path.name)
    return tables


def read_csv_folder(folder: Path) -> Tables:
    tables = Tables()
    known = {name for names in CSV_FILES.values() for name in names}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.name not in known and path.name not in IGNORED_CSV:
            tables.notes.append(f"{path.name}: not a table of the UK profile, not imported.")
    found = False
    for table, names in CSV_FILES.items():
        for name in names:
            path = folder / name
            if not path.is_file():
                continue
            found = True
            try:
                text = path.read_text(encoding="utf-8-sig")
            except UnicodeDecodeError as error:
                raise FeedError(f"{name} is not UTF-8 text.") from error
            for line, row in enumerate(csv.DictReader(text.splitlines()), start=2):
                clean = {
                    k.strip(): (v or "").strip()
                    for k, v in row.items()
                    if k is not None and (v or "").strip() != ""
                }
                tables.add(table, clean, where=f"{name} line {line}")
    for table, (parent_field, parent_table) in CSV_PARENTS.items():
        if any((folder / name).is_file() for name in CSV_FILES[table]):
            for parent_id in tables.rows[parent_table]:
                tables.complete.add((table, parent_field, parent_id))
    if not found:
        raise FeedError(f"{folder} has no Open Referral UK CSV files (services.csv and others).")
    return tables


def read_path(path: Path) -> Tables:
    if path.is_dir():
        return read_csv_folder(path)
    if not path.is_file():
        raise FeedError(f"{path} does not exist.")
    return read_json_file(path)


def _fetch_json(url: str):
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise FeedError(f"{url} is not an http(s) address.")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=REMOTE_TIMEOUT_S) as response:  # noqa: S310
            body = response.read(MAX_REMOTE_BYTES + 1)
    except OSError as error:
        raise FeedError(f"Could not fetch {url}: {error}") from error
    if len(body) > MAX_REMOTE_BYTES:
        raise FeedError(f"{url} sent more than {MAX_REMOTE_BYTES} bytes.")
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FeedError(f"{url} did not send JSON.") from error


def _with_page(url: str, page: int) -> str:
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query["page"] = str(page)
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def read_url(base: str, *, log=None) -> Tables:
    """Page through ``{base}/services`` and fetch each service's full record
    (``{base}/services/{id}``) where the list gives only its one-to-one fields."""
    base = base.rstrip("/")
    services_url = base if base.endswith("/services") else f"{base}/services"
    root = services_url[: -len("/services")]
    tables = Tables()
    page = 1
    while page <= MAX_REMOTE_PAGES:
        url = _with_page(services_url, page)
        data = _fetch_json(url)
        if not isinstance(data, dict) or not isinstance(data.get("contents"), list):
            raise FeedError(f"{url} is not an Open Referral UK page of services.")
        for i, item in enumerate(data["contents"]):
            where = f"page {page} contents[{i}]"
            if isinstance(item, dict) and item.get("id") and "service_at_locations" not in item:
                ident = urllib.parse.quote(str(item["id"]), safe="")
                item = _fetch_json(f"{root}/services/{ident}")
            add_service(tables, item, where=where)
        if log:
            log(f"Read page {page} of {data.get('total_pages', '?')}.")
        if data.get("last_page", True) or not data["contents"]:
            break
        total_pages = data.get("total_pages")
        if isinstance(total_pages, int) and page >= total_pages:
            break
        page += 1
    return tables
