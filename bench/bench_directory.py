"""Community directory: search over 10,000 services with postcode proximity.

Target (issue 18): p95 under 50 ms on SQLite and PostgreSQL. ``BENCH_DIRECTORY_SERVICES``
(default 10,000) services, each at its own location, are spread evenly over a box around
Oxfordshire (about 60 x 60 km, what a county directory covers), 70 % of them tagged with one
of the six needs and each with a weekday schedule. Each query is timed from a random real
Oxford postcode (the demo postcode list):

- "near": ``queries.service_search`` within 3 miles, first page of 20, nearest first (the
  "find help near you" page with only a postcode).
- "near + need": the same with a need (the front door's signpost and the category filter).
- "near + words": the same with two free-text words.
- "near + open now": the same, open at a weekday noon (schedules read for every candidate).
- "API": ``GET /openreferral/services?postcode=...&proximity=4828`` through the test client
  (parameter checks, search, rendering the page of 20 as JSON).

Wall-clock percentiles include waiting for a CPU on a shared machine; the CPU columns are the
time this process itself ran (for PostgreSQL they leave out the server's share).
"""

from __future__ import annotations

import os
import random
import time

from common import percentiles, setup_django

RUNS = int(os.environ.get("BENCH_DIRECTORY_RUNS", "200"))


def _load(count: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from pocketcouncil.councils.models import Council
    from pocketcouncil.directory import needs
    from pocketcouncil.directory.models import (
        Attribute,
        Location,
        Organization,
        Schedule,
        Service,
        ServiceAtLocation,
        Taxonomy,
        TaxonomyTerm,
    )

    council = Council.objects.get(slug="oxfordshire")
    rng = random.Random(18)
    now = timezone.now()
    words = ["food", "lunch", "advice", "carers", "club", "support", "walk", "choir", "debt"]
    with transaction.atomic():
        Taxonomy.objects.get_or_create(
            pk=needs.TAXONOMY_ID, defaults={"name": "needs", "description": "needs"}
        )
        for need in needs.NEEDS:
            TaxonomyTerm.objects.get_or_create(
                pk=need.term_id,
                defaults={
                    "name": need.slug,
                    "description": need.slug,
                    "taxonomy_ref_id": needs.TAXONOMY_ID,
                },
            )
        org = Organization.objects.create(
            id="bench-org", council=council, name="Bench organisation", description="bench"
        )
        services, locations, sals, schedules, attributes = [], [], [], [], []
        for n in range(count):
            sid, lid = f"bench-s-{n}", f"bench-l-{n}"
            name = f"{rng.choice(words).title()} {rng.choice(words)} {n}"
            services.append(
                Service(
                    id=sid,
                    council=council,
                    organization=org,
                    name=name,
                    description=f"A {rng.choice(words)} service.",
                    last_modified=now,
                    search_text=f"{name} a {rng.choice(words)} service. bench organisation".lower(),
                )
            )
            locations.append(
                Location(
                    id=lid,
                    council=council,
                    latitude=rng.uniform(51.45, 52.00),
                    longitude=rng.uniform(-1.70, -0.85),
                )
            )
            sals.append(ServiceAtLocation(id=f"bench-sal-{n}", service_id=sid, location_id=lid))
            schedules.append(
                Schedule(
                    id=f"bench-sch-{n}",
                    service_id=sid,
                    freq="WEEKLY",
                    byday="MO,TU,WE,TH,FR",
                    opens_at="09:00",
                    closes_at="17:00",
                )
            )
            if rng.random() < 0.7:
                attributes.append(
                    Attribute(
                        id=f"bench-a-{n}",
                        link_id=sid,
                        link_entity="service",
                        taxonomy_term_id=rng.choice(needs.NEEDS).term_id,
                    )
                )
        for model, rows in (
            (Service, services),
            (Location, locations),
            (ServiceAtLocation, sals),
            (Schedule, schedules),
            (Attribute, attributes),
        ):
            model.objects.bulk_create(rows, batch_size=2000)


def main() -> None:
    setup_django()
    import datetime as dt

    from django.db import connection
    from django.test import Client

    from pocketcouncil.councils.models import Postcode
    from pocketcouncil.directory import queries
    from pocketcouncil.directory.models import Service

    count = int(os.environ.get("BENCH_DIRECTORY_SERVICES", "10000"))
    if not Service.objects.filter(pk__startswith="bench-").exists():
        started = time.perf_counter()
        _load(count)
        print(f"loaded {count} services in {time.perf_counter() - started:.1f} s")
    print(f"database: {connection.vendor}; {Service.objects.count()} services in the directory")
    postcodes = list(Postcode.objects.values_list("postcode", "latitude", "longitude"))
    rng = random.Random(4)
    radius = 3 * 1609.344
    noon = dt.datetime(2026, 6, 17, 11, 0, tzinfo=dt.UTC)

    def near():
        _, lat, lon = rng.choice(postcodes)
        return queries.Near(latitude=lat, longitude=lon, radius_m=radius)

    cases = {
        "near": lambda: queries.service_search(near=near(), limit=20),
        "near + need": lambda: queries.service_search(
            near=near(), limit=20, term_ids=["pocketcouncil-needs-food"]
        ),
        "near + words": lambda: queries.service_search(near=near(), limit=20, text="lunch club"),
        "near + open now": lambda: queries.service_search(near=near(), limit=20, open_at=noon),
    }
    client = Client()

    def api():
        postcode = rng.choice(postcodes)[0]
        response = client.get(
            "/openreferral/services",
            {"postcode": postcode, "proximity": "4828", "per_page": "20"},
            HTTP_HOST="127.0.0.1",
        )
        assert response.status_code == 200, response.content

    cases["API"] = api
    for label, fn in cases.items():
        for _ in range(10):
            fn()
        samples, cpu = [], []
        for _ in range(RUNS):
            start, start_cpu = time.perf_counter(), time.process_time()
            fn()
            samples.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        stats, cpu_stats = percentiles(samples), percentiles(cpu)
        found = queries.service_search(near=near(), limit=20).total
        print(
            f"{label:16} p50 {stats['p50']:6.1f} ms  p95 {stats['p95']:6.1f} ms  "
            f"p99 {stats['p99']:6.1f} ms  | this process's CPU p50 {cpu_stats['p50']:5.1f} "
            f"p95 {cpu_stats['p95']:5.1f} ms  (a typical 3-mile search matches ~{found})"
        )
