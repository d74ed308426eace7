"""Reads other code needs from the catalogue: a council's services, one service, and search.

A council's version of a service is the national catalogue row with the council's
``CouncilService`` settings applied (hidden, reworded, owning team), resolved here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch
from django.urls import reverse

from pocketcouncil.councils import queries as councils
from pocketcouncil.councils.models import Council, CouncilTier, ServiceTier, Team
from pocketcouncil.services import privacy, search, welsh
from pocketcouncil.services.models import (
    CouncilService,
    Service,
    ServiceAttribute,
    ServiceFAQ,
    Topic,
)


class ServiceNotFoundError(LookupError):
    """No such service in the catalogue, or the council hides it."""


class ServiceNotOfferedError(LookupError):
    """The council does not provide this service; ``providers`` lists who does."""

    def __init__(self, message: str, *, service: Service, providers: list[Council]):
        super().__init__(message)
        self.service = service
        self.providers = providers


@dataclass
class CouncilServiceView:
    """A service as one council offers it (or the national wording when ``council`` is None)."""

    service: Service
    council: Council | None
    name: str
    summary: str
    eligibility: str
    how_to: str
    team: Team | None = None
    faqs: list[ServiceFAQ] = field(default_factory=list)
    # The council's own page for the service (the "services you offer" page), its related links
    # ([{"text", "url"}]) and, when it takes reports on its own website instead of here, that
    # address: the service content's "report on our site" address, or else the council's page
    # when the "services you offer" page says residents report there.
    website_url: str = ""
    links: list[dict] = field(default_factory=list)
    report_url: str = ""

    @property
    def reports_on_council_site(self) -> bool:
        return bool(self.report_url)

    @property
    def lgsl(self) -> int:
        return self.service.lgsl

    @property
    def url(self) -> str:
        return service_url(lgsl=self.service.lgsl, council=self.council)


def service_url(*, lgsl: int, council: Council | None) -> str:
    if council is None:
        return reverse("services:service-national", args=[lgsl])
    return reverse("services:service-detail", args=[council.slug, lgsl])


def _providers(service: Service, council: Council) -> list[Council]:
    """Who provides ``service`` for residents of ``council``'s area, on the platform."""
    if council.tier == CouncilTier.DISTRICT and service.tier == ServiceTier.COUNTY:
        return [council.upper_tier] if council.upper_tier_id else []
    if council.tier == CouncilTier.COUNTY and service.tier == ServiceTier.DISTRICT:
        return list(council.lower_tiers.order_by("name"))
    return []


def _report_elsewhere_url(setting) -> str:
    """Where residents report this service on the council's own site, or "" for here."""
    if setting is None:
        return ""
    if setting.report_url:
        return setting.report_url
    return setting.website_url if setting.reports_on_council_site else ""


def service_for_council(*, council: Council, lgsl: int) -> CouncilServiceView:
    """The council's version of a service, with its FAQs.

    Raises ServiceNotFoundError (unknown or hidden) or ServiceNotOfferedError (other tier).
    """
    try:
        service = Service.objects.prefetch_related(
            Prefetch("faqs", queryset=ServiceFAQ.objects.order_by("order", "pk"))
        ).get(lgsl=lgsl)
    except Service.DoesNotExist:
        raise ServiceNotFoundError(f"No service with LGSL code {lgsl}.") from None
    if not council.provides(service.tier):
        raise ServiceNotOfferedError(
            f"{council.name} does not provide {service.name}.",
            service=service,
            providers=_providers(service, council),
        )
    setting = (
        CouncilService.objects.select_related("team")
        .filter(council=council, service=service)
        .first()
    )
    if setting and setting.hidden:
        raise ServiceNotFoundError(f"{council.name} does not offer {service.name} here.")
    team = setting.team if setting and setting.team_id else None
    if team is None and service.team_name:
        team = Team.objects.filter(council=council, name=service.team_name).first()
    return CouncilServiceView(
        service=service,
        council=council,
        name=(setting and setting.name) or service.name,
        summary=(setting and setting.summary) or service.summary,
        eligibility=(setting and setting.eligibility) or service.eligibility,
        how_to=(setting and setting.how_to) or service.how_to,
        team=team,
        faqs=_council_faqs(setting)
        if setting and setting.faqs is not None
        else list(service.faqs.all()),
        website_url=setting.website_url if setting else "",
        links=list(setting.links or []) if setting else [],
        report_url=_report_elsewhere_url(setting),
    )


@dataclass
class CouncilFAQ:
    """A council's own question and answer (stored on its ``CouncilService``)."""

    question: str
    answer: str


def _council_faqs(setting: CouncilService) -> list[CouncilFAQ]:
    return [CouncilFAQ(question=f["question"], answer=f["answer"]) for f in setting.faqs]


def service_national(*, lgsl: int) -> CouncilServiceView:
    """A service in the national wording (before the resident has said where they are)."""
    try:
        service = Service.objects.prefetch_related(
            Prefetch("faqs", queryset=ServiceFAQ.objects.order_by("order", "pk"))
        ).get(lgsl=lgsl)
    except Service.DoesNotExist:
        raise ServiceNotFoundError(f"No service with LGSL code {lgsl}.") from None
    return CouncilServiceView(
        service=service,
        council=None,
        name=service.name,
        summary=service.summary,
        eligibility=service.eligibility,
        how_to=service.how_to,
        faqs=list(service.faqs.all()),
    )


def service_attributes(*, service: Service) -> list[ServiceAttribute]:
    """The questions of a service's online form, in order."""
    return list(service.attributes.order_by("order", "code"))


def _offered_by(services, council: Council | None):
    """Narrow a Service queryset to what a council offers: its tiers, minus what it hides."""
    if council is None:
        return services
    if council.tier != CouncilTier.UNITARY:
        services = services.filter(tier=council.tier)
    return services.exclude(council_settings__council=council, council_settings__hidden=True)


def topic_list(*, council: Council | None = None) -> list[dict]:
    """Topics with how many services each has (for a council: the ones it offers)."""
    rows = _offered_by(Service.objects.all(), council).values("topic").annotate(total=Count("pk"))
    counts = {row["topic"]: row["total"] for row in rows}
    return [
        {"slug": value, "label": label, "total": counts[value]}
        for value, label in Topic.choices
        if counts.get(value)
    ]


def service_list_for_topic(*, topic: str, council: Council | None = None) -> list[Service]:
    """Services in a topic: hand-written ones first, then the rest of the LGSL, by name.

    With a council: only the tiers it provides and not the ones it hides.
    """
    services = Service.objects.filter(topic=topic).only(
        "lgsl", "name", "summary", "tier", "curated", "topic"
    )
    return list(_offered_by(services, council).order_by("-curated", "name"))


# -- front-door search ---------------------------------------------------------------------------

# The longest text the front door takes (the page and the API refuse more, naming the limit):
# room for the description a resident would give on the phone, several sentences long.
QUERY_MAX_LENGTH = 2000

# A full UK postcode inside what the resident typed ("bins not emptied OX4 3BD").
_POSTCODE_IN_TEXT = re.compile(
    r"\b([A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s*\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE
)


def postcode_in_text(text: str) -> tuple[str, str | None]:
    """Split a full postcode out of the query: (the rest of the text, the postcode or None)."""
    match = _POSTCODE_IN_TEXT.search(text)
    if not match:
        return text, None
    rest = (text[: match.start()] + " " + text[match.end() :]).strip(" ,.")
    return " ".join(rest.split()), match.group(1)


@dataclass
class SearchResult:
    lgsl: int
    name: str
    summary: str
    council: Council | None
    score: float

    @property
    def url(self) -> str:
        return service_url(lgsl=self.lgsl, council=self.council)


@dataclass
class SearchAnswer:
    faq_id: int
    question: str
    answer: str
    service_lgsl: int
    service_name: str
    url: str


@dataclass
class SearchOutcome:
    query: str
    results: list[SearchResult]
    answers: list[SearchAnswer]
    # True when nothing matched well: the page says so and offers browsing and contact details.
    no_good_match: bool
    council: Council | None = None


def front_door_search(
    *,
    text: str,
    council: Council | None = None,
    lon: float | None = None,
    lat: float | None = None,
    limit: int = 10,
) -> SearchOutcome:
    """Services (and a direct answer, if one fits) for what the resident typed.

    With a location, each result is the version of the council responsible there for that
    service (county or district in a two-tier area, including exceptions for one service). With
    a council, results for its residents: its services and, in a two-tier area, the other
    tier's. Without either: national wording, and the resident is asked where they live.
    """
    text = " ".join(text.split())[:QUERY_MAX_LENGTH]
    wanted_text = privacy.strip(text)
    wanted_text = welsh.search_text(wanted_text)  # Welsh -> English search words
    index = search.index_get()
    by_id = {}
    if lon is not None and lat is not None:
        by_tier = {}
        for tier in ServiceTier.values:
            try:
                responsible = councils.council_responsible(lon=lon, lat=lat, service_tier=tier)
            except councils.NoCouncilHereError:
                by_tier[tier] = None
            else:
                by_tier[tier] = responsible.council.pk
                by_id[responsible.council.pk] = responsible.council
    elif council is not None:
        by_tier = index.councils_by_tier_for(council.pk) if council.pk in index.councils else {}
    else:
        by_tier = None
    # A weak match (few of the query's words) is left out, so a service that matches only a
    # side word ("bus stop" in "hole in the road by the bus stop") does not hide a good one.
    hits = [
        hit
        for hit in index.search(wanted_text, councils_by_tier=by_tier, limit=limit * 2)
        if not hit.weak
    ]

    # Fetch the councils results belong to in one query.
    wanted = {cid for cid in (by_tier or {}).values() if cid and cid not in by_id}
    if wanted:
        by_id.update(Council.objects.in_bulk(list(wanted)))
    results = []
    for hit in hits:
        council_id = by_tier.get(hit.tier) if by_tier else None
        if lon is not None and lat is not None and council_id is not None:
            # A responsibility exception for this one service may name another council.
            try:
                responsible = councils.council_responsible(
                    lon=lon, lat=lat, service_tier=hit.tier, lgsl=hit.lgsl
                )
            except councils.NoCouncilHereError:
                council_id = None
            else:
                council_id = responsible.council.pk
                by_id.setdefault(council_id, responsible.council)
                if index.is_hidden(service_id=hit.service_id, council_id=council_id):
                    continue
        wording = index.wording(service_id=hit.service_id, council_id=council_id)
        name, summary = wording if wording else (hit.name, hit.summary)
        results.append(
            SearchResult(
                lgsl=hit.lgsl,
                name=name,
                summary=summary,
                council=by_id.get(council_id) if council_id else None,
                score=round(hit.score, 3),
            )
        )
        if len(results) == limit:
            break
    no_good_match = not results
    answers = []
    if results and not no_good_match:
        # FAQs of the top three results only: an answer about an unrelated service misleads
        # more than no answer at all.
        for faq in index.answers(wanted_text, service_ids={h.service_id for h in hits[:3]}):
            result = next((r for r in results if r.lgsl == faq.lgsl), None)
            if result is None:
                continue
            answers.append(
                SearchAnswer(
                    faq_id=faq.faq_id,
                    question=faq.question,
                    answer=faq.answer,
                    service_lgsl=faq.lgsl,
                    service_name=result.name,
                    url=result.url,
                )
            )
    return SearchOutcome(
        query=text,
        results=results,
        answers=answers,
        no_good_match=no_good_match,
        council=council,
    )


def faq_get(faq_id: int) -> ServiceFAQ | None:
    return ServiceFAQ.objects.filter(pk=faq_id).first()


def service_list_for_council(*, council: Council) -> list[Service]:
    """Every service a council offers (its tiers, not hidden), by name."""
    services = Service.objects.only("lgsl", "name", "tier", "topic", "curated")
    return list(_offered_by(services, council).order_by("name"))


def service_settings_for_council(
    *, council: Council
) -> list[tuple[Service, CouncilService | None]]:
    """Every catalogue service of the council's tiers with the council's setting for it (or
    None), by LGSL label: what the council admin chooses from on the "Services you offer" page
    (hidden ones included)."""
    services = Service.objects.only("lgsl", "lgsl_label", "name", "tier", "topic")
    if council.tier != CouncilTier.UNITARY:
        services = services.filter(tier=council.tier)
    settings_by_service = {s.service_id: s for s in CouncilService.objects.filter(council=council)}
    return [(s, settings_by_service.get(s.pk)) for s in services.order_by("name", "lgsl")]
