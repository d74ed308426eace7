"""A real two-factor sign-in: email code, then the demo staff TOTP code, then staff pages."""

import pytest
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)

from pocketcouncil.accounts.demo import DEMO_TOTP_SECRET
from pocketcouncil.accounts.tests.test_sign_in import code_from_last_email

pytestmark = pytest.mark.django_db


def totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def test_demo_case_officer_signs_in_with_code_and_authenticator_app(client):
    email = "case-officer.oxford@demo.pocketcouncil.example"
    client.post("/accounts/login/code/?next=/staff/", {"email": email, "next": "/staff/"})
    response = client.post("/accounts/login/code/confirm/", {"code": code_from_last_email()})
    # Signing in by email code is not enough: the authenticator app is asked for next.
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert "_auth_user_id" not in client.session
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_now(DEMO_TOTP_SECRET)})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    assert client.get("/staff/").status_code == 200


def test_staff_without_two_factor_set_it_up_then_get_in(client, demo):
    import time_machine

    from pocketcouncil.accounts.tests.factories import StaffRoleFactory

    officer = StaffRoleFactory(council=demo["oxford"]).user
    client.force_login(officer)
    response = client.get("/staff/")
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")
    html = client.get(response["Location"]).content.decode()
    assert "Set up an authenticator app" in html
    secret = html.split('id="authenticator_secret" type="text" value="')[1].split('"')[0]
    with time_machine.travel("2026-03-02 09:00:00Z", tick=False):
        response = client.post("/accounts/2fa/totp/activate/", {"code": totp_now(secret)})
        assert response.status_code == 302
    # The app is set up; this session still has to use it once before staff pages open.
    with time_machine.travel("2026-03-02 09:01:00Z", tick=False):
        response = client.get("/staff/")
        assert response["Location"].startswith("/accounts/2fa/reauthenticate/")
        response = client.post(response["Location"], {"code": totp_now(secret)})
        assert response.status_code == 302
        assert response["Location"] == "/staff/"
        assert client.get("/staff/").status_code == 200
