"""Connect allauth's signals to accounts actions. No rules here: each receiver calls an action."""

from __future__ import annotations

from allauth.account.signals import email_confirmed, user_logged_in
from allauth.socialaccount.signals import social_account_added

from pocketcouncil.accounts import actions


def _oidc_claims(sociallogin) -> dict:
    """The identity provider's claims: the ID token's, then the userinfo answer's."""
    data = sociallogin.account.extra_data or {}
    claims: dict = {}
    for part in ("id_token", "userinfo"):
        if isinstance(data.get(part), dict):
            claims.update(data[part])
    return claims or dict(data)


def _identity_from(request, sociallogin) -> None:
    user = sociallogin.user
    if user is not None and user.pk is not None:
        change = actions.identity_verify_oidc(
            user=user, provider=sociallogin.account.provider, claims=_oidc_claims(sociallogin)
        )
        if change is not None and change.changed and request is not None:
            request.session.cycle_key()  # a new session key whenever the level changes


def _logged_in(sender, request, user, **kwargs):
    actions.email_verified_record(user=user, actor=user)
    if kwargs.get("sociallogin") is not None:
        _identity_from(request, kwargs["sociallogin"])


def _email_confirmed(sender, request, email_address, **kwargs):
    actions.email_verified_record(user=email_address.user, actor=email_address.user)


def _social_account_added(sender, request, sociallogin, **kwargs):
    _identity_from(request, sociallogin)


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="accounts_on_login")
    email_confirmed.connect(_email_confirmed, dispatch_uid="accounts_on_email_confirmed")
    social_account_added.connect(_social_account_added, dispatch_uid="accounts_identity_added")
