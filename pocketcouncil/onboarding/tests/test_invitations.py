"""Staff invitations by email: expiring, single use, accepted by signing in with the address,
two-factor authentication on the first staff page, revocable, audited."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pocketcouncil.accounts.models import AccountEvent, AccountEventKind, StaffRole, StaffRoleKind
from pocketcouncil.accounts.tests.factories import UserFactory
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.notify.models import Notification
from pocketcouncil.notify.testing import deliver_pending
from pocketcouncil.onboarding import actions
from pocketcouncil.onboarding.models import SettingsEvent, SettingsEventKind, StaffInvitation
from pocketcouncil.onboarding.tests.conftest import make_staff

pytestmark = pytest.mark.django_db

INVITEE = "new.officer@example.gov.uk"


def invite(client, council, email=INVITEE, role=StaffRoleKind.CASE_OFFICER):
    return client.post(
        reverse("onboarding:invitations", args=[council.slug]),
        {"email": email, "role": role, "team": ""},
    )


def emailed_link() -> str:
    deliver_pending()
    assert mail.outbox, "the invitation was emailed"
    return re.search(r"https?://\S+/staff-invitation/\S+/", mail.outbox[-1].body).group(0)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


@pytest.fixture
def other_client():
    """A second browser (the admin's and the invitee's sessions are not the same)."""
    return Client()


def sign_in(client, email=INVITEE):
    user = UserFactory(email=email)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return user


def test_invited_person_accepts_by_signing_in_and_must_set_up_mfa(
    admin_client, admin, council, other_client
):
    response = invite(admin_client, council, email="New.Officer@Example.gov.uk")
    assert response.status_code == 302
    invitation = StaffInvitation.objects.get(council=council)
    assert invitation.email == INVITEE
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    # Sent through notify's outbox like every other message.
    assert Notification.objects.filter(to=INVITEE, council=council, channel="email").exists()
    link = emailed_link()
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in invitation.token_digest
    assert mail.outbox[-1].to == [INVITEE]
    assert council.name in mail.outbox[-1].subject
    assert SettingsEvent.objects.filter(
        council=council, kind=SettingsEventKind.INVITATION_SENT, actor=admin
    ).exists()

    response = other_client.get(path_of(link))
    assert response.status_code == 302 and "/accounts/login/code/" in response["Location"]

    user = sign_in(other_client)
    page = other_client.get(path_of(link))
    assert page.status_code == 200 and "Accept invitation" in page.content.decode()
    response = other_client.post(path_of(link))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts-staff-home")
    role = StaffRole.objects.get(user=user, council=council)
    assert role.role == StaffRoleKind.CASE_OFFICER and role.granted_by == admin
    assert AccountEvent.objects.filter(user=user, kind=AccountEventKind.ROLE_GRANTED).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.state() == "accepted"
    assert SettingsEvent.objects.filter(
        council=council, kind=SettingsEventKind.INVITATION_ACCEPTED, actor=user
    ).exists()
    # No authenticator yet: the first staff page sends them to set one up.
    response = other_client.get(reverse("accounts-staff-home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))

    # Single use.
    response = other_client.post(path_of(link))
    assert response.status_code == 400
    assert "already been used" in response.content.decode()
    assert StaffRole.objects.filter(user=user, council=council).count() == 1


def test_the_link_runs_out(admin_client, council, other_client, settings):
    settings.ONBOARDING_INVITATION_DAYS = 2
    invite(admin_client, council)
    link = emailed_link()
    invitation = StaffInvitation.objects.get(council=council)
    assert invitation.expires_at - invitation.created_at == timedelta(days=2)
    sign_in(other_client)
    with time_machine.travel(timezone.now() + timedelta(days=2, minutes=1)):
        response = other_client.post(path_of(link))
        assert response.status_code == 400
        assert "run out" in response.content.decode()
    assert not StaffRole.objects.filter(council=council, user__email=INVITEE).exists()


def test_someone_signed_in_with_another_address_cannot_accept(admin_client, council, other_client):
    invite(admin_client, council)
    link = emailed_link()
    sign_in(other_client, email="someone.else@example.com")
    response = other_client.post(path_of(link))
    assert response.status_code == 400
    assert f"This invitation is for {INVITEE}" in response.content.decode()
    assert not StaffRole.objects.filter(council=council, user__email__contains="else").exists()
    assert StaffInvitation.objects.get(council=council).state() == "pending"


def test_admin_revokes_an_invitation(admin_client, admin, council, other_client):
    invite(admin_client, council)
    link = emailed_link()
    invitation = StaffInvitation.objects.get(council=council)
    response = admin_client.post(
        reverse("onboarding:invitation-revoke", args=[council.slug, invitation.pk])
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_by == admin and invitation.state() == "revoked"
    assert SettingsEvent.objects.filter(kind=SettingsEventKind.INVITATION_REVOKED).exists()
    sign_in(other_client)
    response = other_client.post(path_of(link))
    assert response.status_code == 400
    assert "withdrawn" in response.content.decode()
    page = admin_client.get(reverse("onboarding:invitations", args=[council.slug]))
    assert "Revoked" in page.content.decode()


def test_bad_invitations_are_refused_the_govuk_way(admin_client, council):
    response = invite(admin_client, council, email="not an address")
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert "Enter an email address like" in response.content.decode()
    invite(admin_client, council)
    response = invite(admin_client, council)
    assert response.status_code == 400
    assert "has already been invited to that role" in response.content.decode()
    assert StaffInvitation.objects.filter(council=council).count() == 1


def test_a_link_nobody_was_sent_is_not_found(client):
    sign_in(client)
    response = client.post(reverse("onboarding:invitation", args=["made-up-token"]))
    assert response.status_code == 400
    assert "not right" in response.content.decode()


def test_invitation_dies_with_the_inviters_admin_role(admin, council, other_client):
    invitation, token = actions.invitation_send(
        council=council, actor=admin, email=INVITEE, role=StaffRoleKind.COUNCIL_ADMIN
    )
    StaffRole.objects.filter(user=admin, council=council).delete()
    user = sign_in(other_client)
    with pytest.raises(actions.InvitationError, match="can no longer give roles"):
        actions.invitation_accept(token=token, user=user)
    assert not StaffRole.objects.filter(user=user).exists()


def test_another_councils_admin_can_neither_invite_nor_revoke(client, council, other_council):
    outsider = make_staff(other_council)
    insider = make_staff(council)
    invitation, _token = actions.invitation_send(
        council=council, actor=insider, email=INVITEE, role=StaffRoleKind.CASE_OFFICER
    )
    sign_in_with_mfa(client, outsider)
    assert invite(client, council).status_code == 403
    assert client.get(reverse("onboarding:invitations", args=[council.slug])).status_code == 403
    response = client.post(
        reverse("onboarding:invitation-revoke", args=[council.slug, invitation.pk])
    )
    assert response.status_code == 403
    # Through their own council's address, another council's invitation is not found.
    response = client.post(
        reverse("onboarding:invitation-revoke", args=[other_council.slug, invitation.pk])
    )
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.state() == "pending"
