"""Assisted digital: staff act for a resident who asked for help, recorded as on their behalf."""

import pytest

from pocketcouncil.accounts import actions
from pocketcouncil.accounts.models import (
    AccountEvent,
    AccountEventKind,
    AssistedSession,
    StaffRoleKind,
    User,
)
from pocketcouncil.accounts.tests.factories import StaffRoleFactory, UserFactory, add_totp
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(demo):
    user = StaffRoleFactory(
        council=demo["oxford"], role=StaffRoleKind.CASE_OFFICER, user__full_name="Olu Officer"
    ).user
    add_totp(user)
    return user


@pytest.fixture
def tom():
    return User.objects.get(email="tom.evans@demo.pocketcouncil.example")


def start(client, officer, resident, demo):
    sign_in_with_mfa(client, officer)
    return client.post(
        "/staff/assist/",
        {"email": resident.email, "council": demo["oxford"].pk, "reason": "Phoned, no smartphone"},
    )


def test_staff_act_for_a_resident_and_every_change_says_so(client, officer, tom, demo):
    response = start(client, officer, tom, demo)
    assert response["Location"] == "/your-account/"
    html = client.get("/your-account/").content.decode()
    assert "You (Olu Officer, Oxford City Council (demo)) are acting for Tom Evans" in html
    assert "tom.evans@demo.pocketcouncil.example" in html

    client.post("/your-account/name/", {"full_name": "Thomas Evans"})
    tom.refresh_from_db()
    assert tom.full_name == "Thomas Evans"
    event = AccountEvent.objects.filter(user=tom, kind=AccountEventKind.DETAILS_CHANGED).first()
    assert event.actor == officer
    assert event.on_behalf

    html = client.get("/your-account/").content.decode()
    assert "done by Olu Officer (Oxford City Council (demo)) on your behalf" in html

    # The same words for other apps, through the helper.
    assert AssistedSession.objects.get(staff=officer, resident=tom).reason == (
        "Phoned, no smartphone"
    )

    client.post("/staff/assist/stop/")
    assert AssistedSession.objects.get(staff=officer).ended_at is not None
    assert "pc-assisted-banner" not in client.get("/your-account/").content.decode()
    kinds = list(AccountEvent.objects.filter(user=tom).values_list("kind", flat=True))
    assert AccountEventKind.ASSISTANCE_STARTED in kinds
    assert AccountEventKind.ASSISTANCE_ENDED in kinds


@pytest.mark.urls("pocketcouncil.accounts.tests.urls_testing")
def test_the_on_behalf_helper(client, officer, tom, demo):
    start(client, officer, tom, demo)
    assert client.get("/test/whoami/").content.decode() == (
        "done by Olu Officer on behalf of Tom Evans"
    )


def test_the_residents_sign_in_settings_stay_out_of_reach(client, officer, tom, demo):
    start(client, officer, tom, demo)
    for path in ("/accounts/email/", "/accounts/2fa/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == "/staff/assist/"
    # The same pages in Welsh are out of reach too.
    for path in ("/cy/accounts/email/", "/cy/accounts/2fa/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == "/cy/staff/assist/"
    assert client.get("/your-account/sign-out-everywhere/").status_code == 404


def test_staff_cannot_act_for_other_staff(client, officer, demo):
    colleague = StaffRoleFactory(council=demo["oxford"]).user
    html = start(client, officer, colleague, demo).content.decode()
    assert "only act for residents" in html
    assert not AssistedSession.objects.exists()


def test_a_reason_is_required(client, officer, tom, demo):
    sign_in_with_mfa(client, officer)
    html = client.post(
        "/staff/assist/", {"email": tom.email, "council": demo["oxford"].pk, "reason": ""}
    ).content.decode()
    assert "Say why the resident asked for help" in html
    assert not AssistedSession.objects.exists()


def test_a_role_without_the_permission_gets_403(client, demo):
    moderator = StaffRoleFactory(council=demo["oxford"], role=StaffRoleKind.MODERATOR).user
    add_totp(moderator)
    sign_in_with_mfa(client, moderator)
    assert client.get("/staff/assist/").status_code == 403


def test_acting_stops_when_the_role_is_taken_away(client, officer, tom, demo):
    start(client, officer, tom, demo)
    officer.staff_roles.all().delete()
    client.get("/")  # the message about starting is shown once
    html = client.get("/your-account/").content.decode()
    assert "pc-assisted-banner" not in html
    assert "Olu Officer" in html  # back to their own account


def test_staff_of_another_council_cannot_start_for_that_council(officer, tom, demo):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.assisted_session_start(
            resident=tom, council=demo["manchester"], reason="Phoned", actor=officer
        )


def test_in_person_identity_check_raises_to_level_3_and_is_audited(client, officer, demo):
    amira = User.objects.get(email="amira.khan@demo.pocketcouncil.example")
    sign_in_with_mfa(client, officer)
    response = client.post(
        "/staff/identity-check/",
        {"email": amira.email, "council": demo["oxford"].pk, "evidence": "UK passport"},
    )
    assert response.status_code == 302
    from pocketcouncil.accounts import queries

    assert queries.level_for(amira) == 3
    record = amira.level_records.get(level=3, lost_at__isnull=True)
    assert record.method == "in_person"
    assert record.verified_by == officer
    event = AccountEvent.objects.get(user=amira, kind=AccountEventKind.IDENTITY_VERIFIED)
    assert (event.actor, event.council) == (officer, demo["oxford"])


def test_in_person_check_for_another_council_is_refused(officer, demo):
    from django.core.exceptions import PermissionDenied

    resident = UserFactory()
    with pytest.raises(PermissionDenied):
        actions.identity_verify_in_person(
            resident=resident, council=demo["manchester"], evidence="Passport", actor=officer
        )


@pytest.mark.urls("pocketcouncil.accounts.tests.urls_testing")
def test_staff_pages_see_the_member_of_staff_while_they_act_for_someone(client, officer, tom, demo):
    start(client, officer, tom, demo)
    # A staff page checking request.user still sees the officer, not the resident.
    assert client.get("/test/councils/oxford/cases/").status_code == 200
    assert client.get("/test/whoami/").content.decode() == (
        "done by Olu Officer on behalf of Tom Evans"
    )
