"""How fast ``councils_import_postcodes`` loads an ONSPD-style file (issue 16: at least 100,000
rows a second on PostgreSQL). ``BENCH_POSTCODES`` rows (default 300,000; the full ONSPD has about
2.7 million) are written to a temporary CSV with ONSPD's columns, loaded into an empty table,
then loaded again with one postcode in ten moved. Peak memory is reported to show it streams.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from pathlib import Path

from common import setup_django

FIRST = "ABCDEFGHIJKLMNOPRSTUWYZ"
SECOND = "ABCDEFGHKLMNOPQRSTUVWXY"
INWARD = "ABDEFGHJLNPQRSTUWXYZ"


def _postcodes(count: int):
    outward = (f"{a}{b}{n}" for a in FIRST for b in SECOND for n in range(1, 100))
    inward = [f"{d}{x}{y}" for d in range(10) for x in INWARD for y in INWARD]
    for out in outward:
        for code in inward:
            yield f"{out} {code}"
            count -= 1
            if count == 0:
                return


def _write(path: Path, count: int, moved_every: int = 0) -> None:
    with path.open("w") as f:
        f.write("pcd,pcd2,pcds,dointr,doterm,oscty,lat,long\n")
        for n, code in enumerate(_postcodes(count)):
            lat = (
                50.0
                + (n % 100_000) / 100_000
                + (0.0001 if moved_every and n % moved_every == 0 else 0)
            )
            lon = -3.0 + (n % 7919) / 7919
            f.write(f"{code},{code},{code},198001,,E10000025,{lat:.6f},{lon:.6f}\n")


def main() -> None:
    setup_django()
    from django.db import connection

    from pocketcouncil.councils import actions, postcodes
    from pocketcouncil.councils.models import Postcode

    count = int(os.environ.get("BENCH_POSTCODES", "300000"))
    folder = Path(tempfile.mkdtemp(prefix="pocketcouncil-postcodes-"))
    first, second = folder / "first.csv", folder / "second.csv"
    _write(first, count)
    _write(second, count, moved_every=10)
    table = connection.ops.quote_name(Postcode._meta.db_table)
    with connection.cursor() as cursor:  # a truly empty table, as on a first load
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (a name from model metadata)
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {table}")
    print(
        f"database: {connection.vendor}; {count:,} rows, file {first.stat().st_size / 1e6:.0f} MB"
    )
    for label, path in [("empty table", first), ("again, 1 in 10 moved", second)]:
        started = time.perf_counter()
        with path.open("rb") as binary:
            result = actions.postcodes_import(reader=postcodes.PostcodeReader(binary), actor=None)
        seconds = time.perf_counter() - started
        print(
            f"{label}: {seconds:.2f} s, {result.rows / seconds:,.0f} rows/s "
            f"({result.added:,} added, {result.moved:,} moved, {result.unchanged:,} unchanged)"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the process: {peak:.0f} MB")
    for path in (first, second):
        path.unlink()
    folder.rmdir()


if __name__ == "__main__":
    main()
