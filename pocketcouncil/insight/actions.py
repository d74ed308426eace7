"""Every write of insight: recording contact, logging a call or visit, rebuilding the daily
counts, setting channel costs. Each runs in a transaction; the contact event is its own audit
row (who logged it is kept in ``logged_by``)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from pocketcouncil.accounts import permissions
from pocketcouncil.cases import queries as cases_queries
from pocketcouncil.cases.models import Case, EventKind
from pocketcouncil.cases.sla import LONDON
from pocketcouncil.cases.workflow import CaseStatus
from pocketcouncil.councils.models import Council
from pocketcouncil.insight import classify
from pocketcouncil.insight.models import (
    LOGGABLE_REASONS,
    LOGGED_CHANNELS,
    Channel,
    ChannelCost,
    ContactEvent,
    DailyContactCount,
    Demand,
    FailureKind,
    Reason,
    RollupRun,
)


class ContactInputError(ValidationError):
    """Input a person can fix: shown next to the field named in ``field``."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@transaction.atomic
def contact_record(
    *,
    council: Council,
    channel: str,
    reason: str,
    failure_kind: str | None = None,
    occurred_at: datetime | None = None,
    service=None,
    ward_gss_code: str = "",
    ward_name: str = "",
    case: Case | None = None,
    answered: bool | None = None,
    topic: str = "",
    source_key: str | None = None,
    actor=None,
) -> ContactEvent:
    """Record one contact from a resident. ``failure_kind`` defaults to what ``reason`` says
    (chasing progress is failure demand whoever records it). Recording the same
    ``source_key`` twice returns the first event and adds nothing."""
    if channel not in Channel.values:
        raise ContactInputError(_("Choose how the resident contacted you."), field="channel")
    if reason not in Reason.values:
        raise ContactInputError(_("Choose why the resident contacted you."), field="reason")
    if failure_kind is None:
        failure_kind = classify.for_reason(reason)
    if failure_kind and failure_kind not in FailureKind.values:
        raise ContactInputError("Unknown kind of failure demand.", field="reason")
    if source_key:
        existing = ContactEvent.objects.filter(source_key=source_key).first()
        if existing is not None:
            return existing
    if case is not None and case.council_id != council.pk:
        raise ContactInputError(_("That case belongs to another council."), field="case")
    fields = {
        "council": council,
        "channel": channel,
        "reason": reason,
        "demand": Demand.FAILURE if failure_kind else Demand.VALUE,
        "failure_kind": failure_kind,
        "occurred_at": occurred_at or timezone.now(),
        "service": service,
        "ward_gss_code": ward_gss_code[:9],
        "ward_name": ward_name[:200],
        "case": case,
        "answered": answered,
        "topic": topic[:200],
        "source_key": source_key,
        "logged_by": actor if getattr(actor, "is_authenticated", False) else None,
    }
    if source_key:
        try:
            with transaction.atomic():
                return ContactEvent.objects.create(**fields)
        except IntegrityError:  # recorded at the same moment by another process
            return ContactEvent.objects.get(source_key=source_key)
    return ContactEvent.objects.create(**fields)


def contact_log(
    *,
    council: Council,
    actor,
    channel: str,
    reason: str,
    service=None,
    case_reference: str = "",
    ward=None,
) -> ContactEvent:
    """A contact-centre adviser logs a call, visit, email, text or social media message."""
    permissions.require(actor, "insight.log_contact", council)
    if channel not in LOGGED_CHANNELS:
        raise ContactInputError(_("Choose how the resident contacted you."), field="channel")
    if reason not in LOGGABLE_REASONS:
        raise ContactInputError(_("Choose why the resident contacted you."), field="reason")
    case = None
    reference = case_reference.strip().upper()
    if reference:
        try:
            case = cases_queries.case_get_by_reference(reference)
        except Case.DoesNotExist:
            case = None
        if case is None or case.council_id != council.pk:
            raise ContactInputError(
                _("There is no case %(ref)s at %(council)s. Check the reference.")
                % {"ref": reference, "council": council.name},
                field="case_reference",
            )
        service = service or case.service
    if ward is not None and ward.council_id != council.pk:
        raise ContactInputError(_("Choose a ward of this council."), field="ward")
    return contact_record(
        council=council,
        channel=channel,
        reason=reason,
        service=service,
        case=case,
        ward_gss_code=(ward.gss_code or "") if ward else (case.ward_gss_code if case else ""),
        ward_name=ward.name if ward else (case.ward_name if case else ""),
        actor=actor,
    )


def _event_key(event) -> str:
    return f"case_event:{event.pk}"


def contact_record_for_case_event(
    event, *, after_failed_search: bool = False, was_waiting: bool | None = None
) -> ContactEvent | None:
    """Record the contact a case timeline event stands for, if it is one (``classify``)."""
    case = event.case
    if event.kind == EventKind.MERGED and case.status == CaseStatus.DUPLICATE:
        contact_mark_duplicate(case=case)
        return None
    found = classify.for_case_event(
        event, after_failed_search=after_failed_search, was_waiting=was_waiting
    )
    if found is None:
        return None
    return contact_record(
        council=case.council,
        channel=found.channel,
        reason=found.reason,
        failure_kind=found.failure_kind,
        occurred_at=event.created_at,
        service=case.service,
        ward_gss_code=case.ward_gss_code,
        ward_name=case.ward_name,
        case=case,
        source_key=_event_key(event),
    )


@transaction.atomic
def contact_mark_duplicate(*, case: Case) -> int:
    """A case merged into another was a duplicate: so was the contact that opened it."""
    return ContactEvent.objects.filter(case=case, reason__in=[Reason.NEW_REQUEST]).update(
        reason=Reason.REPEAT, demand=Demand.FAILURE, failure_kind=FailureKind.DUPLICATE
    )


def contact_backfill_cases(*, council: Council, since: datetime | None = None) -> int:
    """Record contact for case events written before insight listened (or bulk-loaded, like
    the demo history). Safe to run again: events already recorded are skipped."""
    from pocketcouncil.cases.models import CaseEvent

    kinds = [EventKind.CREATED, EventKind.ME_TOO, EventKind.MESSAGE_IN, EventKind.REOPENED]
    events = CaseEvent.objects.filter(council=council, kind__in=kinds).select_related(
        "case", "case__service", "case__council"
    )
    if since is not None:
        events = events.filter(created_at__gte=since)
    done = set(
        ContactEvent.objects.filter(
            council=council, source_key__startswith="case_event:"
        ).values_list("source_key", flat=True)
    )
    waiting_replies = set()
    if events.filter(kind=EventKind.MESSAGE_IN).exists():
        # A reply that moved the case on from "waiting for your reply" answered the council.
        waiting_replies = {
            (case_id, at.replace(microsecond=0))
            for case_id, at in CaseEvent.objects.filter(
                council=council,
                kind=EventKind.STATUS_CHANGED,
                from_status=CaseStatus.WAITING,
            ).values_list("case_id", "created_at")
        }
    rows = []
    for event in events.iterator(chunk_size=2000):
        key = _event_key(event)
        if key in done:
            continue
        was_waiting = (event.case_id, event.created_at.replace(microsecond=0)) in waiting_replies
        found = classify.for_case_event(event, was_waiting=was_waiting)
        if found is None:
            continue
        case = event.case
        rows.append(
            ContactEvent(
                council=council,
                channel=found.channel,
                reason=found.reason,
                demand=found.demand,
                failure_kind=found.failure_kind,
                occurred_at=event.created_at,
                service_id=case.service_id,
                ward_gss_code=case.ward_gss_code,
                ward_name=case.ward_name,
                case=case,
                source_key=key,
            )
        )
    ContactEvent.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=LONDON)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=LONDON)
    return start, end


DIMENSIONS = (
    "service_id",
    "ward_gss_code",
    "ward_name",
    "channel",
    "reason",
    "demand",
    "failure_kind",
)


@transaction.atomic
def contact_rollup(*, council: Council, start: date, end: date) -> int:
    """Rebuild the daily counts of ``council`` for the days from ``start`` to ``end``
    (inclusive, Europe/London). Returns how many count rows were written."""
    if end < start:
        raise ContactInputError("The last day is before the first.")
    DailyContactCount.objects.filter(council=council, day__gte=start, day__lte=end).delete()
    rows = []
    day = start
    while day <= end:
        since, until = _day_bounds(day)
        grouped = (
            ContactEvent.objects.filter(
                council=council, occurred_at__gte=since, occurred_at__lt=until
            )
            .order_by()
            .values(*DIMENSIONS)
            .annotate(n=Count("id"))
        )
        for group in grouped:
            n = group.pop("n")
            rows.append(DailyContactCount(council=council, day=day, count=n, **group))
        day += timedelta(days=1)
    DailyContactCount.objects.bulk_create(rows, batch_size=1000)
    RollupRun.objects.update_or_create(council=council, defaults={"finished_at": timezone.now()})
    return len(rows)


def contact_rollup_all(*, council: Council) -> int:
    """Rebuild every day of ``council`` that has contact (used after a backfill)."""
    first = ContactEvent.objects.filter(council=council).order_by("occurred_at").first()
    today = timezone.now().astimezone(LONDON).date()
    if first is None:
        return contact_rollup(council=council, start=today, end=today)
    return contact_rollup(
        council=council, start=first.occurred_at.astimezone(LONDON).date(), end=today
    )


@transaction.atomic
def channel_cost_set(
    *, council: Council, actor, kind: str, cost_pence: int, source: str
) -> ChannelCost:
    """Replace the published cost of one contact on a channel with the council's own figure."""
    permissions.require(actor, "insight.configure", council)
    source = source.strip()
    if cost_pence < 0 or cost_pence > 100_000:
        raise ContactInputError(_("Enter a cost between 0 and 1,000 pounds."), field="cost")
    if not source:
        raise ContactInputError(
            _("Say where the figure comes from, so others can check it."), field="source"
        )
    cost, _created = ChannelCost.objects.update_or_create(
        council=council,
        kind=kind,
        defaults={"cost_pence": cost_pence, "source": source[:300], "updated_by": actor},
    )
    return cost


@transaction.atomic
def channel_cost_reset(*, council: Council, actor, kind: str) -> int:
    """Go back to the published default for one channel."""
    permissions.require(actor, "insight.configure", council)
    deleted, _detail = ChannelCost.objects.filter(council=council, kind=kind).delete()
    return deleted
