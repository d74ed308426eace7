"""Reads of the "Ask us" page's records, scoped by council."""

from __future__ import annotations

from pocketcouncil.ask.models import UnansweredQuestion
from pocketcouncil.councils.models import Council


def unanswered_list_for_council(*, council: Council, limit: int = 200) -> list[UnansweredQuestion]:
    """The council's most recent questions without a good answer, newest first."""
    return list(UnansweredQuestion.objects.filter(council=council).order_by("-created_at")[:limit])
