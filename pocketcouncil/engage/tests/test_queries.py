"""engagements_open_for: the home page's list of open engagements."""

import pytest

from pocketcouncil.engage import actions, queries
from pocketcouncil.engage.models import PhaseKind
from pocketcouncil.engage.tests.conftest import AFTER, BEFORE

pytestmark = pytest.mark.django_db


def titles(found):
    return {o.title for o in found}


def test_open_engagements_by_council_area_topic_and_time(make_engagement, ward, demo, staff):
    whole = make_engagement(kinds=[PhaseKind.POLL], title="Whole city poll")
    iffley = make_engagement(
        kinds=[PhaseKind.IDEAS], title="Iffley ideas", areas=[ward("Iffley Fields")], topic="parks"
    )
    make_engagement(kinds=[PhaseKind.RESULTS], title="Only results")  # nothing to take part in
    oxford = demo["oxford"].pk

    found = queries.engagements_open_for(council_ids=[oxford])
    assert {"Whole city poll", "Iffley ideas"} <= titles(found)
    assert "Only results" not in titles(found)
    row = next(o for o in found if o.title == "Iffley ideas")
    assert row.council == demo["oxford"]
    assert row.url == f"/have-your-say/oxford/{iffley.slug}/"
    assert row.closes_at == iffley.phases.get().ends_at

    carfax = titles(
        queries.engagements_open_for(council_ids=[oxford], area_ids=[ward("Carfax").pk])
    )
    assert "Whole city poll" in carfax and "Iffley ideas" not in carfax
    parks = titles(queries.engagements_open_for(council_ids=[oxford], topics=["parks"]))
    assert "Iffley ideas" in parks and "Whole city poll" not in parks
    assert queries.engagements_open_for(council_ids=[demo["manchester"].pk], topics=["parks"]) == []
    assert "Whole city poll" not in titles(queries.engagements_open_for(now=BEFORE))
    assert "Whole city poll" not in titles(queries.engagements_open_for(now=AFTER))

    actions.results_publish(
        engagement=whole, actor=staff("council-admin"), we_asked="a", you_said="b", we_did="c"
    )
    assert "Whole city poll" not in titles(queries.engagements_open_for(council_ids=[oxford]))


def test_open_list_query_count_does_not_grow(make_engagement, demo, django_assert_max_num_queries):
    for n in range(5):
        make_engagement(kinds=[PhaseKind.POLL, PhaseKind.IDEAS], title=f"Poll {n}")
    with django_assert_max_num_queries(2):
        found = queries.engagements_open_for(council_ids=[demo["oxford"].pk])
        [o.council.name for o in found]
