"""The report journey honours a council's "report on our site": the start page for a service that
council takes on its own website sends the resident there (with what they typed, to copy) and
offers no Pocket Council form; other councils keep the form."""

import pytest
from django.urls import reverse

from pocketcouncil.cases.views.journey import SESSION_KEY
from pocketcouncil.services.models import CouncilService, Service

pytestmark = pytest.mark.django_db

FLY_TIPPING = 587
OXFORD_FORM = "https://www.oxford.gov.uk/report-fly-tipping"


@pytest.fixture
def oxford_reports_on_its_site(demo):
    CouncilService.objects.update_or_create(
        council=demo["oxford"],
        service=Service.objects.get(lgsl=FLY_TIPPING),
        defaults={"report_url": OXFORD_FORM},
    )
    return demo


def start(client, method="get", **params):
    return getattr(client, method)(reverse("cases:report-start", args=[FLY_TIPPING]), params)


def test_the_start_page_sends_the_resident_to_the_councils_site(client, oxford_reports_on_its_site):
    response = start(client, council="oxford", description="Bags dumped by the gate")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Report this on the Oxford" in page
    assert f'href="{OXFORD_FORM}"' in page
    assert "Bags dumped by the gate" in page  # what they typed, to copy
    assert "Start now" not in page and 'name="description"' not in page  # no Pocket Council form


def test_starting_anyway_makes_no_draft(client, oxford_reports_on_its_site):
    response = start(client, "post", council="oxford", description="Bags dumped by the gate")
    assert response.status_code == 200 and f'href="{OXFORD_FORM}"' in response.content.decode()
    assert not client.session.get(SESSION_KEY)


def test_the_councils_page_setting_also_counts(client, demo):
    CouncilService.objects.update_or_create(
        council=demo["oxford"],
        service=Service.objects.get(lgsl=FLY_TIPPING),
        defaults={
            "website_url": "https://www.oxford.gov.uk/fly-tipping",
            "reports_on_council_site": True,
        },
    )
    page = start(client, council="oxford").content.decode()
    assert 'href="https://www.oxford.gov.uk/fly-tipping"' in page
    assert "What you typed" not in page  # nothing typed, nothing to copy


def test_other_councils_and_no_council_keep_the_form(client, oxford_reports_on_its_site):
    for params in ({"council": "manchester"}, {}, {"council": "no-such-council"}):
        page = start(client, **params, description="Bags").content.decode()
        assert OXFORD_FORM not in page and 'name="description" value="Bags"' in page
    response = start(client, "post", council="manchester", description="Bags")
    assert response.status_code == 302 and client.session[SESSION_KEY]
