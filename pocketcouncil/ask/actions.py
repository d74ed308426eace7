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
    # References first: the number redaction would otherwise take their digits and leave "OXF-".
    # Redacted as a whole and kept up to the field's size, not the front door's 200 characters.
    size = UnansweredQuestion._meta.get_field("question").max_length
    text = redact(_REFERENCE.sub("[reference]", question), limit=size)
    return UnansweredQuestion.objects.create(
        council=council, question=text, offered_lgsl=offered_lgsl
    )
