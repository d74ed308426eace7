"""One council's scheme never sees or touches another's: points, offers, codes, flags."""

from datetime import timedelta

import pytest
from django.utils import timezone

from pocketcouncil.accounts import actions as accounts
from pocketcouncil.rewards import actions, offers, queries
from pocketcouncil.rewards.models import Offer, Partner, Rule, Scheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def manchester(demo):
    council = demo["manchester"]
    actions.scheme_for(council)
    Scheme.objects.filter(council=council).update(is_active=True, monthly_budget_pence=10_000)
    return council


def test_points_belong_to_the_council_that_gave_them(member, oxford, manchester):
    tom = member()
    actions.membership_join(
        council=manchester, actor=tom, age_band="16_or_over", show_as_champion=False
    )
    actions.rules_for(manchester)
    Rule.objects.filter(council=manchester, kind="bin_reminders").update(is_active=False)
    accounts.interests_set(user=tom, topics=["bins"], actor=tom)
    assert actions.balance_of(oxford, tom) == 5
    assert actions.balance_of(manchester, tom) == 0
    assert queries.ledger_for(manchester, tom) == []


def test_oxford_points_cannot_buy_a_manchester_offer(member, oxford, manchester):
    tom = member()
    accounts.interests_set(user=tom, topics=["bins"], actor=tom)
    partner = Partner.objects.create(council=manchester, name="Manchester baths")
    offer = Offer.objects.create(
        council=manchester,
        partner=partner,
        title="Swim",
        description="A swim",
        points_cost=1,
        stock=3,
        expires_at=timezone.now() + timedelta(days=3),
    )
    with pytest.raises(actions.NotAMemberError):
        offers.offer_redeem(offer=offer, actor=tom)
    assert queries.offer_get(oxford, offer.pk) is None
    assert offer not in queries.offers_open(oxford)


def test_a_code_is_unknown_at_another_councils_partner(
    member, oxford, manchester, offer, django_user_model
):
    tom = member()
    Rule.objects.filter(council=oxford, kind="bin_reminders").update(points=20)
    accounts.interests_set(user=tom, topics=["bins"], actor=tom)
    redemption = offers.offer_redeem(offer=offer, actor=tom)
    elsewhere = Partner.objects.create(council=manchester, name="Manchester baths")
    cashier = django_user_model.objects.create_user(email="baths@example.com")
    elsewhere.checkers.create(user=cashier)
    outcome, found = offers.code_check(partner=elsewhere, actor=cashier, code=redemption.code)
    assert outcome == "unknown" and found is None
    assert queries.redemption_for(manchester, tom, redemption.pk) is None


def test_flags_are_seen_only_by_their_council(oxford, manchester, resident):
    flag = actions.flag_raise(
        council=oxford, kind="rejected_reports", user=resident("tom.evans"), detail="x"
    )
    assert queries.flags_open(manchester) == []
    assert queries.flag_get(manchester, flag.pk) is None
