"""Every read of cases other code needs. Tenant scoping lives here: staff reads take the
council explicitly and residents see only their own private data."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pocketcouncil.accounts import permissions
from pocketcouncil.cases import workflow
from pocketcouncil.cases.models import PUBLIC_EVENT_KINDS, Case, CaseEvent
from pocketcouncil.cases.workflow import OPEN_STATUSES, CaseStatus, CloseReason
from pocketcouncil.councils import queries as councils_queries

NEARBY_METRES = 150


def _base() -> QuerySet:
    return Case.objects.select_related("council", "service", "team", "assigned_to")


def case_get_by_reference(reference: str) -> Case:
    """Raises ``Case.DoesNotExist``."""
    return _base().get(reference=reference.strip().upper())


def case_visible_to(case: Case, user) -> str | None:
    """How ``user`` may see ``case``: "staff", "resident", "public", or None (not at all)."""
    if user is not None and user.is_authenticated:
        if permissions.has_perm(user, "cases.view", case):
            return "staff"
        if case.resident_id == user.pk:
            return "resident"
    if case.is_public:
        return "public"
    return None


def case_get_for_viewer(*, reference: str, user) -> tuple[Case, str]:
    """The case and how the viewer sees it. Raises ``Case.DoesNotExist`` for a case the viewer
    may not see at all, so a private case's existence is not revealed by guessing."""
    case = case_get_by_reference(reference)
    view = case_visible_to(case, user)
    if view is None:
        raise Case.DoesNotExist
    return case, view


def timeline(*, case: Case, view: str) -> list[CaseEvent]:
    """The events a viewer may see: everything for staff, public events for others."""
    events = CaseEvent.objects.filter(case=case).select_related("actor", "on_behalf_of")
    if view != "staff":
        events = events.filter(is_public=True, kind__in=PUBLIC_EVENT_KINDS)
    return list(events.order_by("created_at", "pk"))


def case_list_for_resident(*, user) -> list[Case]:
    """Every case the resident reported, across all councils, newest first."""
    return list(_base().filter(resident=user).prefetch_related("photos").order_by("-received_at"))


def cases_supported_by(*, user) -> list[Case]:
    """Cases the resident said "me too" to."""
    return list(_base().filter(supporters__user=user).order_by("-received_at"))


@dataclass(frozen=True)
class QueueFilters:
    status: str = "open"  # "open", "all", or one status
    service_id: int | None = None
    ward_id: int | None = None
    priority: int | None = None
    overdue: bool = False
    assigned_to_id: int | None = None
    team_id: int | None = None
    search: str = ""
    sort: str = "due"  # "due", "newest", "oldest", "priority"


_SORTS = {
    "due": ["due_at", "received_at"],
    "newest": ["-received_at"],
    "oldest": ["received_at"],
    "priority": ["-priority", "due_at"],
}


def case_queue(*, council, user, filters: QueueFilters) -> QuerySet:
    """A council's cases for the staff queue, filtered and sorted. Raises PermissionDenied for
    staff of another council."""
    if not permissions.has_perm(user, "cases.view", council):
        raise PermissionDenied
    cases = _base().filter(council=council)
    if filters.status == "open":
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif filters.status in CaseStatus.values:
        cases = cases.filter(status=filters.status)
    if filters.service_id:
        cases = cases.filter(service_id=filters.service_id)
    if filters.ward_id:
        cases = cases.filter(ward_id=filters.ward_id)
    if filters.priority:
        cases = cases.filter(priority=filters.priority)
    if filters.team_id:
        cases = cases.filter(team_id=filters.team_id)
    if filters.assigned_to_id:
        cases = cases.filter(assigned_to_id=filters.assigned_to_id)
    if filters.overdue:
        cases = cases.filter(status__in=OPEN_STATUSES, due_at__lt=timezone.now())
    if filters.search:
        text = filters.search.strip()
        cases = cases.filter(
            Q(reference__iexact=text)
            | Q(description__icontains=text)
            | Q(location_text__icontains=text)
        )
    return cases.order_by(*_SORTS.get(filters.sort, _SORTS["due"]))


# Counting past this many open cases would read a big council's whole backlog on every queue
# page; the page says "more than 10,000" instead (a count of COUNT_CAP + 1 means "more").
COUNT_CAP = 10_000


def _capped_counts(*querysets: QuerySet) -> list[int]:
    """Each queryset's count, stopping at COUNT_CAP + 1, in one statement (one round trip and
    one planning instead of one per count)."""
    parts, params = [], []
    for cases in querysets:
        # No ORDER BY (the model orders by date): counting needs no sort, only the first rows.
        sql, sql_params = cases.order_by().values("pk")[: COUNT_CAP + 1].query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped)")  # noqa: S608 - ORM-built SQL
        params.extend(sql_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return [int(n) for n in cursor.fetchone()]


def queue_counts(*, council, user) -> dict[str, int]:
    """Counts for the queue's summary: open, overdue, unassigned, assigned to me, each capped
    at ``COUNT_CAP + 1`` so that each reads at most that many entries of a partial index."""
    if not permissions.has_perm(user, "cases.view", council):
        raise PermissionDenied
    open_cases = Case.objects.filter(council=council, status__in=OPEN_STATUSES)
    counts = _capped_counts(
        open_cases,
        open_cases.filter(due_at__lt=timezone.now()),
        open_cases.filter(assigned_to__isnull=True),
        open_cases.filter(assigned_to=user),
    )
    return dict(zip(("open", "overdue", "unassigned", "mine"), counts, strict=True))


def _box(lat: float, lon: float, metres: float) -> tuple[float, float, float, float]:
    dlat = metres / 111_320
    dlon = metres / (111_320 * max(math.cos(math.radians(lat)), 0.01))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def case_nearby_open(
    *, service, lat: float, lon: float, metres: float = NEARBY_METRES, limit: int = 5
) -> list[tuple[Case, int]]:
    """Open public reports of the same service near a point, nearest first, with distances in
    metres: shown before submitting so a resident can say "me too" instead."""
    south, north, west, east = _box(lat, lon, metres)
    candidates = (
        Case.objects.filter(
            service=service,
            status__in=OPEN_STATUSES,
            is_public=True,
            latitude__gte=south,
            latitude__lte=north,
            longitude__gte=west,
            longitude__lte=east,
        )
        .select_related("service", "council")
        .order_by("-received_at")[:200]
    )
    found = []
    for case in candidates:
        d = councils_queries.distance_m(lat, lon, case.latitude, case.longitude)
        if d <= metres:
            found.append((case, round(d)))
    found.sort(key=lambda pair: pair[1])
    return found[:limit]


def public_cases(
    *,
    council=None,
    service_id: int | None = None,
    status: str = "open",
    ward_id: int | None = None,
    limit: int = 500,
) -> list[Case]:
    """Public reports for the map and list (no personal data is ever read from these)."""
    cases = Case.objects.filter(is_public=True).select_related("service", "council")
    if council is not None:
        cases = cases.filter(council=council)
    if service_id:
        cases = cases.filter(service_id=service_id)
    if ward_id:
        cases = cases.filter(ward_id=ward_id)
    if status == "open":
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif status == "fixed":
        cases = cases.filter(status=CaseStatus.RESOLVED)
    elif status in CaseStatus.values:
        cases = cases.filter(status=status)
    return list(cases.order_by("-received_at")[:limit])


def case_next_step(case: Case) -> str:
    """One plain sentence: what happens next, and by when."""
    due = date_format(timezone.localtime(case.due_at), "j F Y") if case.due_at else ""
    if case.status in (CaseStatus.SUBMITTED, CaseStatus.ACKNOWLEDGED, CaseStatus.IN_PROGRESS):
        if due:
            return _("%(team)s aims to deal with it by %(due)s.") % {
                "team": case.team.name if case.team else case.council.name,
                "due": due,
            }
        return _("%(council)s will update you when there is progress.") % {
            "council": case.council.name
        }
    if case.status == CaseStatus.WAITING:
        return _("We need more information from you before we can carry on. Reply below.")
    if case.status == CaseStatus.RESOLVED:
        return _("This has been fixed. If it is not, tell us below.")
    if case.status == CaseStatus.CLOSED:
        return _("This was closed without a fix: %(reason)s.") % {
            "reason": str(workflow.CloseReason(case.close_reason).label).lower()
        }
    if case.status == CaseStatus.DUPLICATE and case.duplicate_of_id:
        return _("This is the same problem as %(ref)s: follow that one.") % {
            "ref": case.duplicate_of.reference
        }
    return ""


# ---------------------------------------------------------------------------------------------
# Facts for performance indicators and anonymised statistics (read by transparency)

# A case counts as resolved (dealt with by the council) when it was fixed, or closed because
# the council decided: not its responsibility (passed on) or unable to fix. Not counted:
# duplicates (the original case carries the work), rejected reports (abuse, nonsense), and cases
# closed because the resident withdrew or did not reply (the time says nothing about the
# council). A reopened case is not resolved until it is finished again.
RESOLVED_CLOSE_REASONS = (CloseReason.NOT_RESPONSIBLE, CloseReason.UNABLE_TO_FIX)


class CaseFactRow(NamedTuple):
    """One case as plain facts: nothing personal, no free text, no location finer than a ward."""

    received_at: dt.datetime
    resolved_at: dt.datetime | None  # set only when the case counts as resolved (see above)
    due_at: dt.datetime | None
    reopened: bool
    satisfaction: int | None
    status: str
    service_lgsl: int
    service_name: str
    ward_code: str  # the GSS code of the ward it was reported in, else ""
    ward_name: str  # as it was when reported, else ""


def counts_as_resolved(status: str, close_reason: str) -> bool:
    return status == CaseStatus.RESOLVED or (
        status == CaseStatus.CLOSED and close_reason in RESOLVED_CLOSE_REASONS
    )


def case_facts_for_council(
    *, council_id: int, since: dt.datetime, until: dt.datetime, chunk_size: int = 5000
) -> Iterator[CaseFactRow]:
    """Every case of one council received, or finished, between ``since`` and ``until``, as
    ``CaseFactRow``s. One streamed query (``iterator``): memory stays flat however many cases."""
    rows = (
        Case.objects.filter(council_id=council_id, received_at__lte=until)
        .filter(Q(received_at__gte=since) | Q(finished_at__gte=since))
        .order_by()
        .values_list(
            "received_at",
            "finished_at",
            "due_at",
            "reopened_count",
            "satisfaction",
            "status",
            "close_reason",
            "service__lgsl",
            "service__name",
            "ward_gss_code",
            "ward_name",
        )
    )
    for (
        received_at,
        finished_at,
        due_at,
        reopened_count,
        satisfaction,
        status,
        close_reason,
        lgsl,
        service_name,
        ward_code,
        ward_name,
    ) in rows.iterator(chunk_size=chunk_size):
        yield CaseFactRow(
            received_at=received_at,
            resolved_at=finished_at if counts_as_resolved(status, close_reason) else None,
            due_at=due_at,
            reopened=reopened_count > 0,
            satisfaction=satisfaction,
            status=status,
            service_lgsl=lgsl,
            service_name=service_name,
            ward_code=ward_code,
            ward_name=ward_name,
        )


# --- for the channels app (issue 21): threading a message into the case it answers -----------


def case_council_id(*, case_id: int) -> int | None:
    """The council a case belongs to (to find the mailbox a reply address belongs to)."""
    return Case.objects.filter(pk=case_id).values_list("council_id", flat=True).first()


def case_get_by_id(*, council, case_id: int) -> Case | None:
    """The council's case with this id, or None (never another council's)."""
    return _base().filter(council=council, pk=case_id).first()


def case_find_by_reference(*, council, reference: str) -> Case | None:
    """The council's case with this reference, or None (never another council's)."""
    reference = (reference or "").strip().upper()
    if not reference or len(reference) > 30:
        return None
    return _base().filter(council=council, reference=reference).first()


def case_is_repeat(case: Case, *, within: dt.timedelta) -> bool:
    """Whether the same person (account or email address) reported a case of the same service
    to the same council in the ``within`` before this one: a repeat report (insight)."""
    if case.resident_id is None and not case.reporter_email:
        return False
    same = Q(resident_id=case.resident_id) if case.resident_id else Q()
    if case.reporter_email:
        same |= Q(reporter_email__iexact=case.reporter_email)
    return (
        Case.objects.filter(
            same,
            council_id=case.council_id,
            service_id=case.service_id,
            received_at__lt=case.received_at,
            received_at__gte=case.received_at - within,
        )
        .exclude(pk=case.pk)
        .exists()
    )
