"""Front-door search: accuracy of each method on the labelled phrasings, and latency.

Targets (issue 4): top-3 accuracy at least 95 %, p95 latency under 30 ms with the full
catalogue of the 3 demo councils loaded. Accuracy is measured on
tests/data/front_door_phrasings.csv (resident phrasings -> LGSL codes), which the search was
tuned on, and on tests/data/front_door_phrasings_holdout.csv, written afterwards and never
tuned on (how well it generalises).

Issue 17 adds real FixMyStreet report titles (read from the shared data folder, split into a
tune and a held-out part by a hash of the title; docs/benchmarks.md) and the latency of text of
up to 2,000 characters.

- "index" rows time the ranking alone (the in-process index, warm).
- "end to end" rows time ``queries.front_door_search`` as a page or the API calls it: the
  catalogue version stamp query, ranking, two-tier routing, no-good-match cut-off and FAQ
  answers. A result only counts if it is shown, so a weak match that the page withholds
  ("no good match") counts as a miss.
"""

from __future__ import annotations

import time

from common import percentiles, setup_django


def main() -> None:
    setup_django()
    from django.db import connection

    from pocketcouncil.councils import queries as councils
    from pocketcouncil.councils.models import Council
    from pocketcouncil.services import evaluation, queries, search
    from pocketcouncil.services.models import Service

    phrasings = evaluation.load_phrasings()
    services, faqs, overrides, council_rows = search.catalogue_rows()
    print(
        f"database: {connection.vendor}; {Service.objects.count()} services in the catalogue, "
        f"{Council.objects.count()} councils; {len(phrasings)} labelled phrasings"
    )

    keyword_docs = [
        (
            set(
                search.words(
                    " ".join(
                        [
                            s["name"],
                            s["synonyms"],
                            s["summary"],
                            s["lgsl_label"],
                            s["lgsl_description"],
                        ]
                    )
                )
            ),
            s["lgsl"],
        )
        for s in services
    ]

    def keyword(text: str) -> list[int]:
        query = set(search.words(text))
        scored = sorted(
            (-len(query & words), lgsl) for words, lgsl in keyword_docs if query & words
        )
        return [lgsl for _score, lgsl in scored[:3]]

    bm25 = search.Index(services, faqs, overrides, council_rows, method=search.BM25_PLAIN)
    final = search.Index(services, faqs, overrides, council_rows, method=search.FINAL)

    rows = [
        ("keyword (index)", evaluation.evaluate(keyword, phrasings)),
        (
            "bm25 (index)",
            evaluation.evaluate(lambda q: [h.lgsl for h in bm25.search(q, limit=3)], phrasings),
        ),
        (
            "final (index)",
            evaluation.evaluate(lambda q: [h.lgsl for h in final.search(q, limit=3)], phrasings),
        ),
    ]
    demo = {c.slug: c for c in Council.objects.all()}
    point = councils.postcode_get("OX4 3BD")
    contexts = [
        ("final end to end, no council", {}),
        ("final end to end, council=manchester", {"council": demo["manchester"]}),
        ("final end to end, council=oxford", {"council": demo["oxford"]}),
        ("final end to end, postcode OX4 3BD", {"lon": point.longitude, "lat": point.latitude}),
    ]
    queries.front_door_search(text="warm up", **contexts[0][1])
    for label, context in contexts:

        def run(text, context=context):
            outcome = queries.front_door_search(text=text, limit=3, **context)
            return [r.lgsl for r in outcome.results]

        rows.append((label, evaluation.evaluate(run, phrasings)))

    # The HTML page shows RESULTS_PER_PAGE results, each routed for the postcode.
    from pocketcouncil.services.views import RESULTS_PER_PAGE

    def page(text, context=contexts[-1][1]):
        outcome = queries.front_door_search(text=text, limit=RESULTS_PER_PAGE, **context)
        return [r.lgsl for r in outcome.results]

    rows.append(
        (
            f"final, postcode, {RESULTS_PER_PAGE} results (page)",
            evaluation.evaluate(page, phrasings),
        )
    )

    print(f"{'method':<40} {'top-1':>7} {'top-3':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for label, result in rows:
        stats = percentiles(result.latencies_ms)
        print(
            f"{label:<40} {result.top1_rate:>7.1%} {result.top3_rate:>7.1%} "
            f"{stats['p50']:>8.2f} {stats['p95']:>8.2f}"
        )
    holdout = evaluation.load_phrasings(evaluation.HOLDOUT)
    print(f"\nheld-out set ({len(holdout)} phrasings written after tuning, never tuned on):")
    print(f"{'method':<40} {'top-1':>7} {'top-3':>7}")
    for label, run in [
        ("keyword (index)", keyword),
        ("bm25 (index)", lambda q: [h.lgsl for h in bm25.search(q, limit=3)]),
        ("final (index)", lambda q: [h.lgsl for h in final.search(q, limit=3)]),
        (
            "final end to end, no council",
            lambda q: [r.lgsl for r in queries.front_door_search(text=q, limit=3).results],
        ),
    ]:
        result = evaluation.evaluate(run, holdout)
        print(f"{label:<40} {result.top1_rate:>7.1%} {result.top3_rate:>7.1%}")

    # Real FixMyStreet report titles (issue 17), read from the shared data folder, split by a
    # hash of the title into a part the search was tuned on and a part it never was.
    without = search.Index(
        services, faqs, overrides, council_rows, method=search.FINAL_WITHOUT_VOCABULARY
    )
    for part in ("tune", "held-out"):
        reports = evaluation.load_reports(part=part)
        if not reports:
            print(f"\nno report titles at {evaluation.REPORTS} (skipped)")
            break
        print(f"\nreal report titles, {part} part ({len(reports)}):")
        print(f"{'method':<40} {'top-1':>7} {'top-3':>7} {'p50 ms':>8} {'p95 ms':>8}")
        for label, run in [
            ("keyword (index)", keyword),
            ("bm25 (index)", lambda q: [h.lgsl for h in bm25.search(q, limit=3)]),
            (
                "final without report language",
                lambda q: [h.lgsl for h in without.search(q, limit=6) if not h.weak][:3],
            ),
            (
                "final end to end, no council",
                lambda q: [r.lgsl for r in queries.front_door_search(text=q, limit=3).results],
            ),
        ]:
            result = evaluation.evaluate(run, reports)
            stats = percentiles(result.latencies_ms)
            print(
                f"{label:<40} {result.top1_rate:>7.1%} {result.top3_rate:>7.1%} "
                f"{stats['p50']:>8.2f} {stats['p95']:>8.2f}"
            )
    # Long text: descriptions of up to 2,000 characters made by joining the longest titles of
    # the tune part, and 2,000 characters of made-up words (every word a typo to correct).
    import random

    longest = sorted((p.query for p in evaluation.load_reports(part="tune")), key=len)[-80:]
    rnd = random.Random(17)
    texts = []
    for i in range(40):
        if longest:
            text, j = "", i
            while len(text) < 1950:
                text += " " + longest[j % len(longest)]
                j += 7
            texts.append(text[: queries.QUERY_MAX_LENGTH])
        letters = "abcdefghijklmnoprstuw"
        made_up = " ".join(
            "".join(rnd.choice(letters) for _ in range(rnd.randint(4, 9))) for _ in range(300)
        )
        texts.append(made_up[: queries.QUERY_MAX_LENGTH])
    latencies, cpu = [], []
    for text in texts:
        started, started_cpu = time.perf_counter(), time.process_time()
        queries.front_door_search(text=text, limit=RESULTS_PER_PAGE)
        latencies.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    stats, cpu_stats = percentiles(latencies), percentiles(cpu)
    # CPU time as well as wall time: on a shared machine the wall time includes waiting for a CPU.
    print(
        f"\n2,000-character texts ({len(texts)}), end to end: wall p50 {stats['p50']:.2f} ms, "
        f"p95 {stats['p95']:.2f} ms; "
        f"CPU p50 {cpu_stats['p50']:.2f} ms, p95 {cpu_stats['p95']:.2f} ms"
    )

    final_result = rows[2][1]
    if final_result.misses:
        print("final (index) misses in the top 3:")
        for query, found in final_result.misses:
            print(f"  {query!r} -> {found}")


if __name__ == "__main__":
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
