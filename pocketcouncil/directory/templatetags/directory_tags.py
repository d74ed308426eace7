"""``{% directory_signposts text %}``: community services beside the council's own, when a
resident's words are about a need the directory answers (see ``directory.needs``). The one hook
other apps' templates use: it renders nothing when no need matches or no service answers it."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from pocketcouncil.directory import needs, queries

register = template.Library()


def _number(value) -> float | None:
    """A template variable that is missing comes in as "": no point then."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@register.inclusion_tag("directory/includes/signposts.html")
def directory_signposts(text, council=None, latitude=None, longitude=None, postcode=""):
    need = needs.need_for_text(str(text or ""))
    if need is None:
        return {"services": []}
    services = queries.services_for_need(
        need=need,
        council=council or None,
        latitude=_number(latitude),
        longitude=_number(longitude),
    )
    params = {"need": need.slug}
    if postcode:
        params["postcode"] = str(postcode)
    return {
        "need": need,
        "services": services,
        "more_url": reverse("directory:find-help") + "?" + urlencode(params),
        "safe_exit_url": needs.SAFE_EXIT_URL,
    }
