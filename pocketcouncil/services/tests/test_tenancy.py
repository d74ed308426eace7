"""One council cannot see, or change, another council's settings or front-door records."""

import pytest

from pocketcouncil.services import actions, queries
from pocketcouncil.services.models import FrontDoorSearch, Service

pytestmark = pytest.mark.django_db


def test_a_councils_rewording_and_hiding_stay_with_it(demo):
    bins = Service.objects.get(lgsl=524)
    noise = Service.objects.get(lgsl=412)
    actions.service_override_set(
        council=demo["oxford"], service=bins, actor=None, name="Oxford bins"
    )
    actions.service_override_set(council=demo["oxford"], service=noise, actor=None, hidden=True)

    manchester_bins = queries.service_for_council(council=demo["manchester"], lgsl=524)
    assert manchester_bins.name == bins.name
    assert queries.service_for_council(council=demo["manchester"], lgsl=412).name == noise.name
    listed = {s.lgsl for s in queries.service_list_for_council(council=demo["manchester"])}
    assert {524, 412} <= listed
    oxford_listed = {s.lgsl for s in queries.service_list_for_council(council=demo["oxford"])}
    assert 412 not in oxford_listed and 524 in oxford_listed
    # Search on Manchester never shows Oxford's wording.
    outcome = queries.front_door_search(text="Oxford bins", council=demo["manchester"])
    assert all(r.name != "Oxford bins" for r in outcome.results)


def test_front_door_records_are_per_council(demo):
    actions.front_door_search_record(query="a", council=demo["oxford"], shown=[524], answer=None)
    actions.front_door_search_record(
        query="b", council=demo["manchester"], shown=[524], answer=None
    )
    assert list(
        FrontDoorSearch.objects.filter(council=demo["oxford"]).values_list("query", flat=True)
    ) == ["a"]
