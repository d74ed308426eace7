"""Services you offer: a council admin chooses LGSL services, names them, says where they are
reported."""

import pytest
from django.urls import reverse

from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.onboarding.models import SettingsEvent, SettingsEventKind
from pocketcouncil.onboarding.tests.conftest import make_staff
from pocketcouncil.onboarding.views import SERVICES_PER_PAGE
from pocketcouncil.services import queries as services_queries
from pocketcouncil.services.models import CouncilService, Service

pytestmark = pytest.mark.django_db


def url(council):
    return reverse("onboarding:services", args=[council.slug])


def test_admin_chooses_the_services_residents_find_a_page_at_a_time(admin_client, admin, council):
    services = list(Service.objects.order_by("name", "lgsl"))
    assert len(services) > SERVICES_PER_PAGE, "the demo loads the whole LGSL"
    first_page, rest = services[:SERVICES_PER_PAGE], services[SERVICES_PER_PAGE:]
    page = admin_client.get(url(council)).content.decode()
    assert all(f'value="{s.lgsl}"' in page for s in first_page)  # a unitary: every tier
    assert f'value="{rest[0].lgsl}"' not in page
    assert "You have not chosen yet" in page
    keep = {first_page[0].lgsl, first_page[1].lgsl}
    response = admin_client.post(
        url(council), {"page": "1", "offered": [str(code) for code in keep]}
    )
    assert response.status_code == 302
    offered = {s.lgsl for s in services_queries.service_list_for_council(council=council)}
    assert offered == keep | {s.lgsl for s in rest}  # other pages are untouched
    assert CouncilService.objects.filter(council=council).count() == SERVICES_PER_PAGE
    event = SettingsEvent.objects.get(council=council, kind=SettingsEventKind.SERVICES_CHOSEN)
    assert event.actor == admin
    assert event.changes[str(first_page[2].lgsl)] == [True, False]
    assert str(first_page[0].lgsl) not in event.changes
    assert "You have not chosen yet" not in admin_client.get(url(council)).content.decode()
    # The second page, with every box ticked, as a browser would send it.
    second = rest[:SERVICES_PER_PAGE]
    response = admin_client.post(
        url(council), {"page": "2", "offered": [str(s.lgsl) for s in second[1:]]}
    )
    assert response.status_code == 302 and response["Location"].endswith("?page=2")
    offered = {s.lgsl for s in services_queries.service_list_for_council(council=council)}
    assert second[0].lgsl not in offered and second[1].lgsl in offered and keep <= offered


def test_a_district_chooses_only_from_district_services(client, demo):
    oxford = demo["oxford"]
    sign_in_with_mfa(client, make_staff(oxford))
    page = client.get(url(oxford)).content.decode()
    county_only = Service.objects.filter(tier="county").first()
    district = Service.objects.filter(tier="district").first()
    assert f'value="{district.lgsl}"' in page
    assert f'value="{county_only.lgsl}"' not in page
    assert (
        client.get(reverse("onboarding:service", args=["oxford", county_only.lgsl])).status_code
        == 404
    )


def test_admin_names_a_service_and_sends_reports_to_the_councils_own_site(
    admin_client, council, client
):
    service = Service.objects.order_by("name", "lgsl").first()  # on the first page
    edit = reverse("onboarding:service", args=[council.slug, service.lgsl])
    response = admin_client.post(
        edit, {"name": "", "website_url": "", "reports_on_council_site": "council"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Enter the page on your website where residents report or request this" in html
    assert not CouncilService.objects.filter(council=council, service=service).exists()
    response = admin_client.post(
        edit,
        {
            "name": "Bins and recycling",
            "website_url": "https://www.example.gov.uk/bins",
            "reports_on_council_site": "council",
        },
    )
    assert response.status_code == 302
    view = services_queries.service_for_council(council=council, lgsl=service.lgsl)
    assert view.name == "Bins and recycling"
    assert view.website_url == "https://www.example.gov.uk/bins"
    assert view.reports_on_council_site
    event = SettingsEvent.objects.get(council=council, kind=SettingsEventKind.SERVICE_CHANGED)
    assert event.detail == f"LGSL {service.lgsl}"
    assert event.changes["reports_on_council_site"] == [False, True]
    public = client.get(reverse("services:service-detail", args=[council.slug, service.lgsl]))
    html = public.content.decode()
    assert 'href="https://www.example.gov.uk/bins"' in html
    assert "takes these on its own website" in html
    listing = admin_client.get(url(council)).content.decode()
    assert "Bins and recycling" in listing and "On your website" in listing


def test_another_councils_admin_is_refused(client, council, other_council):
    service = Service.objects.order_by("lgsl").first()
    sign_in_with_mfa(client, make_staff(other_council))
    assert client.get(url(council)).status_code == 403
    assert client.post(url(council), {"offered": []}).status_code == 403
    edit = reverse("onboarding:service", args=[council.slug, service.lgsl])
    response = client.post(edit, {"name": "Mine", "reports_on_council_site": "here"})
    assert response.status_code == 403
    assert not CouncilService.objects.filter(council=council).exists()
