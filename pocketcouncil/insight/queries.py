"""Every read of insight. The dashboards read the daily counts (``DailyContactCount``), never
the events, so they cost the same for a month of contact as for five years; only the list of
questions without a good answer reads events, through its own index."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Max, Sum
from django.utils import timezone

from pocketcouncil.cases.sla import LONDON
from pocketcouncil.insight import costs
from pocketcouncil.insight.models import (
    DIGITAL_CHANNELS,
    Channel,
    ContactEvent,
    DailyContactCount,
    Demand,
    FailureKind,
    Reason,
    RollupRun,
    SpikeAlert,
)

MAX_WEEKS = 104


@dataclass
class Dashboard:
    council: object
    service: object | None
    weeks: list[date]  # the Monday of each week, oldest first
    first_day: date
    last_day: date
    total: int = 0
    failure: int = 0
    by_week: list[dict] = field(default_factory=list)
    by_channel: list[dict] = field(default_factory=list)
    by_failure_kind: list[dict] = field(default_factory=list)
    top_reasons: list[dict] = field(default_factory=list)
    chasing_by_service: list[dict] = field(default_factory=list)
    costs: list[dict] = field(default_factory=list)
    unit_costs: dict = field(default_factory=dict)
    total_cost: Decimal = Decimal(0)
    failure_cost: Decimal = Decimal(0)
    shift_saving: Decimal = Decimal(0)
    uncosted: int = 0
    refreshed_at: datetime | None = None

    @property
    def failure_percent(self) -> int:
        return round(100 * self.failure / self.total) if self.total else 0

    @property
    def digital_percent_first(self) -> int | None:
        return self._digital_share(self.by_week[: len(self.by_week) // 2])

    @property
    def digital_percent_last(self) -> int | None:
        return self._digital_share(self.by_week[len(self.by_week) // 2 :])

    @staticmethod
    def _digital_share(weeks) -> int | None:
        total = sum(w["total"] for w in weeks)
        return round(100 * sum(w["digital"] for w in weeks) / total) if total else None


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def today() -> date:
    return timezone.now().astimezone(LONDON).date()


def period(*, weeks: int, end: date | None = None) -> list[date]:
    """The Mondays of the ``weeks`` whole or current weeks ending with ``end``'s week."""
    weeks = max(1, min(weeks, MAX_WEEKS))
    last = _monday(end or today())
    return [last - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def _pounds(pence: int) -> Decimal:
    return (Decimal(pence) / 100).quantize(Decimal("0.01"))


def dashboard(*, council, service=None, weeks: int = 12, end: date | None = None) -> Dashboard:
    """The demand dashboard of ``council`` (one ``service`` or all) over ``weeks`` weeks."""
    mondays = period(weeks=weeks, end=end)
    first_day, last_day = mondays[0], mondays[-1] + timedelta(days=6)
    board = Dashboard(council, service, mondays, first_day, last_day)
    rows = DailyContactCount.objects.filter(council=council, day__gte=first_day, day__lte=last_day)
    if service is not None:
        rows = rows.filter(service=service)
    grouped = list(
        rows.order_by()
        .values("day", "channel", "reason", "demand", "failure_kind", "service_id")
        .annotate(n=Sum("count"))
    )
    week_index = {monday: i for i, monday in enumerate(mondays)}
    by_week = [
        {"week": m, "total": 0, "failure": 0, "digital": 0, "channels": defaultdict(int)}
        for m in mondays
    ]
    by_channel: dict[str, int] = defaultdict(int)
    failure_by_channel: dict[str, int] = defaultdict(int)
    by_kind: dict[str, int] = defaultdict(int)
    by_reason: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    chasing: dict[int | None, int] = defaultdict(int)
    service_total: dict[int | None, int] = defaultdict(int)
    for row in grouped:
        n = row["n"]
        week = by_week[week_index[_monday(row["day"])]]
        failed = row["demand"] == Demand.FAILURE
        week["total"] += n
        week["channels"][row["channel"]] += n
        week["failure"] += n if failed else 0
        week["digital"] += n if row["channel"] in DIGITAL_CHANNELS else 0
        by_channel[row["channel"]] += n
        service_total[row["service_id"]] += n
        by_reason[row["reason"]][0] += n
        if failed:
            failure_by_channel[row["channel"]] += n
            by_kind[row["failure_kind"]] += n
            by_reason[row["reason"]][1] += n
            if row["failure_kind"] == FailureKind.CHASING:
                chasing[row["service_id"]] += n
    board.total = sum(by_channel.values())
    board.failure = sum(by_kind.values())
    for week in by_week:
        week["failure_percent"] = (
            round(100 * week["failure"] / week["total"]) if week["total"] else 0
        )
        week["digital_percent"] = (
            round(100 * week["digital"] / week["total"]) if week["total"] else 0
        )
        week["channels"] = dict(week["channels"])
    board.by_week = by_week
    board.by_channel = [
        {"channel": c, "label": c.label, "count": by_channel[c.value]}
        for c in Channel
        if by_channel[c.value]
    ]
    board.by_failure_kind = sorted(
        ({"kind": k, "label": FailureKind(k).label, "count": n} for k, n in by_kind.items() if k),
        key=lambda r: -r["count"],
    )
    board.top_reasons = sorted(
        (
            {"reason": r, "label": Reason(r).label, "count": n, "failure": f}
            for r, (n, f) in by_reason.items()
        ),
        key=lambda r: (-r["count"], r["reason"]),
    )[:10]
    _chasing(board, chasing, service_total)
    _costs(board, by_channel, failure_by_channel)
    run = RollupRun.objects.filter(council=council).first()
    board.refreshed_at = run.finished_at if run else None
    return board


def _chasing(board: Dashboard, chasing: dict, service_total: dict) -> None:
    from pocketcouncil.services.models import Service

    names = dict(Service.objects.filter(pk__in=[k for k in chasing if k]).values_list("pk", "name"))
    lgsl = dict(Service.objects.filter(pk__in=[k for k in chasing if k]).values_list("pk", "lgsl"))
    board.chasing_by_service = sorted(
        (
            {
                "service": names.get(pk, ""),
                "lgsl": lgsl.get(pk),
                "chasing": n,
                "total": service_total[pk],
                "percent": round(100 * n / service_total[pk]) if service_total[pk] else 0,
            }
            for pk, n in chasing.items()
            if pk
        ),
        key=lambda r: (-r["chasing"], r["service"]),
    )[:10]


def _costs(board: Dashboard, by_channel: dict, failure_by_channel: dict) -> None:
    units = costs.unit_costs(council=board.council)
    board.unit_costs = units
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for channel, n in by_channel.items():
        kind = costs.CHANNEL_COST_KIND[channel]
        per_kind[kind][0] += n
        per_kind[kind][1] += failure_by_channel.get(channel, 0)
    web = units["web"].pence or 0
    rows = []
    for kind, unit in units.items():
        count, failed = per_kind.get(kind, [0, 0])
        if not count and unit.pence is None:
            continue
        row = {"kind": kind, "label": unit.label, "count": count, "failure": failed, "unit": unit}
        if unit.pence is None:
            board.uncosted += count
            row.update(unit_pounds=None, cost=None, failure_cost=None)
        else:
            row.update(
                unit_pounds=_pounds(unit.pence),
                cost=_pounds(unit.pence * count),
                failure_cost=_pounds(unit.pence * failed),
            )
            board.total_cost += row["cost"]
            board.failure_cost += row["failure_cost"]
            # What the value demand on this channel would have cost on the web instead.
            if kind != "web" and unit.pence > web:
                board.shift_saving += _pounds((unit.pence - web) * (count - failed))
        rows.append(row)
    board.costs = rows


@dataclass(frozen=True)
class Unanswered:
    topic: str
    count: int
    channels: str
    last_asked: datetime


def unanswered_for_council(*, council, start: date, end: date, limit: int = 50) -> list[Unanswered]:
    """Questions residents asked (search, Ask us) that found no good answer, most asked first:
    the content to write next."""
    since = datetime.combine(start, time.min, tzinfo=LONDON)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=LONDON)
    rows = (
        ContactEvent.objects.filter(
            council=council, answered=False, occurred_at__gte=since, occurred_at__lt=until
        )
        .exclude(topic="")
        .order_by()
        .values("topic", "channel")
        .annotate(n=Count("id"), last=Max("occurred_at"))
    )
    merged: dict[str, dict] = {}
    for row in rows:
        key = " ".join(row["topic"].lower().split())
        entry = merged.setdefault(
            key, {"topic": row["topic"], "count": 0, "channels": set(), "last": row["last"]}
        )
        entry["count"] += row["n"]
        entry["channels"].add(str(Channel(row["channel"]).label))
        entry["last"] = max(entry["last"], row["last"])
    found = sorted(merged.values(), key=lambda e: (-e["count"], e["topic"]))[:limit]
    return [
        Unanswered(e["topic"], e["count"], ", ".join(sorted(e["channels"])), e["last"])
        for e in found
    ]


def spikes_for_council(*, council, limit: int = 20) -> list[SpikeAlert]:
    return list(SpikeAlert.objects.filter(council=council)[:limit])


def weekly_counts(*, council, scope: str, start: date, end: date) -> dict[tuple, dict[date, int]]:
    """{(key, label): {monday: count}} per service (LGSL) or ward (GSS code), from the daily
    counts, for the alerts."""
    rows = DailyContactCount.objects.filter(council=council, day__gte=start, day__lte=end)
    if scope == "service":
        grouped = rows.exclude(service=None).values("day", "service__lgsl", "service__name")
    else:
        grouped = rows.exclude(ward_gss_code="").values("day", "ward_gss_code", "ward_name")
    found: dict[tuple, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for row in grouped.order_by().annotate(n=Sum("count")):
        if scope == "service":
            key = (str(row["service__lgsl"]), row["service__name"])
        else:
            key = (row["ward_gss_code"], row["ward_name"])
        found[key][_monday(row["day"])] += row["n"]
    return found
