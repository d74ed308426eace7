"""Roles per council, the permission helper, and staff pages needing two-factor authentication."""

import pytest
from django.core.exceptions import PermissionDenied

from pocketcouncil.accounts import permissions
from pocketcouncil.accounts.models import StaffRoleKind
from pocketcouncil.accounts.tests.factories import StaffRoleFactory, UserFactory, add_totp
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa

pytestmark = pytest.mark.django_db


class Thing:
    """Any council-owned object: the helper only needs ``council_id``."""

    def __init__(self, council):
        self.council_id = council.pk


def test_a_role_allows_its_actions_in_its_own_council_only(demo):
    officer = StaffRoleFactory(council=demo["oxford"], role=StaffRoleKind.CASE_OFFICER).user
    assert permissions.has_perm(officer, "cases.change_status", demo["oxford"])
    assert permissions.has_perm(officer, "cases.change_status", Thing(demo["oxford"]))
    assert not permissions.has_perm(officer, "cases.change_status", demo["manchester"])
    # A district's officer has no power over the county above it either.
    assert not permissions.has_perm(officer, "cases.change_status", demo["oxfordshire"])
    assert not permissions.has_perm(officer, "services.edit", demo["oxford"])
    with pytest.raises(PermissionDenied):
        permissions.require(officer, "cases.view", Thing(demo["manchester"]))


def test_roles_in_two_councils(demo):
    user = UserFactory()
    StaffRoleFactory(user=user, council=demo["oxford"], role=StaffRoleKind.MODERATOR)
    StaffRoleFactory(user=user, council=demo["manchester"], role=StaffRoleKind.SERVICE_MANAGER)
    assert permissions.has_perm(user, "engage.moderate", demo["oxford"])
    assert not permissions.has_perm(user, "engage.moderate", demo["manchester"])
    assert permissions.has_perm(user, "services.edit", demo["manchester"])
    assert not permissions.has_perm(user, "services.edit", demo["oxford"])
    assert [c.slug for c in permissions.councils_where(user, "staff.view")] == [
        "manchester",
        "oxford",
    ]


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        (StaffRoleKind.COUNCIL_ADMIN, "accounts.verify_identity", True),
        (StaffRoleKind.COUNCIL_ADMIN, "notify.edit_templates", True),
        (StaffRoleKind.SERVICE_MANAGER, "services.edit", True),
        (StaffRoleKind.SERVICE_MANAGER, "accounts.act_for_resident", False),
        (StaffRoleKind.CASE_OFFICER, "accounts.act_for_resident", True),
        (StaffRoleKind.CASE_OFFICER, "engage.moderate", False),
        (StaffRoleKind.MODERATOR, "engage.moderate", True),
        (StaffRoleKind.MODERATOR, "cases.view", False),
        (StaffRoleKind.PARTNER_VIEWER, "cases.view", False),
        (StaffRoleKind.PARTNER_VIEWER, "partner.view_shared", True),
    ],
)
def test_role_table(demo, role, action, allowed):
    user = StaffRoleFactory(council=demo["oxford"], role=role).user
    assert permissions.has_perm(user, action, demo["oxford"]) is allowed


def test_residents_anonymous_and_inactive_users_may_do_nothing(demo):
    from django.contrib.auth.models import AnonymousUser

    assert not permissions.has_perm(UserFactory(), "cases.view", demo["oxford"])
    assert not permissions.has_perm(AnonymousUser(), "cases.view", demo["oxford"])
    officer = StaffRoleFactory(council=demo["oxford"]).user
    officer.is_active = False
    assert not permissions.has_perm(officer, "cases.view", demo["oxford"])


def test_a_misspelt_action_fails_loudly(demo):
    with pytest.raises(permissions.UnknownActionError):
        permissions.has_perm(UserFactory(), "cases.veiw", demo["oxford"])


@pytest.mark.urls("pocketcouncil.accounts.tests.urls_testing")
def test_staff_of_council_a_get_403_on_council_b(client, demo):
    officer = StaffRoleFactory(council=demo["oxford"]).user
    add_totp(officer)
    sign_in_with_mfa(client, officer)
    assert client.get("/test/councils/oxford/cases/").status_code == 200
    assert client.get("/test/councils/manchester/cases/").status_code == 403
    assert client.get("/test/councils/oxfordshire/cases/").status_code == 403


class TestStaffPagesNeedTwoFactor:
    def test_not_signed_in_goes_to_sign_in(self, client):
        response = client.get("/staff/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/code/?next=%2Fstaff%2F")

    def test_a_resident_is_refused(self, client):
        client.force_login(UserFactory())
        assert client.get("/staff/").status_code == 403

    def test_staff_without_an_authenticator_are_sent_to_set_one_up(self, client, demo):
        officer = StaffRoleFactory(council=demo["oxford"]).user
        client.force_login(officer)
        response = client.get("/staff/", follow=False)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/2fa/totp/activate/?next=%2Fstaff%2F")
        html = client.get(response["Location"]).content.decode()
        assert "must use two-factor authentication" in html

    def test_staff_who_did_not_use_it_this_session_must_confirm(self, client, demo):
        officer = StaffRoleFactory(council=demo["oxford"]).user
        add_totp(officer)
        client.force_login(officer)
        response = client.get("/staff/")
        assert response["Location"].startswith("/accounts/2fa/reauthenticate/")

    def test_staff_with_two_factor_get_in(self, client, demo):
        officer = StaffRoleFactory(council=demo["oxford"]).user
        add_totp(officer)
        sign_in_with_mfa(client, officer)
        response = client.get("/staff/")
        assert response.status_code == 200
        assert "Case officer, Oxford City Council" in response.content.decode()

    def test_recovery_codes_alone_do_not_count(self, client, demo):
        from allauth.mfa.models import Authenticator

        officer = StaffRoleFactory(council=demo["oxford"]).user
        Authenticator.objects.create(
            user=officer, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "00" * 20}
        )
        sign_in_with_mfa(client, officer)
        assert client.get("/staff/")["Location"].startswith("/accounts/2fa/totp/activate/")
