"""The platform operator's page to add a council (council_add from the councils app)."""

import pytest
from django.urls import reverse

from pocketcouncil.accounts.tests.factories import UserFactory, add_totp
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.councils.models import Council, CouncilAuditAction, CouncilAuditEntry
from pocketcouncil.onboarding.tests.conftest import make_staff

pytestmark = pytest.mark.django_db

URL = reverse("onboarding:council-add")


@pytest.fixture
def operator():
    user = UserFactory(is_superuser=True, is_staff=True)
    add_totp(user)
    return user


def test_operator_adds_a_district_under_a_county(client, operator, demo):
    county = next(c for c in demo.values() if c.tier == "county")
    sign_in_with_mfa(client, operator)
    response = client.post(
        URL,
        {
            "name": "South Oxfordshire District Council",
            "name_cy": "",
            "slug": "south-oxfordshire",
            "gss": "E07000179",
            "tier": "district",
            "parent": county.slug,
        },
    )
    assert response.status_code == 302
    council = Council.objects.get(slug="south-oxfordshire")
    assert council.upper_tier == county and council.gss_code == "E07000179"
    entry = CouncilAuditEntry.objects.get(council=council)
    assert entry.action == CouncilAuditAction.COUNCIL_ADDED and entry.actor == operator
    page = client.get(response["Location"]).content.decode()
    assert "manage.py councils_import_boundaries south-oxfordshire FILE" in page


def test_a_slug_clash_is_refused_on_the_field(client, operator, demo):
    sign_in_with_mfa(client, operator)
    before = Council.objects.count()
    response = client.post(
        URL,
        {"name": "Another Oxford", "slug": "oxford", "gss": "E07000999", "tier": "unitary"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html and 'href="#id_slug"' in html
    assert "already used by" in html
    response = client.post(URL, {"name": "", "slug": "", "gss": "", "tier": ""})
    assert response.status_code == 400
    assert "Enter the council&#x27;s GSS code" in response.content.decode()
    assert Council.objects.count() == before


def test_council_staff_are_not_platform_operators(client, council):
    sign_in_with_mfa(client, make_staff(council))
    assert client.get(URL).status_code == 403
    response = client.post(URL, {"name": "X", "slug": "x", "gss": "E07000998", "tier": "unitary"})
    assert response.status_code == 403
    assert not Council.objects.filter(slug="x").exists()


def test_an_operator_must_use_two_factor_authentication(client, operator):
    client.force_login(operator, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(URL)
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
