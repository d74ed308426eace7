"""Reads for the staff pages where a council edits its own version of a service: the list of
its services with their review dates, what needs review, one service's content and its history.
Every read takes the council explicitly (``council_actions`` holds the writes)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from pocketcouncil.councils.models import Council, CouncilTier
from pocketcouncil.services.council_actions import content_of, national_faqs
from pocketcouncil.services.models import CouncilService, CouncilServiceVersion, Service
from pocketcouncil.services.queries import ServiceNotFoundError


def today_in_london() -> datetime.date:
    """Review dates are calendar dates in the UK, not in UTC."""
    return timezone.localdate()


@dataclass
class ContentRow:
    service: Service
    setting: CouncilService | None
    today: datetime.date

    @property
    def has_own_content(self) -> bool:
        s = self.setting
        return bool(
            s
            and (
                any(getattr(s, name) for name in ("name", "summary", "eligibility", "how_to"))
                or s.faqs is not None
                or s.links
                or s.report_url
            )
        )

    @property
    def hidden(self) -> bool:
        return bool(self.setting and self.setting.hidden)

    @property
    def review_by(self) -> datetime.date | None:
        return self.setting.review_by if self.setting else None

    @property
    def stale(self) -> bool:
        return self.review_by is not None and self.review_by < self.today

    @property
    def name(self) -> str:
        return (self.setting and self.setting.name) or self.service.name


def _offered(council: Council):
    services = Service.objects.all()
    if council.tier != CouncilTier.UNITARY:
        services = services.filter(tier=council.tier)
    return services


def council_service_content_list(
    *, council: Council, today: datetime.date | None = None
) -> list[ContentRow]:
    """The services a council is most likely to edit: every hand-written service it provides,
    and any other it has settings for; overdue reviews first, then by name."""
    today = today or today_in_london()
    settings = {
        s.service_id: s
        for s in CouncilService.objects.filter(council=council).select_related("team")
    }
    services = (
        _offered(council)
        .filter(Q(curated=True) | Q(pk__in=list(settings)))
        .only("lgsl", "name", "tier", "topic", "curated")
    )
    rows = [ContentRow(service=s, setting=settings.get(s.pk), today=today) for s in services]
    return sorted(rows, key=lambda r: (not r.stale, r.name.lower()))


def council_service_stale_list(
    *, council: Council, today: datetime.date | None = None
) -> list[ContentRow]:
    """The council's services whose review-by date has passed, oldest first."""
    today = today or today_in_london()
    settings = (
        CouncilService.objects.filter(council=council, review_by__lt=today)
        .select_related("service")
        .order_by("review_by", "service__name")
    )
    return [ContentRow(service=s.service, setting=s, today=today) for s in settings]


@dataclass
class ContentForEditing:
    service: Service
    setting: CouncilService | None
    content: dict  # the council's content, as a version stores it
    national_faqs: list[dict]

    @property
    def version(self) -> int:
        return self.setting.version if self.setting else 0


def council_service_content_get(*, council: Council, lgsl: int) -> ContentForEditing:
    """One service as the council has it, for the edit page. Raises ServiceNotFoundError for
    an unknown code or a service of the other tier (a district cannot edit county services)."""
    service = Service.objects.filter(lgsl=lgsl).first()
    if service is None or not council.provides(service.tier):
        raise ServiceNotFoundError(f"No service {lgsl} for {council.name}.")
    setting = (
        CouncilService.objects.select_related("team", "updated_by")
        .filter(council=council, service=service)
        .first()
    )
    return ContentForEditing(
        service=service,
        setting=setting,
        content=content_of(setting),
        national_faqs=national_faqs(service),
    )


def council_service_versions(*, council: Council, service: Service) -> list[CouncilServiceVersion]:
    """The history of the council's content for a service, newest first."""
    return list(
        CouncilServiceVersion.objects.filter(council=council, service=service)
        .select_related("created_by")
        .order_by("-number")
    )


def council_service_version_get(
    *, council: Council, service: Service, number: int
) -> CouncilServiceVersion | None:
    return CouncilServiceVersion.objects.filter(
        council=council, service=service, number=number
    ).first()
