"""Services you offer: a council admin chooses LGSL services, names them, says where they are
reported."""

import pytest
from django.urls import reverse

from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.onboarding.models import SettingsEvent, SettingsEventKind
from pocketcouncil.onboarding.tests.conftest import make_staff
from pocketcouncil.services import queries as services_queries
from pocketcouncil.services.models import CouncilService, Service

pytestmark = pytest.mark.django_db


def url(council):
    return reverse("onboarding:services", args=[council.slug])


def test_admin_chooses_the_services_residents_find(admin_client, admin, council):
    services = list(Service.objects.order_by("lgsl"))
    assert len(services) > 3, "the demo catalogue is loaded"
    page = admin_client.get(url(council)).content.decode()
    assert all(f'value="{s.lgsl}"' in page for s in services)  # a unitary provides every tier
    assert "You have not chosen yet" in page
    keep = {services[0].lgsl, services[1].lgsl}
    response = admin_client.post(url(council), {"offered": [str(code) for code in keep]})
    assert response.status_code == 302
    offered = {s.lgsl for s in services_queries.service_list_for_council(council=council)}
    assert offered == keep
    assert CouncilService.objects.filter(council=council).count() == len(services)
    event = SettingsEvent.objects.get(council=council, kind=SettingsEventKind.SERVICES_CHOSEN)
    assert event.actor == admin
    assert event.changes[str(services[2].lgsl)] == [True, False]
    assert str(services[0].lgsl) not in event.changes
    assert "You have not chosen yet" not in admin_client.get(url(council)).content.decode()


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
    service = Service.objects.order_by("lgsl").first()
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
