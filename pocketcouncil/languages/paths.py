"""The same page in another language: English is unprefixed, Welsh lives under ``/cy/``.

Pure functions over paths and the URLconf, so middleware and templates in any app can use them
(accounts' middleware checks paths without the language prefix).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.urls import get_script_prefix, translate_url
from django.utils import translation

# The toggle's links carry this query parameter, so an explicit choice (remembered in a cookie
# and on the account) is told apart from simply following a link.
CHOICE_PARAMETER = "lang"


def codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def language_in_path(path: str) -> str | None:
    """The language a path's prefix names (``cy`` for ``/cy/...``), or None when unprefixed."""
    return translation.get_language_from_path(path)


def path_without_language(path: str) -> str:
    """``/cy/accounts/`` -> ``/accounts/``: for checks that must hold in every language."""
    language = language_in_path(path)
    if language is None:
        return path
    prefix = get_script_prefix() + language + "/"
    if path.startswith(prefix):
        return get_script_prefix() + path[len(prefix) :]
    return path


def url_in(url: str, language: str) -> str | None:
    """``url`` (a path with any query) in ``language``, or None where the page has no version in
    that language (the APIs and integration pages, which are outside ``i18n_patterns``)."""
    current = language_in_path(urlsplit(url).path) or settings.LANGUAGE_CODE
    if language == current:
        return url
    # A prefixed path resolves only while its own language is active.
    with translation.override(current):
        translated = translate_url(url, language)
    return None if translated == url else translated


def with_choice(url: str, language: str) -> str:
    """``url`` with the toggle's marker, so following it records the choice."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    query = [(k, v) for k, v in query if k != CHOICE_PARAMETER] + [(CHOICE_PARAMETER, language)]
    return urlunsplit(("", "", parts.path, urlencode(query), parts.fragment))


def without_choice(url: str) -> str:
    parts = urlsplit(url)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != CHOICE_PARAMETER
    ]
    return urlunsplit(("", "", parts.path, urlencode(query), parts.fragment))
