"""The council settings page: names, contact details, colour and logo, every change audited."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from pocketcouncil.accounts.models import StaffRoleKind
from pocketcouncil.councils.models import Council, CouncilAuditAction, CouncilAuditEntry
from pocketcouncil.onboarding import actions
from pocketcouncil.onboarding.tests.conftest import make_staff

pytestmark = pytest.mark.django_db


def url(council):
    return reverse("onboarding:settings", args=[council.slug])


def form_data(council, **changes):
    data = {
        "name_en_gb": council.name_en_gb,
        "name_cy": council.name_cy or "",
        "logo_text": council.logo_text,
        "website": council.website,
        "phone": council.phone,
        "opening_hours": council.opening_hours,
        "emergency_phone": council.emergency_phone,
        "email": council.email,
        "address": council.address,
        "privacy_notice_url": council.privacy_notice_url,
        "brand_colour": council.brand_colour,
    }
    data.update(changes)
    return data


def png(size=(800, 400), colour=(200, 0, 0, 255), kind="PNG"):
    out = io.BytesIO()
    Image.new("RGBA" if kind == "PNG" else "RGB", size, colour[: 4 if kind == "PNG" else 3]).save(
        out, format=kind
    )
    return out.getvalue()


def test_admin_changes_contact_details_and_the_change_is_audited(admin_client, admin, council):
    response = admin_client.post(
        url(council),
        form_data(
            council,
            website="https://www.example.gov.uk",
            email="contact@example.gov.uk",
            privacy_notice_url="https://www.example.gov.uk/privacy",
        ),
    )
    assert response.status_code == 302
    council.refresh_from_db()
    assert council.website == "https://www.example.gov.uk"
    assert council.privacy_notice_url == "https://www.example.gov.uk/privacy"
    entry = CouncilAuditEntry.objects.get(council=council)
    assert entry.action == CouncilAuditAction.COUNCIL_CHANGED
    assert entry.actor == admin
    assert entry.before["email"] == "" and entry.after["email"] == "contact@example.gov.uk"
    assert set(entry.after) == {"website", "email", "privacy_notice_url"}
    page = admin_client.get(url(council)).content.decode()
    assert "Ada Admin" in page and "Council changed" in page


def test_admin_names_the_council_in_welsh(admin_client, council):
    from django.utils import translation

    response = admin_client.post(
        url(council), form_data(council, name_cy="Cyngor Bwrdeistref Prawf")
    )
    assert response.status_code == 302
    council.refresh_from_db()
    assert council.name_cy == "Cyngor Bwrdeistref Prawf"
    with translation.override("cy"):
        assert council.name == "Cyngor Bwrdeistref Prawf"
    with translation.override("en-gb"):
        assert council.name.startswith("Test Borough Council")
    entry = CouncilAuditEntry.objects.get(council=council)
    assert entry.before == {"name_cy": ""}
    assert entry.after == {"name_cy": "Cyngor Bwrdeistref Prawf"}


def test_saving_without_changes_writes_no_audit_row(admin_client, council):
    assert admin_client.post(url(council), form_data(council)).status_code == 302
    assert not CouncilAuditEntry.objects.filter(council=council).exists()


def test_a_colour_white_text_cannot_be_read_on_is_refused_with_its_ratio(admin_client, council):
    response = admin_client.post(url(council), form_data(council, brand_colour="#FFDD00"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error:" in html
    assert "govuk-error-summary" in html
    assert "contrast ratio of 1.34:1" in html  # white on GOV.UK yellow
    assert "4.5:1 or more" in html
    assert 'href="#id_brand_colour"' in html
    council.refresh_from_db()
    assert council.brand_colour == "#1d4f91"
    assert not CouncilAuditEntry.objects.filter(council=council).exists()


def test_a_colour_just_short_of_the_threshold_never_reads_as_passing(admin, council):
    # #767676 is the classic 4.54:1 grey; #777777 is just under 4.5:1 (about 4.48).
    with pytest.raises(ValidationError) as caught:
        actions.council_settings_update(
            council=council, actor=admin, changes={"brand_colour": "#777777"}
        )
    message = caught.value.message_dict["brand_colour"][0]
    assert "4.47:1" in message  # 4.478 rounded down, never up to 4.48 or 4.5
    actions.council_settings_update(
        council=council, actor=admin, changes={"brand_colour": "#767676"}
    )
    assert Council.objects.get(pk=council.pk).brand_colour == "#767676"


def test_bad_input_is_shown_the_govuk_way_and_nothing_is_saved(admin_client, council, demo):
    response = admin_client.post(
        url(council),
        form_data(council, name_en_gb="", website="not a web address", brand_colour="blue"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter the council&#x27;s name in English" in html
    assert "Enter a web address like" in html
    # A name another council already has.
    response = admin_client.post(url(council), form_data(council, name_en_gb=demo["oxford"].name))
    assert response.status_code == 400
    assert "Another council on the platform already has that name" in response.content.decode()
    council.refresh_from_db()
    assert council.name.startswith("Test Borough Council")
    assert not CouncilAuditEntry.objects.filter(council=council).exists()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_logo_is_re_encoded_as_a_bounded_png_and_served(admin_client, council, client, media):
    upload = SimpleUploadedFile("logo.jpg", png(kind="JPEG"), content_type="image/jpeg")
    response = admin_client.post(
        reverse("onboarding:logo-upload", args=[council.slug]), {"logo": upload}
    )
    assert response.status_code == 302
    council.refresh_from_db()
    assert council.logo.name.endswith(".png")
    served = client.get(reverse("onboarding:council-logo", args=[council.slug]))
    assert served["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(b"".join(served.streaming_content)))
    assert image.format == "PNG"
    assert image.size == (320, 160)  # 800x400 fitted into 600x160
    entry = CouncilAuditEntry.objects.get(council=council, note="logo uploaded")
    assert entry.after["logo"] == council.logo.name
    response = admin_client.post(reverse("onboarding:logo-remove", args=[council.slug]))
    assert response.status_code == 302
    council.refresh_from_db()
    assert not council.logo
    assert CouncilAuditEntry.objects.filter(council=council, note="logo removed").exists()
    assert client.get(reverse("onboarding:council-logo", args=[council.slug])).status_code == 404


def test_a_file_that_is_not_an_image_is_refused(admin_client, council, media):
    svg = SimpleUploadedFile(
        "logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
    )
    response = admin_client.post(
        reverse("onboarding:logo-upload", args=[council.slug]), {"logo": svg}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html and "SVG files are not accepted" in html
    council.refresh_from_db()
    assert not council.logo
    response = admin_client.post(reverse("onboarding:logo-upload", args=[council.slug]), {})
    assert "Choose a logo file to upload" in response.content.decode()


def test_only_the_councils_admins_may_change_settings(client, council, other_council):
    from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa

    officer = make_staff(council, role=StaffRoleKind.SERVICE_MANAGER)
    sign_in_with_mfa(client, officer)
    assert client.get(url(council)).status_code == 403
    assert client.post(url(council), form_data(council, phone="1")).status_code == 403
    other_admin = make_staff(other_council)
    sign_in_with_mfa(client, other_admin)
    assert client.get(url(council)).status_code == 403
    assert client.post(url(council), form_data(council, phone="1")).status_code == 403
    with pytest.raises(PermissionDenied):
        actions.council_settings_update(council=council, actor=other_admin, changes={"phone": "1"})
    council.refresh_from_db()
    assert council.phone == "01632 960 100"


def test_staff_pages_need_two_factor_authentication(client, admin, council):
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(url(council))
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]


def test_the_staff_home_lists_the_onboarding_pages(admin_client, council):
    page = admin_client.get(reverse("accounts-staff-home")).content.decode()
    for name in ["onboarding:go-live", "onboarding:settings", "onboarding:services"]:
        assert reverse(name, args=[council.slug]) in page
    assert reverse("onboarding:invitations", args=[council.slug]) in page
