"""The front door in Welsh: a resident who writes in Welsh finds the right service.

Offline and rule-based (no model, no network):

1. ``detect_language`` tells Welsh from English by Welsh function words ("mae", "yn", "wedi",
   "heb", "fy" ...), words of the Welsh vocabulary and Welsh spelling (ŵ, ŷ, "dd", "ll" or "rh"
   at the start of a word), against English function words.
2. ``search_text`` turns a Welsh query into English search words that the existing front-door
   search (``services.search``) ranks as it ranks any English query: the English words of the
   services whose Welsh names or synonyms the query contains (pocketcouncil/services/vocabulary/
   cy.toml), and a word-by-word gloss of the rest. English text comes back unchanged.

Welsh changes the first letter of words after some words (mutations: "bin" -> "fy min", "casglu"
-> "heb ei gasglu", "treth" -> "ei threth"), so every word is compared in all the forms it could
have come from. Accents are optional ("ty" matches "tŷ"), as many people type without them.

See docs/welsh.md ("The front door in Welsh") and docs/benchmarks.md for how it is measured.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

VOCABULARY = Path(__file__).resolve().parent / "vocabulary" / "cy.toml"
# The Welsh evaluation set: tuning.csv may guide changes to the vocabulary; holdout.csv never.
EVALUATION = Path(__file__).resolve().parent / "evaluation_cy"

# Welsh words that carry no meaning for search (and mark the text as Welsh).
STOPWORDS = frozenset(
    """a ac ag am ar at y yr r i o yn ym yng mae ma maen mai wedi di heb ddim dim nid ni nad na
    nac fy fyn yn eich ein ei eu ti chi fi mi nhw e hi ef fe fo dwi dw dwin rwy rwyn rydw rydyn
    rydym ydy ydi ydyn yw ydw oes does sydd sy bod roedd oedd oeddwn bydd fydd sut pryd ble beth
    be pwy pam faint angen isio eisiau eisie moyn gallu gallaf galla gaf ga cael gael hwn hon hyn
    hynny yma yna ond neu hefyd iawn dros drwy trwy tu mewn ers ddoe heddiw bob pob dal dros gan
    gyda gydag efo wrth tan hyd nawr rwan rŵan plis os er mwyn ddim dyw dydy dydi dyna dyma sa
    sai fe mor fawr n""".split()  # noqa: SIM905 - a word list reads better as text
)
# Short words both languages use: they count half for each.
_AMBIGUOUS = frozenset(
    {"a", "i", "o", "am", "at", "e", "fe", "be", "hi", "mi", "ma", "dim", "fawr"}
)
# Words of the Welsh vocabulary that English residents type too.
_LOANWORDS = frozenset({"slab", "cant", "tag", "tip", "parti", "sgip", "fan", "garej", "landlord"})
ENGLISH_MARKERS = frozenset(
    """the is my of to and in on for with not has have been was are it its this that there
    our your can how what when where who do does did no near outside next by from an be
    someone somebody need want help please""".split()  # noqa: SIM905
)
_ACCENTS = str.maketrans("âêîôûŵŷáéíóúẃýàèìòùẁỳäëïöüẅÿ", "aeiouwyaeiouwyaeiouwyaeiouwy")
_SPLIT = re.compile(r"[^a-z0-9]+")


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFC", text.lower()).translate(_ACCENTS)
    return text.replace("’", "'").replace("-", " ")


def _words(text: str) -> list[str]:
    # "i'r", "dydy'r", "a'r": the 'r is the article; keep the word before it.
    return [w for w in _SPLIT.split(_plain(text).replace("'", " ")) if w]


# Radical (dictionary) forms a word may have come from, by its first letters. Order matters:
# longer prefixes first ("ngh" before "ng", "mh" before "m").
_UNMUTATE = [
    ("ngh", ["c"]),
    ("mh", ["p"]),
    ("nh", ["t"]),
    ("ng", ["g"]),
    ("ch", ["c"]),
    ("ph", ["p"]),
    ("th", ["t"]),
    ("dd", ["d"]),
    ("ll", []),
    ("rh", []),
    ("g", ["c"]),
    ("b", ["p"]),
    ("d", ["t"]),
    ("f", ["b", "m"]),
    ("l", ["ll"]),
    ("r", ["rh"]),
    ("m", ["b"]),
    ("n", ["d"]),
    ("h", [""]),
]
_VOWEL = re.compile(r"^[aeiouwy]")


def radicals(word: str) -> set[str]:
    """``word`` and every form it could be a mutation of: "fin" -> {"fin", "bin", "min"}."""
    forms = {word}
    for prefix, originals in _UNMUTATE:
        if word.startswith(prefix) and len(word) > len(prefix) + 1:
            rest = word[len(prefix) :]
            forms.update(original + rest for original in originals)
            break
    if _VOWEL.match(word):
        forms.add("g" + word)  # soft mutation drops g: "ardd" <- "gardd"
    return forms


@dataclass(frozen=True)
class _Synonym:
    lgsl: int
    words: tuple[frozenset[str], ...]  # each content word of the phrase, in all its forms


@dataclass(frozen=True)
class Vocabulary:
    services: dict[int, dict]
    synonyms: tuple[_Synonym, ...]
    gloss: dict[str, str]  # Welsh word (radical, no accents) -> English words
    welsh_words: frozenset[str]  # every Welsh word above, as written (no accents)
    shared_words: frozenset[str]  # words English uses too ("bin", "car", "tip", "graffiti")

    def is_welsh_word(self, word: str) -> bool:
        return word not in self.shared_words and bool(radicals(word) & self.welsh_words)

    def english_for(self, word: str) -> str | None:
        for form in radicals(word):
            if form in self.gloss:
                return self.gloss[form]
        return None


def _content(text: str) -> list[str]:
    return [w for w in _words(text) if w not in STOPWORDS]


@cache
def vocabulary() -> Vocabulary:
    data = tomllib.loads(VOCABULARY.read_text(encoding="utf-8"))
    services = {int(code): entry for code, entry in data["services"].items()}
    synonyms = []
    for lgsl, entry in services.items():
        for phrase in [entry["name"], *entry.get("synonyms", [])]:
            content = _content(phrase)
            if content:
                synonyms.append(_Synonym(lgsl, tuple(frozenset(radicals(w)) for w in content)))
    gloss = {_plain(k).replace("'", ""): v for k, v in data["words"].items()}
    welsh_words = set(gloss)
    for entry in services.values():
        for phrase in [entry["name"], *entry.get("synonyms", [])]:
            welsh_words.update(_content(phrase))
    english = [entry["english"] for entry in services.values()] + list(gloss.values())
    shared = {w for text in english for w in _words(text)} | ENGLISH_MARKERS | _LOANWORDS
    return Vocabulary(
        services, tuple(synonyms), gloss, frozenset(welsh_words - shared), frozenset(shared)
    )


def detect_language(text: str) -> str:
    """ "cy" if ``text`` reads as Welsh, else "en"."""
    found = _words(text)
    if not found:
        return "en"
    vocab = vocabulary()
    welsh = english = 0.0
    for word in found:
        if word in ENGLISH_MARKERS:
            english += 1
        if word in _AMBIGUOUS:  # "a", "i", "at" ... could be either language
            welsh += 0.5
            english += 0.5
        elif word in STOPWORDS or vocab.is_welsh_word(word):
            welsh += 1
        if re.search(r"dd|^ll|^rh|^ngh|^mh|^nh|wy|ae[^r]", word):
            welsh += 0.5
    if re.search(r"[ŵŷâêîôû]", text.lower()):
        welsh += 1
    return "cy" if welsh >= 1 and welsh > english else "en"


def _covers(synonym: _Synonym, query: list[set[str]]) -> set[int]:
    """The query words a synonym accounts for, if every word of it is in the query."""
    covered = set()
    for word in synonym.words:
        found = {i for i, forms in enumerate(query) if word & forms}
        if not found:
            return set()
        covered |= found
    return covered


def services_named(text: str) -> list[int]:
    """LGSL codes of the services whose Welsh names or synonyms ``text`` contains, the ones
    accounting for most of its words first (ties all kept)."""
    vocab = vocabulary()
    query = [radicals(w) for w in _content(text)]
    covered: dict[int, set[int]] = {}
    for synonym in vocab.synonyms:
        found = _covers(synonym, query)
        if found:
            covered.setdefault(synonym.lgsl, set()).update(found)
    if not covered:
        return []
    best = max(len(found) for found in covered.values())
    return [lgsl for lgsl, found in covered.items() if len(found) == best]


def search_text(text: str) -> str:
    """What to search for: English ``text`` as it is, Welsh ``text`` as English search words."""
    if detect_language(text) != "cy":
        return text
    vocab = vocabulary()
    parts = [vocab.services[lgsl]["english"] for lgsl in services_named(text)]
    if not parts:
        for word in _content(text):
            english = vocab.english_for(word)
            parts.append(english if english is not None else word)
    return " ".join(parts) or text
