"""allauth's own pages in plain English and sentence case: our en-GB catalogue
(pocketcouncil/locale/en_GB) replaces its Title Case wording."""

import gettext
import re
from pathlib import Path

import pytest

from pocketcouncil.accounts.models import User

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "en_GB" / "LC_MESSAGES"


def po_pairs() -> dict[str, str]:
    text = (CATALOGUE / "django.po").read_text()
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', text, re.M)
    return {a.replace('\\"', '"'): b.replace('\\"', '"') for a, b in pairs}


def test_the_compiled_catalogue_matches_the_source():
    """The .mo is committed (no gettext tools needed to run the site): it must say what the
    .po says. Rebuild with `msgfmt -o django.mo django.po` in that folder."""
    with (CATALOGUE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    pairs = po_pairs()
    assert len(pairs) > 30
    stale = {a: b for a, b in pairs.items() if compiled.gettext(a) != b}
    assert not stale, f"django.mo is out of date for: {sorted(stale)}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/accounts/email/", "Email address"),
        ("/accounts/password/change/", "Change your password"),
        ("/accounts/logout/", "Sign out"),
        ("/accounts/2fa/", "Two-factor authentication"),
        ("/accounts/sessions/", "Where you are signed in"),
    ],
)
def test_allauth_pages_use_plain_sentence_case(client, url, heading):
    client.force_login(User.objects.get(email="amira.khan@demo.pocketcouncil.example"))
    html = client.get(url).content.decode()
    found = [h.strip() for h in re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)]
    assert heading in found, found
