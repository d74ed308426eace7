"""Render directory records as Open Referral UK 3.0 JSON (the shapes in ``schema/*.json``).

Pure functions over prefetched model instances: the querysets that feed them
(``queries.service_full_queryset`` and friends) decide what is loaded, so rendering never
queries. Empty optional fields are left out rather than sent as null, because the standard's
schemas type them as plain strings and numbers; required ones are always present.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from pocketcouncil.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Funding,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

VERSION = "3.0"
PROFILE = "https://github.com/openreferral/uk-profile"


def datetime_text(value: dt.datetime) -> str:
    return timezone.localtime(value, dt.UTC).isoformat().replace("+00:00", "Z")


def _value(value):
    if isinstance(value, dt.datetime):
        return datetime_text(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _pick(obj, fields: list[str], required: tuple[str, ...] = ()) -> dict:
    out = {}
    for name in fields:
        value = getattr(obj, name)
        if value is None or (value == "" and name not in required):
            continue
        out[name] = _value(value)
    for name in required:
        out.setdefault(name, "")
    return out


def taxonomy_term(term: TaxonomyTerm) -> dict:
    out = _pick(
        term,
        ["id", "name", "description", "parent_id", "taxonomy", "term_uri", "term"],
        required=("id", "name", "description"),
    )
    if term.taxonomy_ref_id:
        out["taxonomy_id"] = term.taxonomy_ref_id
    return out


def taxonomy(tax: Taxonomy, *, terms: bool = False) -> dict:
    out = _pick(tax, ["id", "name", "description", "uri", "version"], ("id", "name", "description"))
    if terms:
        out["taxonomy_terms"] = [taxonomy_term(t) for t in tax.terms.all()]
    return out


def attribute(attr: Attribute) -> dict:
    out = _pick(attr, ["id", "link_id", "link_type"], ("id",))
    out["taxonomy_term_id"] = attr.taxonomy_term_id
    out["taxonomy_term"] = taxonomy_term(attr.taxonomy_term)
    return out


def _attributes(attributes_by_link: dict, link_id: str) -> list[dict]:
    return [attribute(a) for a in attributes_by_link.get(link_id, [])]


def address(addr: Address) -> dict:
    return _pick(
        addr,
        [
            "id",
            "attention",
            "address_1",
            "city",
            "region",
            "state_province",
            "postal_code",
            "country",
            "address_type",
        ],
        ("id", "address_1", "city", "state_province", "postal_code", "country", "address_type"),
    )


def accessibility(item: Accessibility) -> dict:
    out = _pick(item, ["id", "description", "details", "url"], ("id",))
    if item.description:
        out["accessibility"] = item.description
    return out


def location(loc: Location, attributes_by_link: dict | None = None) -> dict:
    out = _pick(
        loc,
        [
            "id",
            "location_type",
            "name",
            "description",
            "latitude",
            "longitude",
            "external_identifier",
            "external_identifier_type",
        ],
        ("id", "location_type"),
    )
    out["addresses"] = [address(a) for a in loc.addresses.all()]
    out["accessibility"] = [accessibility(a) for a in loc.accessibility.all()]
    out["attributes"] = _attributes(attributes_by_link or {}, loc.id)
    return out


def schedule(item: Schedule) -> dict:
    return _pick(
        item,
        [
            "id",
            "valid_from",
            "valid_to",
            "dtstart",
            "freq",
            "interval",
            "byday",
            "bymonthday",
            "description",
            "opens_at",
            "closes_at",
            "schedule_link",
            "attending_type",
            "notes",
        ],
        ("id",),
    )


def service_at_location(sal: ServiceAtLocation, attributes_by_link: dict | None = None) -> dict:
    return {
        "id": sal.id,
        "service_id": sal.service_id,
        "location_id": sal.location_id,
        "location": location(sal.location, attributes_by_link),
        "schedules": [schedule(s) for s in sal.schedules.all()],
    }


def language(item: Language) -> dict:
    return _pick(item, ["id", "name", "code"], ("id",))


def phone(item: Phone) -> dict:
    out = _pick(item, ["id", "number", "description"], ("id", "number"))
    out["languages"] = [language(lang) for lang in item.languages.all()]
    return out


def contact(item: Contact, attributes_by_link: dict | None = None) -> dict:
    out = _pick(item, ["id", "name", "title"], ("id",))
    # Not in the UK profile's contact (phones link to a contact), nested here for convenience.
    out["phones"] = [phone(p) for p in item.phones.all()]
    out["attributes"] = _attributes(attributes_by_link or {}, item.id)
    return out


def cost_option(item: CostOption) -> dict:
    return _pick(
        item,
        ["id", "valid_from", "valid_to", "option", "amount", "amount_description"],
        ("id",),
    )


def funding(item: Funding) -> dict:
    return _pick(item, ["id", "source"], ("id",))


def service_area(item: ServiceArea) -> dict:
    out = _pick(item, ["id", "name", "extent", "extent_type", "uri"], ("id",))
    if item.name:
        out["service_area"] = item.name
    return out


ORGANIZATION_FIELDS = [
    "id",
    "name",
    "description",
    "email",
    "website",
    "logo",
    "uri",
    "parent_organization_id",
]


def organization_summary(org: Organization) -> dict:
    return _pick(org, ORGANIZATION_FIELDS, ("id", "name", "description"))


def organization(org: Organization, attributes_by_link: dict | None = None) -> dict:
    out = organization_summary(org)
    out["organization_identifiers"] = [
        _pick(
            i,
            ["id", "identifier_scheme", "identifier_type", "identifier"],
            ("id", "identifier_type", "identifier"),
        )
        for i in org.organization_identifiers.all()
    ]
    out["attributes"] = _attributes(attributes_by_link or {}, org.id)
    return out


SERVICE_FIELDS = [
    "id",
    "organization_id",
    "name",
    "description",
    "url",
    "email",
    "status",
    "fees",
    "accreditations",
    "minimum_age",
    "maximum_age",
    "assured_date",
    "assurer_email",
    "alert",
    "last_modified",
]


def service_summary(svc: Service) -> dict:
    """The one-to-one fields of a service (the ``/services`` list form)."""
    return _pick(svc, SERVICE_FIELDS, ("id", "name", "status"))


def service_full(svc: Service, attributes_by_link: dict) -> dict:
    """The fully nested service (``/services/{id}``). ``attributes_by_link`` maps a record id to
    its prefetched attributes (``queries.attributes_for``)."""
    out = service_summary(svc)
    if svc.organization_id:
        out["organization"] = organization(svc.organization, attributes_by_link)
    out["schedules"] = [schedule(s) for s in svc.schedules.all()]
    out["service_areas"] = [service_area(a) for a in svc.service_areas.all()]
    out["service_at_locations"] = [
        service_at_location(sal, attributes_by_link) for sal in svc.locations_at.all()
    ]
    out["languages"] = [language(lang) for lang in svc.languages.all()]
    out["funding"] = [funding(f) for f in svc.funding.all()]
    out["cost_options"] = [cost_option(c) for c in svc.cost_options.all()]
    out["contacts"] = [contact(c, attributes_by_link) for c in svc.contacts.all()]
    out["attributes"] = _attributes(attributes_by_link, svc.id)
    return out


def page(*, items: list[dict], total: int, page_number: int, size: int) -> dict:
    """ORUK pagination around ``items``."""
    total_pages = max(1, -(-total // size)) if total else 0
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page_number,
        "size": len(items),
        "first_page": page_number == 1,
        "last_page": page_number >= total_pages,
        "empty": not items,
        "contents": items,
    }
