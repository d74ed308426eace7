"""Read the identity provider's settings from the environment (pure; ``settings.py`` calls it).

One OpenID Connect provider, configured by ``OIDC_*`` variables. docs/accounts.md shows the
values for GOV.UK One Login.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

TOKEN_AUTH_METHODS = ("private_key_jwt", "client_secret_post", "client_secret_basic")


def oidc_apps(env: Mapping[str, str]) -> list[dict]:
    """The ``APPS`` list for allauth's ``openid_connect`` provider; empty when not configured."""
    server_url = env.get("OIDC_SERVER_URL", "").strip()
    if not server_url:
        return []
    client_id = env.get("OIDC_CLIENT_ID", "").strip()
    if not client_id:
        raise ImproperlyConfigured("OIDC_CLIENT_ID must be set when OIDC_SERVER_URL is set.")
    method = env.get("OIDC_TOKEN_AUTH_METHOD", "client_secret_post").strip()
    if method not in TOKEN_AUTH_METHODS:
        raise ImproperlyConfigured(
            f"OIDC_TOKEN_AUTH_METHOD must be one of {', '.join(TOKEN_AUTH_METHODS)} "
            f"(got {method!r})."
        )
    app_settings: dict = {}
    if method == "private_key_jwt":
        key_file = env.get("OIDC_PRIVATE_KEY_FILE", "").strip()
        if not key_file:
            raise ImproperlyConfigured(
                "OIDC_PRIVATE_KEY_FILE (a PEM private key) must be set for private_key_jwt."
            )
        app_settings["private_key_file"] = key_file
    elif not env.get("OIDC_CLIENT_SECRET", ""):
        raise ImproperlyConfigured(f"OIDC_CLIENT_SECRET must be set for {method}.")
    auth_params: dict[str, str] = {}
    # GOV.UK One Login: vtr asks for the level of confidence, e.g. ["Cl.Cm.P2"]; claims asks for
    # the identity claims. Both are JSON, passed through to the authorisation request.
    for name, param in (("OIDC_VTR", "vtr"), ("OIDC_CLAIMS", "claims")):
        value = env.get(name, "").strip()
        if value:
            try:
                json.loads(value)
            except ValueError:
                raise ImproperlyConfigured(f"{name} must be JSON (got {value!r}).") from None
            auth_params[param] = value
    scope = [s for s in env.get("OIDC_SCOPES", "openid email").split() if s]
    return [
        {
            "provider_id": env.get("OIDC_PROVIDER_ID", "govuk-one-login").strip(),
            "name": env.get("OIDC_NAME", "GOV.UK One Login").strip(),
            "client_id": client_id,
            "secret": env.get("OIDC_CLIENT_SECRET", ""),
            "settings": {
                "server_url": server_url,
                "token_auth_method": method,
                "oauth_pkce_enabled": True,
                "scope": scope,
                "auth_params": auth_params,
                **app_settings,
            },
        }
    ]
