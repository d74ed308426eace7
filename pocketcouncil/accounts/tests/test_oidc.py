"""Identity through an OpenID Connect provider (GOV.UK One Login) and its settings."""

import json
import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from allauth.socialaccount.models import SocialAccount, SocialLogin
from allauth.socialaccount.signals import social_account_added
from django.core.exceptions import ImproperlyConfigured

from pocketcouncil.accounts import config, queries
from pocketcouncil.accounts.models import User

pytestmark = pytest.mark.django_db


def connect(user, claims):
    account = SocialAccount(user=user, provider="govuk-one-login", uid="urn:fdc:x", extra_data={})
    account.extra_data = {"id_token": claims}
    login = SocialLogin(user=user, account=account)
    social_account_added.send(sender=SocialLogin, request=None, sociallogin=login)


def test_medium_confidence_identity_raises_a_level_two_resident_to_level_3():
    amira = User.objects.get(email="amira.khan@demo.pocketcouncil.example")
    connect(amira, {"sub": "urn:fdc:x", "vot": "P2"})
    assert queries.level_for(amira) == 3
    assert amira.level_records.get(level=3, lost_at__isnull=True).method == "oidc"


def test_sign_in_only_confidence_does_not_count():
    amira = User.objects.get(email="amira.khan@demo.pocketcouncil.example")
    connect(amira, {"sub": "urn:fdc:x", "vot": "Cl.Cm"})
    assert queries.level_for(amira) == 2
    assert queries.profile_get(amira).identity_verified_at is None


def test_identity_alone_does_not_skip_level_two():
    tom = User.objects.get(email="tom.evans@demo.pocketcouncil.example")
    connect(tom, {"vot": "P2"})
    assert queries.profile_get(tom).identity_verified_at is not None
    assert queries.level_for(tom) == 1


def test_no_provider_unless_configured():
    assert config.oidc_apps({}) == []


def test_govuk_one_login_settings():
    apps = config.oidc_apps(
        {
            "OIDC_SERVER_URL": "https://oidc.integration.account.gov.uk",
            "OIDC_CLIENT_ID": "abc",
            "OIDC_CLIENT_SECRET": "s3cret",
            "OIDC_SCOPES": "openid email phone",
            "OIDC_VTR": '["Cl.Cm.P2"]',
            "OIDC_CLAIMS": '{"userinfo": {"https://vocab.account.gov.uk/v1/passport": null}}',
        }
    )
    (app,) = apps
    assert app["provider_id"] == "govuk-one-login"
    assert app["settings"]["scope"] == ["openid", "email", "phone"]
    assert app["settings"]["auth_params"]["vtr"] == '["Cl.Cm.P2"]'
    assert app["settings"]["token_auth_method"] == "client_secret_post"
    assert app["settings"]["oauth_pkce_enabled"] is True


@pytest.mark.parametrize(
    "env",
    [
        {"OIDC_SERVER_URL": "https://idp.example"},
        {"OIDC_SERVER_URL": "https://idp.example", "OIDC_CLIENT_ID": "a", "OIDC_VTR": "[oops"},
        {
            "OIDC_SERVER_URL": "https://idp.example",
            "OIDC_CLIENT_ID": "a",
            "OIDC_TOKEN_AUTH_METHOD": "private_key_jwt",
        },
    ],
)
def test_bad_settings_fail_at_start_up(env):
    with pytest.raises(ImproperlyConfigured):
        config.oidc_apps(env)


def test_govuk_one_login_identity_inside_the_core_identity_jwt(settings):
    import base64
    import json

    settings.ACCOUNTS_OIDC_IDENTITY_CLAIM = "https://vocab.account.gov.uk/v1/coreIdentityJWT#vot"
    body = base64.urlsafe_b64encode(json.dumps({"vot": "P2"}).encode()).decode().rstrip("=")
    amira = User.objects.get(email="amira.khan@demo.pocketcouncil.example")
    account = SocialAccount(user=amira, provider="govuk-one-login", uid="urn:fdc:y")
    account.extra_data = {
        "id_token": {"vot": "Cl.Cm"},
        "userinfo": {"https://vocab.account.gov.uk/v1/coreIdentityJWT": f"e30.{body}.sig"},
    }
    social_account_added.send(
        sender=SocialLogin, request=None, sociallogin=SocialLogin(user=amira, account=account)
    )
    assert queries.level_for(amira) == 3


def test_a_garbled_core_identity_jwt_does_not_count(settings):
    settings.ACCOUNTS_OIDC_IDENTITY_CLAIM = "https://vocab.account.gov.uk/v1/coreIdentityJWT#vot"
    amira = User.objects.get(email="amira.khan@demo.pocketcouncil.example")
    connect(amira, {"https://vocab.account.gov.uk/v1/coreIdentityJWT": "not-a-jwt"})
    assert queries.level_for(amira) == 2


class FakeResponse:
    def __init__(self, data):
        self._data = data
        self.status_code = 200
        self.headers = {"content-type": "application/json"}
        self.text = json.dumps(data)
        self.content = self.text.encode()

    def json(self):
        return self._data

    def raise_for_status(self):
        return None


class FakeOneLogin:
    """Stands in for the identity provider's HTTP endpoints (no network in tests)."""

    issuer = "https://oidc.integration.example"

    def __init__(self, identity_vot="P2"):
        self.identity_vot = identity_vot
        self.requests = []

    def session(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def get(self, url, **kwargs):
        return self.request("GET", url, **kwargs)

    def request(self, method, url, **kwargs):
        self.requests.append((method, url, kwargs))
        now = int(time.time())
        if url.endswith("/.well-known/openid-configuration"):
            return FakeResponse(
                {
                    "issuer": self.issuer,
                    "authorization_endpoint": f"{self.issuer}/authorize",
                    "token_endpoint": f"{self.issuer}/token",
                    "userinfo_endpoint": f"{self.issuer}/userinfo",
                    "jwks_uri": f"{self.issuer}/.well-known/jwks.json",
                }
            )
        if url.endswith("/token"):
            id_token = jwt.encode(
                {
                    "iss": self.issuer,
                    "aud": "client-1",
                    "sub": "urn:fdc:gov.uk:2022:abc",
                    "iat": now,
                    "exp": now + 300,
                    "vot": "Cl.Cm",
                },
                "test-only-key-not-checked-by-the-client-0123",
                algorithm="HS256",
            )
            return FakeResponse(
                {"access_token": "at", "token_type": "Bearer", "id_token": id_token}
            )
        if url.endswith("/userinfo"):
            core = jwt.encode({"vot": self.identity_vot}, "x" * 32, algorithm="HS256")
            return FakeResponse(
                {
                    "sub": "urn:fdc:gov.uk:2022:abc",
                    "email": "amira.khan@demo.pocketcouncil.example",
                    "email_verified": True,
                    "https://vocab.account.gov.uk/v1/coreIdentityJWT": core,
                }
            )
        raise AssertionError(f"unexpected request {method} {url}")


@pytest.mark.parametrize(("identity_vot", "level"), [("P2", 3), ("P1", 2)])
def test_connecting_govuk_one_login_end_to_end(client, settings, monkeypatch, identity_vot, level):
    from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

    provider = FakeOneLogin(identity_vot)
    monkeypatch.setattr(
        DefaultSocialAccountAdapter, "get_requests_session", lambda self: provider.session()
    )
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": config.oidc_apps(
                {
                    "OIDC_SERVER_URL": FakeOneLogin.issuer,
                    "OIDC_CLIENT_ID": "client-1",
                    "OIDC_CLIENT_SECRET": "secret",
                    "OIDC_VTR": '["Cl.Cm.P2"]',
                }
            )
        }
    }
    settings.ACCOUNTS_OIDC_IDENTITY_CLAIM = "https://vocab.account.gov.uk/v1/coreIdentityJWT#vot"
    amira = User.objects.get(email="amira.khan@demo.pocketcouncil.example")
    client.force_login(amira)

    response = client.post(
        "/accounts/oidc/govuk-one-login/login/", {"process": "connect", "next": "/your-account/"}
    )
    assert response.status_code == 302
    authorize = urlsplit(response["Location"])
    query = parse_qs(authorize.query)
    assert f"{authorize.scheme}://{authorize.netloc}{authorize.path}" == (
        f"{FakeOneLogin.issuer}/authorize"
    )
    assert query["vtr"] == ['["Cl.Cm.P2"]']
    assert "code_challenge" in query  # PKCE

    response = client.get(
        "/accounts/oidc/govuk-one-login/login/callback/",
        {"code": "auth-code", "state": query["state"][0]},
    )
    assert response.status_code == 302
    assert SocialAccount.objects.filter(user=amira, uid="urn:fdc:gov.uk:2022:abc").exists()
    assert queries.level_for(amira) == level
    token_call = next(r for r in provider.requests if r[1].endswith("/token"))
    assert token_call[2]["data"]["client_secret"] == "secret"  # client_secret_post
