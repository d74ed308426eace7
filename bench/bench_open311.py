"""Open311 API throughput and latency under concurrent load, on PostgreSQL with gunicorn.

Compares ``GET services``, ``GET requests`` (with ``BENCH_OPEN311_CASES`` cases stored,
default 1,000,000) and ``POST requests`` with a bare Django view returning a constant JSON
body on the same server. Target (issue 7): ``GET requests`` at least half the bare view's
requests per second.

Needs ``BENCH_DATABASE_URL`` (PostgreSQL); uses its own scratch database
``pocketcouncil_bench_open311`` (dropped and made again), or with
``BENCH_OPEN311_REUSE_DB=name`` an existing database such as the one ``bench_cases.py`` fills.
The shared cache is the database cache table, as in production without Redis; with
``BENCH_REDIS_URL=redis://127.0.0.1:6379/15`` the cached endpoints are measured with Redis too.
gunicorn listens on 127.0.0.1 only and the load comes from threads in this process, for
``BENCH_SECONDS`` (default 10) per endpoint.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

from common import percentiles

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DB_NAME = "pocketcouncil_bench_open311"


def setup() -> str:
    import psycopg

    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("bench_open311 needs BENCH_DATABASE_URL=postgres://... (PostgreSQL)")
    reuse = os.environ.get("BENCH_OPEN311_REUSE_DB", "")
    if reuse:
        # A database an earlier run (or bench_cases.py, "pocketcouncil_bench") filled: only
        # migrate it, and measure against the cases already there.
        database_url = f"{url.rsplit('/', 1)[0]}/{reuse}"
    else:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
            conn.execute(f"CREATE DATABASE {DB_NAME}")
        database_url = f"{url.rsplit('/', 1)[0]}/{DB_NAME}"
    os.environ["DATABASE_URL"] = database_url
    os.environ["POCKETCOUNCIL_ENV"] = "test"
    os.environ["DJANGO_SETTINGS_MODULE"] = "pocketcouncil.test_settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    # The shared cache the benchmark's gunicorn uses (open311_bench_site.py).
    call_command("createcachetable", "pocketcouncil_cache", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return database_url


def load_cases(total: int) -> float:
    """Public Oxford reports over the last three years (a third in the last 90 days).

    One case is made through the ORM as a template; PostgreSQL copies it ``total`` times in one
    ``INSERT ... SELECT`` over ``generate_series``, varying the reference, service, status, place
    and dates (a minute or two, where 1,000,000 ORM ``bulk_create`` rows took 23 minutes)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from pocketcouncil.cases.models import Case
    from pocketcouncil.councils.models import Council
    from pocketcouncil.open311 import queries

    oxford = Council.objects.get(slug="oxford")
    services = queries.reportable_services(council=oxford)
    started = time.perf_counter()
    now = timezone.now()
    with transaction.atomic():
        template = Case.objects.create(
            reference="BO-TEMPLATE",
            council=oxford,
            service=services[0],
            status="submitted",
            description="Benchmark report",
            longitude=-1.25,
            latitude=51.75,
            location_text="Somewhere in Oxford",
            is_public=True,
            received_at=now,
            due_at=now + timedelta(days=10),
        )
        varied = {
            "reference": "'BO-' || lpad(g::text, 9, '0')",
            "service_id": "(%s::bigint[])[1 + floor(random() * %s)::int]",
            "status": "(ARRAY['submitted','in_progress','resolved','resolved'])"
            "[1 + floor(random() * 4)::int]",
            "longitude": "-1.29 + random() * 0.09",
            "latitude": "51.72 + random() * 0.06",
            "received_at": "r.received",
            "updated_at": "r.received",
            "due_at": "r.received + interval '10 days'",
            "submission_key": "NULL",
        }
        columns = [f.column for f in Case._meta.concrete_fields if not f.primary_key]
        values = [varied.get(c, f"t.{connection.ops.quote_name(c)}") for c in columns]
        table = connection.ops.quote_name(Case._meta.db_table)
        sql = (
            f"INSERT INTO {table} ({', '.join(connection.ops.quote_name(c) for c in columns)}) "  # noqa: S608
            f"SELECT {', '.join(values)} FROM {table} t, generate_series(1, %s) g, "
            "LATERAL (SELECT now() - (CASE WHEN random() < 0.33 THEN random() * 90 "
            "ELSE random() * 1095 END + g * 0) * interval '1 day' AS received) r "
            "WHERE t.id = %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [[s.pk for s in services], len(services), total, template.pk])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def start_gunicorn(
    database_url: str, port: int, workers: int, extra_env: dict | None = None
) -> subprocess.Popen:
    env = {
        **os.environ,
        **(extra_env or {}),
        "DATABASE_URL": database_url,
        "POCKETCOUNCIL_ENV": "test",
        "DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "open311_bench_site",
        # Persistent connections, as docs/operating.md advises for gunicorn's sync workers.
        "DATABASE_CONN_MAX_AGE": "60",
        "PYTHONPATH": f"{HERE}:{ROOT}",
    }
    process = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "pocketcouncil.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/bare.json", timeout=2)  # noqa: S310
            return process
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    process.kill()
    raise SystemExit("gunicorn did not start")


def load(request_factory, seconds: float, threads: int) -> dict:
    """Run ``request_factory()`` (returns a urllib Request) from ``threads`` threads for
    ``seconds``; return requests a second, latency percentiles and error count."""
    samples: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker():
        mine, bad = [], 0
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request_factory(), timeout=30) as response:  # noqa: S310
                    response.read()
                    if response.status >= 300:
                        bad += 1
            except (urllib.error.URLError, OSError):
                bad += 1
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            samples.extend(mine)
            errors[0] += bad

    began = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - began
    return {"rps": len(samples) / elapsed, "errors": errors[0], **percentiles(samples)}


def main() -> None:
    database_url = setup()
    from django.db import connection

    from pocketcouncil.cases.models import Case
    from pocketcouncil.open311.models import ApiClient

    total = int(os.environ.get("BENCH_OPEN311_CASES", "1000000"))
    seconds = float(os.environ.get("BENCH_SECONDS", "10"))
    threads = int(os.environ.get("BENCH_THREADS", "8"))
    workers = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
    took = 0.0 if os.environ.get("BENCH_OPEN311_REUSE_DB") else load_cases(total)
    print(f"database: {connection.vendor}; {Case.objects.count():,} cases ({took:.0f} s to load)")
    # The demo key, with a limit the benchmark cannot reach.
    ApiClient.objects.filter(is_demo=True).update(rate_limit_per_minute=10_000_000)
    connection.close()

    port = 18000 + os.getpid() % 1000
    base = f"http://127.0.0.1:{port}"
    rng = random.Random(11)
    post_body = urllib.parse.urlencode(
        {
            "jurisdiction_id": "oxford",
            "api_key": "demo-open311-key",
            "service_code": "587",
            "lat": "51.7426",
            "long": "-1.2275",
            "description": "Benchmark: a sofa in the alley",
            "address_string": "Behind Cowley Road",
            "attribute[size]": "a_single_item",
        }
    ).encode()
    bare = ("bare Django view (constant JSON)", lambda: f"{base}/bench/bare.json")
    newest = lambda: f"{base}/open311/v2/requests.json?jurisdiction_id=oxford"  # noqa: E731
    filtered = lambda: (  # noqa: E731
        f"{base}/open311/v2/requests.json?jurisdiction_id=oxford&status=open"
        f"&service_code=587&page={rng.randint(1, 5)}"
    )
    runs = {
        # The server as deployed: GET requests answers kept in the shared cache until a case
        # of the council changes (open311/response_cache.py).
        "cached": (
            {},
            [
                bare,
                (
                    "GET services.json",
                    lambda: f"{base}/open311/v2/services.json?jurisdiction_id=oxford",
                ),
                ("GET requests.json (newest 50)", newest),
                ("GET requests.json (a service, open, page 1-5)", filtered),
                (
                    "POST requests.json",
                    lambda: urllib.request.Request(  # noqa: S310
                        f"{base}/open311/v2/requests.json", data=post_body, method="POST"
                    ),
                ),
            ],
        ),
        # The same with Redis as the shared cache (CACHE_URL), when BENCH_REDIS_URL names one.
        "cached, Redis as the shared cache": (
            {"BENCH_CACHE_URL": os.environ.get("BENCH_REDIS_URL", "")},
            [
                bare,
                ("GET requests.json (newest 50)", newest),
                ("GET requests.json (a service, open, page 1-5)", filtered),
            ],
        ),
        # Every answer built from the database: what a client asking something new costs.
        "uncached": (
            {"OPEN311_RESPONSE_CACHE_SECONDS": "0"},
            [
                bare,
                ("GET requests.json (newest 50)", newest),
                ("GET requests.json (a service, open, page 1-5)", filtered),
            ],
        ),
    }
    print(f"gunicorn: {workers} sync workers; load: {threads} threads x {seconds:.0f} s each")
    if not os.environ.get("BENCH_REDIS_URL"):
        del runs["cached, Redis as the shared cache"]
    for run, (extra_env, scenarios) in runs.items():
        server = start_gunicorn(database_url, port, workers, extra_env)
        results = {}
        try:
            print(f"\n{run}:")
            print(f"{'endpoint':<48} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
            for label, make in scenarios:
                load(make, 1.0, threads)  # warm up
                result = load(make, seconds, threads)
                results[label] = result
                print(
                    f"{label:<48} {result['rps']:>8.0f} {result['p50']:>8.1f} "
                    f"{result['p99']:>8.1f} {result['errors']:>7}",
                    flush=True,
                )
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        bare_rps = results[bare[0]]["rps"]
        for label, result in results.items():
            print(f"  {label}: {result['rps'] / bare_rps:.2f} x the bare view")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
