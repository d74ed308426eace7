"""Front-door search: ranking services for what residents type.

Three methods, compared in docs/benchmarks.md ("Front-door search"):

- ``keyword``: how many of the query's words appear in the service's text (the baseline).
- ``bm25``: Okapi BM25 over all of a service's text as one field, words as typed.
- ``final`` (what the site uses): BM25F-style field weights (name and everyday phrasings count
  most), English stemming, a few everyday-word expansions, typo tolerance (rapidfuzz against the
  index vocabulary), a reward for covering more of the query, and a boost for services with
  hand-written content.

The index is derived data: a per-process cache keyed on a catalogue version stamp read from
the database on every search (row counts and latest ``updated_at`` of the tables it is built
from), so an edit anywhere is seen by the next search in every process. Correctness never
depends on the cache: without it the index is simply rebuilt.
"""

from __future__ import annotations

import math
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import Stemmer
from django.db import connection
from rapidfuzz import fuzz, process

from pocketcouncil.councils.models import Council, CouncilTier, ServiceTier
from pocketcouncil.services import vocabulary
from pocketcouncil.services.models import (
    CouncilService,
    Service,
    ServiceAttribute,
    ServiceFAQ,
)

STOPWORDS = frozenset(
    """a about after all am an and any are as at be been being but by can cant could did do
    does dont for from get got has have having he her here him his how i i'm im if in into is it
    its just me my myself need needs no not of on or our out please she should so some than that
    the their them then there these they this to too up us was we were what whats when where which
    who why will with would you your yours want wanted like help tell find know anyone someone
    council councils local theres ive id youre thats isnt wasnt arent doesnt didnt wont
    really very go goes going""".split()  # noqa: SIM905 - a word list reads better as text
)
# Words of place and time in residents' reports ("opposite number 4", "for weeks now"): they
# never say which service is needed, and matched services that happen to use them.
REPORT_FILLER = frozenset(
    """outside opposite near nearby next past towards toward located location front corner
    side end top bottom beside behind between along again still now today yesterday week weeks
    month months year years ago since number numbers please thanks thank hello hi dear regards
    sir madam also just""".split()  # noqa: SIM905
)

# Words residents use -> words the catalogue uses (added to the query at a lower weight).
EXPANSIONS = {
    "rubbish": ["waste", "bin"],
    "trash": ["rubbish", "waste"],
    "junk": ["rubbish", "bulky"],
    "refuse": ["rubbish", "waste"],
    "lamp": ["light"],
    "lamppost": ["street", "light"],
    "dumped": ["flytip"],
    "dumping": ["flytip"],
    "tip": ["recycling", "centre"],
    "binmen": ["bin", "collection"],
    "telly": ["tv"],
    "kid": ["child"],
    "kids": ["child"],
    "son": ["child"],
    "daughter": ["child"],
    "mum": ["care"],
    "nan": ["care"],
    "gran": ["care"],
    "skint": ["help", "pay"],
    "afford": ["help", "pay"],
    "motor": ["car"],
    "wedding": ["marriage"],
    "married": ["marriage"],
    "died": ["death"],
    "dead": ["death"],
    "baby": ["birth"],
    "nappy": ["waste"],
}
# Written-together forms, so "fly tipping", "fly-tip" and "flytipping" are the same word.
PHRASES = [
    (re.compile(r"\bfly[\s-]*tip"), "flytip"),
    (re.compile(r"\blamp[\s-]*post"), "lamppost"),
    (re.compile(r"\bbin[\s-]*men\b"), "binmen"),
    (re.compile(r"\bstreet[\s-]*lights?\b"), "streetlight"),
    (re.compile(r"\bwheelie[\s-]*bin"), "wheeliebin"),
    (re.compile(r"\bcouncil[\s-]*tax\b"), "counciltax"),
    (re.compile(r"\bc[\s-]*tax\b"), "counciltax"),
    (re.compile(r"\banti[\s-]*social\b"), "antisocial"),
    (re.compile(r"\bpot[\s-]*holes?\b"), "pothole"),
    (re.compile(r"\bdrive[\s-]*ways?\b"), "drive"),
]
# Weight of a match on a known word that begins the query's word.
PREFIX_WEIGHT = 0.75
# Typo correction costs about 0.1 ms a word: in a long description, only the first this many
# unknown words are corrected (the rest are mostly names of places and people), so 2,000
# characters of anything stay well under 30 ms. The per-index cache of corrections is bounded.
FUZZY_WORDS_PER_QUERY = 40
FUZZY_CACHE_SIZE = 20_000
FIELD_WEIGHTS = {
    "name": 3.0,
    "synonyms": 2.0,
    "summary": 1.0,
    "faqs": 1.0,
    "label": 1.0,
    "description": 0.3,
    "form": 0.5,  # the form's questions and choices ("Table or wardrobe" for bulky waste)
    # Report vocabulary (services/search_data/report_categories.toml): the category names of
    # real reporting systems, and the words residents use in real reports.
    "categories": 1.0,
    "report_words": 2.0,
}
CURATED_BOOST = 1.5
REPORTED_BOOST = 2.0
K1, B = 1.2, 0.75
# When the best result is a weak match, the page says so instead of listing it: a service with
# hand-written content is weak if its words cover less than WEAK_COVERAGE_CURATED of the query,
# any other (an LGSL label and description only) if less than WEAK_COVERAGE.
WEAK_COVERAGE = 0.6
WEAK_COVERAGE_CURATED = 0.15
# ... and any result is weak if no query word matched it better than this (a typo correction
# of 80 % similarity weighs 0.64): "purple elephant" must not become "pupil records".
WEAK_STRONGEST = 0.7
# Coverage is the share of the query's words a service matches, out of at most this many: a
# resident's description of several sentences ("street light out by the alleyway next to the
# coach house") names the problem in a few words and the place in the rest.
COVERAGE_WORDS = 6
# An FAQ of the best result is shown as the answer when its question shares at least this share
# of the query's words, and the shared words are at least this share of the question's words.
ANSWER_COVERAGE = 0.75
ANSWER_PRECISION = 0.4

_stemmer = Stemmer.Stemmer("english")
_split = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    text = text.lower().replace("\u2019", "'").replace("'", "")
    for pattern, replacement in PHRASES:
        text = pattern.sub(replacement, text)
    return text


def words(text: str) -> list[str]:
    return [w for w in _split.split(normalise(text)) if w and w not in STOPWORDS]


def query_words(text: str) -> list[str]:
    """The words of a query that can say what is needed (no filler of place and time)."""
    return [w for w in words(text) if w not in REPORT_FILLER]


def tokens(text: str, *, stem: bool = True) -> list[str]:
    found = words(text)
    return _stemmer.stemWords(found) if stem else found


@lru_cache(maxsize=50_000)
def _field_tokens(text: str, stem: bool) -> tuple[str, ...]:
    """Tokens of one field of a service. Cached, so that rebuilding the index after a small
    catalogue change only re-reads the text that changed (a full build takes ~0.4 s)."""
    return tuple(tokens(text, stem=stem))


@dataclass
class Doc:
    service_id: int
    lgsl: int
    name: str
    summary: str
    tier: str
    curated: bool
    council_id: int | None = None  # set on a council's reworded copy
    described: bool = False  # has report vocabulary (judged like hand-written content)
    reported: bool = False  # about a place: what residents report on a map
    terms: dict[str, float] = field(default_factory=dict)
    length: float = 0.0


@dataclass(frozen=True)
class Hit:
    service_id: int
    lgsl: int
    name: str
    summary: str
    tier: str
    score: float
    coverage: float
    council_id: int | None = None
    curated: bool = False
    strongest: float = 1.0  # the best match of any one query word (below 1: typo-corrected)

    @property
    def weak(self) -> bool:
        if self.strongest < WEAK_STRONGEST:
            return True  # matched only through guessed typo corrections
        return self.coverage < (WEAK_COVERAGE_CURATED if self.curated else WEAK_COVERAGE)


@dataclass(frozen=True)
class FaqHit:
    faq_id: int
    service_id: int
    lgsl: int
    question: str
    answer: str
    score: float
    coverage: float


@dataclass(frozen=True)
class Method:
    name: str
    stem: bool = True
    weighted_fields: bool = True
    expand: bool = True
    fuzzy: bool = True
    coverage: bool = True
    curated_boost: float = CURATED_BOOST
    report_vocabulary: bool = True
    # Services about a place (a location-based service, or one with report vocabulary) rank
    # higher: most of what residents describe at length is a problem somewhere.
    reported_boost: float = REPORTED_BOOST


FINAL = Method("final")
# The method before the report vocabulary was added (measured in docs/benchmarks.md).
FINAL_WITHOUT_VOCABULARY = Method(
    "final without report language", report_vocabulary=False, reported_boost=1.0
)
BM25_PLAIN = Method(
    "bm25",
    stem=False,
    weighted_fields=False,
    expand=False,
    fuzzy=False,
    coverage=False,
    curated_boost=1.0,
    report_vocabulary=False,
    reported_boost=1.0,
)


class Index:
    """An in-memory BM25 index of the catalogue (and councils' rewordings) for one method."""

    def __init__(
        self,
        services: list[dict],
        faqs: list[dict],
        overrides: list[dict],
        councils: list[dict],
        method: Method = FINAL,
    ):
        self.method = method
        faq_text = defaultdict(list)
        for faq in faqs:
            faq_text[faq["service_id"]].append(faq["question"])
        self.docs: list[Doc] = []
        by_service = {}
        for s in services:
            doc = self._doc(s, faq_text[s["id"]])
            by_service[s["id"]] = s
            self.docs.append(doc)
        self.national_count = len(self.docs)
        self.hidden: dict[int, set[int]] = defaultdict(set)
        self.reworded: dict[int, set[int]] = defaultdict(set)
        self.reworded_docs: dict[tuple[int, int], Doc] = {}
        for o in overrides:
            if o["hidden"]:
                self.hidden[o["council_id"]].add(o["service_id"])
            elif (o["name"] or o["summary"]) and o["service_id"] in by_service:
                s = dict(by_service[o["service_id"]])
                s["name"] = o["name"] or s["name"]
                s["summary"] = o["summary"] or s["summary"]
                doc = self._doc(s, faq_text[s["id"]], council_id=o["council_id"])
                self.docs.append(doc)
                self.reworded[o["council_id"]].add(o["service_id"])
                self.reworded_docs[(o["council_id"], o["service_id"])] = doc
        self.councils = {c["id"]: c for c in councils}
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, doc in enumerate(self.docs):
            for term, tf in doc.terms.items():
                self.postings[term].append((i, tf))
        national_lengths = [d.length for d in self.docs[: self.national_count]] or [1.0]
        self.avg_length = sum(national_lengths) / len(national_lengths)
        n = max(self.national_count, 1)
        self.idf = {}
        for term, plist in self.postings.items():
            df = sum(1 for i, _tf in plist if i < self.national_count) or 1
            self.idf[term] = math.log(1 + (n - df + 0.5) / (df + 0.5))
        self.vocabulary = list(self.postings)
        self.faqs = [
            {
                **faq,
                "lgsl": by_service[faq["service_id"]]["lgsl"],
                "terms": set(tokens(faq["question"])),
            }
            for faq in faqs
            if faq["service_id"] in by_service
        ]
        self._expand_cache: dict[str, list[tuple[str, float]]] = {}

    def _doc(self, s: dict, faq_questions: list[str], council_id=None) -> Doc:
        doc = Doc(s["id"], s["lgsl"], s["name"], s["summary"], s["tier"], s["curated"], council_id)
        fields = {
            "name": s["name"],
            "synonyms": s["synonyms"],
            "summary": s["summary"],
            "faqs": " ".join(faq_questions),
            "form": s.get("form_text", ""),
            "label": s["lgsl_label"] if s["lgsl_label"] != s["name"] else "",
            "description": s["lgsl_description"],
        }
        known = None
        if self.method.report_vocabulary:
            known = vocabulary.vocabulary_by_lgsl().get(s["lgsl"])
        if known:
            fields["categories"] = known.categories_text
            fields["report_words"] = known.words_text
            doc.described = True
        doc.reported = bool(s.get("location_based")) or doc.described
        for name, text in fields.items():
            weight = FIELD_WEIGHTS[name] if self.method.weighted_fields else 1.0
            found = _field_tokens(text, self.method.stem)
            for term in found:
                doc.terms[term] = doc.terms.get(term, 0.0) + weight
            doc.length += weight * len(found)
        return doc

    # -- query side -------------------------------------------------------------------------

    def query_terms(self, text: str) -> list[tuple[str, float, int]]:
        """(index term, weight, which query word it came from)."""
        report_language = self.method.report_vocabulary
        raw = query_words(text) if report_language else words(text)
        result = []
        corrections_left = FUZZY_WORDS_PER_QUERY
        for position, word in enumerate(raw):
            term = _stemmer.stemWord(word) if self.method.stem else word
            if term not in self.idf and term not in self._expand_cache:
                if corrections_left <= 0:
                    continue
                corrections_left -= 1
            for t, w in self._variants(term):
                result.append((t, w, position))
            if self.method.expand:
                for extra in EXPANSIONS.get(word, []):
                    extra_term = _stemmer.stemWord(extra) if self.method.stem else extra
                    if extra_term in self.idf:
                        result.append((extra_term, 0.5, position))
        return result

    def _variants(self, term: str) -> list[tuple[str, float]]:
        if term in self.idf or not self.method.fuzzy:
            return [(term, 1.0)] if term in self.idf else []
        cached = self._expand_cache.get(term)
        if cached is None:
            cached = []
            if len(term) >= 4:
                cutoff = 80 if len(term) < 6 else 75
                for match, score, _i in process.extract(
                    term, self.vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff, limit=3
                ):
                    cached.append((match, (score / 100) ** 2))
                # A longer form of a known word the stemmer does not reduce ("gritter" ->
                # "grit"): the longest known prefix of at least 4 letters and over half the word.
                if not any(weight >= PREFIX_WEIGHT for _m, weight in cached):
                    shortest = max(4, len(term) // 2 + 1)
                    for end in range(len(term) - 1, shortest - 1, -1):
                        if term[:end] in self.idf:
                            cached.append((term[:end], PREFIX_WEIGHT))
                            break
            if len(self._expand_cache) >= FUZZY_CACHE_SIZE:
                self._expand_cache.clear()
            self._expand_cache[term] = cached
        return cached

    def search(
        self,
        text: str,
        *,
        councils_by_tier: dict[str, int | None] | None = None,
        limit: int = 10,
    ) -> list[Hit]:
        """Services best matching ``text``, best first.

        ``councils_by_tier`` says which council provides each tier where the resident is (a
        unitary for both; a district and its county). Then a service a council hides is left
        out and a council's own wording is matched and shown. A tier mapped to None is searched
        in the national wording; a tier left out is not searched. Without it: national.
        """
        terms = self.query_terms(text)
        if not terms:
            return []
        counted = query_words(text) if self.method.report_vocabulary else words(text)
        total = min(len(counted), COVERAGE_WORDS)
        allowed = self._allowed(councils_by_tier)
        scores: dict[int, float] = defaultdict(float)
        # For each document, the best weight with which each query word matched it.
        covered: dict[int, dict[int, float]] = defaultdict(dict)
        for term, weight, position in terms:
            idf = self.idf[term]
            for i, tf in self.postings[term]:
                if not allowed(i):
                    continue
                doc = self.docs[i]
                norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * doc.length / self.avg_length))
                scores[i] += weight * idf * norm
                if weight > covered[i].get(position, 0.0):
                    covered[i][position] = weight
        best: dict[int, Hit] = {}
        for i, score in scores.items():
            doc = self.docs[i]
            coverage = min(sum(covered[i].values()) / total, 1.0)
            if self.method.coverage:
                score *= 0.25 + coverage
            if doc.curated:
                score *= self.method.curated_boost
            if doc.reported:
                score *= self.method.reported_boost
            hit = Hit(
                doc.service_id,
                doc.lgsl,
                doc.name,
                doc.summary,
                doc.tier,
                score,
                coverage,
                doc.council_id,
                doc.curated or doc.described,
                max(covered[i].values()),
            )
            current = best.get(doc.service_id)
            if current is None or hit.score > current.score:
                best[doc.service_id] = hit
        ranked = sorted(best.values(), key=lambda h: (-h.score, h.lgsl))
        return ranked[:limit]

    def _allowed(self, councils_by_tier):
        national = self.national_count
        docs = self.docs
        if councils_by_tier is None:
            return lambda i: i < national
        hidden = self.hidden
        reworded = self.reworded

        def allowed(i):
            doc = docs[i]
            if doc.tier not in councils_by_tier:
                return False
            council_id = councils_by_tier[doc.tier]
            if council_id is None:
                return i < national
            if doc.service_id in hidden.get(council_id, ()):
                return False
            if i < national:
                return doc.service_id not in reworded.get(council_id, ())
            return doc.council_id == council_id

        return allowed

    def is_hidden(self, *, service_id: int, council_id: int) -> bool:
        return service_id in self.hidden.get(council_id, ())

    def wording(self, *, service_id: int, council_id: int | None) -> tuple[str, str] | None:
        """A council's own (name, summary) for a service, if it rewords it."""
        doc = self.reworded_docs.get((council_id, service_id))
        return (doc.name, doc.summary) if doc else None

    def councils_by_tier_for(self, council_id: int) -> dict[str, int | None]:
        """Who provides each tier for a resident of this council's area.

        A unitary provides both; a district's county provides county services; a county's
        district services go to its district when it has exactly one on the platform, and
        otherwise to nobody in particular (the resident is asked where they live).
        """
        council = self.councils[council_id]
        if council["tier"] == CouncilTier.UNITARY:
            return {ServiceTier.COUNTY: council_id, ServiceTier.DISTRICT: council_id}
        if council["tier"] == CouncilTier.DISTRICT:
            return {ServiceTier.COUNTY: council["upper_tier_id"], ServiceTier.DISTRICT: council_id}
        districts = [c["id"] for c in self.councils.values() if c["upper_tier_id"] == council_id]
        return {
            ServiceTier.COUNTY: council_id,
            ServiceTier.DISTRICT: districts[0] if len(districts) == 1 else None,
        }

    def answers(self, text: str, *, service_ids: set[int], limit: int = 1) -> list[FaqHit]:
        """FAQs of the given services whose question says what the resident asked."""
        query = {t for t, w, _p in self.query_terms(text) if w >= 0.5}
        if len(query) < 2:
            return []
        hits = []
        for faq in self.faqs:
            if faq["service_id"] not in service_ids:
                continue
            shared = query & faq["terms"]
            if not shared:
                continue
            coverage = len(shared) / len(query)
            precision = len(shared) / max(len(faq["terms"]), 1)
            score = sum(self.idf.get(t, 0.0) for t in shared)
            if coverage >= ANSWER_COVERAGE and precision >= ANSWER_PRECISION:
                hits.append(
                    FaqHit(
                        faq["id"],
                        faq["service_id"],
                        faq["lgsl"],
                        faq["question"],
                        faq["answer"],
                        score,
                        coverage,
                    )
                )
        hits.sort(key=lambda h: (-h.score, h.faq_id))
        return hits[:limit]


def keyword_search(services: list[dict], text: str, limit: int = 10) -> list[int]:
    """The baseline: count the query's words found in each service's text. Returns LGSL codes."""
    query = set(words(text))
    scored = []
    for s in services:
        haystack = set(
            words(
                " ".join(
                    [s["name"], s["synonyms"], s["summary"], s["lgsl_label"], s["lgsl_description"]]
                )
            )
        )
        score = len(query & haystack)
        if score:
            scored.append((-score, s["lgsl"]))
    scored.sort()
    return [lgsl for _score, lgsl in scored[:limit]]


# -- loading and caching -----------------------------------------------------------------------

_lock = threading.Lock()
_cache: dict = {}


def catalogue_stamp() -> tuple:
    """A version stamp of everything the index is built from, in one cheap query."""
    parts = []
    for model in (Service, ServiceFAQ, ServiceAttribute, CouncilService, Council):
        table = connection.ops.quote_name(model._meta.db_table)
        parts.append(f"(SELECT COUNT(*) FROM {table}), (SELECT MAX(updated_at) FROM {table})")  # noqa: S608,E501 - table names from models, not input
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return tuple(cursor.fetchone())


def catalogue_rows() -> tuple[list[dict], list[dict], list[dict], list[dict]]:
    services = list(
        Service.objects.values(
            "id",
            "lgsl",
            "name",
            "summary",
            "synonyms",
            "lgsl_label",
            "lgsl_description",
            "tier",
            "curated",
            "location_based",
        )
    )
    form_text = defaultdict(list)
    for service_id, label, values in ServiceAttribute.objects.values_list(
        "service_id", "label", "values"
    ):
        form_text[service_id].append(label)
        form_text[service_id].extend(value.get("name", "") for value in values or [])
    for service in services:
        service["form_text"] = " ".join(form_text.get(service["id"], []))
    faqs = list(ServiceFAQ.objects.values("id", "service_id", "question", "answer"))
    overrides = list(
        CouncilService.objects.values("council_id", "service_id", "hidden", "name", "summary")
    )
    councils = list(Council.objects.values("id", "slug", "tier", "upper_tier_id"))
    return services, faqs, overrides, councils


def index_get(method: Method = FINAL) -> Index:
    """The index for the catalogue as it is now (rebuilt when the stamp changes)."""
    stamp = catalogue_stamp()
    key = (connection.alias, connection.settings_dict["NAME"], method)
    with _lock:
        cached = _cache.get(key)
        if cached and cached[0] == stamp:
            return cached[1]
    index = Index(*catalogue_rows(), method=method)
    with _lock:
        _cache[key] = (stamp, index)
    return index
