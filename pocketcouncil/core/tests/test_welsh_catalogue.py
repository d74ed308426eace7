"""The Welsh (cy) catalogue is complete: every interface string has real Welsh, with Welsh's six
plural forms and every placeholder kept, and the committed .mo says what the .po says.

When another change adds or rewords a string, `test_makemessages_leaves_nothing_untranslated`
fails and names it: run `manage.py makemessages -l cy`, translate the new entries in
pocketcouncil/locale/cy/LC_MESSAGES/django.po, then `manage.py compilemessages -l cy`
(see docs/welsh.md)."""

import gettext
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

ROOT = Path(__file__).resolve().parents[3]
CATALOGUE = ROOT / "pocketcouncil" / "locale" / "cy" / "LC_MESSAGES"
WELSH_PLURALS = (
    "nplurals=6; plural=(n==0) ? 0 : (n==1) ? 1 : (n==2) ? 2 : (n==3) ? 3 : (n==6) ? 4 : 5;"
)
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%[sdif]|\{\{.*?\}\}|\{%.*?%\}|\{[a-z0-9_]*\}")


def _catalogue() -> polib.POFile:
    return polib.pofile(str(CATALOGUE / "django.po"))


def _problems(po: polib.POFile) -> list[str]:
    problems = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        elif not entry.translated():
            problems.append(f"untranslated: {entry.msgid!r}")
    return problems


def test_the_header_has_welsh_plural_forms():
    po = _catalogue()
    assert po.metadata["Language"] == "cy"
    assert po.metadata["Plural-Forms"] == WELSH_PLURALS
    assert not po.metadata_is_fuzzy


def test_every_entry_is_translated_and_none_is_fuzzy():
    po = _catalogue()
    assert len(po) > 2000
    assert _problems(po) == []
    assert po.obsolete_entries() == []


def test_plural_entries_have_all_six_forms():
    plurals = [e for e in _catalogue() if e.msgid_plural]
    assert plurals
    for entry in plurals:
        assert sorted(entry.msgstr_plural) == [0, 1, 2, 3, 4, 5], entry.msgid
        assert all(entry.msgstr_plural.values()), entry.msgid


def test_placeholders_are_kept_exactly():
    def found(text):
        return sorted(PLACEHOLDER.findall(text))

    for entry in _catalogue():
        if entry.msgid_plural:
            wanted = set(found(entry.msgid_plural))
            for form, text in entry.msgstr_plural.items():
                extra = set(found(text)) - wanted - set(found(entry.msgid))
                assert not extra, (entry.msgid, form, extra)
                if form != 1:  # the "one" form may say the number in words
                    assert wanted <= set(found(text)), (entry.msgid, form)
        else:
            assert found(entry.msgstr) == found(entry.msgid), entry.msgid


def test_the_compiled_catalogue_matches_the_source():
    with (CATALOGUE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = [
        e.msgid
        for e in _catalogue()
        if not e.msgid_plural and not e.msgctxt and compiled.gettext(e.msgid) != e.msgstr
    ]
    assert stale == [], "Run manage.py compilemessages -l cy"


def test_welsh_is_used_at_run_time_with_six_plural_forms():
    with translation.override("cy"):
        assert _("Sign in") == "Mewngofnodi"
        assert _("Your account") == "Eich cyfrif"
        photos = [ngettext("%(n)s photo", "%(n)s photos", n) % {"n": n} for n in (1, 2, 3, 6, 7)]
        updated = ngettext("%(n)d case updated.", "%(n)d cases updated.", 1) % {"n": 1}
    assert photos == ["1 llun", "2 lun", "3 llun", "6 llun", "7 llun"]
    assert updated == "Diweddarwyd 1 achos."


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (xgettext)")
def test_makemessages_leaves_nothing_untranslated(tmp_path, settings, monkeypatch):
    """Extract the strings from a copy of the source (so the committed catalogue is never
    touched) and merge them into a copy of the cy catalogue, as `makemessages -l cy` does."""
    copy = tmp_path / "pocketcouncil"
    shutil.copytree(
        ROOT / "pocketcouncil",
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "en_GB", "*.mo"),
    )
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["cy"], verbosity=0)
    po = polib.pofile(str(copy / "locale" / "cy" / "LC_MESSAGES" / "django.po"))
    assert len(po) > 2000
    assert _problems(po) == [], "New strings need Welsh: see docs/welsh.md"


# django-allauth ships no Welsh and Django's lacks some strings: pocketcouncil/locale_vendor has
# them, after our own catalogue.
VENDOR_CY = ROOT / "pocketcouncil" / "locale_vendor" / "cy" / "LC_MESSAGES"


def _allauth_strings() -> set[tuple[str | None, str]]:
    import allauth

    shipped = Path(allauth.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
    return {(e.msgctxt, e.msgid) for e in polib.pofile(str(shipped)) if not e.obsolete}


def test_every_allauth_string_has_welsh():
    """Fails after an allauth upgrade adds strings: translate them in locale_vendor."""
    po = polib.pofile(str(VENDOR_CY / "django.po"))
    assert po.metadata["Plural-Forms"] == WELSH_PLURALS
    assert _problems(po) == []
    have = {(e.msgctxt, e.msgid) for e in po if not e.obsolete}
    assert sorted(_allauth_strings() - have, key=str) == []
    for entry in po:
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == [0, 1, 2, 3, 4, 5], entry.msgid
        else:
            assert sorted(PLACEHOLDER.findall(entry.msgstr)) == sorted(
                PLACEHOLDER.findall(entry.msgid)
            ), entry.msgid


def test_every_django_string_residents_can_see_has_welsh():
    """Django's own Welsh lacks some strings (password rules, newer validators): locale_vendor
    has them. Fails after a Django upgrade adds more."""
    import django

    def strings(path, translated_only=False):
        return {
            (e.msgctxt, e.msgid)
            for e in polib.pofile(str(path))
            if not e.obsolete
            and (not translated_only or (e.translated() and "fuzzy" not in e.flags))
        }

    ours = strings(VENDOR_CY / "django.po", translated_only=True)
    root = Path(django.__file__).parent
    for catalogue in ("conf/locale", "contrib/auth/locale"):
        shipped = strings(root / catalogue / "en" / "LC_MESSAGES" / "django.po")
        welsh = strings(root / catalogue / "cy" / "LC_MESSAGES" / "django.po", True)
        assert sorted(shipped - welsh - ours, key=str) == [], catalogue


def test_the_compiled_vendor_catalogue_matches_the_source():
    with (VENDOR_CY / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    po = polib.pofile(str(VENDOR_CY / "django.po"))
    stale = [
        e.msgid
        for e in po
        if not e.msgid_plural and not e.msgctxt and compiled.gettext(e.msgid) != e.msgstr
    ]
    assert stale == [], "Run manage.py compilemessages -l cy"


def test_allauth_strings_are_welsh_at_run_time():
    # Looked up through a variable, so makemessages does not take them for our own strings.
    expected = {
        "Remember Me": "Cofio fi",
        "You have signed out.": "Rydych wedi allgofnodi.",
        # In both catalogues, with the same Welsh.
        "Use a different email address": "Defnyddio cyfeiriad e-bost gwahanol",
        "Cancel": "Canslo",
        "This password is too common.": "Mae'r cyfrinair hwn yn rhy gyffredin.",  # Django's
    }
    with translation.override("cy"):
        found = {msgid: _(msgid) for msgid in expected}
    assert found == expected


def test_form_errors_are_announced_in_welsh():
    from django import forms
    from django.template.loader import render_to_string

    class NameForm(forms.Form):
        name = forms.CharField()

    form = NameForm(data={})
    assert not form.is_valid()
    with translation.override("cy"):
        html = render_to_string(
            "gds/layout/field_errors.html", {"form_show_errors": True, "field": form["name"]}
        )
    assert '<span class="govuk-visually-hidden">Gwall:</span>' in html
    assert "Mae angen y maes hwn." in html  # Django's own Welsh
