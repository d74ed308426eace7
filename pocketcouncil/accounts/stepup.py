"""Step-up at the point of need: a page declares the assurance level it needs.

    from pocketcouncil.accounts.stepup import requires_level, restored_data

    @requires_level(2, reason=_("to make sure permits only go to people who live in the zone"))
    def permit_apply(request):
        form = PermitForm(request.POST or None, initial=restored_initial(request))
        ...

A person below the level is sent to one page that says, in one sentence, what is missing and
why; they do only the missing steps and come back. If they were sending a form, what they
typed is kept in their session (never in the address bar) and given back to the page as
``restored_data(request)`` / ``restored_initial(request)``, so nothing is lost. Files are not
kept: ask for them after the step-up. See docs/accounts.md.
"""

from __future__ import annotations

import secrets
import time
from functools import wraps
from urllib.parse import urlsplit

from django.http import QueryDict
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from pocketcouncil.accounts import levels, queries

SESSION_KEY = "accounts_stepup"
RESUME_PARAM = "stepup"
MAX_PENDING = 5
PENDING_TTL_SECONDS = 60 * 60
# Never keep these, even for a moment.
_NEVER_KEEP = {"csrfmiddlewaretoken", "password", "password1", "password2"}


def is_safe_path(url: str) -> bool:
    """A path on this site (no scheme, no host, no //evil.example)."""
    return (
        bool(url)
        and url.startswith("/")
        and not url.startswith("//")
        and url_has_allowed_host_and_scheme(url, allowed_hosts=None, require_https=False)
    )


def _pending_all(request) -> dict:
    pending = request.session.get(SESSION_KEY) or {}
    now = time.time()
    return {k: v for k, v in pending.items() if now - v.get("created", 0) < PENDING_TTL_SECONDS}


def pending_get(request, token: str) -> dict | None:
    return _pending_all(request).get(token)


def _pending_save(request, *, level: int, reason: str) -> str:
    pending = _pending_all(request)
    if len(pending) >= MAX_PENDING:
        oldest = sorted(pending, key=lambda k: pending[k]["created"])[
            : len(pending) - MAX_PENDING + 1
        ]
        for key in oldest:
            pending.pop(key)
    token = secrets.token_urlsafe(12)
    data = None
    if request.method == "POST":
        data = {k: request.POST.getlist(k) for k in request.POST if k not in _NEVER_KEEP}
    pending[token] = {
        "path": request.get_full_path(),
        "level": level,
        "reason": str(reason),
        "data": data,
        "created": time.time(),
    }
    request.session[SESSION_KEY] = pending
    return token


def return_url(pending: dict, token: str) -> str:
    """Where to send the person back to: the page they were on, marked to restore their input."""
    path = pending["path"] if is_safe_path(pending["path"]) else "/"
    if not pending.get("data"):
        return path
    separator = "&" if "?" in path else "?"
    return f"{path}{separator}{RESUME_PARAM}={token}"


def missing_for(request, level: int) -> list[str]:
    return levels.missing_steps(queries.facts_for(request.user), level)


def check(request, level: int, reason: str):
    """None if the person may carry on, else a redirect to the step-up page."""
    if not missing_for(request, level):
        _restore(request)
        return None
    token = _pending_save(request, level=level, reason=reason)
    return redirect("accounts-stepup", token=token)


def _restore(request) -> None:
    token = request.GET.get(RESUME_PARAM)
    if not token:
        return
    pending = _pending_all(request)
    entry = pending.get(token)
    if not entry or urlsplit(entry["path"]).path != request.path or not entry.get("data"):
        return
    restored = QueryDict(mutable=True)
    for key, values in entry["data"].items():
        restored.setlist(key, values)
    restored._mutable = False
    request.stepup_restored = restored
    pending.pop(token)
    request.session[SESSION_KEY] = pending


def restored_data(request) -> QueryDict | None:
    """What the person had typed before stepping up (a QueryDict like request.POST), or None."""
    return getattr(request, "stepup_restored", None)


def restored_initial(request) -> dict:
    """The restored input as ``initial`` for a form (lists kept for multi-value fields)."""
    data = restored_data(request)
    if data is None:
        return {}
    return {k: (v[0] if len(v) == 1 else v) for k, v in data.lists()}


def requires_level(level: int, *, reason):
    """Decorator: the view needs assurance ``level``; ``reason`` finishes the sentence
    "We need to check your mobile number and your home address …" (start it with "to" or
    "because", lower case)."""
    if not 0 <= level <= levels.MAX_LEVEL:
        raise ValueError(f"There is no assurance level {level}.")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = check(request, level, reason)
            if response is not None:
                return response
            return view(request, *args, **kwargs)

        wrapper.required_level = level
        return wrapper

    return decorator


class RequiresLevelMixin:
    """Class-based views: set ``required_level`` and ``level_reason``. Form views get the
    restored input merged into ``get_initial()``."""

    required_level: int = 1
    level_reason = ""

    def dispatch(self, request, *args, **kwargs):
        response = check(request, self.required_level, self.level_reason)
        if response is not None:
            return response
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = super().get_initial()
        initial.update(restored_initial(self.request))
        return initial
