import pytest
from django.urls import reverse

from pocketcouncil.core.demo_support import DemoReport
from pocketcouncil.directory import demo as directory_demo
from pocketcouncil.directory.models import Service


@pytest.mark.django_db
def test_demo_loads_labelled_listings_and_is_idempotent(client, demo):
    directory_demo.load(DemoReport())
    assert Service.objects.filter(council=demo["oxford"]).count() == 9  # 8 + the official one
    assert Service.objects.filter(council=demo["manchester"]).count() == 3
    assert not Service.objects.filter(is_demo=False).exists()
    written_here = Service.objects.exclude(organization__name="Example Organization Inc.")
    assert all("(demo)" in s.organization.name for s in written_here)
    again = DemoReport()
    directory_demo.load(again)
    assert again.total_changes == 0
    response = client.get(reverse("directory:find-help"), {"need": "food", "postcode": "OX4 3BD"})
    first = response.context["results"][0]["service"]
    assert first.name == "Cowley Community Larder"
    page = client.get(reverse("directory:service", args=[first.id]))
    body = page.content.decode()
    assert "This is a demonstration listing" in body
    assert "Buses 1, 5 and 10 stop outside." in body
