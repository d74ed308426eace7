"""Finance staff enter council tax figures in the admin, for their own council only."""

import pytest
from django.urls import reverse

from pocketcouncil.accounts.models import StaffRoleKind
from pocketcouncil.accounts.tests.factories import StaffRoleFactory, UserFactory, add_totp
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.transparency.models import BudgetLine, Precept
from pocketcouncil.transparency.tests.factories import PreceptFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(client, council):
    user = UserFactory(is_staff=True)
    add_totp(user)
    StaffRoleFactory(user=user, council=council, role=StaffRoleKind.COUNCIL_ADMIN)
    sign_in_with_mfa(client, user)
    return client


def test_staff_see_only_their_councils_precepts(finance, council, demo):
    PreceptFactory(council=council, name="Ours")
    response = finance.get(reverse("admin:transparency_precept_changelist"))
    assert response.status_code == 200
    names = [p.name for p in response.context["cl"].result_list]
    assert names == ["Ours"]
    theirs = Precept.objects.filter(council=demo["oxford"]).first()
    assert finance.get(
        reverse("admin:transparency_precept_change", args=[theirs.pk])
    ).status_code in (302, 403, 404)


def test_staff_add_a_precept_with_its_budget_split(finance, council):
    response = finance.post(
        reverse("admin:transparency_precept_add"),
        {
            "council": council.pk,
            "financial_year": 2026,
            "kind": "unitary",
            "name": "Test council",
            "band_d": "1800.00",
            "area": "",
            "source": "Budget book 2026/27",
            "budget_lines-TOTAL_FORMS": "2",
            "budget_lines-INITIAL_FORMS": "0",
            "budget_lines-MIN_NUM_FORMS": "0",
            "budget_lines-MAX_NUM_FORMS": "1000",
            "budget_lines-0-service": "Adult social care",
            "budget_lines-0-amount": "3000000",
            "budget_lines-0-position": "0",
            "budget_lines-1-service": "Roads",
            "budget_lines-1-amount": "1000000",
            "budget_lines-1-position": "1",
        },
    )
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    precept = Precept.objects.get(council=council, name="Test council")
    lines = BudgetLine.objects.filter(precept=precept)
    assert {line.council_id for line in lines} == {council.pk}
    assert lines.count() == 2


def test_staff_cannot_add_a_precept_for_another_council(finance, demo):
    response = finance.post(
        reverse("admin:transparency_precept_add"),
        {
            "council": demo["oxford"].pk,
            "financial_year": 2026,
            "kind": "district",
            "name": "Not ours",
            "band_d": "100",
            "source": "x",
            "budget_lines-TOTAL_FORMS": "0",
            "budget_lines-INITIAL_FORMS": "0",
            "budget_lines-MIN_NUM_FORMS": "0",
            "budget_lines-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200  # the form comes back with an error
    assert not Precept.objects.filter(name="Not ours").exists()
