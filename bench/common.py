"""Shared set-up for benchmarks: a scratch database with the demo councils loaded.

SQLite by default (a file in a temporary folder). With ``BENCH_DATABASE_URL`` pointing at a
PostgreSQL server, a scratch database named ``pocketcouncil_bench`` is created there (and
dropped first if it exists); nothing else on that server is touched. ``BENCH_REUSE=1`` keeps
that database from the previous run (benchmarks that load data then skip loading it).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time

_READY = False


def setup_django() -> None:
    """Configure Django against a fresh scratch database, migrate it and load the demo."""
    global _READY
    if _READY:
        return
    pg = os.environ.get("BENCH_DATABASE_URL", "")
    # Engineers sharing one PostgreSQL server each name their own scratch database.
    name = os.environ.get("BENCH_DATABASE_NAME", "pocketcouncil_bench")
    if not name.replace("_", "").isalnum():
        raise ValueError("BENCH_DATABASE_NAME: letters, digits and underscores only")
    reuse = os.environ.get("BENCH_REUSE") == "1"
    if pg and reuse:
        # Keep the scratch database a previous run filled; migrations still apply.
        os.environ["DATABASE_URL"] = f"{pg.rsplit('/', 1)[0]}/{name}"
    elif pg:
        import psycopg

        base = pg.rsplit("/", 1)[0]
        with psycopg.connect(pg, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
        os.environ["DATABASE_URL"] = f"{base}/{name}"
    else:
        folder = tempfile.mkdtemp(prefix="pocketcouncil-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("POCKETCOUNCIL_ENV", "test")
    os.environ["DJANGO_SETTINGS_MODULE"] = "pocketcouncil.test_settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    _READY = True


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50": q[49], "p95": q[94], "p99": q[98], "mean": statistics.fmean(ordered)}


def timed(fn, *args, **kwargs) -> float:
    """Milliseconds one call takes."""
    start = time.perf_counter()
    fn(*args, **kwargs)
    return (time.perf_counter() - start) * 1000
