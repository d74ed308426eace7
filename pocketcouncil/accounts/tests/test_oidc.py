"""Identity through an OpenID Connect provider (GOV.UK One Login) and its settings."""

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
