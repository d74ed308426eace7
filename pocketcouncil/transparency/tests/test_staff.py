"""Staff pages: upload, confirm the columns, the background import, rollback, and who may."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pocketcouncil.accounts.models import StaffRoleKind
from pocketcouncil.accounts.tests.factories import StaffRoleFactory, UserFactory, add_totp
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.transparency.models import ImportState, Payment, SpendingImport
from pocketcouncil.transparency.tasks import spending_import_task
from pocketcouncil.transparency.tests.factories import SpendingImportFactory

pytestmark = pytest.mark.django_db

CSV = (
    "Spending over £500\n"
    "Date,Supplier Name,Amount,Net Amount,Service Area\n"
    "2024-05-02,Acme Ltd,720.00,600.00,Highways\n"
    "2024-05-03,Bins R Us,1200.00,1000.00,Waste\n"
    "not a date,Bins R Us,1200.00,1000.00,Waste\n"
).encode()


@pytest.fixture
def admin_client(client, council, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = UserFactory()
    add_totp(user)
    StaffRoleFactory(user=user, council=council, role=StaffRoleKind.COUNCIL_ADMIN)
    sign_in_with_mfa(client, user)
    client.user = user
    return client


def test_upload_confirm_run_and_roll_back(admin_client, council):
    response = admin_client.post(
        reverse("staff-spending-upload"),
        {"council": council.slug, "file": SimpleUploadedFile("may.csv", CSV, "text/csv")},
    )
    spending_import = SpendingImport.objects.get(council=council)
    assert response.status_code == 302
    assert response["Location"] == reverse("staff-spending-import", args=[spending_import.pk])
    assert spending_import.state == ImportState.PENDING
    assert spending_import.created_by == admin_client.user

    # The mapping page shows the guess: "Net Amount" (column 4) for the amount.
    page = admin_client.get(response["Location"])
    assert page.context["form"]["amount"].initial == "3"
    assert "We found the header on line 2" in page.content.decode()

    # Staff correct nothing but the service area, and confirm: the import is queued ...
    fields = {"paid_on": "0", "supplier": "1", "amount": "3", "service_area": "4"}
    response = admin_client.post(response["Location"], {**fields, "action": "confirm"})
    assert response.status_code == 302
    spending_import.refresh_from_db()
    assert spending_import.state == ImportState.QUEUED
    running = admin_client.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh" content="5">' in running

    # ... and the worker runs it.
    spending_import_task.call(spending_import.pk)
    spending_import.refresh_from_db()
    assert spending_import.state == ImportState.IMPORTED
    assert (spending_import.rows_read, spending_import.rows_imported) == (3, 2)
    assert sorted(
        Payment.objects.filter(council=council).values_list("amount_pence", flat=True)
    ) == [
        60000,
        100000,
    ]
    page = admin_client.get(response["Location"]).content.decode()
    assert "line 4" not in page  # lines are shown in a table
    assert "&#x27;not a date&#x27; is not a date we recognise" in page
    assert "refresh" not in page

    # Running the task again does nothing.
    assert spending_import_task.call(spending_import.pk) == {"skipped": True}

    response = admin_client.post(response["Location"], {"action": "rollback"})
    spending_import.refresh_from_db()
    assert spending_import.state == ImportState.ROLLED_BACK
    assert spending_import.rolled_back_by == admin_client.user
    assert not Payment.objects.filter(council=council).exists()


def test_uploading_an_empty_file_shows_the_reason(admin_client, council):
    response = admin_client.post(
        reverse("staff-spending-upload"),
        {"council": council.slug, "file": SimpleUploadedFile("x.csv", b"\n,\n")},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in page
    assert "We could not find the header line" in page
    assert not SpendingImport.objects.filter(council=council).exists()


def test_a_mapping_without_an_amount_is_refused(admin_client, council):
    admin_client.post(
        reverse("staff-spending-upload"),
        {"council": council.slug, "file": SimpleUploadedFile("may.csv", CSV)},
    )
    spending_import = SpendingImport.objects.get(council=council)
    url = reverse("staff-spending-import", args=[spending_import.pk])
    response = admin_client.post(
        url, {"paid_on": "0", "supplier": "1", "amount": "", "action": "confirm"}
    )
    assert "Choose the column for: Amount" in response.content.decode()
    spending_import.refresh_from_db()
    assert spending_import.state == ImportState.PENDING


def test_staff_of_another_council_cannot_see_an_import(client, council, demo):
    user = UserFactory()
    add_totp(user)
    StaffRoleFactory(user=user, council=demo["manchester"], role=StaffRoleKind.COUNCIL_ADMIN)
    sign_in_with_mfa(client, user)
    other = SpendingImportFactory(council=council)
    response = client.get(reverse("staff-spending-import", args=[other.pk]))
    assert response.status_code == 404
    rollback = client.post(
        reverse("staff-spending-import", args=[other.pk]), {"action": "rollback"}
    )
    assert rollback.status_code == 404
    other.refresh_from_db()
    assert other.state == ImportState.IMPORTED


def test_a_case_officer_cannot_import(client, council):
    user = UserFactory()
    add_totp(user)
    StaffRoleFactory(user=user, council=council, role=StaffRoleKind.CASE_OFFICER)
    sign_in_with_mfa(client, user)
    assert client.get(reverse("staff-spending-imports")).status_code == 403
    assert client.get(reverse("staff-spending-upload")).status_code == 403


def test_residents_are_sent_to_sign_in(client):
    response = client.get(reverse("staff-spending-imports"))
    assert response.status_code == 302
    assert "login" in response["Location"]
