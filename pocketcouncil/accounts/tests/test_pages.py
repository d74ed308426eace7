"""Every allauth page a resident or staff member meets renders in the site's GOV.UK layout."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from pocketcouncil.accounts.tests.factories import UserFactory, add_totp
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.accounts.tests.test_sign_in import code_from_last_email

pytestmark = pytest.mark.django_db

SIGNED_IN_PAGES = [
    "/accounts/email/",
    "/accounts/password/set/",
    "/accounts/2fa/",
    "/accounts/2fa/totp/activate/",
    "/accounts/2fa/webauthn/",
    "/accounts/sessions/",
    "/your-account/",
    "/your-account/data/",
    "/your-account/name/",
    "/your-account/mobile/",
    "/your-account/mobile/code/",
    "/your-account/home/",
    "/your-account/places/add/",
    "/your-account/topics/",
    "/your-account/contact/",
    "/your-account/identity/",
    "/your-account/sign-out-everywhere/",
]
ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/accounts/login/code/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]


def assert_govuk_page(response):
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="govuk-template"' in html  # the site's base layout
    assert "pc-header" in html
    assert "Menu:" not in html  # allauth's own bare layout is not used


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_sign_in_pages(client, path):
    assert_govuk_page(client.get(path))


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_signed_in_pages(client, path):
    client.force_login(UserFactory())
    assert_govuk_page(client.get(path))


def test_two_factor_pages_for_someone_who_has_it(client):
    user = UserFactory()
    add_totp(user)
    sign_in_with_mfa(client, user)
    assert_govuk_page(client.get("/accounts/2fa/"))
    # Turning it off needs the code again: that page is in the same layout too.
    response = client.get("/accounts/2fa/totp/deactivate/")
    assert response["Location"].startswith("/accounts/2fa/reauthenticate/")
    assert_govuk_page(client.get(response["Location"]))


def test_setting_up_an_authenticator_app_shows_the_secret_without_javascript(client):
    client.force_login(UserFactory())
    html = client.get("/accounts/2fa/totp/activate/").content.decode()
    assert 'class="pc-qr-code"' in html
    assert 'class="govuk-input' in html


def test_a_new_email_address_replaces_the_old_one_only_once_checked(client):
    user = UserFactory(email="old@example.com")
    client.force_login(user)
    response = client.post("/accounts/email/", {"action_add": "", "email": "new@example.com"})
    assert response["Location"] == "/accounts/confirm-email/"
    assert "new@example.com" in mail.outbox[-1].to
    # Until the code is entered, nothing changes.
    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == [
        "old@example.com"
    ]
    client.post("/accounts/confirm-email/", {"code": code_from_last_email()})
    primary = EmailAddress.objects.get(user=user, primary=True)
    assert (primary.email, primary.verified) == ("new@example.com", True)


@pytest.mark.django_db
def test_identity_page_offers_the_configured_provider(client, settings):
    from pocketcouncil.accounts import config

    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": config.oidc_apps(
                {
                    "OIDC_SERVER_URL": "https://oidc.example",
                    "OIDC_CLIENT_ID": "x",
                    "OIDC_CLIENT_SECRET": "s",
                }
            )
        }
    }
    client.force_login(UserFactory())
    html = client.get("/your-account/identity/").content.decode()
    assert 'action="/accounts/oidc/govuk-one-login/login/"' in html
    assert "Continue to GOV.UK One Login" in html
    assert 'name="process" value="connect"' in html


@pytest.mark.parametrize(
    "path",
    [
        "/admin/accounts/accountevent/",
        "/admin/accounts/assistedsession/",
        "/admin/accounts/levelrecord/",
    ],
)
def test_audit_rows_are_visible_read_only_in_admin(client, path):
    from pocketcouncil.accounts.models import User

    admin_user = User.objects.get(email="admin@demo.pocketcouncil.example")
    sign_in_with_mfa(client, admin_user)
    response = client.get(path)
    assert response.status_code == 200
    assert "/add/" not in response.content.decode().split("<main")[-1]
