"""Words that suggest someone may be at risk (self-harm, abuse, threats). A message that uses
one is flagged to staff at once, whatever else happens to it. Deliberately broad: a false flag
costs a minute of someone's time; a missed one can cost far more."""

from __future__ import annotations

import re

_PHRASES = (
    # self-harm and suicide
    r"kill (?:my ?self|myself)",
    r"end (?:my|it all)",
    r"suicid\w*",
    r"self[- ]harm\w*",
    r"hurt(?:ing)? myself",
    r"want to die",
    r"don'?t want to (?:live|be here)",
    r"overdose",
    # abuse and danger from others
    r"abus(?:e|ed|ing|ive)",
    r"domestic violence",
    r"(?:he|she|they) (?:hit|hits|beat|beats|threaten\w*) me",
    r"not safe at home",
    r"afraid for my (?:life|safety)",
    r"neglect(?:ed)? child\w*",
    r"threat(?:en|ening)? to kill",
    # Welsh
    r"lladd fy hun",
    r"hunan-niweid\w*",
    r"cam-drin",
)
_RISK = re.compile(r"\b(" + "|".join(_PHRASES) + r")\b", re.IGNORECASE)


def risk_in(text: str) -> str:
    """The first risk phrase in the text, or ""."""
    match = _RISK.search(text or "")
    return match.group(1)[:100] if match else ""
