"""Staff queue and nearby-duplicates queries with 1,000,000 cases stored.

Target (issue 6): p95 under 50 ms at 1,000,000 cases on PostgreSQL, with the indexes that
achieve it in the migrations. ``BENCH_CASES`` sets how many cases to load (default 1,000,000).

The cases are spread over the three demo councils' real wards over three years: about 8% are
still open (as in a real council's backlog), the rest finished. Each query runs through the
same ``queries`` functions the pages use, with random filters, 200 times.
"""

from __future__ import annotations

import os
import random
import time
from datetime import timedelta

from common import percentiles, setup_django

BATCH = 5000
SAMPLES = 200


def load_cases(total: int, rng: random.Random) -> float:
    from django.db import connection, transaction
    from django.utils import timezone

    from pocketcouncil.cases.models import Case
    from pocketcouncil.cases.workflow import FINISHED, OPEN
    from pocketcouncil.councils.models import Area, AreaKind, Council, Team
    from pocketcouncil.services.models import Service

    councils = {c.slug: c for c in Council.objects.all()}
    services = list(Service.objects.filter(location_based=True, curated=True))
    teams = {c: list(Team.objects.filter(council=c)) for c in councils.values()}
    wards = {
        slug: list(Area.objects.filter(kind=AreaKind.WARD, council=councils[slug]))
        for slug in ("oxford", "manchester")
    }
    open_statuses, finished = sorted(OPEN), sorted(FINISHED - {"duplicate", "closed"})
    now = timezone.now()
    started = time.perf_counter()
    made = 0
    while made < total:
        rows = []
        for i in range(min(BATCH, total - made)):
            area_slug = "oxford" if rng.random() < 0.6 else "manchester"
            ward = rng.choice(wards[area_slug])
            service = rng.choice(services)
            if area_slug == "oxford":
                council = councils["oxfordshire" if service.tier == "county" else "oxford"]
            else:
                council = councils["manchester"]
            received = now - timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60))
            is_open = rng.random() < 0.08
            status = rng.choice(open_statuses) if is_open else rng.choice(finished)
            rows.append(
                Case(
                    reference=f"B{council.case_reference_prefix}-{made + i:08d}",
                    council=council,
                    service=service,
                    team=rng.choice(teams[council]),
                    status=status,
                    description="Benchmark case",
                    longitude=rng.uniform(ward.min_lon, ward.max_lon),
                    latitude=rng.uniform(ward.min_lat, ward.max_lat),
                    ward=ward,
                    ward_name=ward.name,
                    is_public=True,
                    received_at=received,
                    due_at=received + timedelta(days=rng.randint(1, 30)),
                    finished_at=None if is_open else received + timedelta(days=3),
                    priority=rng.choice([1, 2, 2, 2, 3, 4]),
                )
            )
        with transaction.atomic():
            Case.objects.bulk_create(rows, batch_size=BATCH)
        made += len(rows)
        if made % 100_000 == 0:
            print(f"  {made:,} cases loaded ({time.perf_counter() - started:.0f} s)", flush=True)
    _vacuum(connection)
    return time.perf_counter() - started


def _vacuum(connection) -> None:
    """What autovacuum does to a live database: statistics, and the visibility map that lets
    counts over the partial indexes read the index alone."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def main() -> None:
    setup_django()
    from django.db import connection

    from pocketcouncil.accounts.models import User
    from pocketcouncil.cases import queries
    from pocketcouncil.cases.models import Case
    from pocketcouncil.councils.models import Area, Council, Team
    from pocketcouncil.services.models import Service

    total = int(os.environ.get("BENCH_CASES", "1000000"))
    rng = random.Random(6)
    if os.environ.get("BENCH_REUSE") == "1" and Case.objects.count() >= total:
        _vacuum(connection)
        print(f"database: {connection.vendor}; reusing {Case.objects.count():,} cases")
    else:
        seconds = load_cases(total, rng)
        print(f"database: {connection.vendor}; {Case.objects.count():,} cases, {seconds:.0f} s")

    oxford = Council.objects.get(slug="oxford")
    officer = User.objects.get(email="case-officer.oxford@demo.pocketcouncil.example")
    services = list(Service.objects.filter(location_based=True, curated=True, tier="district"))
    teams = list(Team.objects.filter(council=oxford))
    wards = list(Area.objects.filter(council=oxford, kind="ward"))

    def page(filters):
        cases = queries.case_queue(council=oxford, user=officer, filters=filters)
        rows = list(cases[:50])
        cases.order_by()[:10_001].count()  # the queue's count, capped as the page caps it
        return rows

    scenarios = {
        "queue: all open, due soonest (page 1 + count)": lambda: page(queries.QueueFilters()),
        "queue: one team": lambda: page(queries.QueueFilters(team_id=rng.choice(teams).pk)),
        "queue: one service": lambda: page(
            queries.QueueFilters(service_id=rng.choice(services).pk)
        ),
        "queue: one ward": lambda: page(queries.QueueFilters(ward_id=rng.choice(wards).pk)),
        "queue: overdue": lambda: page(queries.QueueFilters(overdue=True)),
        "queue: newest, any status": lambda: page(
            queries.QueueFilters(status="all", sort="newest")
        ),
        "queue: highest priority": lambda: page(queries.QueueFilters(sort="priority")),
        "queue: counts": lambda: queries.queue_counts(council=oxford, user=officer),
        "nearby open reports of a service (150 m)": lambda: queries.case_nearby_open(
            service=rng.choice(services),
            lat=rng.uniform(51.72, 51.78),
            lon=rng.uniform(-1.29, -1.20),
        ),
    }
    print(f"{'query':<48} {'p50':>8} {'p95':>8} {'p99':>8}")
    for label, run in scenarios.items():
        for _ in range(5):
            run()  # warm caches
        samples = []
        for _ in range(SAMPLES):
            start = time.perf_counter()
            run()
            samples.append((time.perf_counter() - start) * 1000)
        p = percentiles(samples)
        print(f"{label:<48} {p['p50']:>6.1f}ms {p['p95']:>6.1f}ms {p['p99']:>6.1f}ms", flush=True)


if __name__ == "__main__":
    main()
