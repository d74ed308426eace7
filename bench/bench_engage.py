"""Opinion groups (pol.is style): time and peak memory of the computation.

Target (issue 10): 10,000 participants x 500 statements in under 10 s and under 1 GB.

The computation itself is pure numpy (``engage.opinion.compute``); it is measured on generated
votes from four planted camps, at two densities (each person voting on 20% of the statements,
as in a real conversation, and on every statement, the worst case). Peak memory is the largest
amount numpy and Python had allocated at once during the call (tracemalloc). A smaller run goes
through the database path the background task uses (``opinion_recompute``: read every vote,
compute, store).
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np


def _votes(n: int, m: int, density: float, groups: int = 4, seed: int = 1):
    rng = np.random.default_rng(seed)
    truth = rng.integers(groups, size=n)
    stance = rng.choice(np.array([-1, 1], dtype=np.int8), size=(groups, m))
    rows, cols = np.nonzero(rng.random((n, m), dtype=np.float32) < density)
    stray = rng.random(len(rows), dtype=np.float32)
    values = np.where(stray < 0.85, stance[truth[rows], cols], -stance[truth[rows], cols])
    return rows, cols, values, truth


def _purity(result, truth) -> float:
    labels = np.zeros(len(truth), dtype=int)
    for person, group in result.membership.items():
        labels[person] = group
    return sum(np.bincount(truth[labels == k]).max() for k in np.unique(labels)) / len(truth)


def _measure(n: int, m: int, density: float) -> None:
    from pocketcouncil.engage import opinion

    rows, cols, values, truth = _votes(n, m, density)
    walls, cpus = [], []
    for _ in range(3):
        started, cpu = time.perf_counter(), time.process_time()
        result = opinion.compute(participant_ids=rows, statement_ids=cols, values=values)
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    # Measured apart: tracemalloc slows the computation down.
    tracemalloc.start()
    opinion.compute(participant_ids=rows, statement_ids=cols, values=values)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{n:,} participants x {m} statements, {density:.0%} voted ({len(rows):,} votes): "
        f"wall {min(walls):.2f} s best / {max(walls):.2f} s worst of 3, "
        f"CPU {min(cpus):.2f} s, peak {peak / 2**20:,.0f} MiB, {len(result.groups)} groups, "
        f"purity {_purity(result, truth):.3f}"
    )


def _database_path(n: int = 2_000, m: int = 100, density: float = 0.3) -> None:
    from common import setup_django

    setup_django()
    from django.utils import timezone

    from pocketcouncil.accounts.models import User
    from pocketcouncil.councils.models import Council
    from pocketcouncil.engage import actions
    from pocketcouncil.engage.models import ContentState, Engagement, Statement, StatementVote

    council = Council.objects.get(slug="oxford")
    engagement = Engagement.objects.create(
        council=council, slug="bench-opinion", title="Bench", purpose="-", decision="-"
    )
    now = timezone.now()
    users = User.objects.bulk_create(
        User(email=f"bench{i}@bench.example", full_name=f"B {i}", date_joined=now) for i in range(n)
    )
    statements = Statement.objects.bulk_create(
        Statement(
            council=council, engagement=engagement, text=f"S {j}", state=ContentState.PUBLISHED
        )
        for j in range(m)
    )
    rows, cols, values, _truth = _votes(n, m, density)
    StatementVote.objects.bulk_create(
        (
            StatementVote(council=council, statement=statements[c], user=users[r], value=int(v))
            for r, c, v in zip(rows.tolist(), cols.tolist(), values.tolist(), strict=True)
        ),
        batch_size=5_000,
    )
    started = time.perf_counter()
    analysis = actions.opinion_recompute(engagement=engagement)
    seconds = time.perf_counter() - started
    print(
        f"database path, {n:,} x {m}, {len(rows):,} votes: {seconds:.2f} s "
        f"({analysis.participant_count:,} people counted, "
        f"{len(analysis.result['groups'])} groups)"
    )


def main() -> None:
    _measure(1_000, 100, 0.2)
    _measure(10_000, 500, 0.2)
    _measure(10_000, 500, 1.0)
    _database_path()


if __name__ == "__main__":
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
