"""Reads other apps need about languages."""

from __future__ import annotations

from pocketcouncil.languages.models import WelshLanguageStandard


def bilingual_layout_for(*, council_id: int | None) -> str | None:
    """The council's bilingual layout (``Layout``) under the Welsh Language Standards, or None
    when the council has no such setting (it writes in the resident's language)."""
    if council_id is None:
        return None
    return (
        WelshLanguageStandard.objects.filter(council_id=council_id)
        .values_list("layout", flat=True)
        .first()
    )
