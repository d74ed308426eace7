"""Garden waste subscriptions: subscribe and pay, renew, cancel under each refund rule."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from pocketcouncil.accounts.models import User
from pocketcouncil.cases.workflow import CaseStatus
from pocketcouncil.payments import actions, garden
from pocketcouncil.payments.bulky import charges_for
from pocketcouncil.payments.models import GardenSubscription, SubscriptionStatus

pytestmark = pytest.mark.django_db
DEMO = "demo.pocketcouncil.example"


@pytest.fixture
def tom(db):
    return User.objects.get(email=f"tom.evans@{DEMO}")  # level 1 is enough


def subscribe(client, bins=2, key="g1"):
    return client.post(
        "/garden-waste/oxford/subscribe/",
        {"bins": bins, "address": "4 Iffley Road, OX4 1EA", "submission_key": key},
    )


def paid_subscription(client, fake, user):
    client.force_login(user)
    subscribe(client)
    sub = GardenSubscription.objects.get()
    payment = garden.latest_payment(sub)
    client.get(fake.pay(payment.pay_id).replace("http://127.0.0.1:8000", ""))
    sub.refresh_from_db()
    return sub, garden.latest_payment(sub)


def test_subscribe_and_pay(client, pay_oxford, tom):
    client.force_login(tom)
    assert (
        "£50.00 a year for each bin"
        in client.get("/garden-waste/oxford/subscribe/").content.decode()
    )
    response = subscribe(client)
    sub = GardenSubscription.objects.get()
    assert response["Location"] == garden.latest_payment(sub).next_url
    assert subscribe(client)["Location"] == response["Location"]  # sent twice: one
    sub, payment = paid_subscription(client, pay_oxford, tom)
    assert sub.status == SubscriptionStatus.ACTIVE and payment.amount == 10000
    assert payment.income_code == "GARDEN" and sub.case.status == CaseStatus.ACKNOWLEDGED
    assert sub.ends_on == sub.starts_on.replace(year=sub.starts_on.year + 1) - timedelta(days=1)
    page = client.get(f"/garden-waste/subscriptions/{sub.pk}/").content.decode()
    assert "Subscription active" in page and "Renew" not in page


def test_bad_input_and_anonymous(client, pay_oxford, tom):
    response = client.get("/garden-waste/oxford/subscribe/")
    assert response.status_code == 302  # sign in first
    client.force_login(tom)
    html = subscribe(client, bins=9).content.decode()
    assert "govuk-error-summary" in html


def test_renew_in_the_last_60_days_starts_the_day_after(client, pay_oxford, tom):
    sub, _payment = paid_subscription(client, pay_oxford, tom)
    assert client.post(f"/garden-waste/subscriptions/{sub.pk}/renew/").status_code == 302
    assert GardenSubscription.objects.count() == 1  # too early
    with time_machine.travel(timezone.now() + timedelta(days=320)):
        client.force_login(tom)  # the old session has expired by then
        response = client.post(f"/garden-waste/subscriptions/{sub.pk}/renew/")
        again = client.post(f"/garden-waste/subscriptions/{sub.pk}/renew/")
        renewal = GardenSubscription.objects.get(renewal_of=sub)
        assert renewal.starts_on == sub.ends_on + timedelta(days=1)
        assert response["Location"] == again["Location"] == garden.latest_payment(renewal).next_url


@pytest.mark.parametrize(
    ("rule", "days_in", "refund"),
    [
        ("full_14_days", 13, 10000),
        ("full_14_days", 14, 0),
        ("none", 1, 0),
        ("pro_rata", 40, 8333),  # 10 whole months of 12 left
    ],
)
def test_cancel_follows_the_councils_refund_rule(
    client, pay_oxford, tom, oxford, rule, days_in, refund
):
    charges = charges_for(oxford)
    charges.garden_refund_rule = rule
    charges.save()
    sub, payment = paid_subscription(client, pay_oxford, tom)
    with time_machine.travel(timezone.now() + timedelta(days=days_in)):
        client.force_login(tom)
        client.post(f"/garden-waste/subscriptions/{sub.pk}/cancel/")
    payment.refresh_from_db()
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.CANCELLED and payment.refunded_amount == refund
    assert sub.case.status == CaseStatus.CLOSED


def test_someone_elses_subscription_is_not_found(client, pay_oxford, tom):
    sub, _payment = paid_subscription(client, pay_oxford, tom)
    client.force_login(User.objects.get(email=f"amira.khan@{DEMO}"))
    for url in ("", "cancel/"):
        assert client.get(f"/garden-waste/subscriptions/{sub.pk}/{url}").status_code == 404
    assert client.post(f"/garden-waste/subscriptions/{sub.pk}/renew/").status_code == 404


def test_an_unpaid_subscription_is_closed_by_reconciliation(client, pay_oxford, tom):
    pay_oxford.drop_webhooks = True
    client.force_login(tom)
    subscribe(client)
    sub = GardenSubscription.objects.get()
    pay_oxford.expire(garden.latest_payment(sub).pay_id)
    with time_machine.travel(timezone.now() + timedelta(minutes=101)):
        assert actions.payments_reconcile()["released"] == 1
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.RELEASED
