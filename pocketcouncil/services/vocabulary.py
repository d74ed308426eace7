"""Report vocabulary for the front-door search, from ``search_data/report_categories.toml``.

The category names councils publish on FixMyStreet and in Open311 service lists, and the words
residents use in real reports, per LGSL code. ``search`` adds them to each service's index
text as two fields of their own (``categories`` and ``report_words``), so real report language
("gully", "carriageway", "waymarker", "phasing") finds the service, while the plain-English
name, synonyms and summary still count most. The file is version-controlled data; the search
index is rebuilt from it when the process starts (see docs/services.md).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

VOCABULARY_FILE = Path(__file__).resolve().parent / "search_data" / "report_categories.toml"


class VocabularyFileError(ValueError):
    """The vocabulary file is malformed (a wrong key or type, or an LGSL code twice)."""


@dataclass(frozen=True)
class ReportVocabulary:
    lgsl: int
    categories: tuple[str, ...]
    words: tuple[str, ...]
    ask: str = ""  # how a clarifying question names it: "on the road", "a street light"

    @property
    def categories_text(self) -> str:
        return "\n".join(self.categories)

    @property
    def words_text(self) -> str:
        return "\n".join(self.words)


def parse(text: str) -> dict[int, ReportVocabulary]:
    """The vocabulary in a TOML text, by LGSL code."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise VocabularyFileError(str(error)) from None
    unknown = set(data) - {"service"}
    if unknown:
        raise VocabularyFileError(f"Unknown top-level keys: {', '.join(sorted(unknown))}")
    found: dict[int, ReportVocabulary] = {}
    for entry in data.get("service", []):
        lgsl = entry.get("lgsl")
        if not isinstance(lgsl, int) or lgsl <= 0:
            raise VocabularyFileError(f"Each service needs a positive lgsl number, not {lgsl!r}")
        if lgsl in found:
            raise VocabularyFileError(f"LGSL {lgsl} is listed twice")
        extra = set(entry) - {"lgsl", "categories", "words", "ask"}
        if extra:
            raise VocabularyFileError(f"LGSL {lgsl}: unknown keys {', '.join(sorted(extra))}")
        lists = {}
        for key in ("categories", "words"):
            value = entry.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise VocabularyFileError(f"LGSL {lgsl}: {key} must be a list of text")
            lists[key] = tuple(v.strip() for v in value if v.strip())
        ask = entry.get("ask", "")
        if not isinstance(ask, str):
            raise VocabularyFileError(f"LGSL {lgsl}: ask must be text")
        found[lgsl] = ReportVocabulary(lgsl, lists["categories"], lists["words"], ask.strip())
    return found


@cache
def vocabulary_by_lgsl() -> dict[int, ReportVocabulary]:
    """The version-controlled vocabulary (read once per process)."""
    return parse(VOCABULARY_FILE.read_text(encoding="utf-8"))
