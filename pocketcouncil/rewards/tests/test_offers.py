"""Offers: points spent once, stock and budget respected, a code accepted once and only once."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from pocketcouncil.accounts import actions as accounts
from pocketcouncil.rewards import actions, offers
from pocketcouncil.rewards.models import (
    AgeBand,
    AnomalyFlag,
    CodeCheck,
    FlagKind,
    LedgerEntry,
    Offer,
    Partner,
    RedemptionStatus,
    Scheme,
)

pytestmark = pytest.mark.django_db


def _give(user, council, points=50):
    """Points as a verified action would give them (bin reminders, at a generous rule)."""
    from pocketcouncil.rewards.models import Rule

    Rule.objects.filter(council=council, kind="bin_reminders").update(points=points)
    accounts.interests_set(user=user, topics=["bins"], actor=user)
    assert actions.balance_of(council, user) == points


class TestRedeem:
    def test_redeem_spends_points_and_takes_one_from_stock(self, member, offer, oxford):
        tom = member()
        _give(tom, oxford)
        redemption = offers.offer_redeem(offer=offer, actor=tom)
        assert len(redemption.code) == offers.CODE_LENGTH
        assert set(redemption.code) <= set(offers.CODE_ALPHABET)
        assert actions.balance_of(oxford, tom) == 40
        offer.refresh_from_db()
        assert offer.stock == 4

    def test_not_enough_points(self, member, offer):
        tom = member()
        with pytest.raises(offers.OfferUnavailableError, match="enough points"):
            offers.offer_redeem(offer=offer, actor=tom)

    def test_out_of_stock_and_expired(self, member, offer, oxford):
        tom = member()
        _give(tom, oxford)
        Offer.objects.filter(pk=offer.pk).update(stock=0)
        with pytest.raises(offers.OfferUnavailableError, match="None of this offer"):
            offers.offer_redeem(offer=offer, actor=tom)
        Offer.objects.filter(pk=offer.pk).update(
            stock=3, expires_at=timezone.now() - timedelta(minutes=1)
        )
        with pytest.raises(offers.OfferUnavailableError, match="ended"):
            offers.offer_redeem(offer=offer, actor=tom)
        assert actions.balance_of(oxford, tom) == 50

    def test_monthly_budget_limit(self, member, offer, oxford):
        Scheme.objects.filter(council=oxford).update(monthly_budget_pence=500)
        tom = member()
        _give(tom, oxford)
        offers.offer_redeem(offer=offer, actor=tom)  # £3 of £5
        with pytest.raises(offers.OfferUnavailableError, match="afford this month"):
            offers.offer_redeem(offer=offer, actor=tom)

    def test_monthly_limit_per_person(self, member, offer, oxford):
        Scheme.objects.filter(council=oxford).update(redemptions_per_month=1)
        tom = member()
        _give(tom, oxford)
        offers.offer_redeem(offer=offer, actor=tom)
        with pytest.raises(offers.OfferUnavailableError, match="most allowed"):
            offers.offer_redeem(offer=offer, actor=tom)

    def test_under_16s_only_get_offers_suitable_for_them(self, member, offer, oxford):
        young = member("grace.okafor", age_band=AgeBand.UNDER_16)
        _give(young, oxford)
        with pytest.raises(offers.OfferUnavailableError, match="16 or over"):
            offers.offer_redeem(offer=offer, actor=young)
        Offer.objects.filter(pk=offer.pk).update(suitable_for_under_16=True)
        offers.offer_redeem(offer=offer, actor=young)

    def test_cancel_gives_points_and_stock_back_once(self, member, offer, oxford):
        tom = member()
        _give(tom, oxford)
        redemption = offers.offer_redeem(offer=offer, actor=tom)
        offers.redemption_cancel(redemption=redemption, actor=tom)
        assert actions.balance_of(oxford, tom) == 50
        with pytest.raises(actions.RewardsError):
            offers.redemption_cancel(redemption=redemption, actor=tom)
        assert actions.balance_of(oxford, tom) == 50
        offer.refresh_from_db()
        assert offer.stock == 5

    def test_someone_else_cannot_cancel(self, member, offer, oxford):
        tom, amira = member(), member("amira.khan")
        _give(tom, oxford)
        redemption = offers.offer_redeem(offer=offer, actor=tom)
        with pytest.raises(actions.RewardsError):
            offers.redemption_cancel(redemption=redemption, actor=amira)

    def test_qr_image_is_svg(self):
        svg = offers.qr_svg("ABCD2345")
        assert svg.startswith("<svg") and "<path" in svg and "style" not in svg


class TestTill:
    def _code(self, member, offer, oxford):
        tom = member()
        _give(tom, oxford)
        return offers.offer_redeem(offer=offer, actor=tom)

    def test_a_code_is_accepted_once_and_only_once(self, member, offer, oxford, partner):
        redemption = self._code(member, offer, oxford)
        typed = offers.display_code(redemption.code).lower()  # "abcd-2345" as typed
        outcome, found = offers.code_check(partner=partner, actor=partner.till, code=typed)
        assert outcome == "accepted" and found == redemption
        found.refresh_from_db()
        assert found.status == RedemptionStatus.USED
        outcome, _found = offers.code_check(
            partner=partner, actor=partner.till, code=redemption.code
        )
        assert outcome == "already_used"
        [flag] = AnomalyFlag.objects.filter(kind=FlagKind.CODE_REUSED)
        assert flag.redemption == redemption
        assert CodeCheck.objects.filter(redemption=redemption).count() == 2
        # Cancelling a used code is refused: no points back for something already used.
        with pytest.raises(actions.RewardsError):
            offers.redemption_cancel(redemption=redemption, actor=redemption.user)

    def test_another_partners_code_is_refused(self, member, offer, oxford, django_user_model):
        redemption = self._code(member, offer, oxford)
        other = Partner.objects.create(council=oxford, name="Corner cafe")
        cashier = django_user_model.objects.create_user(email="cafe@example.com")
        other.checkers.create(user=cashier)
        outcome, found = offers.code_check(partner=other, actor=cashier, code=redemption.code)
        assert outcome == "other_partner" and found is None
        redemption.refresh_from_db()
        assert redemption.status == RedemptionStatus.ISSUED

    def test_only_the_partners_people_can_check_codes(self, member, offer, oxford, partner):
        redemption = self._code(member, offer, oxford)
        with pytest.raises(PermissionDenied):
            offers.code_check(partner=partner, actor=redemption.user, code=redemption.code)

    def test_guessing_codes_is_stopped_and_flagged(self, scheme, partner):
        for n in range(offers.UNKNOWN_CODES_LIMIT):
            outcome, _r = offers.code_check(partner=partner, actor=partner.till, code=f"ZZZZ{n}")
            assert outcome == "unknown"
        with pytest.raises(actions.RewardsError, match="Too many"):
            offers.code_check(partner=partner, actor=partner.till, code="ZZZZZZZZ")
        assert AnomalyFlag.objects.filter(kind=FlagKind.CODE_GUESSING, partner=partner).exists()

    def test_spend_entries_say_what_was_bought(self, member, offer, oxford):
        redemption = self._code(member, offer, oxford)
        spend = LedgerEntry.objects.filter(user=redemption.user, kind="spend").get()
        assert spend.points == -10 and "Free swim" in spend.reason
