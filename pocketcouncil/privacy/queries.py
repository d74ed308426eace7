"""Every read of the privacy centre other code needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count
from django.utils import timezone

from pocketcouncil.privacy.models import (
    AccessLogEntry,
    ConsentAction,
    ConsentEvent,
    LawfulBasis,
    SharingAgreement,
)


@dataclass(frozen=True)
class ConsentCard:
    agreement: SharingAgreement
    since: datetime
    wording: str
    recorded_by_name: str
    on_behalf: bool


def consent_cards_for(resident) -> list[ConsentCard]:
    """What the resident is sharing now, on consent: one card per agreement, with the date of
    the latest agreement."""
    latest: dict[int, ConsentEvent] = {}
    events = (
        ConsentEvent.objects.filter(resident=resident)
        .select_related("agreement__recipient", "agreement__council", "wording")
        .order_by("created_at", "pk")
    )
    for event in events:
        latest[event.agreement_id] = event
    return [
        ConsentCard(
            agreement=e.agreement,
            since=e.created_at,
            wording=e.wording.text,
            recorded_by_name=e.recorded_by_name,
            on_behalf=e.on_behalf,
        )
        for e in latest.values()
        if e.action == ConsentAction.GRANT
    ]


def consent_offers_for(resident) -> list[SharingAgreement]:
    """Active consent-based agreements the resident is not sharing under."""
    today = timezone.localdate()
    sharing = {card.agreement.pk for card in consent_cards_for(resident)}
    agreements = SharingAgreement.objects.filter(
        lawful_basis=LawfulBasis.CONSENT, starts_on__lte=today, review_on__gte=today
    ).select_related("recipient", "council")
    return [
        a for a in agreements if a.pk not in sharing and (a.ended_on is None or a.ended_on > today)
    ]


def sharing_without_consent_for(resident) -> list[SharingAgreement]:
    """Active agreements that do not rest on consent (public task, legal obligation, vital
    interests), so the resident is told about them too."""
    today = timezone.localdate()
    return [
        a
        for a in SharingAgreement.objects.exclude(lawful_basis=LawfulBasis.CONSENT)
        .filter(starts_on__lte=today, review_on__gte=today)
        .select_related("recipient", "council")
        if a.ended_on is None or a.ended_on > today
    ]


def consent_history_for(resident, limit: int = 100) -> list[ConsentEvent]:
    return list(
        ConsentEvent.objects.filter(resident=resident)
        .select_related("agreement__recipient", "council", "wording")
        .order_by("-created_at", "-pk")[:limit]
    )


def access_log_for(resident, limit: int = 200) -> list[AccessLogEntry]:
    return list(
        AccessLogEntry.objects.filter(resident=resident)
        .select_related("council")
        .order_by("-created_at", "-pk")[:limit]
    )


def access_patterns_for_council(*, council, since, threshold: int = 20) -> list[dict]:
    """Staff of ``council`` who looked at ``threshold`` or more different residents since
    ``since``: for the data protection officer."""
    return list(
        AccessLogEntry.objects.filter(council=council, created_at__gte=since)
        .values("viewer_id", "viewer_name", "viewer_role")
        .annotate(residents=Count("resident", distinct=True), views=Count("id"))
        .filter(residents__gte=threshold)
        .order_by("-residents")
    )
