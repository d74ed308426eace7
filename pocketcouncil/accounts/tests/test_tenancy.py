"""Council A's staff cannot act in council B: through the helper, the actions and the pages."""

import pytest

from pocketcouncil.accounts import queries
from pocketcouncil.accounts.models import AccountEvent, AssistedSession, User
from pocketcouncil.accounts.tests.factories import StaffRoleFactory, add_totp
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def manchester_admin(demo):
    user = StaffRoleFactory(council=demo["manchester"], role="council_admin").user
    add_totp(user)
    return user


def test_staff_only_choose_their_own_councils(client, manchester_admin, demo):
    sign_in_with_mfa(client, manchester_admin)
    html = client.get("/staff/assist/").content.decode()
    assert "Manchester City Council" in html
    assert "Oxford City Council" not in html


def test_posting_another_councils_id_acts_for_nobody(client, manchester_admin, demo):
    tom = User.objects.get(email="tom.evans@demo.pocketcouncil.example")
    sign_in_with_mfa(client, manchester_admin)
    response = client.post(
        "/staff/assist/", {"email": tom.email, "council": demo["oxford"].pk, "reason": "x"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not AssistedSession.objects.exists()


def test_posting_another_councils_id_checks_no_identity(client, manchester_admin, demo):
    amira = User.objects.get(email="amira.khan@demo.pocketcouncil.example")
    sign_in_with_mfa(client, manchester_admin)
    client.post(
        "/staff/identity-check/",
        {"email": amira.email, "council": demo["oxford"].pk, "evidence": "Passport"},
    )
    assert queries.level_for(amira) == 2
    assert not AccountEvent.objects.filter(user=amira, kind="identity_verified").exists()
