"""The step-up page: one sentence saying what is missing and why, then only those steps."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from pocketcouncil.accounts import levels, queries, stepup

STEP_URLS = {
    levels.MOBILE: "accounts-mobile",
    levels.ADDRESS: "accounts-home",
    levels.IDENTITY: "accounts-identity",
}


def _join(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def stepup_page(request, token):
    pending = stepup.pending_get(request, token)
    if pending is None:
        messages.warning(
            request, _("That page has expired. Go back to what you were doing and try again.")
        )
        return redirect("home")
    facts = queries.facts_for(request.user)
    missing = levels.missing_steps(facts, pending["level"])
    if not missing:
        return redirect(stepup.return_url(pending, token))
    here = reverse("accounts-stepup", kwargs={"token": token})
    query = urlencode({"next": here})
    first = missing[0]
    if first == levels.EMAIL:
        continue_url = f"{resolve_url(settings.LOGIN_URL)}?{query}"
    else:
        continue_url = f"{reverse(STEP_URLS[first])}?{query}"
    all_steps = levels.missing_steps(levels.Facts(), pending["level"])
    sentence = _("We need to check %(steps)s %(reason)s.") % {
        "steps": _join([str(levels.STEP_NAMES[s]) for s in missing]),
        "reason": pending["reason"],
    }
    return render(
        request,
        "accounts/stepup.html",
        {
            "sentence": sentence,
            "steps": [
                {"name": levels.STEP_NAMES[s], "done": s not in missing, "key": s}
                for s in all_steps
            ],
            "continue_url": continue_url,
            "signup_url": f"{reverse('account_signup')}?{query}",
            "needs_sign_in": first == levels.EMAIL,
            "cancel_url": pending["path"] if stepup.is_safe_path(pending["path"]) else "/",
        },
    )
