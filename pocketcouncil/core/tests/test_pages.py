"""The home page, finding a council by postcode or place, council pages and legal pages."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def error_summary(response) -> str:
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html, "expected an error summary"
    start = html.index("govuk-error-summary__list")
    return html[start : html.index("</ul>", start)]


class TestHome:
    def test_lists_councils_and_says_they_are_demo(self, client, django_assert_max_num_queries):
        with django_assert_max_num_queries(3):
            response = client.get("/")
        html = response.content.decode()
        assert response.status_code == 200
        for name in [
            "Oxfordshire County Council (demo)",
            "Oxford City Council (demo)",
            "Manchester City Council (demo)",
        ]:
            assert name in html
        assert "demonstration data" in html
        assert 'href="#main-content"' in html  # skip link
        assert reverse("accessibility") in html and reverse("privacy") in html
        assert reverse("cookies") in html


class TestFindByPostcode:
    def test_two_tier_postcode_lists_both_councils_and_the_ward(self, client):
        response = client.get("/find/", {"q": "ox4 3bd"})
        html = response.content.decode()
        assert response.status_code == 200
        assert "Two councils serve this address" in html
        assert "Iffley Fields ward" in html
        assert html.index("Oxfordshire County Council (demo)") < html.index(
            "Oxford City Council (demo)"
        )

    def test_empty(self, client):
        assert "Enter a postcode or place name" in error_summary(client.get("/find/", {"q": ""}))

    def test_malformed_postcode(self, client):
        summary = error_summary(client.get("/find/", {"q": "OX4 3B"}))
        assert "Enter a real postcode" in summary

    def test_outward_code_only(self, client):
        summary = error_summary(client.get("/find/", {"q": "ox4"}))
        assert "Enter your full postcode" in summary

    def test_unknown_postcode(self, client):
        summary = error_summary(client.get("/find/", {"q": "sw1a 1aa"}))
        assert "We could not find the postcode SW1A 1AA" in summary

    def test_postcode_outside_every_council(self, client):
        # A real Oxford postcode that lies outside the city's wards (Kennington).
        from pocketcouncil.councils import queries
        from pocketcouncil.councils.models import Postcode

        outside = next(
            p
            for p in Postcode.objects.filter(postcode__startswith="OX1 5")
            if not queries.councils_at(lon=p.longitude, lat=p.latitude)
        )
        response = client.get("/find/", {"q": outside.postcode})
        assert "is not in an area served by a council on Pocket Council" in error_summary(response)
        assert "https://www.gov.uk/find-local-council" in response.content.decode()

    def test_error_puts_error_in_title_and_links_to_field(self, client):
        html = client.get("/find/", {"q": ""}).content.decode()
        assert "<title>Error:" in html
        assert 'href="#id_q"' in html
        assert "govuk-form-group--error" in html


class TestFindByPlace:
    def test_place_name(self, client):
        html = client.get("/find/", {"q": "Headington"}).content.decode()
        assert "Places matching" in html
        assert "Headington Hill and Northway" in html
        assert "Oxford City Council (demo)" in html

    def test_unknown_place(self, client):
        summary = error_summary(client.get("/find/", {"q": "Narnia"}))
        assert "We could not find a place called" in summary

    def test_hostile_text_is_escaped(self, client):
        html = client.get("/find/", {"q": "<script>alert(1)</script>"}).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;" in html


class TestCouncilPage:
    def test_council_page_has_demo_banner_branding_and_contact(self, client):
        html = client.get("/councils/oxford/").content.decode()
        assert "is demonstration data, not a real council service" in html
        assert "/councils/oxford/brand.css" in html
        assert "01632 960 002" in html
        assert "Iffley Fields" in html
        assert "Oxfordshire County Council (demo)" in html  # the county above

    def test_brand_css(self, client):
        response = client.get("/councils/oxford/brand.css")
        assert response["Content-Type"].startswith("text/css")
        assert "#1d4f91" in response.content.decode()

    def test_unknown_council_is_404(self, client):
        response = client.get("/councils/nowhere/")
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/accessibility/", "Accessibility statement"),
        ("/privacy/", "Privacy notice"),
        ("/cookies/", "Cookies"),
    ],
)
def test_legal_pages(client, url, heading):
    response = client.get(url)
    assert response.status_code == 200
    assert heading in response.content.decode()


class TestAdmin:
    def test_admin_needs_a_staff_login(self, client):
        response = client.get("/admin/")
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]

    def test_a_resident_cannot_open_admin(self, client, django_user_model):
        resident = django_user_model.objects.get(email="amira.khan@demo.pocketcouncil.example")
        client.force_login(resident)
        assert client.get("/admin/").status_code == 302

    def test_platform_admin_can(self, client, django_user_model):
        from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa

        admin = django_user_model.objects.get(email="admin@demo.pocketcouncil.example")
        sign_in_with_mfa(client, admin)
        assert client.get("/admin/councils/area/").status_code == 200

    def test_platform_admin_needs_two_factor_this_session(self, client, django_user_model):
        admin = django_user_model.objects.get(email="admin@demo.pocketcouncil.example")
        client.force_login(admin)
        response = client.get("/admin/councils/area/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/2fa/reauthenticate/")


def test_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()
