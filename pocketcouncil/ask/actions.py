"""Writes of the "Ask us" page: recording a question that found no good answer."""

from __future__ import annotations

import re

from django.db import transaction

from pocketcouncil.ask.models import UnansweredQuestion
from pocketcouncil.councils.models import Council
from pocketcouncil.services.privacy import redact

# A case reference (OXF-26-000123) says which resident asked; it is not part of the need.
_REFERENCE = re.compile(r"\b[A-Z]{2,4}-\d{2}-\d{4,8}\b", re.IGNORECASE)


@transaction.atomic
def unanswered_question_record(
    *, council: Council, question: str, offered_lgsl: int | None
) -> UnansweredQuestion:
    """Keep a question the page could not answer well, without personal data."""
    text = _REFERENCE.sub("[reference]", redact(" ".join(question.split())))
    return UnansweredQuestion.objects.create(
        council=council, question=text[:2000], offered_lgsl=offered_lgsl
    )
