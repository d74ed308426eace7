"""Step-up at the point of need, through a real level-2 page (tests/urls_testing.py)."""

import re

import pytest

from pocketcouncil.accounts import queries
from pocketcouncil.accounts.models import User
from pocketcouncil.accounts.tests.factories import UserFactory
from pocketcouncil.notify.testing import deliver_pending, sms_outbox

pytestmark = [pytest.mark.django_db, pytest.mark.urls("pocketcouncil.accounts.tests.urls_testing")]

SENTENCE = (
    "We need to check your mobile number and your home address to make sure permits only go "
    "to people who live in the zone."
)


def sms_code() -> str:
    deliver_pending()
    return re.search(r"\b(\d{6})\b", sms_outbox[-1]["body"]).group(1)


def test_level_one_resident_does_only_the_missing_steps_and_gets_their_input_back(client):
    resident = UserFactory()
    client.force_login(resident)
    typed = {"registration": "AB12 CDE", "zone": "Cowley", "days": ["mon", "wed"]}

    # 1. Sending the form at level 1 leads to the step-up page, not to the action.
    response = client.post("/test/permit/", typed)
    assert response.status_code == 302
    stepup_url = response["Location"]
    assert re.fullmatch(r"/more-needed/[\w-]+/", stepup_url)

    # 2. One plain sentence: what is needed and why; only the missing steps.
    response = client.get(stepup_url)
    html = response.content.decode()
    assert SENTENCE in html
    assert "Your email address" in html  # shown as done
    continue_url = re.search(r'href="(/your-account/mobile/\?next=[^"]+)"', html).group(1)

    # 3. Mobile number: a code by text message.
    session_before = client.session.session_key
    response = client.post(continue_url, {"mobile": "07700 900123"})
    assert response.status_code == 302
    assert response["Location"].startswith("/your-account/mobile/code/?next=")
    response = client.post(response["Location"], {"code": sms_code()})
    assert response["Location"] == stepup_url

    # 4. Back on the step-up page only the address is left.
    html = client.get(stepup_url).content.decode()
    assert "We need to check your home address to make sure" in html
    assert "mobile number and" not in html
    continue_url = re.search(r'href="(/your-account/home/\?next=[^"]+)"', html).group(1)
    response = client.post(continue_url, {"address": "1 Cowley Road", "postcode": "ox4 3bd"})
    assert response["Location"] == stepup_url
    assert queries.level_for(resident) == 2
    # The session key changed when the level did.
    assert client.session.session_key != session_before

    # 5. Done: back to the page, with what was typed still there.
    response = client.get(stepup_url)
    assert response.status_code == 302
    assert response["Location"].startswith("/test/permit/?stepup=")
    html = client.get(response["Location"]).content.decode()
    assert 'value="AB12 CDE"' in html
    assert 'value="Cowley"' in html
    assert 'value="mon" selected' in html
    assert 'value="wed" selected' in html
    assert 'value="tue" selected' not in html

    # 6. And the form now goes through.
    response = client.post("/test/permit/", typed)
    assert response.content.decode() == "Applied for AB12 CDE"


def test_a_level_two_resident_goes_straight_through(client):
    amira = User.objects.get(email="amira.khan@demo.pocketcouncil.example")
    client.force_login(amira)
    response = client.post("/test/permit/", {"registration": "X1", "zone": "Z"})
    assert response.status_code == 200
    assert response.content.decode() == "Applied for X1"


def test_someone_not_signed_in_is_asked_to_sign_in_or_create_an_account_first(client):
    response = client.get("/test/permit/")
    html = client.get(response["Location"]).content.decode()
    assert "We need to check your email address, your mobile number and your home address" in html
    assert "/accounts/login/code/?next=%2Fmore-needed%2F" in html
    assert "/accounts/signup/?next=%2Fmore-needed%2F" in html


def test_the_input_is_kept_server_side_not_in_the_address(client):
    client.force_login(UserFactory())
    response = client.post("/test/permit/", {"registration": "SECRET1", "zone": "Z"})
    assert "SECRET1" not in response["Location"]
    html = client.get(response["Location"]).content.decode()
    assert "SECRET1" not in html


def test_an_unknown_step_up_link_goes_home_with_a_message(client):
    response = client.get("/more-needed/not-a-token/", follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "That page has expired" in response.content.decode()


@pytest.mark.parametrize(
    "evil", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_next_cannot_send_people_to_another_site(client, evil):
    resident = UserFactory()
    client.force_login(resident)
    response = client.post(
        "/your-account/home/", {"address": "1 Cowley Road", "postcode": "OX4 3BD", "next": evil}
    )
    assert response.status_code == 302
    assert response["Location"] == "/your-account/"


def test_another_pages_token_does_not_restore_into_this_page(client):
    client.force_login(UserFactory())
    response = client.post("/test/permit/", {"registration": "AB12 CDE", "zone": "Cowley"})
    token = response["Location"].split("/")[-2]
    html = client.get(f"/your-account/name/?stepup={token}").content.decode()
    assert "AB12 CDE" not in html


def test_a_new_resident_creates_an_account_on_the_way_and_comes_back(client):
    from pocketcouncil.accounts.tests.test_sign_in import code_from_last_email

    response = client.post("/test/permit/", {"registration": "NEW 1", "zone": "Cowley"})
    stepup_url = response["Location"]
    html = client.get(stepup_url).content.decode()
    signup_url = re.search(r'href="(/accounts/signup/\?next=[^"]+)"', html).group(1)
    response = client.post(signup_url.replace("&amp;", "&"), {"email": "newbie@example.com"})
    response = client.post(response["Location"], {"code": code_from_last_email()})
    assert response.status_code == 302
    assert response["Location"] == stepup_url
    html = client.get(stepup_url).content.decode()
    # Signed in now (level 1): only the level 2 steps are left.
    assert "We need to check your mobile number and your home address" in html
