"""Test helpers other apps' tests may use to sign in as staff."""

import time

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY


def sign_in_with_mfa(client, user) -> None:
    """Sign ``user`` in as if they had just used their authenticator app (staff pages need it).

    The real sign-in with a TOTP code is tested in accounts/tests/test_mfa.py.
    """
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "mfa", "at": time.time(), "type": "totp"}
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
