"""Staff pages over HTTP: payments list, refund form, reconciliation CSV, refunds report, the
GOV.UK Pay account page; and that another council's staff are refused."""

import csv
import io

import pytest
from django.utils import timezone

from pocketcouncil.accounts.models import User
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.payments import actions
from pocketcouncil.payments.models import PaymentStatus, Purpose

pytestmark = pytest.mark.django_db
DEMO = "demo.pocketcouncil.example"


def staff(client, role, council="oxford"):
    user = User.objects.get(email=f"{role}.{council}@{DEMO}")
    sign_in_with_mfa(client, user)
    return user


def paid(council, fake, key="s1", amount=6000, income_code="GW100"):
    payment = actions.payment_start(
        council=council,
        purpose=Purpose.GARDEN_WASTE,
        subject_key=key,
        amount=amount,
        description="=HYPERLINK(evil)",
        actor=None,
        income_code=income_code,
    )
    fake.pay(payment.pay_id)
    return actions.payment_returned(payment=payment)


def test_payments_list_and_page_for_this_councils_staff(
    client, oxford, pay_oxford, recorder, django_assert_max_num_queries
):
    for n in range(3):
        paid(oxford, pay_oxford, key=f"s{n}")
    staff(client, "case-officer")
    with django_assert_max_num_queries(15):
        response = client.get("/staff/oxford/payments/")
    assert response.status_code == 200
    assert response.content.decode().count('href="/staff/oxford/payments/OX') == 3
    payment = paid(oxford, pay_oxford, key="s9")
    page = client.get(f"/staff/oxford/payments/{payment.reference}/").content.decode()
    assert payment.pay_id in page and "Audit trail" in page
    assert 'name="reason"' not in page  # a case officer cannot refund


def test_another_councils_staff_are_refused(client, oxford, pay_oxford, recorder):
    payment = paid(oxford, pay_oxford)
    staff(client, "council-admin", "manchester")
    for url in (
        "/staff/oxford/payments/",
        f"/staff/oxford/payments/{payment.reference}/",
        "/staff/oxford/payments/reconciliation.csv",
        "/staff/oxford/payments/refunds/",
        "/staff/oxford/payments/account/",
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(
        f"/staff/oxford/payments/{payment.reference}/", {"amount": "1", "reason": "x"}
    )
    assert response.status_code == 403
    # Manchester's own list does not show Oxford's payment either.
    assert payment.reference not in client.get("/staff/manchester/payments/").content.decode()


def test_refund_form_errors_then_refund(client, oxford, pay_oxford, recorder):
    payment = paid(oxford, pay_oxford)
    staff(client, "service-manager")
    url = f"/staff/oxford/payments/{payment.reference}/"
    response = client.post(url, {"amount": "lots", "reason": ""})
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert "Enter an amount in pounds" in html and "Say why you are refunding" in html
    response = client.post(url, {"amount": "70.00", "reason": "Too much"})
    assert "You can refund up to £60.00" in response.content.decode()
    response = client.post(url, {"amount": "£12.50", "reason": "Bin lost"})
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.refunded_amount == 1250
    report = client.get("/staff/oxford/payments/refunds/").content.decode()
    assert "Bin lost" in report and "£12.50" in report
    rows = list(
        csv.reader(
            io.StringIO(client.get("/staff/oxford/payments/refunds/?format=csv").content.decode())
        )
    )
    assert rows[1][1:4] == [payment.reference, "GW100", "12.50"]


def test_daily_reconciliation_csv_has_income_codes_and_totals(client, oxford, pay_oxford, recorder):
    paid(oxford, pay_oxford, key="a", amount=6000, income_code="GW100")
    paid(oxford, pay_oxford, key="b", amount=4000, income_code="GW100")
    paid(oxford, pay_oxford, key="c", amount=2500, income_code="BW200")
    actions.payment_start(
        council=oxford,
        purpose=Purpose.GARDEN_WASTE,
        subject_key="unpaid",
        amount=999,
        description="never paid",
        actor=None,
    )
    staff(client, "case-officer")
    today = timezone.localdate().isoformat()
    response = client.get(f"/staff/oxford/payments/reconciliation.csv?date={today}")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:7] == [
        "date",
        "time",
        "reference",
        "gov_uk_pay_id",
        "purpose",
        "income_code",
        "amount",
    ]
    body = [r for r in rows[1:] if r[2] != "TOTAL"]
    assert len(body) == 3 and all(r[9].startswith("'=") for r in body)  # no formula injection
    totals = {r[5]: r[6] for r in rows if r[2] == "TOTAL"}
    assert totals == {"BW200": "25.00", "GW100": "100.00"}


def test_account_page_never_shows_a_saved_key(client, oxford):
    staff(client, "council-admin")
    response = client.post(
        "/staff/oxford/payments/account/", {"api_key": "short", "webhook_secret": ""}
    )
    assert "govuk-error-summary" in response.content.decode()
    key = "api_live_abcdefghijklmnopqrstuvwxyz9876"
    response = client.post(
        "/staff/oxford/payments/account/", {"api_key": key, "webhook_secret": "secret-abcdef-1234"}
    )
    assert response.status_code == 302
    html = client.get("/staff/oxford/payments/account/").content.decode()
    assert key not in html and "secret-abcdef-1234" not in html
    assert "…9876" in html and "live: takes real money" in html


def test_service_manager_cannot_change_the_account(client, oxford):
    staff(client, "service-manager")
    assert client.get("/staff/oxford/payments/account/").status_code == 403


def test_payment_status_filter(client, oxford, pay_oxford, recorder):
    payment = paid(oxford, pay_oxford)
    staff(client, "case-officer")
    html = client.get(f"/staff/oxford/payments/?status={PaymentStatus.FAILED}").content.decode()
    assert payment.reference not in html
    html = client.get(f"/staff/oxford/payments/?status={PaymentStatus.SUCCESS}").content.decode()
    assert payment.reference in html
