"""Council admins give and remove staff roles in their own council only."""

import pytest

from pocketcouncil.accounts.models import AccountEvent, StaffRole, StaffRoleKind
from pocketcouncil.accounts.tests.factories import StaffRoleFactory, UserFactory, add_totp
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def oxford_admin(demo):
    user = StaffRoleFactory(council=demo["oxford"], role=StaffRoleKind.COUNCIL_ADMIN).user
    add_totp(user)
    return user


def test_a_council_admin_gives_a_role_and_it_is_audited(client, oxford_admin, demo):
    newcomer = UserFactory(full_name="Nia Newcomer")
    sign_in_with_mfa(client, oxford_admin)
    team = demo["oxford"].teams.get(name="Street scene")
    response = client.post(
        "/staff/oxford/roles/",
        {"email": newcomer.email, "role": "case_officer", "team": team.pk},
    )
    assert response.status_code == 302
    role = StaffRole.objects.get(user=newcomer)
    assert (role.council, role.role, role.team, role.granted_by) == (
        demo["oxford"],
        "case_officer",
        team,
        oxford_admin,
    )
    event = AccountEvent.objects.get(user=newcomer, kind="role_granted")
    assert (event.actor, event.council) == (oxford_admin, demo["oxford"])
    html = client.get("/staff/oxford/roles/").content.decode()
    assert "Nia Newcomer" in html


def test_giving_the_same_role_twice_says_so(client, oxford_admin, demo):
    sign_in_with_mfa(client, oxford_admin)
    existing = StaffRole.objects.filter(council=demo["oxford"], role="moderator").first()
    html = client.post(
        "/staff/oxford/roles/", {"email": existing.user.email, "role": "moderator", "team": ""}
    ).content.decode()
    assert "already has that role here" in html


def test_removing_a_role_asks_first(client, oxford_admin, demo):
    moderator = StaffRole.objects.filter(council=demo["oxford"], role="moderator").first()
    sign_in_with_mfa(client, oxford_admin)
    url = f"/staff/oxford/roles/{moderator.pk}/remove/"
    assert "Remove role" in client.get(url).content.decode()
    assert StaffRole.objects.filter(pk=moderator.pk).exists()
    client.post(url)
    assert not StaffRole.objects.filter(pk=moderator.pk).exists()
    assert AccountEvent.objects.filter(user=moderator.user, kind="role_removed").exists()


def test_an_admin_cannot_remove_their_own_admin_role(client, oxford_admin, demo):
    own = StaffRole.objects.get(user=oxford_admin)
    sign_in_with_mfa(client, oxford_admin)
    html = client.post(f"/staff/oxford/roles/{own.pk}/remove/").content.decode()
    assert "cannot remove your own council admin role" in html
    assert StaffRole.objects.filter(pk=own.pk).exists()


def test_another_councils_roles_are_out_of_reach(client, oxford_admin, demo):
    sign_in_with_mfa(client, oxford_admin)
    assert client.get("/staff/manchester/roles/").status_code == 403
    manchester_role = StaffRole.objects.filter(council=demo["manchester"]).first()
    # Not through the Oxford address either.
    assert client.post(f"/staff/oxford/roles/{manchester_role.pk}/remove/").status_code == 404
    assert client.post(f"/staff/manchester/roles/{manchester_role.pk}/remove/").status_code == 403
    assert StaffRole.objects.filter(pk=manchester_role.pk).exists()


def test_only_council_admins_manage_roles(client, demo):
    officer = StaffRoleFactory(council=demo["oxford"], role=StaffRoleKind.CASE_OFFICER).user
    add_totp(officer)
    sign_in_with_mfa(client, officer)
    assert client.get("/staff/oxford/roles/").status_code == 403


def test_the_roles_page_does_a_fixed_number_of_queries(
    client, oxford_admin, demo, django_assert_max_num_queries
):
    for _ in range(10):
        StaffRoleFactory(council=demo["oxford"], role=StaffRoleKind.MODERATOR)
    sign_in_with_mfa(client, oxford_admin)
    with django_assert_max_num_queries(15):
        assert client.get("/staff/oxford/roles/").status_code == 200
