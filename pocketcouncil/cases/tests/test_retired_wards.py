"""Wards replaced by a later boundary generation (``Area.retired_in``) are not offered as a
filter on public reports, nor used for new demo cases."""

import datetime as dt

import pytest
from django.urls import reverse

from pocketcouncil.cases import demo as cases_demo
from pocketcouncil.cases.models import Case
from pocketcouncil.core.demo_support import DemoReport
from pocketcouncil.councils.models import Area, AreaKind, BoundaryGeneration
from pocketcouncil.councils.tests.factories import square

pytestmark = pytest.mark.django_db


@pytest.fixture
def retired_ward(demo):
    generation = BoundaryGeneration.objects.create(
        council=demo["oxford"], number=99, valid_from=dt.date(2026, 1, 1)
    )
    return Area.objects.create(
        council=demo["oxford"],
        kind=AreaKind.WARD,
        name="Zzz Old Retired Ward",
        gss_code="E05999999",
        geometry=square(3.0, 55.0, 0.1),
        retired_in=generation,
    )


def test_public_reports_do_not_offer_a_retired_ward(client, retired_ward):
    page = client.get(reverse("cases:public-reports"), {"council": "oxford"}).content.decode()
    assert "Iffley Fields" in page  # a current ward is offered
    assert retired_ward.name not in page


def test_demo_history_never_uses_a_retired_ward(retired_ward):
    Case.objects.filter(submission_key__startswith="demo-history-").delete()
    cases_demo.load_history(DemoReport())
    assert Case.objects.filter(ward__council__slug="oxford").exists()
    assert not Case.objects.filter(ward=retired_ward).exists()
