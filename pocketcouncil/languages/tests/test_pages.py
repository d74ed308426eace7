"""Welsh pages under /cy/: the toggle, lang and hreflang, the remembered choice."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from pocketcouncil.accounts.models import AccountEvent, AccountEventKind
from pocketcouncil.accounts.tests.factories import UserFactory
from pocketcouncil.languages import paths

pytestmark = pytest.mark.django_db

PAGE = {"HTTP_ACCEPT": "text/html,application/xhtml+xml"}


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def toggle_links(html: str) -> dict[str, str]:
    nav = re.search(r'<nav class="pc-language".*?</nav>', html, re.S)
    assert nav, "expected the language toggle"
    return dict(re.findall(r'href="([^"]+)" hreflang="([^"]+)"', nav.group(0)))


class TestWelshPages:
    def test_welsh_page_is_under_cy_with_lang_cy(self, client):
        html = html_of(client.get("/cy/services/"))
        assert re.search(r'<html lang="cy"', html)

    def test_english_page_is_unprefixed_with_lang_en(self, client):
        html = html_of(client.get("/services/"))
        assert re.search(r'<html lang="en-gb"', html)

    def test_links_on_a_welsh_page_stay_in_welsh(self, client):
        html = html_of(client.get("/cy/services/"))
        assert 'href="/cy/your-account/"' in html or 'href="/cy/accounts/' in html
        assert 'href="/cy/accessibility/"' in html

    def test_reversing_in_welsh_gives_the_cy_prefix(self):
        with translation.override("cy"):
            assert reverse("services:index") == "/cy/services/"
        assert reverse("services:index") == "/services/"

    def test_hreflang_alternates_name_both_versions(self, client, settings):
        html = html_of(client.get("/cy/services/"))
        site = settings.POCKETCOUNCIL_SITE_URL
        assert f'<link rel="alternate" hreflang="en-GB" href="{site}/services/">' in html
        assert f'<link rel="alternate" hreflang="cy" href="{site}/cy/services/">' in html

    def test_toggle_links_to_the_same_page_in_the_other_language(self, client):
        links = toggle_links(html_of(client.get("/services/search?q=bins")))
        assert links == {"/cy/services/search?q=bins&amp;lang=cy": "cy"}
        links = toggle_links(html_of(client.get("/cy/services/search?q=bins")))
        assert links == {"/services/search?q=bins&amp;lang=en-gb": "en-GB"}

    def test_page_not_found_offers_no_toggle_to_a_page_that_does_not_exist(self, client):
        response = client.get("/cy/no-such-page/")
        assert response.status_code == 404
        assert 'class="pc-language"' not in response.content.decode()
        assert 'class="pc-language"' in html_of(client.get("/cy/"))

    def test_apis_are_not_under_cy(self, client):
        assert client.get("/open311/v2/discovery.json").status_code == 200
        assert client.get("/cy/open311/v2/discovery.json").status_code == 404
        assert client.get("/cy/api/v1/openapi.json").status_code == 404
        assert client.get("/api/v1/openapi.json").status_code == 200

    def test_api_answers_in_english_whatever_the_browser_asks(self, client):
        response = client.get("/open311/v2/discovery.json", HTTP_ACCEPT_LANGUAGE="cy")
        assert response.status_code == 200
        assert response.headers.get("Content-Language", "en-gb") == "en-gb"


class TestChoiceRemembered:
    def test_following_the_toggle_sets_the_cookie_and_lands_on_the_clean_page(self, client):
        response = client.get("/cy/services/?lang=cy")
        assert response.status_code == 302
        assert response["Location"] == "/cy/services/"
        assert response.cookies["django_language"].value == "cy"
        assert response.cookies["django_language"]["max-age"] == 60 * 60 * 24 * 365

    def test_remembered_welsh_sends_an_english_address_to_the_welsh_page(self, client):
        client.get("/cy/services/?lang=cy")
        response = client.get("/services/search?q=bins", **PAGE)
        assert response.status_code == 302
        assert response["Location"] == "/cy/services/search?q=bins"
        assert "Cookie" in response["Vary"]

    def test_choosing_english_again_stops_the_redirect(self, client):
        client.get("/cy/services/?lang=cy")
        response = client.get("/services/?lang=en-gb")
        assert response["Location"] == "/services/"
        assert client.get("/services/", **PAGE).status_code == 200

    def test_no_choice_no_redirect(self, client):
        assert client.get("/services/", **PAGE).status_code == 200

    def test_scripts_and_feeds_are_not_redirected(self, client):
        client.get("/cy/services/?lang=cy")
        assert client.get("/sw.js", HTTP_ACCEPT="*/*").status_code == 200

    def test_unknown_language_is_ignored(self, client):
        response = client.get("/services/?lang=fr")
        assert response["Location"] == "/services/"
        assert "django_language" not in response.cookies

    def test_signed_in_choice_is_stored_on_the_account_with_an_event(self, client):
        user = UserFactory()
        client.force_login(user)
        client.get("/cy/services/?lang=cy")
        user.refresh_from_db()
        assert user.preferred_language == "cy"
        event = AccountEvent.objects.get(user=user, kind=AccountEventKind.LANGUAGE_CHOSEN)
        assert event.detail == "cy" and event.actor == user

    def test_account_choice_applies_on_a_new_device(self, client):
        user = UserFactory(preferred_language="cy")
        client.force_login(user)
        response = client.get("/your-account/", **PAGE)
        assert response["Location"] == "/cy/your-account/"

    def test_following_a_plain_link_does_not_change_the_account(self, client):
        user = UserFactory(preferred_language="cy")
        client.force_login(user)
        client.get("/cy/your-account/")
        client.get("/your-account/")  # not a page navigation: served in English, no change
        user.refresh_from_db()
        assert user.preferred_language == "cy"
        assert not AccountEvent.objects.filter(kind=AccountEventKind.LANGUAGE_CHOSEN).exists()


class TestPaths:
    def test_path_without_language(self):
        assert paths.path_without_language("/cy/accounts/email/") == "/accounts/email/"
        assert paths.path_without_language("/accounts/email/") == "/accounts/email/"
        assert paths.path_without_language("/cymru/") == "/cymru/"

    def test_url_in_keeps_query_and_refuses_untranslated_pages(self):
        assert paths.url_in("/services/?q=a", "cy") == "/cy/services/?q=a"
        assert paths.url_in("/cy/services/?q=a", "en-gb") == "/services/?q=a"
        assert paths.url_in("/open311/v2/discovery.json", "cy") is None
        assert paths.url_in("/no-such-page/", "cy") is None


class TestToggleIsSafe:
    def test_a_next_leading_off_the_site_is_dropped(self, client):
        html = html_of(client.get("/services/", {"next": "https://evil.example/"}))
        assert toggle_links(html) == {"/cy/services/?lang=cy": "cy"}
        assert "evil.example" not in re.search(r'<nav class="pc-language".*?</nav>', html, re.S)[0]

    def test_a_local_next_is_kept(self, client):
        links = toggle_links(html_of(client.get("/services/", {"next": "/my-requests/"})))
        assert links == {"/cy/services/?next=%2Fmy-requests%2F&amp;lang=cy": "cy"}

    def test_alternates_carry_no_query(self, client, settings):
        html = html_of(client.get("/services/search", {"q": "bins"}))
        site = settings.POCKETCOUNCIL_SITE_URL
        assert f'hreflang="cy" href="{site}/cy/services/search">' in html


def test_the_cookies_page_lists_the_language_cookie(client):
    assert "django_language" in html_of(client.get("/cookies/"))
