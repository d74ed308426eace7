"""The local cluster under load while its processes die (issue 25, item 5).

``scripts/cluster_local.sh`` starts two gunicorn web processes, two RQ workers, the scheduler
and its own Redis on a scratch PostgreSQL database (pocketcouncil.ops.testing_cluster). For
half a minute, clients read pages and the Open311 API and POST new reports; meanwhile a worker
is killed, then a web process, then Redis (started again empty, losing every queued job). Then
every report answered must be stored once, acknowledged by exactly one email at the (fake)
GOV.UK Notify, and sent exactly once to the council's back office (a second Pocket Council).

Needs PostgreSQL (workers in other processes share committed data) and redis-server; skipped
on SQLite. Slow: about two minutes. ``make bench`` runs the same for longer and records figures
(bench/bench_cluster.py, docs/benchmarks.md).
"""

import json

import pytest
from django.conf import settings
from django.db import connection

from pocketcouncil.core.testing_redis import require_redis_server
from pocketcouncil.ops.testing_cluster import run_drill

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the cluster runs on PostgreSQL"),
]


def test_the_cluster_loses_and_duplicates_nothing_when_its_processes_die(
    tmp_path, tmp_path_factory
):
    require_redis_server()
    db = settings.DATABASES["default"]
    pg = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"]}
    figures, problems = run_drill(tmp_path, tmp_path_factory, pg=pg, seconds=30, threads=6)
    (tmp_path / "figures.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))  # noqa: T201 - shown with -s, kept on failure
    assert problems == []
    assert figures["load"]["refused"] == 0
    assert figures["load"]["reports_accepted"] >= 20
    assert len(figures["load"]["faults"]) == 6
    # The kills were felt (and retried): a web process refused or dropped connections.
    assert figures["load"]["failed_attempts_retried"]
