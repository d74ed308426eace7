"""Measuring front-door search against the labelled resident phrasings.

Used by the accuracy test (tests keep top-3 accuracy above a floor) and by
bench/bench_search.py (accuracy of each method and latency).
"""

from __future__ import annotations

import csv
import hashlib
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

PHRASINGS = Path(settings.BASE_DIR) / "tests" / "data" / "front_door_phrasings.csv"
# Written after the search was tuned on PHRASINGS, and never tuned on: how well it generalises.
HOLDOUT = Path(settings.BASE_DIR) / "tests" / "data" / "front_door_phrasings_holdout.csv"
# Real FixMyStreet report titles (Cheltenham), each with the LGSL codes that count as right. It
# is residents' own text, so it stays in the shared data folder and is never copied here.
REPORTS = Path(settings.SHARED_DATA_DIR) / "reports" / "fixmystreet_cheltenham_dev.tsv"
# Which share of the reports is held out (never tuned on), chosen by a hash of the title.
REPORTS_HELD_OUT_PERCENT = 30


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


def report_part(title: str) -> str:
    """ "tune" or "held-out": fixed by a hash of the title, so the split never changes between
    runs or machines, and the same title always falls on the same side."""
    digest = hashlib.sha256(" ".join(title.split()).lower().encode("utf-8")).digest()
    bucket = int.from_bytes(digest[:4], "big") % 100
    return "held-out" if bucket < REPORTS_HELD_OUT_PERCENT else "tune"


def load_reports(path: Path = REPORTS, *, part: str | None = None) -> list[Phrasing]:
    """The report titles of a FixMyStreet export (``query``, ``category``, ``lgsl_any``, tab
    separated), all of them or one ``part`` ("tune" or "held-out"). Empty if the file is absent."""
    if not path.exists():
        return []
    found = []
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            query = (row.get("query") or "").strip()
            codes = [c.strip() for c in (row.get("lgsl_any") or "").split(",") if c.strip()]
            if not query or not codes:
                continue
            if part is not None and report_part(query) != part:
                continue
            found.append(Phrasing(query, frozenset(int(c) for c in codes), row["category"]))
    return found


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
