"""Managers see which needs the front door fails (admin, read-only)."""

import pytest

from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.services import actions

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [("nothing", ["no luck"]), ("not-opened", ["shown only"]), ("opened", ["opened one"])],
)
def test_front_door_searches_filtered_by_outcome(client, django_user_model, outcome, expected):
    sign_in_with_mfa(
        client, django_user_model.objects.get(email="admin@demo.pocketcouncil.example")
    )
    actions.front_door_search_record(query="no luck", council=None, shown=[], answer=None)
    actions.front_door_search_record(query="shown only", council=None, shown=[524], answer=None)
    opened = actions.front_door_search_record(
        query="opened one", council=None, shown=[524], answer=None
    )
    actions.front_door_click_record(search_id=opened.pk, lgsl=524)
    response = client.get("/admin/services/frontdoorsearch/", {"outcome": outcome})
    assert response.status_code == 200
    assert "Add front-door search" not in response.content.decode()  # read-only
    listed = response.context["cl"].result_list
    assert [s.query for s in listed] == expected
