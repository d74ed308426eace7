from datetime import timedelta

import pytest
from django.utils import timezone

from pocketcouncil.cases.tests.conftest import at, report, resident, service, staff  # noqa: F401
from pocketcouncil.rewards import actions
from pocketcouncil.rewards.models import AgeBand, Offer, Partner, Scheme


@pytest.fixture
def oxford(demo):
    return demo["oxford"]


@pytest.fixture
def scheme(oxford):
    """Oxford runs the scheme, with a £100 monthly offer budget."""
    s = actions.scheme_for(oxford)
    Scheme.objects.filter(pk=s.pk).update(is_active=True, monthly_budget_pence=10_000)
    actions.rules_for(oxford)
    return Scheme.objects.get(pk=s.pk)


@pytest.fixture
def member(scheme, resident):  # noqa: F811
    """member("tom.evans") -> the resident, joined to Oxford's scheme."""

    def join(name: str = "tom.evans", age_band=AgeBand.ADULT, champion=False):
        user = resident(name)
        actions.membership_join(
            council=scheme.council, actor=user, age_band=age_band, show_as_champion=champion
        )
        return user

    return join


@pytest.fixture
def partner(oxford, django_user_model):
    till = django_user_model.objects.create_user(email="till@leisure.example")
    p = Partner.objects.create(council=oxford, name="Cowley Leisure Centre")
    p.checkers.create(user=till)
    p.till = till
    return p


@pytest.fixture
def offer(oxford, partner):
    return Offer.objects.create(
        council=oxford,
        partner=partner,
        title="Free swim",
        description="One free swim session. Show the code at reception.",
        points_cost=10,
        cost_to_council_pence=300,
        stock=5,
        expires_at=timezone.now() + timedelta(days=30),
    )
