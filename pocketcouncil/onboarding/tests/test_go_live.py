"""The go-live checklist: what a new council still needs, each line linking to its fix."""

import pytest
from django.urls import reverse

from pocketcouncil.accounts.models import StaffRoleKind
from pocketcouncil.accounts.tests.factories import StaffRoleFactory, UserFactory
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.councils.models import AreaKind
from pocketcouncil.councils.tests.factories import AreaFactory, CouncilFactory, square
from pocketcouncil.onboarding import actions, queries
from pocketcouncil.onboarding.tests.conftest import make_staff
from pocketcouncil.services.models import Service

pytestmark = pytest.mark.django_db


def status(council):
    return {item.key: item.done for item in queries.go_live_checklist(council=council)}


def test_a_new_council_sees_everything_missing_with_links(client, db):
    council = CouncilFactory(phone="")
    # An admin without an authenticator does not count; one is needed to open the page at all.
    StaffRoleFactory(user=UserFactory(), council=council, role=StaffRoleKind.COUNCIL_ADMIN)
    assert status(council) == {
        "boundaries": False,
        "services": False,
        "contact": False,
        "privacy": False,
        "admin_mfa": False,
    }
    viewer = make_staff(council, role=StaffRoleKind.COUNCIL_ADMIN)
    assert status(council)["admin_mfa"] is True
    sign_in_with_mfa(client, viewer)
    response = client.get(reverse("onboarding:go-live", args=[council.slug]))
    html = response.content.decode()
    assert "4 things are missing" in html
    assert reverse("onboarding:services", args=[council.slug]) in html
    assert reverse("onboarding:settings", args=[council.slug]) + "#id_privacy_notice_url" in html
    assert f"manage.py councils_import_boundaries {council.slug} FILE" in html
    assert "Missing: website, a phone number or email address." in html


def test_each_line_is_done_once_its_fix_is_made(admin, council):
    AreaFactory(council=council, kind=AreaKind.WARD, geometry=square(3.0, 55.0, 0.1))
    actions.council_settings_update(
        council=council,
        actor=admin,
        changes={
            "website": "https://www.example.gov.uk",
            "privacy_notice_url": "https://www.example.gov.uk/privacy",
        },
    )
    first = Service.objects.order_by("lgsl").first()
    actions.services_offered_set(council=council, actor=admin, offered={first.lgsl})
    assert all(status(council).values())


def test_offering_nothing_is_not_services_chosen(admin, council):
    actions.services_offered_set(council=council, actor=admin, offered=set())
    assert status(council)["services"] is False


def test_the_checklist_is_for_the_councils_admins_only(client, council, other_council):
    sign_in_with_mfa(client, make_staff(other_council))
    assert client.get(reverse("onboarding:go-live", args=[council.slug])).status_code == 403
    sign_in_with_mfa(client, make_staff(council, role=StaffRoleKind.CASE_OFFICER))
    assert client.get(reverse("onboarding:go-live", args=[council.slug])).status_code == 403
