"""Each participation method end to end through the actions, moderation, and closing the loop."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from pocketcouncil.engage import actions, queries
from pocketcouncil.engage.models import (
    Action,
    BudgetRule,
    ContentState,
    Moderation,
    OpinionAnalysis,
    PhaseKind,
    PollResults,
    Response,
)
from pocketcouncil.engage.tests.conftest import AFTER
from pocketcouncil.notify.models import Notification
from pocketcouncil.notify.templates import localise

pytestmark = pytest.mark.django_db


def notified(user, *, contains: str) -> bool:
    titles = Notification.objects.filter(recipient=user).values_list("context", flat=True)
    # A title that differs between languages is stored as {language: title}.
    return any(contains in localise(context, "en-gb").get("title", "") for context in titles)


class TestPolls:
    @pytest.fixture
    def poll(self, make_engagement, staff):
        engagement = make_engagement(kinds=[PhaseKind.POLL])
        return actions.poll_create(
            engagement=engagement,
            actor=staff("council-admin"),
            question="Should Cowley Road have a weekly street market?",
            options=["Yes", "No", "Not sure"],
            show_results=PollResults.AFTER_VOTE,
        )

    def test_vote_once_and_see_results_after_voting(self, poll, resident, staff):
        tom = resident("tom.evans")
        yes, no, _unsure = poll.options.all()
        assert not queries.poll_results_visible(poll, user=tom)
        actions.poll_vote(poll=poll, option=yes, actor=tom)
        assert queries.poll_results_visible(poll, user=tom)
        with pytest.raises(actions.AlreadyDoneError):
            actions.poll_vote(poll=poll, option=no, actor=tom)
        actions.poll_paper_votes_add(poll=poll, option=no, count=3, actor=staff("council-admin"))
        results = {r["label"]: r["count"] for r in queries.poll_results(poll)}
        assert results == {"Yes": 1, "No": 3, "Not sure": 0}

    def test_results_after_close_only(self, poll, resident, now):
        poll.show_results = PollResults.AFTER_CLOSE
        poll.save()
        tom = resident("tom.evans")
        actions.poll_vote(poll=poll, option=poll.options.first(), actor=tom)
        assert not queries.poll_results_visible(poll, user=tom)
        now.move_to(AFTER)
        assert queries.poll_results_visible(poll, user=tom)

    def test_an_answer_from_another_poll_is_refused(self, poll, make_engagement, staff, resident):
        other = actions.poll_create(
            engagement=make_engagement(kinds=[PhaseKind.POLL]),
            actor=staff("council-admin"),
            question="Other?",
            options=["A", "B"],
            show_results=PollResults.AFTER_VOTE,
        )
        with pytest.raises(actions.EngageError):
            actions.poll_vote(poll=poll, option=other.options.first(), actor=resident("tom.evans"))

    def test_voting_after_the_phase_is_refused(self, poll, resident, now):
        now.move_to(AFTER)
        with pytest.raises(actions.NotAllowedError, match="closed"):
            actions.poll_vote(poll=poll, option=poll.options.first(), actor=resident("tom.evans"))


class TestIdeas:
    @pytest.fixture
    def engagement(self, make_engagement):
        return make_engagement(kinds=[PhaseKind.IDEAS], support_threshold=2)

    def test_idea_supports_threshold_comments_and_response(self, engagement, resident, staff):
        tom, amira, grace = resident("tom.evans"), resident("amira.khan"), resident("grace.okafor")
        idea = actions.idea_submit(
            engagement=engagement,
            actor=tom,
            title="Cycle parking by the library",
            body="There is nowhere to lock a bike near the library.",
            latitude=51.748,
            longitude=-1.238,
        )
        assert idea.state == ContentState.PUBLISHED  # post-moderation by default
        with pytest.raises(actions.EngageError):
            actions.idea_support(idea=idea, actor=tom)  # not your own
        actions.idea_support(idea=idea, actor=amira)
        with pytest.raises(actions.AlreadyDoneError):
            actions.idea_support(idea=idea, actor=amira)
        assert queries.ideas_awaiting_response(council=engagement.council) == []
        idea = actions.idea_support(idea=idea, actor=grace)
        assert idea.support_count == 2 and idea.threshold_reached_at is not None
        assert queries.ideas_awaiting_response(council=engagement.council) == [idea]

        first = actions.comment_add(idea=idea, actor=amira, body="Yes, and covered please.")
        actions.comment_add(idea=idea, actor=tom, body="Good point.", parent=first)
        thread = queries.comments_for(idea)
        assert [(c.body, c.depth) for c in thread] == [
            ("Yes, and covered please.", 0),
            ("Good point.", 1),
        ]

        with pytest.raises(actions.EngageError, match="why"):
            actions.idea_respond(
                idea=idea, actor=staff("council-admin"), response=Response.REJECTED, text=""
            )
        actions.idea_respond(
            idea=idea,
            actor=staff("council-admin"),
            response=Response.ACCEPTED,
            text="We will fit 10 stands in July.",
        )
        assert queries.ideas_awaiting_response(council=engagement.council) == []
        for person in (tom, amira, grace):  # author, supporters, commenters
            assert notified(person, contains="Cycle parking by the library")
        told_once = Notification.objects.filter(recipient=tom, event="topic_news").count()
        assert told_once >= 1
        actions.idea_respond(
            idea=idea,
            actor=staff("council-admin"),
            response=Response.UNDER_CONSIDERATION,
            text="Checking the pavement width first.",
        )
        # A changed response is news again: the same channels, once more.
        assert (
            Notification.objects.filter(recipient=tom, event="topic_news").count() == 2 * told_once
        )

    def test_only_managers_respond(self, engagement, resident, staff):
        idea = actions.idea_submit(
            engagement=engagement, actor=resident("tom.evans"), title="A", body="B"
        )
        with pytest.raises(PermissionDenied):
            actions.idea_respond(
                idea=idea, actor=staff("moderator"), response=Response.ACCEPTED, text="x"
            )

    def test_half_a_map_point_is_refused(self, engagement, resident):
        with pytest.raises(actions.EngageError, match="map"):
            actions.idea_submit(
                engagement=engagement, actor=resident("tom.evans"), title="A", body="B", latitude=1
            )


class TestModeration:
    def test_pre_moderation_holds_until_a_moderator_publishes(
        self, make_engagement, resident, staff
    ):
        engagement = make_engagement(kinds=[PhaseKind.IDEAS], moderation=Moderation.PRE)
        tom = resident("tom.evans")
        idea = actions.idea_submit(engagement=engagement, actor=tom, title="Bins", body="More")
        assert idea.state == ContentState.PENDING
        assert idea not in queries.ideas_for(engagement, viewer=resident("amira.khan"))
        assert idea in queries.ideas_for(engagement, viewer=tom)  # you see your own
        assert queries.moderation_queue(council=engagement.council)["ideas"] == [idea]
        with pytest.raises(PermissionDenied):
            actions.content_moderate(content=idea, actor=tom, publish=True)
        with pytest.raises(PermissionDenied):
            actions.content_moderate(
                content=idea, actor=staff("moderator", "manchester"), publish=True
            )
        actions.content_moderate(content=idea, actor=staff("moderator"), publish=True)
        assert idea in queries.ideas_for(engagement, viewer=None)

    @pytest.mark.parametrize(
        "text",
        ["Call me on 07700 900123", "Email jo.bloggs@example.com for details", "+44 1865 249811"],
    )
    def test_personal_data_is_held_for_review(self, make_engagement, resident, text):
        engagement = make_engagement(kinds=[PhaseKind.IDEAS])
        idea = actions.idea_submit(
            engagement=engagement, actor=resident("tom.evans"), title="Contact", body=text
        )
        assert idea.state == ContentState.HELD
        assert "email address or phone number" in idea.state_reason

    def test_word_list_holds_text(self, make_engagement, resident, staff, demo):
        engagement = make_engagement(kinds=[PhaseKind.IDEAS])
        actions.blocked_word_add(council=demo["oxford"], actor=staff("moderator"), word="Scum")
        held = actions.idea_submit(
            engagement=engagement,
            actor=resident("tom.evans"),
            title="The council are scum",
            body="x",
        )
        fine = actions.idea_submit(
            engagement=engagement, actor=resident("tom.evans"), title="Scumbling paint", body="x"
        )
        assert held.state == ContentState.HELD and fine.state == ContentState.PUBLISHED

    def test_report_then_hide_with_a_reason_shown_in_place(self, make_engagement, resident, staff):
        engagement = make_engagement(kinds=[PhaseKind.IDEAS])
        idea = actions.idea_submit(
            engagement=engagement, actor=resident("tom.evans"), title="A", body="Rude words"
        )
        comment = actions.comment_add(idea=idea, actor=resident("tom.evans"), body="More rude")
        actions.content_report(content=comment, actor=resident("amira.khan"), reason="Abusive")
        with pytest.raises(actions.AlreadyDoneError):
            actions.content_report(content=comment, actor=resident("amira.khan"), reason="Again")
        assert len(queries.moderation_queue(council=engagement.council)["reports"]) == 1
        with pytest.raises(actions.EngageError, match="why"):
            actions.content_moderate(content=comment, actor=staff("moderator"), publish=False)
        actions.content_moderate(
            content=comment, actor=staff("moderator"), publish=False, reason="Personal abuse"
        )
        assert queries.moderation_queue(council=engagement.council)["reports"] == []
        (shown,) = queries.comments_for(idea)
        assert shown.state == ContentState.HIDDEN and shown.state_reason == "Personal abuse"

    def test_new_accounts_are_rate_limited(self, make_engagement, resident, settings, now):
        settings.ENGAGE_NEW_ACCOUNT_POSTS_PER_HOUR = 2
        engagement = make_engagement(kinds=[PhaseKind.IDEAS])
        tom = resident("tom.evans")
        tom.date_joined = engagement.created_at - timedelta(hours=1)
        tom.save()
        for n in range(2):
            actions.idea_submit(engagement=engagement, actor=tom, title=f"Idea {n}", body="x")
        with pytest.raises(actions.RateLimitedError):
            actions.idea_submit(engagement=engagement, actor=tom, title="Idea 3", body="x")
        now.shift(timedelta(hours=1, minutes=1))
        actions.idea_submit(engagement=engagement, actor=tom, title="Idea 3", body="x")
        # An established account is not limited.
        amira = resident("amira.khan")
        for n in range(3):
            actions.idea_submit(engagement=engagement, actor=amira, title=f"Amira {n}", body="x")


class TestBudgets:
    def test_knapsack_ballot_rules_paper_ballots_and_results(self, budget, resident, staff):
        engagement = budget()
        ids = {p.title: p.pk for p in engagement.projects.all()}
        tom, amira, grace = resident("tom.evans"), resident("amira.khan"), resident("grace.okafor")
        with pytest.raises(actions.BallotInvalidError, match="more than the budget"):
            actions.ballot_cast(
                engagement=engagement,
                actor=tom,
                project_ids=[ids["Benches"], ids["Trees"], ids["Lights"]],  # £12,000
            )
        with pytest.raises(actions.BallotInvalidError, match="at least"):
            actions.ballot_cast(engagement=engagement, actor=tom, project_ids=[ids["Art"]])
        actions.ballot_cast(
            engagement=engagement, actor=tom, project_ids=[ids["Trees"], ids["Lights"]]
        )
        with pytest.raises(actions.AlreadyDoneError):
            actions.ballot_cast(engagement=engagement, actor=tom, project_ids=[ids["Trees"]])
        actions.ballot_cast(
            engagement=engagement, actor=amira, project_ids=[ids["Trees"], ids["Art"]]
        )
        actions.ballot_cast(engagement=engagement, actor=grace, project_ids=[ids["Benches"]])
        admin = staff("council-admin")
        actions.ballot_paper_enter(
            engagement=engagement, actor=admin, project_ids=[ids["Benches"]], reference="P-001"
        )
        actions.ballot_paper_enter(
            engagement=engagement, actor=admin, project_ids=[ids["Benches"]], reference="P-002"
        )
        with pytest.raises(actions.AlreadyDoneError):
            actions.ballot_paper_enter(
                engagement=engagement, actor=admin, project_ids=[ids["Trees"]], reference="P-002"
            )
        with pytest.raises(PermissionDenied):
            actions.ballot_paper_enter(
                engagement=engagement, actor=tom, project_ids=[ids["Art"]], reference="P-003"
            )
        results = queries.budget_results(engagement)
        rows = {r.project.title: (r.votes, r.funded) for r in results["rows"]}
        # Benches 3 votes (1 online + 2 paper), Trees 2, Lights 1, Art 1. Budget £10,000:
        # Benches £3,000 + Trees £5,000 = £8,000; Lights (£4,000) no longer fits; Art fits.
        assert rows == {
            "Benches": (3, True),
            "Trees": (2, True),
            "Lights": (1, False),
            "Art": (1, True),
        }
        assert results["ballots"] == 5 and results["paper"] == 2
        assert results["spent_pence"] == 900_000

    def test_approval_ballot_allows_up_to_n(self, budget, resident):
        engagement = budget(rule=BudgetRule.APPROVAL, budget_max_choices=2)
        ids = list(engagement.projects.values_list("pk", flat=True))
        with pytest.raises(actions.BallotInvalidError, match="up to 2"):
            actions.ballot_cast(
                engagement=engagement, actor=resident("tom.evans"), project_ids=ids[:3]
            )
        ballot = actions.ballot_cast(
            engagement=engagement, actor=resident("tom.evans"), project_ids=ids[:2]
        )
        assert ballot.projects.count() == 2

    def test_projects_of_another_budget_are_refused(self, budget, resident):
        first, second = budget(), budget()
        other = second.projects.first()
        with pytest.raises(actions.BallotInvalidError):
            actions.ballot_cast(
                engagement=first, actor=resident("tom.evans"), project_ids=[other.pk]
            )


class TestDeliberation:
    def test_statements_votes_and_debounced_recompute(self, make_engagement, resident, staff):
        engagement = make_engagement(kinds=[PhaseKind.DELIBERATION])
        tom, amira = resident("tom.evans"), resident("amira.khan")
        statements = [
            actions.statement_submit(engagement=engagement, actor=tom, text=f"Statement {n}")
            for n in range(3)
        ]
        with pytest.raises(actions.EngageError, match="200"):
            actions.statement_submit(engagement=engagement, actor=tom, text="x" * 201)
        actions.statement_vote(statement=statements[0], actor=amira, value=1)
        analysis = OpinionAnalysis.objects.get(engagement=engagement)
        first_request = analysis.requested_at
        assert first_request is not None
        from django_tasks_db.models import DBTaskResult

        queued = DBTaskResult.objects.filter(task_path__endswith="opinion_groups_compute_task")
        assert queued.count() == 1
        actions.statement_vote(statement=statements[1], actor=amira, value=-1)
        actions.statement_vote(statement=statements[0], actor=amira, value=0)  # changes the vote
        assert queued.count() == 1  # debounced: one pending computation
        assert queries.statements_for(engagement, viewer=amira)[0].my_vote == 0
        with pytest.raises(actions.EngageError):
            actions.statement_vote(statement=statements[2], actor=amira, value=2)

        from pocketcouncil.engage.tasks import opinion_groups_compute_task

        outcome = opinion_groups_compute_task.call(engagement.pk)
        assert outcome == {"participants": 1}
        assert queries.opinion_for(engagement)["participants"] == 1
        actions.statement_vote(statement=statements[2], actor=amira, value=1)
        assert queued.count() == 2  # a vote after the computation asks again

    def test_opinion_groups_from_stored_votes(self, make_engagement, resident, settings):
        """Two camps of demo-like residents: the stored result names each camp's statements."""
        from pocketcouncil.accounts.tests.factories import UserFactory

        settings.ENGAGE_OPINION_MIN_VOTES = 3
        engagement = make_engagement(
            kinds=[PhaseKind.DELIBERATION], rules={Action.STATEMENT_VOTE: (1, None)}
        )
        author = resident("tom.evans")
        texts = ["More buses", "Fewer cars", "Wider pavements", "More parking", "Cheaper parking"]
        statements = [
            actions.statement_submit(engagement=engagement, actor=author, text=t) for t in texts
        ]
        walkers = [UserFactory() for _ in range(6)]
        drivers = [UserFactory() for _ in range(6)]
        for user in walkers:
            for s, v in zip(statements, [1, 1, 1, -1, -1], strict=True):
                actions.statement_vote(statement=s, actor=user, value=v)
        for user in drivers:
            for s, v in zip(statements, [1, -1, -1, 1, 1], strict=True):
                actions.statement_vote(statement=s, actor=user, value=v)
        actions.opinion_recompute(engagement=engagement)
        engagement.refresh_from_db()
        result = queries.opinion_for(engagement)
        assert result["participants"] == 12
        assert sorted(g["size"] for g in result["groups"]) == [6, 6]
        represented = [{r["text"] for r in g["representative"]} for g in result["groups"]]
        assert {"Fewer cars", "Wider pavements"} in represented
        assert {"More parking", "Cheaper parking"} in represented
        assert result["consensus"][0]["text"] == "More buses"


class TestClosingTheLoop:
    def test_everyone_who_took_part_is_told_when_results_are_published(
        self, make_engagement, budget, resident, staff
    ):
        engagement = make_engagement(
            kinds=[PhaseKind.POLL, PhaseKind.IDEAS, PhaseKind.DELIBERATION]
        )
        admin = staff("council-admin")
        poll = actions.poll_create(
            engagement=engagement,
            actor=admin,
            question="Q?",
            options=["A", "B"],
            show_results=PollResults.AFTER_VOTE,
        )
        tom, amira, grace = resident("tom.evans"), resident("amira.khan"), resident("grace.okafor")
        actions.poll_vote(poll=poll, option=poll.options.first(), actor=tom)
        idea = actions.idea_submit(engagement=engagement, actor=amira, title="A", body="B")
        statement = actions.statement_submit(engagement=engagement, actor=amira, text="S")
        actions.statement_vote(statement=statement, actor=grace, value=1)
        assert {u.pk for u in actions.participants_of(engagement)} == {tom.pk, amira.pk, grace.pk}
        assert idea.pk
        with pytest.raises(actions.EngageError):
            actions.results_publish(
                engagement=engagement, actor=admin, we_asked="x", you_said="", we_did="x"
            )
        actions.results_publish(
            engagement=engagement,
            actor=admin,
            we_asked="What would improve Cowley Road?",
            you_said="Most of you asked for more cycle parking.",
            we_did="We are fitting 40 new cycle stands by September.",
        )
        for person in (tom, amira, grace):
            assert notified(person, contains="Results: Improving Cowley Road")
        assert not notified(admin, contains="Results")
        engagement.refresh_from_db()
        assert engagement.results_published_at is not None
        assert engagement.title not in [
            o.title for o in queries.engagements_open_for(council_ids=[engagement.council_id])
        ]


def test_followers_of_consultations_hear_of_new_engagements_and_results(
    make_engagement, resident, staff, demo
):
    from pocketcouncil.accounts.tests.factories import UserFactory
    from pocketcouncil.notify import actions as notify

    follower, other_council_follower = UserFactory(), UserFactory()
    for user, council in ((follower, "oxford"), (other_council_follower, "manchester")):
        notify.subscription_create(
            actor=user,
            user=user,
            council=demo[council],
            subject_kind="topic",
            subject_key="consultations",
        )
    engagement = make_engagement(kinds=[PhaseKind.POLL], title="Library hours")
    assert notified(follower, contains="Have your say: Library hours")
    assert not notified(other_council_follower, contains="Library hours")
    admin = staff("council-admin")
    poll = actions.poll_create(
        engagement=engagement,
        actor=admin,
        question="Q?",
        options=["A", "B"],
        show_results="after_vote",
    )
    actions.poll_vote(poll=poll, option=poll.options.first(), actor=follower)
    actions.results_publish(
        engagement=engagement, actor=admin, we_asked="a", you_said="b", we_did="Open on Sundays."
    )
    results = [
        n
        for n in Notification.objects.filter(recipient=follower)
        if "Results: Library hours" in localise(n.context, "en-gb").get("title", "")
    ]
    # Took part and follows the topic: told once per channel, not twice.
    assert len(results) == len({n.channel for n in results})
    assert not notified(other_council_follower, contains="Library hours")


def test_engagement_edit_keeps_its_address_and_guards_the_budget(
    budget, staff, resident, ward, demo, client
):
    from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa

    engagement = budget()
    admin = staff("council-admin")
    sign_in_with_mfa(client, admin)
    url = f"/staff/oxford/engage/{engagement.slug}/edit/"
    page = client.get(url)
    assert page.status_code == 200 and "Improving Cowley Road" in page.text
    form = {
        "title": "Improving Cowley Road and Magdalen Road",
        "purpose": "What would make these roads better?",
        "decision": "The improvement fund.",
        "topic": engagement.topic,
        "moderation": "pre",
        "areas": [ward("Iffley Fields").pk],
        "support_threshold": 3,
        "budget_rule": "knapsack",
        "budget_total": "10000",
        "budget_min_spend": "2000",
        "budget_max_choices": "0",
    }
    assert client.post(url, form).status_code == 302
    engagement.refresh_from_db()
    assert engagement.title == "Improving Cowley Road and Magdalen Road"
    assert engagement.moderation == "pre" and engagement.slug.startswith("test-engagement-")
    assert list(engagement.areas.all()) == [ward("Iffley Fields")]
    project = engagement.projects.get(title="Art")
    actions.ballot_cast(
        engagement=engagement,
        actor=resident("tom.evans"),
        project_ids=[project.pk, engagement.projects.get(title="Benches").pk],
    )
    refused = client.post(url, {**form, "budget_total": "5000"})
    assert refused.status_code == 200
    assert "People have already voted in the budget" in refused.text
    engagement.refresh_from_db()
    assert engagement.budget_total_pence == 1_000_000
    manchester_ward = demo["manchester"].areas.filter(kind="ward").first()
    with pytest.raises(actions.EngageError) as raised:
        actions.engagement_update(
            engagement=engagement,
            actor=admin,
            title="x",
            purpose="y",
            decision="z",
            topic=engagement.topic,
            moderation="post",
            areas=[manchester_ward],
        )
    assert "areas this council serves" in raised.value.message
