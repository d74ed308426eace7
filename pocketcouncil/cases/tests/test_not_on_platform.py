"""Issue 16 item 6: a district listed but not on Pocket Council still answers "who is
responsible here", and a report for its services is emailed to it or the resident is sent to its
site before they start. Never dropped, never a dead end."""

import html as htmllib
import re

import pytest
from django.urls import reverse

from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.cases import actions
from pocketcouncil.cases.models import Case
from pocketcouncil.councils.models import AreaKind, CouncilTier
from pocketcouncil.councils.tests.factories import AreaFactory, CouncilFactory, square
from pocketcouncil.notify.models import Notification

pytestmark = pytest.mark.django_db

# In the North Sea, outside every demo area: the listed district's own polygon covers it.
SOMEWHERE = {"lon": 3.02, "lat": 55.02}


@pytest.fixture
def listed(demo):
    """listed(report_email=...) -> a district under the demo county, not on the platform."""

    def make(report_email: str = ""):
        council = CouncilFactory(
            name="Vale of Testing District Council",
            slug="vale-of-testing",
            tier=CouncilTier.DISTRICT,
            upper_tier=demo["oxfordshire"],
            on_platform=False,
            website="https://www.vale.example/",
            report_url="https://www.vale.example/report",
            report_email=report_email,
        )
        AreaFactory(
            council=council,
            kind=AreaKind.DISTRICT,
            name="Vale of Testing",
            geometry=square(3.0, 55.0, 0.04),
        )
        return council

    return make


def _where(client, lgsl: int):
    response = client.post(reverse("cases:report-start", args=[lgsl]))
    assert response.status_code == 302
    return response["Location"]


class TestEmailPath:
    def test_the_case_is_made_and_emailed_to_the_council(self, listed, service, resident):
        council = listed(report_email="reports@vale.example")
        user = resident("tom.evans")
        case = actions.case_create(
            service=service(587),
            description="Fridge dumped in the lay-by.",
            actor=user,
            resident=user,
            location_text="Lay-by on the A415",
            **SOMEWHERE,
        )
        assert case.council == council
        sent = Notification.objects.get(to="reports@vale.example")
        assert sent.channel == "email"
        assert case.reference in sent.subject
        assert "Fridge dumped in the lay-by." in sent.body
        assert "Lay-by on the A415" in sent.body
        assert user.email in sent.body

    def test_over_http_the_resident_is_told_where_it_went(self, client, listed):
        listed(report_email="reports@vale.example")
        url = _where(client, 587)
        response = client.post(url, {"where": "Lay-by", **_map_point()})
        assert response.status_code == 302, response.content.decode()[:2000]
        url = response["Location"]
        response = client.get(url)
        if response.status_code == 302:
            url = response["Location"]
        response = client.post(
            url,
            {
                "size": "a_small_van_load",
                "description": "A sofa.",
                "reporter_email": "passer.by@example.com",
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        response = client.post(response["Location"])
        sent = client.get(response["Location"]).content.decode()
        assert "we have emailed your report to reports@vale.example" in sent
        assert "https://www.vale.example/report" in sent
        assert Notification.objects.filter(to="reports@vale.example").count() == 1


def _map_point():
    return {"latitude": SOMEWHERE["lat"], "longitude": SOMEWHERE["lon"]}


class TestSignpostPath:
    def test_case_create_refuses_and_names_the_site(self, listed, service, resident):
        listed()
        user = resident("tom.evans")
        with pytest.raises(actions.CouncilNotOnPlatformError) as caught:
            actions.case_create(
                service=service(587), description="x", actor=user, resident=user, **SOMEWHERE
            )
        assert "https://www.vale.example/report" in caught.value.message
        assert not Case.objects.filter(council__slug="vale-of-testing").exists()
        assert not Notification.objects.filter(council__slug="vale-of-testing").exists()

    def test_the_start_page_explains_and_links_before_the_resident_starts(self, client, listed):
        listed()
        page = client.get(reverse("cases:report-start", args=[587])).content.decode()
        assert "Vale of Testing District Council" in page
        assert 'href="https://www.vale.example/report"' in page
        # Told it is this council: the link instead of "Start now".
        url = reverse("cases:report-start", args=[587]) + "?council=vale-of-testing"
        page = client.get(url).content.decode()
        assert "is not on Pocket Council" in page
        assert 'href="https://www.vale.example/report"' in page
        assert "Start now" not in page

    def test_a_point_in_its_area_leads_to_its_site_not_a_dead_end(self, client, listed):
        listed()
        url = _where(client, 587)
        response = client.post(url, {"where": "Lay-by", **_map_point()})
        assert response.status_code == 200
        page = htmllib.unescape(response.content.decode())
        assert "Report this to Vale of Testing District Council" in page
        assert 'href="https://www.vale.example/report"' in page


class TestWhoIsResponsible:
    def test_its_service_page_gives_name_website_and_how_to_report(self, client, listed):
        listed()
        url = reverse("services:service-detail", args=["vale-of-testing", 587])
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Vale of Testing District Council" in page
        assert "https://www.vale.example/" in page
        assert 'href="https://www.vale.example/report"' in page

    def test_with_an_email_address_its_service_page_offers_to_send_it(self, client, listed):
        listed(report_email="reports@vale.example")
        url = reverse("services:service-detail", args=["vale-of-testing", 587])
        page = client.get(url).content.decode()
        assert re.search(r'href="/report/587/\?council=vale-of-testing"[^>]*id="start"', page)

    def test_the_area_api_still_lists_the_council(self, client, listed):
        listed()
        response = client.get("/api/v1/areas", {"lat": SOMEWHERE["lat"], "lon": SOMEWHERE["lon"]})
        assert response.status_code == 200
        councils = {a["council"] for a in response.json()["areas"]}
        assert "vale-of-testing" in councils


class TestTenancy:
    def test_another_councils_staff_cannot_see_its_cases(self, client, listed, staff, service):
        listed(report_email="reports@vale.example")
        case = actions.case_create(
            service=service(587),
            description="A sofa.",
            actor=None,
            reporter_email="passer.by@example.com",
            **SOMEWHERE,
        )
        sign_in_with_mfa(client, staff("case-officer", "oxford"))
        queue = client.get(reverse("cases:staff-queue", args=["oxford"])).content.decode()
        assert case.reference not in queue
        url = reverse("cases:staff-case", args=["vale-of-testing", case.reference])
        assert client.get(url).status_code == 403
        url = reverse("cases:staff-case", args=["oxford", case.reference])
        assert client.get(url).status_code == 404
