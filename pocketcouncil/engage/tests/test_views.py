"""Through the front door: residents take part and staff close the loop, over HTTP."""

import json

import pytest

from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.engage import actions
from pocketcouncil.engage.models import (
    Action,
    Ballot,
    ContentState,
    Idea,
    PhaseKind,
    PollResults,
    Statement,
    StatementVote,
)
from pocketcouncil.engage.tests.conftest import NOW

pytestmark = pytest.mark.django_db


def sign_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


@pytest.fixture
def cowley(make_engagement, staff, ward):
    engagement = make_engagement(
        kinds=[PhaseKind.POLL, PhaseKind.IDEAS, PhaseKind.DELIBERATION],
        rules={Action.STATEMENT_VOTE: (2, ward("Iffley Fields"))},
    )
    actions.poll_create(
        engagement=engagement,
        actor=staff("council-admin"),
        question="Close Cowley Road to traffic on Saturdays?",
        options=["Yes", "No"],
        show_results=PollResults.AFTER_VOTE,
    )
    return engagement


def page(engagement, suffix=""):
    return f"/have-your-say/oxford/{engagement.slug}/{suffix}"


def test_list_and_engagement_pages(client, cowley):
    response = client.get("/have-your-say/")
    assert response.status_code == 200
    assert cowley.title in response.text
    assert "Have your say" in response.text  # in the navigation
    response = client.get(page(cowley))
    assert response.status_code == 200
    assert "Close Cowley Road to traffic on Saturdays?" in response.text
    assert client.get("/have-your-say/oxford/no-such-thing/").status_code == 404
    assert client.get("/have-your-say/manchester/" + cowley.slug + "/").status_code == 404


def test_unpublished_engagement_is_not_shown(client, cowley):
    cowley.is_published = False
    cowley.save()
    assert client.get(page(cowley)).status_code == 404


def test_anonymous_poll_answer_goes_to_step_up(client, cowley):
    option = cowley.poll.options.first()
    response = client.post(page(cowley, "poll/"), {"option": option.pk})
    assert response.status_code == 302
    assert response["Location"].startswith("/more-needed/")
    assert not cowley.poll.votes.exists()


def test_poll_answer_then_results(client, cowley, resident):
    sign_in(client, resident("tom.evans"))
    yes = cowley.poll.options.get(label="Yes")
    response = client.post(page(cowley, "poll/"), {"option": yes.pk})
    assert response.status_code == 302
    assert cowley.poll.votes.get().option == yes
    response = client.get(page(cowley))
    assert "You answered: Yes." in response.text
    assert "Answers so far" in response.text
    # A plain visit to the answer address just goes back to the page.
    assert client.get(page(cowley, "poll/")).status_code == 302


def test_level_two_area_rule_over_http(client, cowley, resident):
    statement = actions.statement_submit(
        engagement=cowley, actor=resident("tom.evans"), text="More trees please"
    )
    url = page(cowley, f"statements/{statement.pk}/vote/")
    sign_in(client, resident("grace.okafor"))  # level 2 but lives in Carfax
    response = client.post(url, {"vote": "agree"}, follow=True)
    assert "Only residents of Iffley Fields" in response.text
    assert not StatementVote.objects.exists()
    sign_in(client, resident("tom.evans"))  # level 1: sent to step up
    response = client.post(url, {"vote": "agree"})
    assert response.status_code == 302 and response["Location"].startswith("/more-needed/")
    sign_in(client, resident("amira.khan"))
    client.post(url, {"vote": "agree"})
    assert StatementVote.objects.get().value == 1


def test_suggest_an_idea_with_a_postcode_support_and_comment(client, cowley, resident):
    sign_in(client, resident("tom.evans"))
    response = client.post(page(cowley, "ideas/new/"), {"title": "", "body": ""})
    assert response.status_code == 200
    assert "<title>Error:" in response.text
    assert "Give your idea a title" in response.text
    response = client.post(
        page(cowley, "ideas/new/"),
        {"title": "Cycle parking", "body": "By the library.", "postcode": "OX4 3BD"},
    )
    idea = Idea.objects.get(engagement=cowley)
    assert response["Location"] == page(cowley, f"ideas/{idea.pk}/")
    assert idea.latitude is not None
    sign_in(client, resident("amira.khan"))
    client.post(page(cowley, f"ideas/{idea.pk}/support/"))
    client.post(page(cowley, f"ideas/{idea.pk}/comment/"), {"body": "Yes please"})
    response = client.get(page(cowley, f"ideas/{idea.pk}/"))
    assert "2 people support this." not in response.text
    assert "1 person supports this." in response.text
    assert "Yes please" in response.text


def test_held_idea_is_seen_only_by_its_author_and_hidden_reason_shows(
    client, cowley, resident, staff
):
    tom = resident("tom.evans")
    idea = actions.idea_submit(engagement=cowley, actor=tom, title="Ring me", body="07700 900123")
    assert idea.state == ContentState.HELD
    url = page(cowley, f"ideas/{idea.pk}/")
    assert client.get(url).status_code == 404
    sign_in(client, tom)
    assert "Only you can see this" in client.get(url).text
    actions.content_moderate(
        content=idea, actor=staff("moderator"), publish=False, reason="Contains a phone number"
    )
    client.logout()
    response = client.get(page(cowley))
    assert "Contains a phone number" in response.text and "07700" not in response.text


def test_report_needs_sign_in_then_goes_to_the_queue(client, cowley, resident, staff):
    idea = actions.idea_submit(engagement=cowley, actor=resident("tom.evans"), title="A", body="B")
    url = page(cowley, f"report/idea/{idea.pk}/")
    assert client.get(url).status_code == 302
    sign_in(client, resident("amira.khan"))
    response = client.post(url, {"reason": ""})
    assert "Say what is wrong with it" in response.text
    client.post(url, {"reason": "Offensive"})
    sign_in_with_mfa(client, staff("moderator"))
    response = client.get("/staff/oxford/engage/moderation/")
    assert "Offensive" in response.text
    client.post(
        f"/staff/oxford/engage/moderation/idea/{idea.pk}/",
        {"decision": "hide", "reason": "Breaks the rules"},
    )
    idea.refresh_from_db()
    assert idea.state == ContentState.HIDDEN and idea.state_reason == "Breaks the rules"
    assert "Offensive" not in client.get("/staff/oxford/engage/moderation/").text


def test_budget_ballot_over_http(client, budget, resident):
    engagement = budget()
    ids = {p.title: p.pk for p in engagement.projects.all()}
    sign_in(client, resident("tom.evans"))
    url = page(engagement, "budget/")
    response = client.post(url, {"projects": [ids["Benches"], ids["Trees"], ids["Lights"]]})
    assert response.status_code == 200
    assert "<title>Error:" in response.text and "more than the budget" in response.text
    response = client.post(url, {"projects": [ids["Trees"], ids["Lights"]]})
    assert response.status_code == 302
    response = client.get(url)
    assert "You have already voted" in response.text
    client.post(url, {"projects": [ids["Art"], ids["Trees"]]})
    assert Ballot.objects.filter(engagement=engagement).count() == 1


def test_staff_close_the_loop(client, budget, resident, staff):
    engagement = budget()
    ids = {p.title: p.pk for p in engagement.projects.all()}
    actions.ballot_cast(
        engagement=engagement, actor=resident("amira.khan"), project_ids=[ids["Benches"]]
    )
    assert client.get(page(engagement, "results/")).status_code == 404
    sign_in_with_mfa(client, staff("council-admin"))
    base = f"/staff/oxford/engage/{engagement.slug}/"
    assert client.get("/staff/oxford/engage/").status_code == 200
    assert client.get(base).status_code == 200
    client.post(base + "paper-ballot/", {"projects": [ids["Benches"]], "reference": "P-1"})
    client.post(base + "paper-ballot/", {"projects": [ids["Benches"]], "reference": "P-1"})
    assert Ballot.objects.filter(engagement=engagement, is_paper=True).count() == 1
    client.post(
        base + "results/",
        {"we_asked": "Which projects?", "you_said": "Benches.", "we_did": "Benches in May."},
    )
    engagement.refresh_from_db()
    assert engagement.results_published_at is not None
    client.logout()
    response = client.get(page(engagement, "results/"))
    assert "Benches in May." in response.text
    data = json.loads(client.get(page(engagement, "results.json")).content)
    benches = next(p for p in data["budget"]["projects"] if p["title"] == "Benches")
    assert benches["votes"] == 2 and data["budget"]["paper_ballots"] == 1
    assert "amira" not in json.dumps(data).lower()


def test_staff_export_has_no_personal_data(client, cowley, resident, staff):
    actions.idea_submit(engagement=cowley, actor=resident("tom.evans"), title="Trees", body="More")
    statement = actions.statement_submit(
        engagement=cowley, actor=resident("tom.evans"), text="Fewer cars"
    )
    actions.statement_vote(statement=statement, actor=resident("amira.khan"), value=-1)
    sign_in_with_mfa(client, staff("council-admin"))
    base = f"/staff/oxford/engage/{cowley.slug}/"
    csv_text = client.get(base + "export.csv").content.decode()
    assert "Trees: More" in csv_text and "Fewer cars" in csv_text
    assert "tom" not in csv_text.lower() and "@" not in csv_text
    data = json.loads(client.get(base + "export.json").content)
    assert data["statements"][0]["disagree"] == 1
    assert client.get(base + "export.xml").status_code == 404
    assert Statement.objects.filter(engagement=cowley).count() == 1


def test_statement_add_and_vote_from_the_page(client, make_engagement, resident):
    engagement = make_engagement(kinds=[PhaseKind.DELIBERATION])
    sign_in(client, resident("tom.evans"))
    client.post(page(engagement, "statements/"), {"text": "Buses should run later"})
    statement = Statement.objects.get(engagement=engagement)
    client.post(page(engagement, f"statements/{statement.pk}/vote/"), {"vote": "disagree"})
    assert StatementVote.objects.get(statement=statement).value == -1
    response = client.get(page(engagement))
    assert "Your answer: disagree" in response.text


def test_staff_set_up_and_publish_an_engagement(client, staff, ward, now):
    sign_in_with_mfa(client, staff("service-manager"))
    response = client.post("/staff/oxford/engage/new/", {"title": "", "slug": "new"})
    assert response.status_code == 200
    assert "<title>Error:" in response.text
    assert "that one is used by a page" in response.text
    response = client.post(
        "/staff/oxford/engage/new/",
        {
            "title": "Library opening hours",
            "slug": "library-hours",
            "purpose": "When should libraries open?",
            "decision": "Next year's opening hours.",
            "topic": "libraries",
            "moderation": "pre",
            "support_threshold": "0",
            "budget_rule": "approval",
            "budget_total": "1000",
            "budget_max_choices": "1",
        },
    )
    base = "/staff/oxford/engage/library-hours/"
    assert response["Location"] == base
    assert client.get("/have-your-say/oxford/library-hours/").status_code == 404  # a draft
    client.post(base + "publish/")  # refused: no stages yet
    assert client.get("/have-your-say/oxford/library-hours/").status_code == 404
    client.post(
        base + "phases/", {"kind": "poll", "starts_on": "2026-05-01", "ends_on": "2026-05-01"}
    )
    client.post(
        base + "phases/", {"kind": "budget", "starts_on": "2026-05-20", "ends_on": "2026-06-30"}
    )
    client.post(
        base + "phases/", {"kind": "ideas", "starts_on": "2026-06-30", "ends_on": "2026-06-01"}
    )
    client.post(
        base + "rules/", {"action": "poll_vote", "min_level": "2", "area": ward("Carfax").pk}
    )
    client.post(
        base + "poll/",
        {"question": "Open on Sundays?", "options": "Yes\nNo", "show_results": "after_close"},
    )
    client.post(base + "projects/", {"title": "Sunday staff", "cost": "800"})
    client.post(base + "publish/")
    from pocketcouncil.engage.models import Engagement

    engagement = Engagement.objects.get(slug="library-hours")
    assert engagement.is_published and engagement.moderation == "pre"
    assert sorted(p.kind for p in engagement.phases.all()) == ["budget", "poll"]  # ideas refused
    poll_phase = engagement.phases.get(kind="poll")
    # A whole London day: 1 May 2026 is in British Summer Time.
    assert poll_phase.starts_at.isoformat() == "2026-04-30T23:00:00+00:00"
    assert poll_phase.ends_at.isoformat() == "2026-05-01T23:00:00+00:00"
    rule = engagement.rules.get()
    assert (rule.action, rule.min_level, rule.area) == ("poll_vote", 2, ward("Carfax"))
    assert [o.label for o in engagement.poll.options.all()] == ["Yes", "No"]
    assert engagement.projects.get().cost_pence == 80_000
    client.logout()
    response = client.get("/have-your-say/oxford/library-hours/")
    assert response.status_code == 200 and "Budget vote" in response.text


def test_moderators_cannot_set_up_engagements(client, staff):
    sign_in_with_mfa(client, staff("moderator"))
    assert client.get("/staff/oxford/engage/new/").status_code == 403
    assert client.get("/staff/oxford/engage/").status_code == 200


def test_pages_do_not_query_per_row(
    client, cowley, resident, staff, make_engagement, django_assert_max_num_queries
):
    """The number of queries stays the same however many ideas, comments and engagements."""
    tom, amira = resident("tom.evans"), resident("amira.khan")
    sign_in(client, amira)

    def counts():
        counted = {}
        for url in ["/have-your-say/", page(cowley)]:
            with django_assert_max_num_queries(60) as captured:
                client.get(url)
            counted[url] = len(captured)
        return counted

    idea = actions.idea_submit(engagement=cowley, actor=tom, title="First", body="x")
    actions.comment_add(idea=idea, actor=amira, body="c")
    actions.statement_submit(engagement=cowley, actor=tom, text="s0")
    before = counts()
    for n in range(6):
        more = actions.idea_submit(engagement=cowley, actor=tom, title=f"Idea {n}", body="x")
        actions.comment_add(idea=more, actor=amira, body="c")
        actions.statement_submit(engagement=cowley, actor=tom, text=f"s{n + 1}")
        make_engagement(kinds=[PhaseKind.POLL], title=f"Other {n}")
    assert counts() == before
    idea_url = page(cowley, f"ideas/{idea.pk}/")
    with django_assert_max_num_queries(60) as captured:
        client.get(idea_url)
    few = len(captured)
    for n in range(6):
        actions.comment_add(idea=idea, actor=amira, body=f"reply {n}")
    with django_assert_max_num_queries(few):
        client.get(idea_url)


def test_a_vote_sent_before_stepping_up_is_counted_on_return(client, make_engagement, now):
    """Level 1 votes on a level 2 statement: step up, come back, and the vote is counted with
    nothing to do again (the real step-up journey is tested in accounts/tests/test_stepup.py;
    here the checks are completed directly)."""
    from pocketcouncil.accounts.models import Place, PlaceKind, Profile
    from pocketcouncil.accounts.tests.factories import UserFactory
    from pocketcouncil.councils.models import Postcode

    engagement = make_engagement(
        kinds=[PhaseKind.DELIBERATION], rules={Action.STATEMENT_VOTE: (2, None)}
    )
    author = UserFactory()
    statement = actions.statement_submit(engagement=engagement, actor=author, text="Later buses")
    voter = UserFactory()
    sign_in(client, voter)
    response = client.post(page(engagement, f"statements/{statement.pk}/vote/"), {"vote": "agree"})
    stepup_url = response["Location"]
    assert stepup_url.startswith("/more-needed/")
    assert not StatementVote.objects.exists()

    Profile.objects.create(user=voter, mobile="+447700900999", mobile_verified_at=NOW)
    point = Postcode.objects.get(postcode="OX4 3BD")
    Place.objects.create(
        user=voter,
        kind=PlaceKind.HOME,
        address="1 Cowley Road",
        postcode="OX4 3BD",
        longitude=point.longitude,
        latitude=point.latitude,
        in_council_area_at=NOW,
    )
    back = client.get(stepup_url)["Location"]
    assert back.startswith(page(engagement, f"statements/{statement.pk}/vote/?stepup="))
    response = client.get(back)
    assert response.status_code == 302
    assert StatementVote.objects.get(user=voter).value == 1
