"""The language toggle and the ``hreflang`` alternates every page shows."""

from django.conf import settings
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from pocketcouncil.languages import paths

# Each language named in itself, so a reader finds their own language whatever page they are on.
OWN_NAMES = {"en-gb": "English", "cy": "Cymraeg"}
# BCP 47 tags for lang and hreflang attributes.
TAGS = {"en-gb": "en-GB", "cy": "cy"}


def _safe_query(request) -> str:
    """The page's query for the toggle, without a ``next`` that leads off the site (the page
    checks it too, but the toggle must not echo it)."""
    query = request.GET.copy()
    for name in ("next", paths.CHOICE_PARAMETER):
        if name == "next" and url_has_allowed_host_and_scheme(
            query.get(name), allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            continue
        query.pop(name, None)
    return query.urlencode()


def languages(request):
    current = translation.get_language() or settings.LANGUAGE_CODE
    query = _safe_query(request)
    alternates = []
    toggle = []
    for code in paths.codes():
        path = paths.url_in(request.path, code)
        if path is None:
            continue
        # Alternates name the page itself; the toggle keeps what the resident was looking at.
        alternates.append(
            {"tag": TAGS.get(code, code), "url": settings.POCKETCOUNCIL_SITE_URL + path}
        )
        url = path + ("?" + query if query else "")
        toggle.append(
            {
                "code": code,
                "tag": TAGS.get(code, code),
                "name": OWN_NAMES.get(code, code),
                "url": paths.with_choice(url, code),
                "current": code == current,
            }
        )
    if len(toggle) < 2:
        # Pages with one language (integration settings) show neither toggle nor alternates.
        toggle, alternates = [], []
    return {
        "language_tag": TAGS.get(current, current),
        "language_toggle": toggle,
        "language_alternates": alternates,
    }
