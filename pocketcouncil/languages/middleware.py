"""Remembering the resident's language.

English pages are unprefixed and Welsh pages live under ``/cy/`` (``i18n_patterns``), so the
address always says the language and every page can be linked to in either. On top of that:

* The toggle links to the same page in the other language with ``?lang=<code>``. Following it
  records the choice in the language cookie (and on the account, when signed in) and redirects
  to the clean address.
* A browser opening an unprefixed page while the remembered choice is Welsh is sent to the Welsh
  version of the page, so a resident who chose Welsh stays in Welsh when they come back or follow
  an English link. Only page navigations (``Accept: text/html``, GET) are redirected: feeds,
  calendars and scripts are left alone, and the APIs are outside ``i18n_patterns``.

Runs after the authentication and assisted digital middleware (it needs ``request.user``).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils.cache import patch_vary_headers

from pocketcouncil.languages import paths


def remembered_language(request) -> str:
    """The resident's choice: the cookie, else the account, else empty (not chosen)."""
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if cookie in paths.codes():
        return cookie
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return getattr(user, "preferred_language", "") or ""
    return ""


def set_language_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _record_choice(request, language: str) -> None:
    user = getattr(request, "user", None)
    # A member of staff acting for a resident reads in their own language: the resident's
    # account is theirs to change.
    if user is None or not user.is_authenticated or getattr(request, "staff_user", None):
        return
    from pocketcouncil.accounts import actions as accounts

    accounts.preferred_language_set(user=user, language=language, actor=user)


class LanguageChoiceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            response = self._choice(request) or self._remembered(request)
            if response is not None:
                return response
        response = self.get_response(request)
        if paths.language_in_path(request.path_info) is None:
            # The same unprefixed address answers differently for a resident who chose Welsh.
            patch_vary_headers(response, ("Cookie",))
        return response

    def _choice(self, request):
        chosen = request.GET.get(paths.CHOICE_PARAMETER)
        if chosen is None:
            return None
        url = paths.without_choice(request.get_full_path())
        if chosen not in paths.codes():
            return HttpResponseRedirect(url)
        _record_choice(request, chosen)
        response = HttpResponseRedirect(url)
        set_language_cookie(response, chosen)
        return response

    def _remembered(self, request):
        if paths.language_in_path(request.path_info) is not None:
            return None
        if "text/html" not in request.headers.get("Accept", ""):
            return None
        language = remembered_language(request)
        if not language or language == settings.LANGUAGE_CODE:
            return None
        url = paths.url_in(request.get_full_path(), language)
        if url is None:
            return None
        response = HttpResponseRedirect(url)
        patch_vary_headers(response, ("Cookie",))
        return response
