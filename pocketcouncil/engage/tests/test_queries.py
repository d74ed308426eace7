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


def test_who_took_part_by_level_and_ward(make_engagement, staff, resident, client, monkeypatch):
    from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
    from pocketcouncil.engage.models import BudgetRule

    engagement = make_engagement(
        kinds=[PhaseKind.POLL, PhaseKind.IDEAS, PhaseKind.BUDGET],
        budget_rule=BudgetRule.APPROVAL,
        budget_max_choices=2,
        budget_total_pence=100_000,
    )
    admin = staff("council-admin")
    poll = actions.poll_create(
        engagement=engagement,
        actor=admin,
        question="Q?",
        options=["A", "B"],
        show_results="after_vote",
    )
    project = actions.budget_project_add(
        engagement=engagement, actor=admin, title="Benches", cost_pence=50_000
    )
    amira, grace, tom = resident("amira.khan"), resident("grace.okafor"), resident("tom.evans")
    for person in (amira, grace, tom):
        actions.poll_vote(poll=poll, option=poll.options.first(), actor=person)
    actions.idea_submit(engagement=engagement, actor=grace, title="Trees", body="More trees")
    actions.ballot_cast(engagement=engagement, actor=tom, project_ids=[project.pk])
    actions.ballot_paper_enter(
        engagement=engagement, actor=admin, project_ids=[project.pk], reference="P1"
    )
    found = queries.participation_by_area_and_level(engagement)
    assert found["people"] == 3
    assert found["wards"] == ["Carfax", "Iffley Fields", ""]
    rows = {r["method"]: r for r in found["rows"]}
    assert rows["poll"]["levels"] == [1, 2, 0] and rows["poll"]["wards"] == [1, 1, 1]
    assert rows["ideas"]["people"] == 1 and rows["ideas"]["wards"] == [1, 0, 0]
    assert rows["budget"]["levels"] == [1, 0, 0]
    assert found["paper"] == {"budget": 1}
    sign_in_with_mfa(client, admin)
    page = client.get(f"/staff/oxford/engage/{engagement.slug}/")
    assert "Who took part, by level and ward" in page.text and "Iffley Fields" in page.text
    # Past the limit of home addresses, wards are not worked out (levels still are).
    monkeypatch.setattr(queries, "WARD_LOOKUP_LIMIT", 1)
    found = queries.participation_by_area_and_level(engagement)
    page = client.get(f"/staff/oxford/engage/{engagement.slug}/")
    assert found["wards"] is None and found["rows"][0]["levels"] == [1, 2, 0]
    assert "Too many people took part to count them by ward" in page.text


def test_levels_and_homes_in_bulk_match_one_by_one(demo, django_assert_max_num_queries):
    from pocketcouncil.accounts import queries as accounts
    from pocketcouncil.accounts.models import User

    users = list(User.objects.all())
    with django_assert_max_num_queries(3):
        found = accounts.levels_and_homes_for([u.pk for u in users])
    assert {f.level for f in found.values()} >= {1, 2}
    for user in users:
        home = accounts.home_for(user)
        checked = home is not None and home.in_council_area_at is not None
        assert found[user.pk].level == accounts.level_for(user)
        assert found[user.pk].home == ((home.longitude, home.latitude) if checked else None)
