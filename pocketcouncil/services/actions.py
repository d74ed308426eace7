"""Every write to the service catalogue and the front-door records."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pocketcouncil.councils.models import Council
from pocketcouncil.services import learning
from pocketcouncil.services.models import (
    CouncilService,
    FrontDoorSearch,
    LearnedPhrase,
    Service,
    ServiceAttribute,
    ServiceFAQ,
    TrainingPair,
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


# --- learning from staff corrections (issue 17; docs/services.md) ------------------------------

TRAINING_TEXT_MAX = 2000


@transaction.atomic
def training_pair_record(
    *, council: Council, service: Service, previous_service: Service | None, text: str, actor
) -> TrainingPair | None:
    """Keep what a resident wrote and the service staff corrected it to, for ``services_learn``.

    Called by the cases action that changes a case's service, inside its transaction. The text
    is redacted (no email addresses, postcodes or phone and account numbers) and nothing links
    the pair to the case, the resident or the member of staff (``actor`` is only the caller).
    Returns None when nothing is left to learn from.
    """
    text = redact(text or "", limit=TRAINING_TEXT_MAX)
    if not text.strip():
        return None
    return TrainingPair.objects.create(
        council=council, service=service, previous_service=previous_service, text=text
    )


@dataclass
class LearnResult:
    council: Council
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    pairs: int = 0


@transaction.atomic
def learned_phrases_learn(*, council: Council, actor=None, dry_run: bool = False) -> LearnResult:
    """Learn this council's phrases again from its training pairs that are not discarded.

    New phrases are added (active), evidence counts are brought up to date, and a phrase whose
    evidence fell away (pairs discarded) is removed, unless a manager switched it off: that
    stays, switched off, so it is never learned again. ``dry_run`` changes nothing.
    """
    pairs = list(
        TrainingPair.objects.filter(council=council, discarded_at__isnull=True).values_list(
            "service_id", "text"
        )
    )
    found = learning.phrases_from_pairs(pairs)
    result = LearnResult(council=council, pairs=len(pairs))
    existing = {
        (p.service_id, learning.phrase_key(p.phrase)): p
        for p in LearnedPhrase.objects.select_for_update().filter(council=council)
    }
    for key, (phrase, evidence) in found.items():
        current = existing.get(key)
        if current is None:
            result.added.append(phrase)
            if not dry_run:
                LearnedPhrase.objects.create(
                    council=council, service_id=key[0], phrase=phrase, evidence=evidence
                )
        elif current.evidence != evidence:
            result.updated.append(current.phrase)
            if not dry_run:
                current.evidence = evidence
                current.save(update_fields=["evidence", "updated_at"])
    for key, current in existing.items():
        if key not in found and current.deactivated_at is None:
            result.dropped.append(current.phrase)
            if not dry_run:
                current.delete()
    return result


@transaction.atomic
def learned_phrase_deactivate(*, phrase: LearnedPhrase, actor) -> LearnedPhrase:
    """Undo a learned phrase: the front door stops using it, and it is never learned again.
    Who did it and when is kept on the phrase."""
    phrase = LearnedPhrase.objects.select_for_update().get(pk=phrase.pk)
    if phrase.active:
        phrase.active = False
        phrase.deactivated_at = timezone.now()
        phrase.deactivated_by = actor if getattr(actor, "pk", None) else None
        phrase.save(update_fields=["active", "deactivated_at", "deactivated_by", "updated_at"])
    return phrase


@transaction.atomic
def training_pair_discard(*, pair: TrainingPair, actor) -> TrainingPair:
    """Leave a training pair out of learning from now on (the next ``services_learn`` drops
    what only it supported). Who did it and when is kept on the pair."""
    pair = TrainingPair.objects.select_for_update().get(pk=pair.pk)
    if pair.discarded_at is None:
        pair.discarded_at = timezone.now()
        pair.discarded_by = actor if getattr(actor, "pk", None) else None
        pair.save(update_fields=["discarded_at", "discarded_by"])
    return pair
