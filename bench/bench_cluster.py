"""The local cluster under load with its processes killed: throughput, latency, what the faults
cost, and how long the work took to drain afterwards (issue 25, item 5).

The same drill as ``pocketcouncil/ops/tests/test_cluster.py`` (pocketcouncil.ops.testing_cluster),
run for longer: ``BENCH_CLUSTER_SECONDS`` (default 90) with ``BENCH_CLUSTER_THREADS`` clients
(default 8). Two gunicorn web processes (one worker, four threads each), two RQ workers, the
scheduler and Redis, on PostgreSQL from ``BENCH_DATABASE_URL`` (a scratch database is made and
dropped); a worker, a web process and Redis are killed a quarter, two fifths and three fifths of
the way through. The run fails if a report, an email or a back-office send was lost or
duplicated. Everything listens on 127.0.0.1 and stops by itself.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import urllib.parse
from pathlib import Path


class _Temp:
    """The part of pytest's tmp_path_factory that core.testing_sites uses."""

    def __init__(self, base: Path):
        self.base = base

    def getbasetemp(self) -> Path:
        return self.base


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("skipped: needs BENCH_DATABASE_URL=postgres://... (the cluster runs on PostgreSQL)")
        return
    if not shutil.which("redis-server"):
        print("skipped: needs redis-server (scripts/ensure_redis.sh)")
        return
    from pocketcouncil.ops.testing_cluster import run_drill

    parts = urllib.parse.urlsplit(url)
    pg = {"host": parts.hostname or "127.0.0.1", "port": parts.port or 5432, "user": parts.username}
    seconds = float(os.environ.get("BENCH_CLUSTER_SECONDS", "90"))
    threads = int(os.environ.get("BENCH_CLUSTER_THREADS", "8"))
    os.environ.pop("PYTEST_XDIST_WORKER", None)
    with tempfile.TemporaryDirectory(prefix="pc-bench-cluster-") as folder:
        figures, problems = run_drill(
            Path(folder), _Temp(Path(folder)), pg=pg, seconds=seconds, threads=threads
        )
    print(json.dumps(figures, indent=2))
    if problems:
        raise SystemExit("LOST OR DUPLICATED:\n" + "\n".join(problems))
    print("Nothing lost, nothing duplicated.")
