"""Screening text before it goes public: personal data, the council's word list, pre-moderation.

Pure functions over text; the actions decide what to do with the answer.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from pocketcouncil.engage.models import ContentState, Moderation

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# UK phone numbers written the usual ways: 07700 900123, +44 7700 900123, (01865) 249811.
_PHONE = re.compile(r"(?:\+44\s?\(?0?\)?\s?|\(?0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}")


def personal_data_in(text: str) -> list[str]:
    """What kinds of personal data the text seems to contain ("email", "phone")."""
    found = []
    if _EMAIL.search(text):
        found.append("email")
    if _PHONE.search(text):
        found.append("phone")
    return found


def blocked_words_in(text: str, words) -> list[str]:
    lowered = text.lower()
    return [
        w for w in words if re.search(rf"(?<!\w){re.escape(w.lower())}(?!\w)", lowered) is not None
    ]


def screen(text: str, *, moderation: str, words=()) -> tuple[str, str]:
    """(state, reason) for new public text."""
    kinds = personal_data_in(text)
    if kinds:
        return ContentState.HELD, _(
            "It seems to include an email address or phone number. A moderator will check it "
            "before it is shown, to protect people's privacy."
        )
    if blocked_words_in(text, words):
        return ContentState.HELD, _("It uses words a moderator needs to check first.")
    if moderation == Moderation.PRE:
        return ContentState.PENDING, ""
    return ContentState.PUBLISHED, ""
