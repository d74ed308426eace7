"""The whole journey over HTTP without JavaScript: a verified report earns points, the resident
takes an offer, the partner's till accepts the code once and only once. Staff pages, errors and
tenancy."""

import pytest

from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.cases import actions as cases
from pocketcouncil.cases.workflow import CaseStatus
from pocketcouncil.rewards import actions
from pocketcouncil.rewards.models import AnomalyFlag, FlagKind, Membership, Redemption, Rule

pytestmark = pytest.mark.django_db


def test_the_journey(client, scheme, resident, report, staff, offer, partner, oxford):
    tom = resident("tom.evans")
    client.force_login(tom)
    page = client.get("/rewards/oxford/").content.decode()
    assert "Every council service works the same whether or not you join" in page
    response = client.post("/rewards/oxford/", {"age_band": "16_or_over"})
    assert response.status_code == 302
    # A report confirmed by staff earns points; the reason is on the resident's page.
    case = report(who=tom)
    cases.case_transition(
        case=case, to=CaseStatus.ACKNOWLEDGED, actor=staff("case-officer", "oxford")
    )
    page = client.get("/rewards/oxford/").content.decode()
    assert "You have 10 points" in page and case.reference in page
    assert "Eyes on the street" in page
    # Take the offer: a confirmation page first, then the code with its QR image.
    assert "Take this offer" in client.get("/rewards/oxford/offers/").content.decode()
    confirm = client.get(f"/rewards/oxford/offers/{offer.pk}/").content.decode()
    assert "Spend my points on this offer" in confirm
    response = client.post(f"/rewards/oxford/offers/{offer.pk}/")
    redemption = Redemption.objects.get(user=tom)
    assert response["Location"] == f"/rewards/oxford/codes/{redemption.pk}/"
    code_page = client.get(response["Location"]).content.decode()
    assert "<svg" in code_page and redemption.code[:4] in code_page
    # The partner's till: accepted once, refused the second time.
    client.force_login(partner.till)
    till = client.get(f"/rewards/till/?code={redemption.code}").content.decode()
    assert redemption.code in till  # filled in from the QR link, not yet used
    redemption.refresh_from_db()
    assert redemption.status == "issued"
    first = client.post("/rewards/till/", {"code": redemption.code}).content.decode()
    assert "Code accepted. Give the offer." in first
    second = client.post("/rewards/till/", {"code": redemption.code}).content.decode()
    assert "already been used" in second
    assert AnomalyFlag.objects.filter(kind=FlagKind.CODE_REUSED).count() == 1


def test_join_without_choosing_an_age_shows_the_error_summary(client, scheme, resident):
    client.force_login(resident("tom.evans"))
    page = client.post("/rewards/oxford/", {}).content.decode()
    assert "govuk-error-summary" in page and "Select your age" in page
    assert not Membership.objects.exists()


def test_scheme_not_running_says_so_and_cannot_be_joined(client, oxford, resident):
    client.force_login(resident("tom.evans"))
    page = client.get("/rewards/oxford/").content.decode()
    assert "not running a thank-you scheme" in page
    page = client.post("/rewards/oxford/", {"age_band": "16_or_over"}).content.decode()
    assert not Membership.objects.exists()


def test_not_enough_points_is_refused_plainly(client, member, offer):
    client.force_login(member())
    page = client.post(f"/rewards/oxford/offers/{offer.pk}/").content.decode()
    assert "do not have enough points" in page
    assert not Redemption.objects.exists()


def test_someone_elses_code_page_is_not_found(client, member, offer, oxford):
    tom, amira = member(), member("amira.khan")
    Rule.objects.filter(council=oxford, kind="bin_reminders").update(points=20)
    from pocketcouncil.accounts import actions as accounts
    from pocketcouncil.rewards import offers

    accounts.interests_set(user=tom, topics=["bins"], actor=tom)
    redemption = offers.offer_redeem(offer=offer, actor=tom)
    client.force_login(amira)
    assert client.get(f"/rewards/oxford/codes/{redemption.pk}/").status_code == 404
    assert client.post(f"/rewards/oxford/codes/{redemption.pk}/cancel/").status_code == 404


def test_the_till_is_only_for_partners(client, resident):
    client.force_login(resident("tom.evans"))
    assert client.get("/rewards/till/").status_code == 403


def test_till_with_an_empty_code_shows_an_error(client, partner):
    client.force_login(partner.till)
    page = client.post("/rewards/till/", {"code": ""}).content.decode()
    assert "govuk-error-summary" in page and "Enter the code" in page


def test_champions_show_first_name_and_initial_only_for_those_who_chose(
    client, scheme, oxford, resident
):
    from pocketcouncil.accounts import actions as accounts
    from pocketcouncil.councils.models import Area

    ward = Area.objects.filter(council=oxford, kind="ward").first()
    for name, champion in (("amira.khan", True), ("grace.okafor", False)):
        user = resident(name)
        actions.membership_join(
            council=oxford, actor=user, age_band="16_or_over", show_as_champion=champion
        )
        Membership.objects.filter(user=user).update(ward=ward)
        accounts.interests_set(user=user, topics=["bins"], actor=user)
    page = client.get(f"/rewards/oxford/champions/?ward={ward.pk}").content.decode()
    amira, grace = resident("amira.khan"), resident("grace.okafor")
    first, last = amira.full_name.split()[0], amira.full_name.split()[-1]
    assert f"{first} {last[0]}." in page and last not in page
    assert grace.full_name.split()[0] not in page


def test_under_16s_are_never_champions(scheme, oxford, resident):
    user = resident("tom.evans")
    membership = actions.membership_join(
        council=oxford, actor=user, age_band="under_16", show_as_champion=True
    )
    assert membership.show_as_champion is False


def test_staff_set_rules_and_budget(client, scheme, oxford):
    from pocketcouncil.accounts.models import User

    admin = User.objects.get(email="council-admin.oxford@demo.pocketcouncil.example")
    sign_in_with_mfa(client, admin)
    page = client.get("/staff/oxford/rewards/").content.decode()
    assert "A report staff confirmed as a real problem" in page
    data = {
        "is_active": "on",
        "monthly_budget": "250.50",
        "redemptions_per_month": "2",
        "rejected_reports_flag": "4",
    }
    for rule in actions.rules_for(oxford):
        data.update(
            {
                f"{rule.kind}-is_active": "on",
                f"{rule.kind}-points": "7",
                f"{rule.kind}-cap_count": "3",
                f"{rule.kind}-cap_period": "month",
                f"{rule.kind}-cooldown_hours": "0",
            }
        )
    response = client.post("/staff/oxford/rewards/", data)
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert scheme.monthly_budget_pence == 25050 and scheme.redemptions_per_month == 2
    assert set(Rule.objects.filter(council=oxford).values_list("points", flat=True)) == {7}
    data["report_verified-points"] = "5000"
    page = client.post("/staff/oxford/rewards/", data).content.decode()
    assert "govuk-error-summary" in page and "between 1 and 1000" in page
    assert not Rule.objects.filter(points=5000).exists()


def test_another_councils_staff_are_refused(client, scheme):
    from pocketcouncil.accounts.models import User

    other = User.objects.get(email="council-admin.manchester@demo.pocketcouncil.example")
    sign_in_with_mfa(client, other)
    assert client.get("/staff/oxford/rewards/").status_code == 403
    assert client.get("/staff/oxford/rewards/flags/").status_code == 403


def test_staff_deal_with_a_flag(client, scheme, oxford, resident):
    from pocketcouncil.accounts.models import User

    flag = actions.flag_raise(
        council=oxford, kind=FlagKind.REJECTED_REPORTS, user=resident("tom.evans"), detail="x"
    )
    admin = User.objects.get(email="council-admin.oxford@demo.pocketcouncil.example")
    sign_in_with_mfa(client, admin)
    assert (
        "Many reports from one person rejected"
        in client.get("/staff/oxford/rewards/flags/").content.decode()
    )
    client.post(f"/staff/oxford/rewards/flags/{flag.pk}/resolve/", {"resolution": ""})
    flag.refresh_from_db()
    assert flag.resolved_at is None
    client.post(f"/staff/oxford/rewards/flags/{flag.pk}/resolve/", {"resolution": "Genuine."})
    flag.refresh_from_db()
    assert flag.resolved_by == admin


def test_welsh_page(client, scheme):
    assert client.get("/cy/rewards/oxford/").status_code == 200


def test_offers_page_queries_do_not_grow_with_the_number_of_offers(
    client, member, offer, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pocketcouncil.rewards.models import Offer

    client.force_login(member())
    client.get("/rewards/oxford/offers/")  # warm the session and the rules
    with CaptureQueriesContext(connection) as one:
        client.get("/rewards/oxford/offers/")
    for n in range(5):
        Offer.objects.create(
            council=offer.council,
            partner=offer.partner,
            title=f"Offer {n}",
            description="More",
            points_cost=5,
            stock=2,
            expires_at=offer.expires_at,
        )
    with django_assert_num_queries(len(one)):
        page = client.get("/rewards/oxford/offers/").content.decode()
    assert "Offer 4" in page
