"""Sign-up and sign-in by email code (no password), enumeration and rate limits."""

import re

import pytest
from django.core import mail

from pocketcouncil.accounts import queries
from pocketcouncil.accounts.models import LevelRecord, User
from pocketcouncil.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def code_from_last_email() -> str:
    body = mail.outbox[-1].body
    lines = [line.strip() for line in body.splitlines()]
    return next(line for line in lines if re.fullmatch(r"[A-Z0-9-]{6,12}", line))


def sign_in_by_code(client, email: str) -> None:
    client.post("/accounts/login/code/", {"email": email})
    client.post("/accounts/login/code/confirm/", {"code": code_from_last_email()})
    assert "_auth_user_id" in client.session


def test_sign_up_with_only_an_email_address_and_a_code(client):
    response = client.post("/accounts/signup/", {"email": "new.person@example.com"})
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.com")
    assert not user.has_usable_password()
    assert "new.person@example.com" in mail.outbox[-1].to

    response = client.post(
        "/accounts/confirm-email/", {"code": code_from_last_email()}, follow=True
    )
    assert response.status_code == 200
    assert response.wsgi_request.user == user
    assert queries.level_for(user) == 1
    record = LevelRecord.objects.get(user=user, level=1)
    assert record.method == "email_code"


def test_sign_in_by_code_rotates_the_session(client):
    user = UserFactory()
    client.get("/accounts/login/code/")
    before = client.session.session_key
    response = client.post("/accounts/login/code/", {"email": user.email})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/code/confirm/"
    assert mail.outbox[-1].subject == "Pocket Council: Your sign-in code"
    assert "Your code to sign in to Pocket Council is:" in mail.outbox[-1].body
    assert "http://127.0.0.1:8000" in mail.outbox[-1].body
    html = client.get("/accounts/login/code/confirm/").content.decode()
    assert "Check your email" in html
    response = client.post("/accounts/login/code/confirm/", {"code": code_from_last_email()})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.session.session_key != before


def test_a_wrong_code_does_not_sign_in(client):
    user = UserFactory()
    client.post("/accounts/login/code/", {"email": user.email})
    response = client.post("/accounts/login/code/confirm/", {"code": "WRONG1"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_unknown_email_gets_the_same_answer_as_a_known_one(client):
    """No user enumeration: the page says the same thing either way."""
    known = UserFactory()
    known_response = client.post("/accounts/login/code/", {"email": known.email})
    client.cookies.clear()
    unknown_response = client.post("/accounts/login/code/", {"email": "nobody@example.com"})
    assert known_response.status_code == unknown_response.status_code == 302
    assert known_response["Location"] == unknown_response["Location"]


def test_asking_for_too_many_codes_for_one_address_is_refused(client):
    user = UserFactory()
    statuses = []
    for _ in range(4):
        client.cookies.clear()
        response = client.post("/accounts/login/code/", {"email": user.email})
        statuses.append(response.status_code)
    assert statuses[:3] == [302, 302, 302]
    assert len(mail.outbox) == 3  # the fourth request sent nothing
    assert statuses[3] in (200, 429)
    assert "Too many" in response.content.decode()


def test_too_many_failed_password_sign_ins_are_refused(client):
    user = UserFactory()
    user.set_password("correct horse battery staple")
    user.save()
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": user.email, "password": "nope"})
        assert response.status_code == 200
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": "correct horse battery staple"}
    )
    # Even the right password is refused once the account has had too many failures.
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)


def test_sign_in_pages_use_govuk_markup_without_javascript(client):
    response = client.get("/accounts/login/code/")
    html = response.content.decode()
    assert 'class="govuk-input' in html
    assert 'class="govuk-button' in html
    assert "Email me a code" in html
    # The page works with a plain form post: no script is needed to sign in by code.
    assert '<form method="post"' in html


def test_passkey_sign_in_says_it_needs_javascript_and_offers_the_code(client):
    html = client.get("/accounts/login/").content.decode()
    assert "Passkeys need JavaScript" in html
    assert "/accounts/login/code/" in html


def test_error_pages_say_error_in_the_title(client):
    html = client.post("/accounts/login/code/", {"email": "not an email"}).content.decode()
    assert "<title>Error:" in html
    assert "govuk-error-summary" in html


def test_header_links(client):
    assert "Sign in" in client.get("/").content.decode()
    client.force_login(UserFactory())
    html = client.get("/").content.decode()
    assert "Your account" in html
    assert "Sign out" in html


def test_one_address_asking_for_codes_for_many_accounts_is_refused(client):
    """Per IP address: 20 code requests a minute, whichever email addresses they are for."""
    statuses = []
    for n in range(21):
        client.cookies.clear()  # a fresh browser each time, as a script would be
        response = client.post("/accounts/login/code/", {"email": f"person{n}@example.com"})
        statuses.append(response.status_code)
    assert statuses[:20] == [302] * 20
    assert statuses[20] in (200, 429)
    assert "Too many" in response.content.decode()
    assert len(mail.outbox) == 20


def test_signing_in_from_the_header_comes_back_to_the_page(client):
    html = client.get("/councils/oxford/").content.decode()
    assert 'href="/accounts/login/code/?next=/councils/oxford/"' in html
    html = client.get("/accounts/signup/").content.decode()
    assert 'href="/accounts/login/code/"' in html  # no loop back to the sign-in pages
