import pytest

from pocketcouncil.accounts.models import StaffRoleKind
from pocketcouncil.accounts.tests.factories import StaffRoleFactory, UserFactory, add_totp
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.councils.tests.factories import CouncilFactory


def make_staff(council, role=StaffRoleKind.COUNCIL_ADMIN, **user_fields):
    user = UserFactory(**user_fields)
    add_totp(user)
    StaffRoleFactory(user=user, council=council, role=role)
    return user


@pytest.fixture
def admin(council):
    return make_staff(council, full_name="Ada Admin")


@pytest.fixture
def admin_client(client, admin):
    sign_in_with_mfa(client, admin)
    return client


@pytest.fixture
def other_council(db):
    return CouncilFactory()
