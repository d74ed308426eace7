"""How long "which areas contain this point?" and "who is responsible here?" take.

Target (issue 2): under 1 ms per point for a council's wards. Target (issue 16): the area
lookup API, ``GET /api/v1/areas``, p95 under 5 ms on SQLite. Points are the real Oxford
postcodes (3,885, about 13% outside the city) plus random points over Manchester's bounding
box, so the lookups include misses, border-adjacent points and both councils' wards.
"""

from __future__ import annotations

import random
import time

from common import percentiles, setup_django, timed


def cpu_timed(fn, *args, **kwargs) -> float:
    """Milliseconds of this process's CPU one call takes: on a machine shared with other work,
    wall-clock percentiles mostly measure waiting for a CPU; this measures the work itself."""
    start = time.process_time()
    fn(*args, **kwargs)
    return (time.process_time() - start) * 1000


def main() -> None:
    setup_django()
    from django.db import connection

    from pocketcouncil.councils import geo, queries
    from pocketcouncil.councils.models import Area, Postcode

    rng = random.Random(20261121)
    points = [(p.longitude, p.latitude) for p in Postcode.objects.all()]
    manchester = Area.objects.get(gss_code="E08000003")
    for _ in range(2000):
        points.append(
            (
                rng.uniform(manchester.min_lon, manchester.max_lon),
                rng.uniform(manchester.min_lat, manchester.max_lat),
            )
        )
    rng.shuffle(points)

    geo._PREPARED.clear()
    cold = [timed(queries.areas_containing, lon=lon, lat=lat) for lon, lat in points[:50]]
    for lon, lat in points:  # warm the prepared-geometry cache
        queries.areas_containing(lon=lon, lat=lat)
    warm = [timed(queries.areas_containing, lon=lon, lat=lat) for lon, lat in points]
    routed = [
        timed(queries.council_responsible, lon=lon, lat=lat, service_tier="county")
        for lon, lat in points
        if queries.areas_containing(lon=lon, lat=lat)
    ]
    found = sum(1 for lon, lat in points if queries.areas_containing(lon=lon, lat=lat))

    # The area lookup API (issue 16, target p95 under 5 ms on SQLite): the whole request through
    # Django's test client (URL routing, middleware, django-ninja, JSON), no network.
    from django.test import Client

    client = Client()
    sample = points[:2000]
    for lon, lat in sample[:50]:  # warm up
        client.get("/api/v1/areas", {"lat": lat, "lon": lon})
    api = [timed(client.get, "/api/v1/areas", {"lat": lat, "lon": lon}) for lon, lat in sample]
    postcodes = list(Postcode.objects.values_list("postcode", flat=True)[:1000])
    api_postcode = [timed(client.get, "/api/v1/areas", {"postcode": pc}) for pc in postcodes]
    api_cpu = [
        cpu_timed(client.get, "/api/v1/areas", {"lat": lat, "lon": lon}) for lon, lat in sample
    ]

    print(f"database: {connection.vendor}; {len(points)} points, {found} inside a demo area")
    for label, samples in [
        ("areas_containing, first 50 lookups (cold cache)", cold),
        ("areas_containing (warm)", warm),
        ("council_responsible (warm, points inside)", routed),
        (f"GET /api/v1/areas?lat=&lon= ({len(api)} requests)", api),
        (f"GET /api/v1/areas?postcode= ({len(api_postcode)} requests)", api_postcode),
        ("GET /api/v1/areas?lat=&lon=, CPU time only", api_cpu),
    ]:
        p = percentiles(samples)
        print(
            f"{label}: p50 {p['p50']:.3f} ms, p95 {p['p95']:.3f} ms, "
            f"p99 {p['p99']:.3f} ms, mean {p['mean']:.3f} ms"
        )


if __name__ == "__main__":
    main()
