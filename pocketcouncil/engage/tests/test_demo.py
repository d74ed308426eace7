"""The demo engagements load (in the session fixture) and their pages work."""

import pytest
from django.utils.html import escape

from pocketcouncil.engage.models import Engagement

pytestmark = pytest.mark.django_db


def test_one_engagement_of_each_kind_and_every_page_renders(client, demo):
    engagements = Engagement.objects.filter(council__is_demo=True, slug__startswith="demo-")
    kinds = {p.kind for e in engagements for p in e.phases.all()}
    assert {"ideas", "poll", "budget", "deliberation"} <= kinds
    assert {e.budget_rule for e in engagements} >= {"knapsack", "approval"}
    listing = client.get("/have-your-say/").text
    for engagement in engagements:
        assert engagement.title.startswith("Demo: ")
        assert escape(engagement.title) in listing
        url = f"/have-your-say/{engagement.council.slug}/{engagement.slug}/"
        response = client.get(url)
        assert response.status_code == 200
        assert "demonstration data" in response.text
