"""One council can never see or change another council's engagement data."""

import pytest
from django.core.exceptions import PermissionDenied

from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.engage import actions, queries
from pocketcouncil.engage.models import Moderation, PhaseKind

pytestmark = pytest.mark.django_db


def test_council_data_stays_with_its_council(make_engagement, resident, staff, demo, client):
    oxford = make_engagement(kinds=[PhaseKind.IDEAS], moderation=Moderation.PRE)
    idea = actions.idea_submit(engagement=oxford, actor=resident("tom.evans"), title="A", body="B")
    manchester_moderator = staff("moderator", "manchester")

    assert queries.moderation_queue(council=demo["manchester"])["ideas"] == []
    assert idea in queries.moderation_queue(council=demo["oxford"])["ideas"]
    with pytest.raises(idea.DoesNotExist):
        actions.content_get(council=demo["manchester"], kind="idea", content_id=idea.pk)
    with pytest.raises(PermissionDenied):
        actions.content_moderate(content=idea, actor=manchester_moderator, publish=True)
    with pytest.raises(PermissionDenied):
        actions.results_publish(
            engagement=oxford,
            actor=staff("council-admin", "manchester"),
            we_asked="a",
            you_said="b",
            we_did="c",
        )

    sign_in_with_mfa(client, manchester_moderator)
    # Manchester's moderator cannot reach Oxford's item through Manchester's address either.
    response = client.post(
        f"/staff/manchester/engage/moderation/idea/{idea.pk}/", {"decision": "publish"}
    )
    assert response.status_code == 404
    assert client.get("/staff/oxford/engage/moderation/").status_code == 403
    admin = staff("council-admin", "manchester")
    sign_in_with_mfa(client, admin)
    assert client.get(f"/staff/oxford/engage/{oxford.slug}/").status_code == 403
    assert client.get(f"/staff/manchester/engage/{oxford.slug}/").status_code == 404
    assert client.get(f"/staff/oxford/engage/{oxford.slug}/export.json").status_code == 403
    assert client.get(f"/staff/oxford/engage/{oxford.slug}/edit/").status_code == 403
    assert client.get(f"/staff/manchester/engage/{oxford.slug}/edit/").status_code == 404
