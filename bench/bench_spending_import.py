"""How fast a spending file is imported, and whether memory stays flat as the file grows.

Target (issue 11): at least 50,000 rows a second; peak memory flat as the file grows. Files of
250,000, 500,000 and 1,000,000 lines are generated in a temporary folder in the LGTC 2015
layout, with the formats councils use (£ signs, thousands separators, credits in brackets,
dd/mm/yyyy dates) and about 0.5% bad lines. Each is imported into a council of its own.

Memory: a thread samples the process's resident size (/proc/self/statm) every 20 ms during
each import; the table shows the peak and how much it rose above the size before the import.
(tracemalloc would slow the import down three-fold and distort the speed figure.)
The CPU seconds of this process are printed too: on a busy shared machine they show what the
importer itself costs, which wall-clock time does not.

    .venv/bin/python bench/bench_spending_import.py              # SQLite
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/bench_spending_import.py          # PostgreSQL
    BENCH_SPENDING_SIZES=20000,40000 ...                           # quicker
"""

from __future__ import annotations

import os
import random
import tempfile
import threading
import time
from pathlib import Path

import common

SIZES = [int(n) for n in os.environ.get("BENCH_SPENDING_SIZES", "250000,500000,1000000").split(",")]

SERVICES = [
    "Adult Social Care",
    "Children's Services",
    "Highways and Transport",
    "Waste and Recycling",
    "Housing Revenue Account",
    "Corporate Services",
    "Leisure and Culture",
    "Planning",
]
TYPES = ["Contractors", "Professional fees", "Energy", "Rents", "Equipment", "Agency staff"]
# Purposes as councils write them: a piece of work and a place, so searches have something to find.
WORKS = [
    "Road resurfacing",
    "Pothole repairs",
    "Gully cleaning",
    "Street lighting maintenance",
    "Grounds maintenance",
    "Care home placement",
    "Home care package",
    "School transport",
    "Temporary accommodation",
    "Agency social worker",
    "Legal advice",
    "IT licences",
    "Gas and electricity",
    "Vehicle hire",
    "Litter bins",
    "Playground equipment",
]
PLACES = [
    "Cowley Road",
    "Town Hall",
    "Northway depot",
    "Blackbird Leys",
    "Market Street",
    "Leisure centre",
    "Civic offices",
    "Riverside park",
]


def write_file(path: Path, rows: int, seed: int) -> None:
    rng = random.Random(seed)
    suppliers = [f"Supplier {i} Ltd" for i in range(5000)]
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("Spending over £500\r\n\r\n")
        out.write(
            "Body,Organisation Name,Date,Transaction Number,Net Amount,Supplier Name,"
            "Expense Area,Expense Type,Purpose of Spend\r\n"
        )
        for n in range(rows):
            day = 1 + n % 28
            month = 1 + (n // 28) % 12
            pence = rng.randrange(50000, 5000000)
            pounds = f"{pence // 100:,}.{pence % 100:02d}"
            amount = f'"({pounds})"' if n % 50 == 0 else f'"£{pounds}"'
            date = f"{day:02d}/{month:02d}/2025" if n % 200 else "31/02/2025"
            out.write(
                f"Bench Council,Bench Council,{date},T{n},{amount},{rng.choice(suppliers)},"
                f"{rng.choice(SERVICES)},{rng.choice(TYPES)},"
                f"{rng.choice(WORKS)} at {rng.choice(PLACES)}\r\n"
            )


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class PeakSampler(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.peak = rss_bytes()
        self.running = True

    def run(self):
        while self.running:
            self.peak = max(self.peak, rss_bytes())
            time.sleep(0.02)

    def stop(self) -> int:
        self.running = False
        self.join()
        return self.peak


def setup() -> None:
    """common.setup_django, but on PostgreSQL in a scratch database of this benchmark's own
    (pocketcouncil_bench_spending), so it never touches another benchmark's database."""
    pg = os.environ.get("BENCH_DATABASE_URL", "")
    if pg and not common._READY:
        import psycopg

        with psycopg.connect(pg, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS pocketcouncil_bench_spending")
            conn.execute("CREATE DATABASE pocketcouncil_bench_spending")
        os.environ["DATABASE_URL"] = f"{pg.rsplit('/', 1)[0]}/pocketcouncil_bench_spending"
        os.environ.setdefault("POCKETCOUNCIL_ENV", "test")
        os.environ["DJANGO_SETTINGS_MODULE"] = "pocketcouncil.test_settings"
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        common._READY = True
    common.setup_django()


def time_explorer(council) -> None:
    """How long the explorer's reads take on the last (largest) council, median of 5 runs."""
    import statistics

    from pocketcouncil.transparency import queries

    period = queries.Period.financial_year(2024)  # the generated payments fall in 2025
    period = queries.Period(period.start.replace(year=2024), period.end.replace(year=2026))
    checks = {
        "totals by service area": lambda: queries.spending_totals(
            council=council, dimension="service_area", period=period
        ),
        "top 10 suppliers": lambda: queries.spending_totals(
            council=council, dimension="supplier", period=period, limit=10
        ),
        "all suppliers (5,000)": lambda: queries.spending_totals(
            council=council, dimension="supplier", period=period
        ),
        "month by month": lambda: queries.spending_by_month(council=council, period=period),
        "payments of one supplier, first page": lambda: queries.payment_page(
            council=council,
            filters=queries.PaymentFilter(period, "supplier", "Supplier 42 Ltd"),
        ),
        "payments of one supplier, page 4": lambda: queries.payment_page(
            council=council,
            filters=queries.PaymentFilter(period, "supplier", "Supplier 42 Ltd"),
            page=4,
        ),
        "payments in one month, first page": lambda: queries.payment_page(
            council=council,
            filters=queries.PaymentFilter(period, month=period.start.replace(year=2025, month=6)),
        ),
        "search 'supplier 4242', first page": lambda: queries.payment_page(
            council=council, filters=queries.PaymentFilter(period, search="supplier 4242")
        ),
    }
    from pocketcouncil.transparency.models import Payment

    count = Payment.objects.filter(council=council).count()
    time_search(council, period, count)
    print(f"| explorer read ({count:,} payments of one council) | median ms |")
    print("| --- | ---: |")
    for label, check in checks.items():
        samples = []
        for _ in range(5):
            start = time.perf_counter()
            check()
            samples.append((time.perf_counter() - start) * 1000)
        print(f"| {label} | {statistics.median(samples):.1f} |")


# Searches as residents type them, from the rarest (one supplier, a place no payment names) to
# the commonest (a word in every supplier's name). Target (issue 25): p95 under 200 ms.
SEARCHES = [
    "supplier 4242",
    "4242",
    "supplier 17 ",
    "pothole",
    "cowley road",
    "northway",
    "care home placement at town hall",
    "ltd",
    "supplier",
    "gas and electricity",
    "nothing called this",
    "zz",
]


def time_search(council, period, count: int) -> None:
    """The explorer's free-text search: each search's first and second page, 10 times each."""
    import statistics

    from django.db import connection

    from pocketcouncil.transparency import queries, search_index

    print(f"search index: {search_index.has_index(connection)}")
    print(
        f"| search ({count:,} payments of one council) | matches on page 1 | median ms | max ms |"
    )
    print("| --- | ---: | ---: | ---: |")
    every = []
    for text in SEARCHES:
        samples = []
        for run in range(20):
            filters = queries.PaymentFilter(period, search=text)
            start = time.perf_counter()
            rows, _more = queries.payment_page(council=council, filters=filters, page=1 + run % 2)
            samples.append((time.perf_counter() - start) * 1000)
            if run == 0:
                first = len(rows)
        every += samples
        print(f"| {text!r} | {first} | {statistics.median(samples):.1f} | {max(samples):.1f} |")
    every.sort()
    p95 = every[int(len(every) * 0.95) - 1]
    print(f"| **all {len(every)} searches: p95** | | **{p95:.1f}** | {every[-1]:.1f} |")


def main() -> None:
    setup()
    from django.db import connection

    from pocketcouncil.councils.tests.factories import CouncilFactory
    from pocketcouncil.transparency import actions

    folder = Path(tempfile.mkdtemp(prefix="pocketcouncil-bench-spending-"))
    print(f"database: {connection.vendor}")
    print(
        "| rows | seconds | rows/s | this process's CPU seconds | rows per CPU second "
        "| peak resident memory | rise during the import |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in SIZES:
        path = folder / f"spend-{size}.csv"
        write_file(path, size, seed=size)
        council = CouncilFactory()
        before = rss_bytes()
        sampler = PeakSampler()
        sampler.start()
        start = time.perf_counter()
        cpu_start = time.process_time()
        result = actions.spending_import_file(council=council, path=path, actor=None)
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
        peak = sampler.stop()
        assert result.rows_read == size, (result.state, result.error)
        print(
            f"| {size:,} | {seconds:.1f} | {size / seconds:,.0f} | {cpu:.1f} | {size / cpu:,.0f} "
            f"| {peak / 2**20:.0f} MB | {(peak - before) / 2**20:.0f} MB |"
        )
        path.unlink()
        largest = council
    time_explorer(largest)


if __name__ == "__main__":
    main()
