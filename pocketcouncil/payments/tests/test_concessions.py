"""Concessions: proof of council tax reduction, staff decide, the lower price only once approved."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from pocketcouncil.accounts.models import User
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.payments import bulky, concessions
from pocketcouncil.payments.models import (
    BulkyBooking,
    ConcessionClaim,
    ConcessionEvent,
    ConcessionStatus,
)

pytestmark = pytest.mark.django_db
DEMO = "demo.pocketcouncil.example"
PDF = b"%PDF-1.4\n% a council tax bill\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def user(name):
    return User.objects.get(email=f"{name}@{DEMO}")


def claim(client, content=PDF, key="c1"):
    return client.post(
        "/concessions/oxford/",
        {
            "evidence": SimpleUploadedFile("bill.pdf", content, content_type="application/pdf"),
            "submission_key": key,
        },
    )


def book(client, setup, key):
    return client.post(
        "/bulky-waste/oxford/book/",
        {
            f"item_{setup['sofa'].pk}": 1,
            f"item_{setup['fridge'].pk}": 1,
            "slot": setup["slots"][0].pk,
            "address": "12 Cowley Road, OX4 1HP",
            "submission_key": key,
        },
    )


def staff_client(client, name):
    staff = client.__class__()
    sign_in_with_mfa(staff, user(name))
    return staff


def test_granted_concession_is_shown_and_charged_only_after_approval(
    client, pay_oxford, bulky_setup, amira
):
    client.force_login(amira)
    page = client.get("/bulky-waste/oxford/book/").content.decode()
    assert "Send proof of council tax reduction" in page
    assert claim(client).status_code == 302
    assert claim(client).status_code == 302  # sent twice: one claim
    claim_row = ConcessionClaim.objects.get()
    assert claim_row.status == ConcessionStatus.SUBMITTED
    page = client.get("/bulky-waste/oxford/book/").content.decode()
    assert "We are checking your proof" in page and "50% less" not in page
    book(client, bulky_setup, "before")
    before = BulkyBooking.objects.get(submission_key="before")
    assert (before.amount, before.concession) == (5000, False)  # full price while waiting

    staff = staff_client(client, "case-officer.oxford")
    assert "Claim" in staff.get("/staff/oxford/payments/concessions/").content.decode()
    evidence = staff.get(f"/staff/oxford/payments/concessions/{claim_row.pk}/evidence/")
    assert b"".join(evidence.streaming_content) == PDF
    response = staff.post(
        f"/staff/oxford/payments/concessions/{claim_row.pk}/", {"decision": "approve"}
    )
    assert response.status_code == 302
    claim_row.refresh_from_db()
    assert claim_row.status == ConcessionStatus.APPROVED
    sent, decided = ConcessionEvent.objects.filter(claim=claim_row)
    assert (sent.actor, sent.status) == (amira, "submitted")
    assert (decided.actor, decided.status) == (user("case-officer.oxford"), "approved")

    page = client.get("/bulky-waste/oxford/book/").content.decode()
    assert "concession is approved: you pay 50% less" in page
    book(client, bulky_setup, "after")
    after = BulkyBooking.objects.get(submission_key="after")
    assert (after.amount, after.vat_amount, after.concession) == (2500, 250, True)
    assert bulky.latest_payment(after).amount == 2500
    page = client.get(f"/bulky-waste/bookings/{after.pk}/").content.decode()
    assert "concession applied" in page


def test_refused_concession_keeps_full_price_and_says_why(client, pay_oxford, bulky_setup, amira):
    client.force_login(amira)
    claim(client)
    claim_row = ConcessionClaim.objects.get()
    staff = staff_client(client, "case-officer.oxford")
    url = f"/staff/oxford/payments/concessions/{claim_row.pk}/"
    assert "Say why it is not approved" in staff.post(url, {"decision": "reject"}).content.decode()
    staff.post(url, {"decision": "reject", "note": "The bill does not show a reduction"})
    claim_row.refresh_from_db()
    assert claim_row.status == ConcessionStatus.REFUSED
    assert [e.status for e in claim_row.events.all()] == ["submitted", "refused"]
    assert claim_row.events.last().note == "The bill does not show a reduction"
    assert "already been decided" in staff.post(url, {"decision": "approve"}).content.decode()
    page = client.get("/concessions/oxford/").content.decode()
    assert "The bill does not show a reduction" in page and "Send proof" in page
    book(client, bulky_setup, "k")
    assert BulkyBooking.objects.get().amount == 5000
    assert not concessions.is_approved(council=claim_row.council, resident=amira)


def test_evidence_is_checked_and_level_two_needed(client, amira):
    client.force_login(amira)
    assert "must be a PDF, JPG or PNG" in claim(client, content=b"MZ not a pdf").content.decode()
    assert ConcessionClaim.objects.count() == 0
    client.force_login(user("tom.evans"))
    response = client.get("/concessions/oxford/")
    assert response.status_code == 302 and "concessions" not in response["Location"]


def test_another_councils_staff_are_refused(client, amira, demo):
    client.force_login(amira)
    claim(client)
    claim_row = ConcessionClaim.objects.get()
    manchester = staff_client(client, "case-officer.manchester")
    for url in ("", f"{claim_row.pk}/", f"{claim_row.pk}/evidence/"):
        assert manchester.get(f"/staff/oxford/payments/concessions/{url}").status_code == 403
    assert (
        manchester.post(
            f"/staff/oxford/payments/concessions/{claim_row.pk}/", {"decision": "approve"}
        ).status_code
        == 403
    )
    oxford = staff_client(client, "case-officer.oxford")
    assert oxford.get(f"/staff/manchester/payments/concessions/{claim_row.pk}/").status_code == 403
    with pytest.raises(PermissionDenied):
        concessions.concession_decide(
            claim=claim_row, actor=user("case-officer.manchester"), approve=True
        )
    claim_row.refresh_from_db()
    assert claim_row.status == ConcessionStatus.SUBMITTED
