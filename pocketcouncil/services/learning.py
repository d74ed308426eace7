"""Learning from staff corrections: what residents wrote when staff moved their case to another
service (``TrainingPair``) becomes council-specific phrases (``LearnedPhrase``) that the front
door uses as an extra boost for that council (docs/services.md, "Learning from staff
corrections").

Pure logic lives here: which phrases the pairs support (``phrases_from_pairs``) and how the
active phrases change a ranking (``boost``). The writes are in ``actions`` (``learned_phrases_
learn``, ``learned_phrase_deactivate``, ``training_pair_discard``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace

import Stemmer

from pocketcouncil.services import search
from pocketcouncil.services.models import LearnedPhrase

# A phrase is learned when at least this many of a council's training pairs containing it were
# corrected to the same service ...
MIN_EVIDENCE = 3
# ... and more than this share of all the council's pairs containing it went to that service
# (a word common to many corrections, such as "road", says nothing on its own).
MIN_PRECISION = 0.6
# A search result is multiplied by this for each learned phrase of the council the query uses
# (at most LEARNED_MAX times in all).
LEARNED_BOOST = 1.5
LEARNED_MAX = 3.0
# A service the lexical search did not rank at all enters at this share of the best score per
# matched phrase (capped at the best score): staff taught us it is what these words mean.
LEARNED_ENTRY = 0.6

_stemmer = Stemmer.Stemmer("english")  # the one the search index uses


def phrase_keys(text: str) -> dict[str, str]:
    """The words and two-word phrases of a text that could say what is needed, as
    {stemmed key: the words as written}. Filler of place and time, stopwords, numbers and the
    redaction markers are left out."""
    found = [w for w in search.query_words(text) if not w.isdigit() and len(w) > 2]
    found = [w for w in found if w not in {"email", "postcode", "number"}]
    stems = _stemmer.stemWords(found)
    keys = {}
    for word, stem in zip(found, stems, strict=True):
        keys.setdefault(stem, word)
    for (w1, s1), (w2, s2) in zip(
        zip(found, stems, strict=True), zip(found[1:], stems[1:], strict=True), strict=False
    ):
        if s1 != s2:
            keys.setdefault(f"{s1} {s2}", f"{w1} {w2}")
    return keys


def phrases_from_pairs(pairs) -> dict[tuple[int, str], tuple[str, int]]:
    """{(service id, stemmed key): (phrase as written, evidence)} for the phrases the pairs
    support (``pairs``: (service id, text) of one council's pairs that are not discarded)."""
    by_key: dict[str, Counter] = defaultdict(Counter)
    written: dict[str, str] = {}
    for service_id, text in pairs:
        for key, words in phrase_keys(text).items():
            by_key[key][service_id] += 1
            written.setdefault(key, words)
    learned = {}
    for key, counts in by_key.items():
        total = sum(counts.values())
        for service_id, evidence in counts.items():
            if evidence >= MIN_EVIDENCE and evidence / total > MIN_PRECISION:
                learned[(service_id, key)] = (written[key], evidence)
    # A two-word phrase adds nothing when one of its words is already learned for the service.
    return {
        (service_id, key): value
        for (service_id, key), value in learned.items()
        if " " not in key or not any((service_id, part) in learned for part in key.split(" "))
    }


def phrase_key(phrase: str) -> str:
    return " ".join(_stemmer.stemWords(phrase.split()))


def active_phrases(index) -> dict[int, list[tuple[int, str]]]:
    """{council id: [(service id, stemmed key), ...]} of every council's active phrases.

    Kept on the search index, whose version stamp counts learned phrases: any change to them
    rebuilds the index, so this is read at most once per index and never when nothing has been
    learned (no query at all on a platform that learned nothing)."""
    cached = getattr(index, "learned", None)
    if cached is not None:
        return cached
    stamp = getattr(index, "stamp", None)
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if stamp is None or stamp[-2]:  # the LearnedPhrase row count
        rows = LearnedPhrase.objects.filter(active=True).values_list(
            "council_id", "service_id", "phrase"
        )
        for council_id, service_id, phrase in rows:
            found[council_id].append((service_id, phrase_key(phrase)))
    index.learned = dict(found)
    return index.learned


def boost(index, hits: list, *, text: str, councils_by_tier: dict | None) -> list:
    """The ranking with this council's learned phrases applied (nothing changes for a search
    without a council or for a council that has learned nothing)."""
    council_ids = {cid for cid in (councils_by_tier or {}).values() if cid}
    if not council_ids:
        return hits
    learned = {cid: phrases for cid, phrases in active_phrases(index).items() if cid in council_ids}
    if not learned:
        return hits
    keys = set(phrase_keys(text))
    matched: Counter = Counter()
    for council_id, phrases in learned.items():
        for service_id, key in phrases:
            if key in keys:
                matched[(council_id, service_id)] += 1
    if not matched:
        return hits
    best = max((h.score for h in hits), default=1.0)
    result = []
    seen = set()
    for hit in hits:
        council_id = councils_by_tier.get(hit.tier)
        n = matched.get((council_id, hit.service_id), 0)
        if n:
            hit = replace(hit, score=hit.score * min(LEARNED_BOOST**n, LEARNED_MAX))
        result.append(hit)
        seen.add(hit.service_id)
    for (council_id, service_id), n in matched.items():
        if service_id in seen or index.is_hidden(service_id=service_id, council_id=council_id):
            continue
        doc = index.reworded_docs.get((council_id, service_id)) or next(
            (d for d in index.docs[: index.national_count] if d.service_id == service_id), None
        )
        if doc is None or councils_by_tier.get(doc.tier) != council_id:
            continue
        result.append(
            search.Hit(
                doc.service_id,
                doc.lgsl,
                doc.name,
                doc.summary,
                doc.tier,
                best * min(LEARNED_ENTRY * n, 1.0),
                1.0,
                doc.council_id,
                True,
                1.0,
            )
        )
        seen.add(service_id)
    result.sort(key=lambda h: (-h.score, h.lgsl))
    return result


# --- reads for the staff page (scoped by council) ------------------------------------------------


def learned_phrase_list_for_council(*, council) -> list[LearnedPhrase]:
    """Everything learned for a council, in use first, by service."""
    return list(
        LearnedPhrase.objects.filter(council=council)
        .select_related("service", "deactivated_by")
        .order_by("-active", "service__name", "-evidence", "phrase")
    )


def training_pair_list_for_council(*, council, limit: int = 100) -> list:
    """The council's most recent training pairs that are not discarded."""
    from pocketcouncil.services.models import TrainingPair

    return list(
        TrainingPair.objects.filter(council=council, discarded_at__isnull=True)
        .select_related("service", "previous_service")
        .order_by("-created_at", "-pk")[:limit]
    )
