"""Residents' parking permits: apply with evidence, staff decide, pay, printable permit."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pocketcouncil.accounts.models import User
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.cases.workflow import CaseStatus
from pocketcouncil.payments.models import PermitApplication, PermitStatus

pytestmark = pytest.mark.django_db
DEMO = "demo.pocketcouncil.example"
PDF = b"%PDF-1.4\n% a tiny test file\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def user(name):
    return User.objects.get(email=f"{name}@{DEMO}")


def apply(client, content=PDF, vrm="ab12 cde", key="p1"):
    return client.post(
        "/parking-permits/oxford/apply/",
        {
            "zone": "Zone A",
            "vrm": vrm,
            "address": "12 Cowley Road, OX4 3BD",
            "evidence": SimpleUploadedFile("v5c.pdf", content, content_type="application/pdf"),
            "submission_key": key,
        },
    )


def test_apply_approve_pay_and_print(client, pay_oxford, amira):
    client.force_login(amira)
    response = apply(client)
    application = PermitApplication.objects.get()
    assert response["Location"] == f"/parking-permits/{application.pk}/"
    assert application.vrm == "AB12CDE" and application.status == PermitStatus.SUBMITTED
    assert "We have your application" in client.get(response["Location"]).content.decode()
    assert client.post(f"/parking-permits/{application.pk}/pay/").status_code == 302
    assert pay_oxford.created == 0  # nothing to pay before approval

    officer = user("case-officer.oxford")
    staff = client.__class__()
    sign_in_with_mfa(staff, officer)
    queue = staff.get("/staff/oxford/payments/permits/").content.decode()
    assert application.case.reference in queue
    evidence = staff.get(f"/staff/oxford/payments/permits/{application.pk}/evidence/")
    assert b"".join(evidence.streaming_content) == PDF
    html = staff.post(
        f"/staff/oxford/payments/permits/{application.pk}/", {"decision": "reject", "note": ""}
    ).content.decode()
    assert "Say why it is not approved" in html
    staff.post(f"/staff/oxford/payments/permits/{application.pk}/", {"decision": "approve"})
    application.refresh_from_db()
    assert application.status == PermitStatus.APPROVED and application.decided_by == officer

    response = client.post(f"/parking-permits/{application.pk}/pay/")
    (pay_id,) = pay_oxford.payments
    assert response["Location"].endswith(pay_id)
    client.get(pay_oxford.pay(pay_id).replace("http://127.0.0.1:8000", ""))
    application.refresh_from_db()
    assert application.status == PermitStatus.ISSUED
    assert application.permit_number == f"OXF-RP-{application.pk:06d}"
    assert application.case.status == CaseStatus.RESOLVED
    printable = client.get(f"/parking-permits/{application.pk}/permit/").content.decode()
    assert "AB12CDE" in printable and application.permit_number in printable


def test_evidence_must_really_be_a_pdf_or_image(client, amira):
    client.force_login(amira)
    html = apply(client, content=b"MZ\x90\x00 not a pdf").content.decode()
    assert "must be a PDF, JPG or PNG" in html
    html = apply(client, vrm="!").content.decode()
    assert "govuk-error-summary" in html
    assert PermitApplication.objects.count() == 0


def test_level_two_is_needed(client):
    client.force_login(user("tom.evans"))
    response = client.get("/parking-permits/oxford/apply/")
    assert response.status_code == 302 and "apply" not in response["Location"]


def test_other_residents_and_councils_cannot_see_it(client, amira):
    client.force_login(amira)
    apply(client)
    application = PermitApplication.objects.get()
    client.force_login(user("grace.okafor"))
    assert client.get(f"/parking-permits/{application.pk}/").status_code == 404
    sign_in_with_mfa(client, user("case-officer.manchester"))
    for url in ("", f"{application.pk}/", f"{application.pk}/evidence/"):
        assert client.get(f"/staff/oxford/payments/permits/{url}").status_code == 403
    sign_in_with_mfa(client, user("case-officer.oxford"))
    assert client.get(f"/staff/manchester/payments/permits/{application.pk}/").status_code == 403
