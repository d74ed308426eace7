"""Paying a penalty charge notice, and the council's CSV feed."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pocketcouncil.accounts.models import User
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.cases.workflow import CaseStatus
from pocketcouncil.payments import pcn
from pocketcouncil.payments.models import ChargeStatus, PenaltyCharge
from pocketcouncil.payments.testing import deliver_webhooks

pytestmark = pytest.mark.django_db
DEMO = "demo.pocketcouncil.example"


def feed(issued):
    return (
        "pcn_number,vrm,issued_on,contravention,full_amount,discount_amount\n"
        f"OX10000001,AB12 CDE,{issued.isoformat()},Parked on a yellow line,70.00,35.00\n"
        f"ox10000002,xy99zzz,{issued.isoformat()},Bus lane,70,35\n"
    )


@pytest.fixture
def charges(oxford):
    admin = User.objects.get(email=f"council-admin.oxford@{DEMO}")
    report = pcn.charges_import(council=oxford, actor=admin, text=feed(timezone.localdate()))
    assert report == {"created": 2, "updated": 0, "rows": 2}
    return PenaltyCharge.objects.filter(council=oxford)


def find(client, number="OX10000001", vrm="ab12cde"):
    return client.post("/parking-fine/oxford/pay/", {"pcn_number": number, "vrm": vrm})


def test_find_by_number_and_registration_then_pay_the_discount(client, pay_oxford, charges):
    response = find(client, number="ox 1000 0001", vrm="AB12 CDE")
    charge = charges.get(pcn_number="OX10000001")
    assert response["Location"] == f"/parking-fine/charges/{charge.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "£35.00" in page and "goes up to £70.00" in page
    response = client.post(f"/parking-fine/charges/{charge.pk}/pay/")
    payment = pay_oxford.find(pay_oxford.payments[next(iter(pay_oxford.payments))]["reference"])
    assert payment["amount"] == 3500 and response["Location"].endswith(payment["payment_id"])
    back = pay_oxford.pay(payment["payment_id"])
    result = client.get(client.get(back.replace("http://127.0.0.1:8000", ""))["Location"])
    assert "Penalty charge paid" in result.content.decode()
    deliver_webhooks(client, pay_oxford)
    charge.refresh_from_db()
    assert (charge.status, charge.paid_amount) == (ChargeStatus.PAID, 3500)
    assert charge.case.status == CaseStatus.RESOLVED
    assert "has been paid" in client.get(f"/parking-fine/charges/{charge.pk}/").content.decode()


def test_after_the_discount_period_the_full_charge_is_due(client, pay_oxford, charges):
    charge = charges.get(pcn_number="OX10000001")
    with time_machine.travel(timezone.now() + timedelta(days=13)):
        assert pcn.amount_due(charge) == 3500  # day 14 counting the day of issue
    with time_machine.travel(timezone.now() + timedelta(days=14)):
        assert pcn.amount_due(charge) == 7000
        find(client)
        assert (
            "The discount period has ended"
            in client.get(f"/parking-fine/charges/{charge.pk}/").content.decode()
        )


def test_a_wrong_registration_shows_nothing(client, charges):
    response = find(client, vrm="ZZ00ZZZ")
    html = response.content.decode()
    assert response.status_code == 200 and "We cannot find a penalty charge" in html
    charge = charges.get(pcn_number="OX10000001")
    assert client.get(f"/parking-fine/charges/{charge.pk}/").status_code == 404


def test_lookups_are_rate_limited(client, charges):
    for _ in range(20):
        find(client, vrm="ZZ00ZZZ")
    assert "tried too many times" in find(client).content.decode()


def test_declined_lets_the_resident_try_again(client, pay_oxford, charges):
    find(client)
    charge = charges.get(pcn_number="OX10000001")
    client.post(f"/parking-fine/charges/{charge.pk}/pay/")
    (pay_id,) = pay_oxford.payments
    back = pay_oxford.pay(pay_id, "declined")
    html = client.get(client.get(back.replace("http://127.0.0.1:8000", ""))["Location"])
    assert "did not go through" in html.content.decode()
    response = client.post(f"/parking-fine/charges/{charge.pk}/pay/")
    assert len(pay_oxford.payments) == 2 and "/card/" in response["Location"]


def test_the_feed_is_all_or_nothing_and_never_reopens_a_paid_notice(oxford, charges):
    admin = User.objects.get(email=f"council-admin.oxford@{DEMO}")
    charges.filter(pcn_number="OX10000001").update(status=ChargeStatus.PAID, paid_amount=3500)
    bad = feed(timezone.localdate()) + "OX3,AB1,not-a-date,,70,35\n"
    with pytest.raises(pcn.FeedError, match="Line 4"):
        pcn.charges_import(council=oxford, actor=admin, text=bad)
    assert charges.count() == 2
    report = pcn.charges_import(council=oxford, actor=admin, text=feed(timezone.localdate()))
    assert report["updated"] == 1
    assert charges.get(pcn_number="OX10000001").status == ChargeStatus.PAID


def test_staff_feed_upload_and_tenancy(client, oxford):
    sign_in_with_mfa(client, User.objects.get(email=f"council-admin.manchester@{DEMO}"))
    assert client.get("/staff/oxford/payments/penalty-charges/").status_code == 403
    sign_in_with_mfa(client, User.objects.get(email=f"council-admin.oxford@{DEMO}"))
    upload = SimpleUploadedFile("pcns.csv", b"pcn_number,vrm\nX,Y\n", content_type="text/csv")
    html = client.post("/staff/oxford/payments/penalty-charges/", {"file": upload}).content.decode()
    assert "govuk-error-summary" in html and "no column called issued_on" in html
    upload = SimpleUploadedFile(
        "pcns.csv", feed(timezone.localdate()).encode(), content_type="text/csv"
    )
    response = client.post("/staff/oxford/payments/penalty-charges/", {"file": upload})
    assert response.status_code == 302
    assert PenaltyCharge.objects.filter(council=oxford).count() == 2
    # Manchester's residents cannot find Oxford's notices under Manchester.
    client.logout()
    response = client.post(
        "/parking-fine/manchester/pay/", {"pcn_number": "OX10000001", "vrm": "AB12CDE"}
    )
    assert "We cannot find" in response.content.decode()
