"""Demo cases: a few reports in each demo council at different stages, made through the same
actions residents and staff use. Each has a fixed submission key, so loading again finds the
existing case and changes nothing."""

from __future__ import annotations

from pocketcouncil.accounts.models import User
from pocketcouncil.cases import actions
from pocketcouncil.cases.models import Case
from pocketcouncil.cases.workflow import CaseStatus, CloseReason
from pocketcouncil.core.demo_support import DemoReport
from pocketcouncil.councils import queries as councils_queries
from pocketcouncil.services.models import Service

DOMAIN = "demo.pocketcouncil.example"

# (key, lgsl, where: postcode or (lon, lat), place text, description, reporter, staff steps)
CASES = [
    (
        "demo-1",
        587,
        "OX4 3BD",
        "Alley behind Cowley Road, by the garages",
        "Six black bags and a broken chair dumped by the garage doors.",
        "tom.evans",
        [("acknowledged", "")],
    ),
    (
        "demo-2",
        557,
        "OX4 3BD",
        "Outside 40 Iffley Road, northbound lane",
        "Deep pothole about a foot wide; cyclists are swerving round it.",
        "amira.khan",
        [("in_progress", "A repair crew is booked for this week.")],
    ),
    (
        "demo-3",
        564,
        "OX1 1RU",
        "Lamp post 12, St Thomas' Street",
        "Street light has been out for a week; the street is very dark.",
        "grace.okafor",
        [("resolved", "We replaced the lamp on Tuesday.")],
    ),
    (
        "demo-4",
        584,
        "OX1 1RX",
        "Wall of the footbridge on Botley Road",
        "Large graffiti tag on the footbridge wall.",
        None,
        [],
    ),
    (
        "demo-5",
        581,
        "OX4 3BD",
        "Bin outside the Tesco Express, Cowley Road",
        "Litter bin overflowing onto the pavement.",
        "jan.kowalski",
        [("closed", "This bin is emptied by the shop, not the council. We have told them.")],
    ),
    (
        "demo-6",
        587,
        (-2.2446, 53.4794),
        "Back of Lloyd Street, near the bins",
        "Fridge and mattress dumped in the back alley.",
        "margaret.hill",
        [],
    ),
    (
        "demo-7",
        557,
        (-2.2301, 53.4720),
        "Oxford Road, outside the university",
        "Pothole in the bus lane.",
        None,
        [("acknowledged", "")],
    ),
    (
        "demo-8",
        564,
        (-2.2390, 53.4835),
        "Piccadilly Gardens, lamp by the fountain",
        "Street light flickering on and off all night.",
        "tom.evans",
        [],
    ),
]


def _point(where) -> dict:
    if isinstance(where, tuple):
        return {"lon": where[0], "lat": where[1]}
    postcode = councils_queries.postcode_get(where)
    return {"lon": postcode.longitude, "lat": postcode.latitude}


def load(report: DemoReport) -> None:
    label = Case._meta.verbose_name_plural
    services = {s.lgsl: s for s in Service.objects.filter(lgsl__in={c[1] for c in CASES})}
    for key, lgsl, where, place, description, who, steps in CASES:
        if Case.objects.filter(submission_key=key).exists():
            report.unchanged[label] += 1
            continue
        resident = User.objects.get(email=f"{who}@{DOMAIN}") if who else None
        case = actions.case_create(
            service=services[lgsl],
            actor=resident,
            resident=resident,
            description=description,
            location_text=place,
            attributes={"where": place},
            submission_key=key,
            **_point(where),
        )
        officer = User.objects.get(email=f"case-officer.{case.council.slug}@{DOMAIN}")
        for status, note in steps:
            actions.case_transition(
                case=case,
                to=status,
                actor=officer,
                public_note=note,
                close_reason=CloseReason.NOT_RESPONSIBLE if status == CaseStatus.CLOSED else "",
            )
        report.created[label] += 1
    load_history(report)


# --- a year of finished cases, for the performance pages ----------------------------------------
# Generated, not typed in as figures: cases received over the last 12 months and already
# finished (so they never enter staff queues or the public map), each with its "received" and
# "status changed" events, as if worked through the actions. Seeded per council, so loading
# again makes the same history; the first history case's submission key marks it as loaded.

# lgsl -> (cases a month, usual working days to deal with it)
HISTORY = {557: (26, 9), 564: (12, 5), 587: (22, 3), 584: (7, 7), 581: (9, 2)}
HISTORY_MONTHS = 12


def _history_outcome(rng) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.86:
        return CaseStatus.RESOLVED, ""
    if roll < 0.91:
        return CaseStatus.CLOSED, CloseReason.NOT_RESPONSIBLE
    if roll < 0.93:
        return CaseStatus.CLOSED, CloseReason.UNABLE_TO_FIX
    if roll < 0.96:
        return CaseStatus.CLOSED, CloseReason.WITHDRAWN
    if roll < 0.98:
        return CaseStatus.CLOSED, CloseReason.NO_REPLY
    return CaseStatus.REJECTED, ""


def load_history(report: DemoReport) -> None:
    import math
    import random
    from datetime import datetime, time, timedelta

    from django.db.models import F
    from django.utils import timezone

    from pocketcouncil.cases import sla
    from pocketcouncil.cases.models import CaseEvent, CaseSequence, EventKind
    from pocketcouncil.councils.models import Area, AreaKind, Council

    label = Case._meta.verbose_name_plural
    now = timezone.now()
    services = list(Service.objects.filter(lgsl__in=HISTORY).order_by("lgsl"))
    for council in Council.objects.filter(is_demo=True).order_by("slug"):
        first_key = f"demo-history-{council.slug}-1"
        if Case.objects.filter(submission_key=first_key).exists():
            report.unchanged[label] += 1
            continue
        rng = random.Random(council.slug)  # noqa: S311 (demo data, not security)
        wards = list(
            Area.objects.filter(
                council=council, kind=AreaKind.WARD, retired_in__isnull=True
            ).order_by("name")
        )
        # Some wards are busier than others.
        weights = [rng.uniform(0.3, 2.0) for _ in wards]
        plans = []
        for service in services:
            if not council.provides(service.tier):
                continue
            per_month, usual = HISTORY[service.lgsl]
            for _ in range(per_month * HISTORY_MONTHS):
                received = now - timedelta(days=rng.uniform(3, 365), hours=rng.uniform(0, 9))
                received = received.replace(minute=rng.randrange(60))
                local = received.astimezone(sla.LONDON)
                if not sla.is_working_day(local.date()):
                    continue
                days = max(0, round(rng.lognormvariate(math.log(usual), 0.55)))
                day = sla.add_working_days(local.date(), days)
                finished = datetime.combine(
                    day, time(rng.randrange(8, 17), rng.randrange(60)), tzinfo=sla.LONDON
                )
                if finished <= received:
                    finished = received + timedelta(hours=2)
                if finished >= now:
                    continue
                plans.append((received, finished, service))
        plans.sort(key=lambda plan: plan[0])
        cases = []
        by_year: dict[int, int] = {}
        for received, _finished, _service in plans:
            year = received.astimezone(sla.LONDON).year
            by_year[year] = by_year.get(year, 0) + 1
        numbers = {}
        for year, count in by_year.items():
            sequence, _ = CaseSequence.objects.get_or_create(council=council, year=year)
            CaseSequence.objects.filter(pk=sequence.pk).update(last_number=F("last_number") + count)
            sequence.refresh_from_db(fields=["last_number"])
            numbers[year] = sequence.last_number - count
        for n, (received, finished, service) in enumerate(plans, start=1):
            year = received.astimezone(sla.LONDON).year
            numbers[year] += 1
            status, reason = _history_outcome(rng)
            ward = rng.choices(wards, weights)[0] if wards else None
            fast = finished - received < timedelta(days=HISTORY[service.lgsl][1] * 1.4)
            answered = status == CaseStatus.RESOLVED and rng.random() < 0.4
            cases.append(
                Case(
                    reference=f"{council.case_reference_prefix}-{year % 100:02d}-"
                    f"{numbers[year]:06d}",
                    council=council,
                    service=service,
                    status=status,
                    close_reason=reason,
                    description=f"{service.name} (demo history).",
                    ward=ward,
                    ward_name=ward.name if ward else "",
                    ward_gss_code=(ward.gss_code or "") if ward else "",
                    submission_key=f"demo-history-{council.slug}-{n}",
                    reopened_count=1 if rng.random() < 0.05 else 0,
                    satisfaction=(rng.choice([3, 4, 4, 5, 5]) if fast else rng.choice([1, 2, 3, 4]))
                    if answered
                    else None,
                    received_at=received,
                    due_at=sla.due_at(received, service.sla_working_days)
                    if service.sla_working_days
                    else None,
                    finished_at=finished,
                )
            )
        created = Case.objects.bulk_create(cases, batch_size=500)
        if not created or created[0].pk is None:  # backends that do not return ids
            created = list(
                Case.objects.filter(submission_key__startswith=f"demo-history-{council.slug}-")
            )
        events = []
        for case in created:
            events.append(
                CaseEvent(
                    council=council,
                    case=case,
                    kind=EventKind.CREATED,
                    is_public=True,
                    to_status=CaseStatus.SUBMITTED,
                    created_at=case.received_at,
                )
            )
            events.append(
                CaseEvent(
                    council=council,
                    case=case,
                    kind=EventKind.STATUS_CHANGED,
                    is_public=True,
                    from_status=CaseStatus.IN_PROGRESS,
                    to_status=case.status,
                    data={"close_reason": case.close_reason} if case.close_reason else {},
                    created_at=case.finished_at,
                )
            )
        CaseEvent.objects.bulk_create(events, batch_size=1000)
        report.created[label] += len(created)
