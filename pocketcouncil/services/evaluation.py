"""Measuring front-door search against the labelled resident phrasings.

Used by the accuracy test (tests keep top-3 accuracy above a floor) and by
bench/bench_search.py (accuracy of each method and latency).
"""

from __future__ import annotations

import csv
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

PHRASINGS = Path(settings.BASE_DIR) / "tests" / "data" / "front_door_phrasings.csv"
# Written after the search was tuned on PHRASINGS, and never tuned on: how well it generalises.
HOLDOUT = Path(settings.BASE_DIR) / "tests" / "data" / "front_door_phrasings_holdout.csv"


@dataclass(frozen=True)
class Phrasing:
    query: str
    lgsl: frozenset[int]
    kind: str


def load_phrasings(path: Path = PHRASINGS) -> list[Phrasing]:
    with path.open(newline="", encoding="utf-8") as f:
        return [
            Phrasing(
                row["query"],
                frozenset(int(code) for code in row["lgsl"].split(";")),
                row["kind"],
            )
            for row in csv.DictReader(f)
        ]


@dataclass
class Result:
    top1: int = 0
    top3: int = 0
    total: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    misses: list[tuple[str, list[int]]] = field(default_factory=list)

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.total if self.total else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.total if self.total else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return 0.0
        if len(self.latencies_ms) == 1:
            return self.latencies_ms[0]
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[int(p) - 1]


def evaluate(search: Callable[[str], list[int]], phrasings: list[Phrasing]) -> Result:
    """Run ``search`` (query -> LGSL codes best first) over the phrasings."""
    result = Result()
    for phrasing in phrasings:
        started = time.perf_counter()
        found = search(phrasing.query)
        result.latencies_ms.append((time.perf_counter() - started) * 1000)
        result.total += 1
        if found[:1] and found[0] in phrasing.lgsl:
            result.top1 += 1
        if phrasing.lgsl & set(found[:3]):
            result.top3 += 1
        else:
            result.misses.append((phrasing.query, found[:3]))
    return result
