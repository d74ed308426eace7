"""Every write to the service catalogue and the front-door records."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pocketcouncil.councils.models import Council
from pocketcouncil.services.models import (
    CouncilService,
    FrontDoorSearch,
    Service,
    ServiceAttribute,
    ServiceFAQ,
)
from pocketcouncil.services.privacy import redact

CONTENT_FIELDS = [
    "name",
    "topic",
    "tier",
    "team_name",
    "summary",
    "synonyms",
    "how_to",
    "eligibility",
    "location_based",
    "minimum_assurance_level",
    "anonymous_allowed",
    "sla_working_days",
    "urgent_notice",
]
ATTRIBUTE_FIELDS = ["label", "help_text", "datatype", "required", "order", "values"]


class ServiceNotInCatalogueError(LookupError):
    """Content was written for an LGSL code that the catalogue does not have."""


@dataclass
class ContentReport:
    created: Counter = field(default_factory=Counter)
    changed: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    # "524 Bin collections and missed bins" for each service whose own fields, FAQs or form
    # questions this run wrote, so the command can say what changed, not just how much.
    changed_services: list[str] = field(default_factory=list)


@transaction.atomic
def catalogue_content_apply(*, entries: list[dict], actor=None) -> ContentReport:
    """Write hand-written content (``content.SERVICES``, read from the content files) over the
    imported LGSL services.

    Idempotent and fast: rows are compared first and only differences are written, in bulk.
    FAQs and form questions not in ``entries`` any more are deleted for those services, so
    the file stays the single source of truth for curated services. ``actor`` is who ran it.
    """
    report = ContentReport()
    by_lgsl = {e["lgsl"]: e for e in entries}
    services = {s.lgsl: s for s in Service.objects.filter(lgsl__in=list(by_lgsl))}
    missing = sorted(set(by_lgsl) - set(services))
    if missing:
        raise ServiceNotInCatalogueError(
            f"LGSL {', '.join(map(str, missing))} not in the catalogue: import the LGSL first."
        )
    now = timezone.now()
    changed_services = []
    touched: set[int] = set()
    for lgsl, entry in by_lgsl.items():
        service = services[lgsl]
        values = {name: entry[name] for name in CONTENT_FIELDS} | {"curated": True}
        differs = [name for name, value in values.items() if getattr(service, name) != value]
        if differs:
            for name, value in values.items():
                setattr(service, name, value)
            service.updated_at = now
            service.full_clean(validate_unique=False)
            changed_services.append(service)
            report.changed["services"] += 1
            touched.add(service.pk)
        else:
            report.unchanged["services"] += 1
    Service.objects.bulk_update(changed_services, [*CONTENT_FIELDS, "curated", "updated_at"])

    service_ids = [s.pk for s in services.values()]
    _sync_children(
        model=ServiceFAQ,
        key="question",
        fields=["answer", "order"],
        wanted={
            (services[e["lgsl"]].pk, faq["question"]): {"answer": faq["answer"], "order": i}
            for e in entries
            for i, faq in enumerate(e["faqs"])
        },
        service_ids=service_ids,
        now=now,
        report=report,
        label="FAQs",
        touched=touched,
    )
    _sync_children(
        model=ServiceAttribute,
        key="code",
        fields=ATTRIBUTE_FIELDS,
        wanted={
            (services[e["lgsl"]].pk, a["code"]): {
                "label": a["label"],
                "help_text": a.get("help_text", ""),
                "datatype": a["datatype"],
                "required": a.get("required", False),
                "order": a.get("order", 0),
                "values": a.get("values", []),
            }
            for e in entries
            for a in e["attributes"]
        },
        service_ids=service_ids,
        now=now,
        report=report,
        label="form questions",
        touched=touched,
    )
    report.changed_services = [
        str(s) for s in sorted(services.values(), key=lambda s: s.lgsl) if s.pk in touched
    ]
    return report


def _sync_children(*, model, key, fields, wanted, service_ids, now, report, label, touched):
    existing = {
        (row.service_id, getattr(row, key)): row
        for row in model.objects.filter(service_id__in=service_ids)
    }
    new, changed = [], []
    for (service_id, key_value), values in wanted.items():
        row = existing.get((service_id, key_value))
        if row is None:
            row = model(service_id=service_id, **{key: key_value}, **values)
            row.full_clean(exclude=["service"], validate_unique=False)
            new.append(row)
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_at = now
            row.full_clean(exclude=["service"], validate_unique=False)
            changed.append(row)
        else:
            report.unchanged[label] += 1
    stale = [row.pk for k, row in existing.items() if k not in wanted]
    model.objects.bulk_create(new)
    model.objects.bulk_update(changed, [*fields, "updated_at"])
    model.objects.filter(pk__in=stale).delete()
    touched.update(row.service_id for row in new + changed)
    touched.update(
        service_id for (service_id, _key) in existing if (service_id, _key) not in wanted
    )
    report.created[label] += len(new)
    report.changed[label] += len(changed)
    report.deleted[label] += len(stale)


OVERRIDE_FIELDS = [
    "hidden",
    "name",
    "summary",
    "eligibility",
    "how_to",
    "team",
    "website_url",
    "reports_on_council_site",
]


@transaction.atomic
def service_override_set(*, council: Council, service: Service, actor, **changes) -> CouncilService:
    """Hide a service for one council, reword it or name its team, without copying it.

    Pass only what changes; ``None`` (or "") for a wording field means "use the national text".
    ``actor`` (a user, or None for the system) is recorded as who last changed the setting.
    Permission checks belong to the caller until the accounts app's permissions cover it.
    """
    unknown = set(changes) - set(OVERRIDE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown override fields: {', '.join(sorted(unknown))}")
    setting, _created = CouncilService.objects.select_for_update().get_or_create(
        council=council, service=service
    )
    for name, value in changes.items():
        if name in {"name", "summary", "eligibility", "how_to"} and not (value or "").strip():
            value = None
        if name == "website_url":
            value = (value or "").strip()
        setattr(setting, name, value)
    setting.updated_by = actor if getattr(actor, "pk", None) else None
    setting.full_clean()
    setting.save()
    return setting


@transaction.atomic
def front_door_search_record(
    *, query: str, council: Council | None, shown: list[int], answer: ServiceFAQ | None
) -> FrontDoorSearch:
    """Record what a resident searched for and what we showed (no personal data)."""
    return FrontDoorSearch.objects.create(
        query=redact(query), council=council, shown=list(shown), answer_shown=answer
    )


@transaction.atomic
def front_door_click_record(*, search_id: int, lgsl: int) -> bool:
    """Record which service the resident opened from the results (first click only)."""
    return bool(
        FrontDoorSearch.objects.filter(pk=search_id, clicked_lgsl__isnull=True).update(
            clicked_lgsl=lgsl
        )
    )


@transaction.atomic
def front_door_answer_record(*, search_id: int, helped: bool) -> FrontDoorSearch:
    """Record whether the answer shown first answered the resident's question."""
    try:
        search = FrontDoorSearch.objects.select_for_update().get(pk=search_id)
    except FrontDoorSearch.DoesNotExist:
        raise ValidationError("That search is no longer available.") from None
    if search.answer_shown_id is None:
        raise ValidationError("No answer was shown for that search.")
    search.answer_helped = helped
    search.save(update_fields=["answer_helped"])
    return search
