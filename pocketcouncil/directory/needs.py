"""The needs the directory signposts to, each a term of Pocket Council's own taxonomy.

A listing answers a need when it carries the need's term (``Attribute``): councils and
organisations tag listings, and imported feeds can be mapped on to them. A resident's words
("I'm lonely", "can't afford food") are matched to a need by ``need_for_text``, so the front
door and a case closed as "not the council's responsibility" can show the help around them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

TAXONOMY_ID = "pocketcouncil-needs"
TAXONOMY_NAME = "Pocket Council needs"


@dataclass(frozen=True)
class Need:
    slug: str
    label: str
    words: tuple[str, ...]
    # Shown with the services: a way out of the page for someone who may be watched.
    safe_exit: bool = False

    @property
    def term_id(self) -> str:
        return f"{TAXONOMY_ID}-{self.slug}"


NEEDS: tuple[Need, ...] = (
    Need(
        "loneliness",
        _("Loneliness and isolation"),
        ("lonely", "loneliness", "isolated", "isolation", "befriend", "no one to talk", "alone"),
    ),
    Need(
        "food",
        _("Food"),
        ("food", "foodbank", "hungry", "afford food", "larder", "pantry", "meals", "eat"),
    ),
    Need(
        "debt",
        _("Money and debt"),
        ("debt", "debts", "money advice", "bills", "arrears", "bailiff", "budgeting", "loan"),
    ),
    Need(
        "carers",
        _("Carers"),
        ("carer", "carers", "caring for", "care for my", "look after my", "respite"),
    ),
    Need(
        "mental-health",
        _("Mental health"),
        (
            "mental health",
            "anxiety",
            "depressed",
            "depression",
            "stress",
            "counselling",
            "suicidal",
        ),
    ),
    Need(
        "domestic-abuse",
        _("Domestic abuse"),
        ("domestic abuse", "domestic violence", "abusive", "abuse", "partner hits", "coercive"),
        safe_exit=True,
    ),
)
BY_SLUG = {need.slug: need for need in NEEDS}
# Where the "Leave this site" button goes: a neutral page that replaces this one.
SAFE_EXIT_URL = "https://www.bbc.co.uk/weather"


def need_get(slug: str) -> Need | None:
    return BY_SLUG.get(slug)


def need_for_text(text: str) -> Need | None:
    """The need a resident's words are about, or None. The first need any phrase matches wins,
    in ``NEEDS`` order, except that domestic abuse wins whenever it matches."""
    words = " " + re.sub(r"[^a-z ]+", " ", (text or "").lower()) + " "
    matched = [need for need in NEEDS if any(f" {phrase} " in words for phrase in need.words)]
    for need in matched:
        if need.safe_exit:
            return need
    return matched[0] if matched else None
