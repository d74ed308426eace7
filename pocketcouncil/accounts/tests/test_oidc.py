"""Identity through an OpenID Connect provider (GOV.UK One Login) and its settings."""

import json
import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from allauth.socialaccount.models import SocialAccount, SocialLogin
from allauth.socialaccount.signals import social_account_added
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.exceptions import ImproperlyConfigured

from pocketcouncil.accounts import config, oidc, queries
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
        {
            "OIDC_SERVER_URL": "https://idp.example",
            "OIDC_CLIENT_ID": "a",
            "OIDC_CLIENT_SECRET": "s",
            "OIDC_VTR": "[oops",
        },
        {"OIDC_SERVER_URL": "https://idp.example", "OIDC_CLIENT_ID": "a"},  # no secret
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


IDENTITY_ISSUER = "https://identity.integration.example/"
DID_URL = "https://identity.integration.example/.well-known/did.json"
CORE = "https://vocab.account.gov.uk/v1/coreIdentityJWT"
SUB = "urn:fdc:gov.uk:2022:abc"


def ec_key():
    return ec.generate_private_key(ec.SECP256R1())


def pem(private_key) -> str:
    return private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


class FakeOneLogin:
    """Stands in for the identity provider's HTTP endpoints (no network in tests): discovery,
    token, userinfo (with a core identity JWT signed by its identity key) and the DID document
    publishing that key."""

    issuer = "https://oidc.integration.example"
    kid = "did:web:identity.integration.example#key-1"

    def __init__(self, identity_vot="P2", *, client_id="client-1", sub=SUB, signing_key=None):
        self.identity_vot = identity_vot
        self.client_id, self.sub = client_id, sub
        self.identity_key = ec_key()
        self.signing_key = signing_key or self.identity_key  # another key: a forgery
        self.requests = []

    def session(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def get(self, url, **kwargs):
        return self.request("GET", url, **kwargs)

    def core_identity_jwt(self, **changes):
        now = int(time.time())
        claims = {
            "iss": IDENTITY_ISSUER,
            "aud": self.client_id,
            "sub": self.sub,
            "iat": now,
            "nbf": now,
            "exp": now + 300,
            "vot": self.identity_vot,
            **changes,
        }
        return jwt.encode(claims, self.signing_key, algorithm="ES256", headers={"kid": self.kid})

    def did_document(self):
        public = jwt.algorithms.ECAlgorithm.to_jwk(self.identity_key.public_key(), as_dict=True)
        return {
            "id": "did:web:identity.integration.example",
            "assertionMethod": [
                {"type": "JsonWebKey2020", "id": self.kid, "publicKeyJwk": public},
            ],
        }

    def request(self, method, url, **kwargs):
        self.requests.append((method, url, kwargs))
        now = int(time.time())
        if url == DID_URL:
            return FakeResponse(self.did_document())
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
                    "sub": SUB,
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
            return FakeResponse(
                {
                    "sub": SUB,
                    "email": "amira.khan@demo.pocketcouncil.example",
                    "email_verified": True,
                    CORE: self.core_identity_jwt(),
                }
            )
        raise AssertionError(f"unexpected request {method} {url}")


@pytest.fixture
def one_login(settings, monkeypatch):
    """Configure the GOV.UK One Login settings against a FakeOneLogin; returns a function that
    installs a provider (and the settings' extra variables)."""
    from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

    def install(provider, **env):
        monkeypatch.setattr(
            DefaultSocialAccountAdapter, "get_requests_session", lambda self: provider.session()
        )
        settings.SOCIALACCOUNT_PROVIDERS = {
            "openid_connect": {
                "APPS": config.oidc_apps(
                    {
                        "OIDC_SERVER_URL": FakeOneLogin.issuer,
                        "OIDC_CLIENT_ID": "client-1",
                        "OIDC_VTR": '["Cl.Cm.P2"]',
                        **env,
                    }
                )
            }
        }
        settings.ACCOUNTS_OIDC_IDENTITY_CLAIM = f"{CORE}#vot"
        settings.ACCOUNTS_OIDC_IDENTITY_DID_URL = DID_URL
        settings.ACCOUNTS_OIDC_IDENTITY_ISSUER = IDENTITY_ISSUER
        return provider

    return install


def connect_core(user, token, sub=SUB):
    connect(user, {"sub": sub, CORE: token})


def test_a_verified_core_identity_jwt_counts(one_login):
    provider = one_login(FakeOneLogin(), OIDC_CLIENT_SECRET="s")
    amira = User.objects.get(email="amira.khan@demo.pocketcouncil.example")
    connect_core(amira, provider.core_identity_jwt())
    assert queries.level_for(amira) == 3


@pytest.mark.parametrize(
    "forgery",
    [
        "signed by another key",
        "for another service",
        "about another person",
        "from another issuer",
        "expired",
        "not signed",
        "not a JWT",
        "no key source configured",
    ],
)
def test_an_identity_jwt_that_does_not_verify_counts_for_nothing(one_login, settings, forgery):
    provider = one_login(
        FakeOneLogin(signing_key=ec_key() if forgery == "signed by another key" else None),
        OIDC_CLIENT_SECRET="s",
    )
    token = {
        "for another service": lambda: provider.core_identity_jwt(aud="someone-else"),
        "about another person": lambda: provider.core_identity_jwt(sub="urn:fdc:other"),
        "from another issuer": lambda: provider.core_identity_jwt(iss="https://evil.example/"),
        "expired": lambda: provider.core_identity_jwt(exp=int(time.time()) - 3600),
        "not signed": lambda: jwt.encode({"vot": "P2", "sub": SUB}, None, algorithm="none"),
        "not a JWT": lambda: "not-a-jwt",
    }.get(forgery, provider.core_identity_jwt)()
    if forgery == "no key source configured":
        settings.ACCOUNTS_OIDC_IDENTITY_DID_URL = ""
    amira = User.objects.get(email="amira.khan@demo.pocketcouncil.example")
    connect_core(amira, token)
    assert queries.level_for(amira) == 2
    assert queries.profile_get(amira).identity_verified_at is None


@pytest.mark.parametrize(("identity_vot", "level"), [("P2", 3), ("P1", 2)])
def test_connecting_govuk_one_login_end_to_end(client, one_login, identity_vot, level):
    provider = one_login(FakeOneLogin(identity_vot), OIDC_CLIENT_SECRET="secret")
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
    assert SocialAccount.objects.filter(user=amira, uid=SUB).exists()
    assert queries.level_for(amira) == level
    token_call = next(r for r in provider.requests if r[1].endswith("/token"))
    assert token_call[2]["data"]["client_secret"] == "secret"  # client_secret_post


def test_private_key_jwt_sends_a_signed_assertion_and_no_secret(client, one_login, tmp_path):
    our_key = ec_key()
    key_file = tmp_path / "one-login-private-key.pem"
    key_file.write_text(pem(our_key))
    provider = one_login(
        FakeOneLogin(),
        OIDC_TOKEN_AUTH_METHOD="private_key_jwt",
        OIDC_PRIVATE_KEY_FILE=str(key_file),
    )
    amira = User.objects.get(email="amira.khan@demo.pocketcouncil.example")
    client.force_login(amira)
    response = client.post("/accounts/oidc/govuk-one-login/login/", {"process": "connect"})
    state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
    client.get("/accounts/oidc/govuk-one-login/login/callback/", {"code": "c", "state": state})

    sent = next(r for r in provider.requests if r[1].endswith("/token"))[2]["data"]
    assert "client_secret" not in sent
    assert sent["client_assertion_type"] == oidc.ASSERTION_TYPE
    claims = jwt.decode(
        sent["client_assertion"],
        our_key.public_key(),
        algorithms=["ES256"],
        audience=f"{FakeOneLogin.issuer}/token",
    )
    assert claims["iss"] == claims["sub"] == "client-1"
    assert claims["exp"] - claims["iat"] <= 300
    assert claims["jti"]
    assert queries.level_for(amira) == 3


def test_private_key_jwt_needs_a_key_file():
    with pytest.raises(ImproperlyConfigured, match="OIDC_PRIVATE_KEY_FILE"):
        config.oidc_apps(
            {
                "OIDC_SERVER_URL": "https://idp.example",
                "OIDC_CLIENT_ID": "a",
                "OIDC_TOKEN_AUTH_METHOD": "private_key_jwt",
            }
        )
