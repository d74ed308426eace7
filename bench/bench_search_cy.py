"""The front door in Welsh: accuracy on the Welsh phrasings, with and without the Welsh layer,
language detection on both languages' sets, and what the layer adds to latency.

Sets (pocketcouncil/services/evaluation_cy/): tuning.csv (the vocabulary was tuned on it) and
holdout.csv (written before any Welsh tuning and never tuned on). "Without" runs the English
search on the Welsh text as typed (what the site did before issue 23).
"""

from __future__ import annotations

import time

from common import percentiles, setup_django


def main() -> None:
    setup_django()
    from pocketcouncil.services import evaluation, queries, welsh

    def run(text: str) -> list[int]:
        return [r.lgsl for r in queries.front_door_search(text=text, limit=3).results]

    original = welsh.search_text
    for name in ("tuning.csv", "holdout.csv"):
        phrasings = evaluation.load_phrasings(welsh.EVALUATION / name)
        welsh.search_text = lambda text: text  # the English search alone
        try:
            before = evaluation.evaluate(run, phrasings)
        finally:
            welsh.search_text = original
        after = evaluation.evaluate(run, phrasings)
        detected = sum(welsh.detect_language(p.query) == "cy" for p in phrasings)
        print(
            f"{name}: {after.total} Welsh phrasings, {len({p.lgsl for p in phrasings})} services; "
            f"detected as Welsh {detected}/{after.total}"
        )
        print(f"  English search alone: top-1 {before.top1_rate:.3f}, top-3 {before.top3_rate:.3f}")
        print(f"  with the Welsh layer: top-1 {after.top1_rate:.3f}, top-3 {after.top3_rate:.3f}")
        for query, found in after.misses:
            print(f"    miss: {query!r} -> {found}")

    english = evaluation.load_phrasings() + evaluation.load_phrasings(evaluation.HOLDOUT)
    as_welsh = [p.query for p in english if welsh.detect_language(p.query) == "cy"]
    print(f"English phrasings taken for Welsh: {len(as_welsh)}/{len(english)} {as_welsh[:10]}")

    queries_all = [p.query for p in evaluation.load_phrasings(welsh.EVALUATION / "holdout.csv")]
    samples = []
    for _ in range(5):
        for text in queries_all:
            started = time.perf_counter()
            welsh.search_text(text)
            samples.append((time.perf_counter() - started) * 1000)
    stats = percentiles(samples)
    print(
        f"Welsh layer alone (detect + expand), {len(samples)} calls: "
        f"p50 {stats['p50']:.3f} ms, p95 {stats['p95']:.3f} ms"
    )
