"""What Pocket Council adds to allauth's OpenID Connect client for GOV.UK One Login.

1. ``private_key_jwt`` client authentication (RFC 7523): instead of a shared secret, the token
   request carries a short-lived JWT signed with the service's private key, whose public key
   was registered with the provider. allauth's client only sends secrets, so our adapter swaps
   in ``PrivateKeyJWTClient`` and the two URLs below replace allauth's for OpenID Connect.
2. Verifying the identity JWT (One Login's ``coreIdentityJWT``): its signature is checked
   against the key published in the provider's DID document, with its issuer, audience (our
   client id) and subject (the same person as the sign-in). A JWT that cannot be verified
   counts for nothing.
"""

from __future__ import annotations

import logging
import secrets
import time

import jwt
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Client
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.conf import settings
from django.core.cache import cache
from django.http import Http404

logger = logging.getLogger(__name__)

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_LIFETIME = 300  # seconds
IDENTITY_ALGORITHMS = ["ES256"]  # what GOV.UK One Login signs identity with
DID_CACHE_SECONDS = 3600


def _app(**match) -> dict:
    """The configured OpenID Connect app whose fields equal ``match`` ({} if none)."""
    for app in settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", []):
        if all(app.get(key) == value for key, value in match.items()):
            return app
    return {}


def _app_settings(client_id: str) -> dict | None:
    return _app(client_id=client_id).get("settings")


def client_id_for(provider_id: str) -> str | None:
    return _app(provider_id=provider_id).get("client_id")


def client_assertion(*, client_id: str, token_url: str, private_key_pem: str) -> str:
    """A signed JWT saying "I am client_id", for the token endpoint only, valid 5 minutes."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    key = load_pem_private_key(private_key_pem.encode(), password=None)
    algorithm = "ES256" if isinstance(key, ec.EllipticCurvePrivateKey) else "RS256"
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": token_url,
        "jti": secrets.token_urlsafe(24),
        "iat": now,
        "exp": now + ASSERTION_LIFETIME,
    }
    return jwt.encode(claims, key, algorithm=algorithm)


class PrivateKeyJWTClient(OAuth2Client):
    """allauth's client, with ``private_key_jwt`` when the app is configured for it."""

    def get_access_token(self, code, pkce_code_verifier=None, extra_data=None):
        app_settings = _app_settings(self.consumer_key) or {}
        if app_settings.get("token_auth_method") != "private_key_jwt":
            return super().get_access_token(code, pkce_code_verifier, extra_data)
        with open(app_settings["private_key_file"]) as key_file:
            pem = key_file.read()
        extra = dict(extra_data or {})
        extra["client_assertion_type"] = ASSERTION_TYPE
        extra["client_assertion"] = client_assertion(
            client_id=self.consumer_key, token_url=self.access_token_url, private_key_pem=pem
        )
        self.consumer_secret = ""  # empty values are left out: no secret is sent
        return super().get_access_token(code, pkce_code_verifier, extra)


class Adapter(OpenIDConnectOAuth2Adapter):
    client_class = PrivateKeyJWTClient


def login(request, provider_id):
    try:
        return OAuth2LoginView.adapter_view(Adapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


def callback(request, provider_id):
    try:
        return OAuth2CallbackView.adapter_view(Adapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


# --- the identity JWT ----------------------------------------------------------------------


def _did_document(url: str, *, refresh: bool = False) -> dict:
    key = f"accounts:oidc:did:{url}"
    document = None if refresh else cache.get(key)
    if document is None:
        with get_adapter().get_requests_session() as session:
            response = session.get(url, timeout=10)
            response.raise_for_status()
            document = response.json()
        cache.set(key, document, DID_CACHE_SECONDS)
    return document


def _key_from_did(url: str, kid: str):
    """The public key with id ``kid`` in the DID document (fetched again once if the key is
    new, since providers rotate keys)."""
    for refresh in (False, True):
        for method in _did_document(url, refresh=refresh).get("assertionMethod", []):
            if isinstance(method, dict) and method.get("id") == kid and "publicKeyJwk" in method:
                return jwt.PyJWK(method["publicKeyJwk"]).key
    raise LookupError(f"No key {kid!r} in {url}")


def verified_identity_claims(token, *, audience: str | None, subject: str | None) -> dict:
    """The claims of a signed identity JWT if it verifies; otherwise ``{}`` (and a log line)."""
    did_url = getattr(settings, "ACCOUNTS_OIDC_IDENTITY_DID_URL", "")
    if not isinstance(token, str) or not token:
        return {}
    if not did_url:
        logger.warning("Identity JWT ignored: ACCOUNTS_OIDC_IDENTITY_DID_URL is not set.")
        return {}
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") not in IDENTITY_ALGORITHMS:
            raise jwt.InvalidAlgorithmError(f"algorithm {header.get('alg')!r}")
        key = _key_from_did(did_url, str(header.get("kid", "")))
        issuer = getattr(settings, "ACCOUNTS_OIDC_IDENTITY_ISSUER", "") or None
        claims = jwt.decode(
            token,
            key,
            algorithms=IDENTITY_ALGORITHMS,
            audience=audience,
            issuer=issuer,
            options={"require": ["iss", "sub", "aud"], "verify_aud": audience is not None},
            leeway=30,
        )
    except Exception as error:  # noqa: BLE001 - any failure means "not verified", logged
        logger.warning("Identity JWT not accepted: %s", error)
        return {}
    if subject is not None and claims.get("sub") != subject:
        logger.warning("Identity JWT not accepted: it is about someone else.")
        return {}
    return claims
