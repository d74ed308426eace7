"""Small helpers shared by the accounts views."""

from django.shortcuts import redirect

from pocketcouncil.accounts import permissions
from pocketcouncil.accounts.stepup import is_safe_path


def actor(request):
    """Who is really doing this: the resident, or the member of staff acting for them."""
    return permissions.staff_user(request)


def next_url(request, default: str = "accounts-profile") -> str:
    """The validated ``next`` path (form field or query string), else the default page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    return candidate if is_safe_path(candidate) else ""


def go_next(request, default: str = "accounts-profile"):
    return redirect(next_url(request) or default)


def rotate_if_changed(request, change) -> None:
    """A new session key whenever the assurance level changes (session fixation defence)."""
    if change is not None and change.changed:
        request.session.cycle_key()
