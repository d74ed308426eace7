"""When the front door's best answers are close, ask one question that tells them apart.

"crack" finds both road and pavement repairs with nearly the same score: instead of leaving the
resident to guess which service is theirs, the page asks "Is it on the road or on the pavement
or footpath?". The question is built from how each candidate is named in a question (its
``ask`` in ``search_data/report_categories.toml``), so it says exactly what differs between
them. The answer is a plain form (works without JavaScript) and settles the service: the
resident goes straight to the chosen one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from pocketcouncil.services import vocabulary

# A candidate is close when its score is at least this share of the best one's. Measured on the
# labelled phrasings and report titles (docs/benchmarks.md): ask often enough to help with
# one-word reports ("crack", "flooding"), rarely for a clear need ("pothole").
CLOSE_RATIO = 0.7
MAX_OPTIONS = 3


@dataclass(frozen=True)
class Option:
    lgsl: int
    label: str  # "On the road"
    url: str


@dataclass(frozen=True)
class Question:
    text: str  # "Is it on the road or on the pavement or footpath?"
    options: list[Option]


def question_for(results) -> Question | None:
    """The question telling the close best ``results`` apart (``queries.SearchResult``s, best
    first), or None when the best is clear or the candidates cannot be told apart in words."""
    if len(results) < 2:
        return None
    known = vocabulary.vocabulary_by_lgsl()
    best = results[0].score
    if best <= 0:
        return None
    options: list[tuple[str, object]] = []
    for result in results[:MAX_OPTIONS]:
        if result.score < CLOSE_RATIO * best:
            break
        entry = known.get(result.lgsl)
        if entry is None or not entry.ask:
            # The first candidates must all be nameable: a question that leaves out one of the
            # best answers would steer the resident away from it.
            return None
        if any(ask == entry.ask for ask, _r in options):
            continue
        options.append((entry.ask, result))
    if len(options) < 2:
        return None
    asks = [ask for ask, _r in options]
    joined = _("%(first)s or %(last)s") % {"first": ", ".join(asks[:-1]), "last": asks[-1]}
    return Question(
        text=_("Is it %(options)s?") % {"options": joined},
        options=[Option(r.lgsl, capfirst(ask), r.url) for ask, r in options],
    )
