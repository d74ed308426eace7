"""Hostile input against taking part: ideas, comments, statements, poll answers and budget
ballots. Text with markup in it is shown as text to everyone; answers and ballots naming
options or projects that are not this engagement's are refused and store nothing."""

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from pocketcouncil.accounts.tests.factories import UserFactory
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.core.testing import hostile_settings
from pocketcouncil.engage import actions
from pocketcouncil.engage.models import (
    Action,
    Ballot,
    BudgetProject,
    BudgetRule,
    Comment,
    Idea,
    PhaseKind,
    PollOption,
    PollResults,
    PollVote,
    Statement,
    StatementVote,
)

pytestmark = pytest.mark.django_db

FAST = hostile_settings(15)
# A tag that would only appear as markup if the text were not escaped: Django escapes quotes,
# so the escaped form never contains 'data-pwn="1"'.
MARKER = '<i data-pwn="1">'
ESCAPED = "&lt;i data-pwn=&quot;1&quot;&gt;"

text_around_marker = st.tuples(
    st.text(max_size=40),
    st.sampled_from(
        ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "</textarea>", '"><', ""]
    ),
    st.text(max_size=40),
).map(lambda parts: f"{parts[0]}{parts[1]}{MARKER}{parts[2]}")


def _as_int(value):
    try:
        return int(str(value))
    except ValueError:
        return None


def sign_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


def page(engagement, suffix=""):
    return f"/have-your-say/{engagement.council.slug}/{engagement.slug}/{suffix}"


@pytest.fixture
def cowley(make_engagement, staff):
    """Ideas, comments, a poll and statements, all open to level 1, no pre-moderation."""
    engagement = make_engagement(
        kinds=[PhaseKind.POLL, PhaseKind.IDEAS, PhaseKind.DELIBERATION],
    )
    actions.poll_create(
        engagement=engagement,
        actor=staff("council-admin"),
        question="Close Cowley Road to traffic on Saturdays?",
        options=["Yes", "No"],
        show_results=PollResults.AFTER_VOTE,
    )
    return engagement


def _assert_escaped(html: str, where: str):
    assert 'data-pwn="1"' not in html, where
    assert "<script>alert(1)" not in html and "<img src=x" not in html, where


def _moderator_client(staff):
    client = Client()
    sign_in_with_mfa(client, staff("council-admin"))
    return client


# ---------------------------------------------------------------------------------------------
# Stored scripts through every free-text field shown to others


@FAST
@given(title=text_around_marker, body=text_around_marker)
def test_ideas_show_markup_as_text(client, cowley, resident, staff, title, body):
    sign_in(client, resident("tom.evans"))
    before = Idea.objects.count()
    response = client.post(page(cowley, "ideas/new/"), {"title": title[:120], "body": body})
    if response.status_code == 200:  # refused: the form again, with an error summary
        assert "govuk-error-summary" in response.text
        assert Idea.objects.count() == before
        _assert_escaped(response.text, "idea form")
        return
    assert response.status_code == 302
    idea = Idea.objects.latest("pk")
    shown = Client().get(page(cowley, f"ideas/{idea.pk}/")).text
    if idea.state == "published":
        _assert_escaped(shown, "idea page")
        assert ESCAPED in shown
        _assert_escaped(Client().get(page(cowley)).text, "engagement page")
    _assert_escaped(client.get(page(cowley, f"ideas/{idea.pk}/")).text, "author's view")
    moderation = _moderator_client(staff).get("/staff/oxford/engage/moderation/").text
    _assert_escaped(moderation, "moderation queue")


@FAST
@given(body=text_around_marker, parent=st.one_of(st.just(""), st.text(max_size=12)))
def test_comments_show_markup_as_text(client, cowley, resident, body, parent):
    idea = actions.idea_submit(
        engagement=cowley, actor=resident("grace.okafor"), title="Benches", body="More benches"
    )
    sign_in(client, resident("tom.evans"))
    before = Comment.objects.count()
    response = client.post(
        page(cowley, f"ideas/{idea.pk}/comment/"), {"body": body, "parent": parent}
    )
    assert response.status_code == 302
    if Comment.objects.count() == before:
        return  # refused, with a message
    comment = Comment.objects.latest("pk")
    assert comment.parent is None  # a parent that is not a comment on this idea is never used
    html = Client().get(page(cowley, f"ideas/{idea.pk}/")).text
    _assert_escaped(html, "idea page with comment")
    if comment.state == "published":
        assert ESCAPED in html


@FAST
@given(text=text_around_marker)
def test_statements_show_markup_as_text(client, cowley, resident, text):
    sign_in(client, resident("tom.evans"))
    before = Statement.objects.count()
    response = client.post(page(cowley, "statements/"), {"text": text})
    assert response.status_code == 302
    html = Client().get(page(cowley)).text
    _assert_escaped(html, "engagement page")
    if Statement.objects.count() > before and Statement.objects.latest("pk").state == "published":
        assert ESCAPED in html
    _assert_escaped(client.get(response["Location"]).text, "page with the message")


def test_a_comment_cannot_reply_to_another_ideas_comment(client, cowley, resident):
    grace = resident("grace.okafor")
    one = actions.idea_submit(engagement=cowley, actor=grace, title="One", body="First")
    two = actions.idea_submit(engagement=cowley, actor=grace, title="Two", body="Second")
    elsewhere = actions.comment_add(idea=two, actor=grace, body="On idea two")
    sign_in(client, resident("tom.evans"))
    client.post(page(cowley, f"ideas/{one.pk}/comment/"), {"body": "Hi", "parent": elsewhere.pk})
    assert Comment.objects.get(idea=one).parent is None


# ---------------------------------------------------------------------------------------------
# Poll answers and statement votes with made-up values


@FAST
@given(option=st.one_of(st.integers(), st.text(max_size=20), st.just(str(2**63))))
def test_poll_answers_not_on_the_poll_are_refused(client, cowley, option):
    own = set(PollOption.objects.filter(poll=cowley.poll).values_list("pk", flat=True))
    if _as_int(option) in own:
        return  # a real answer; counted by the ordinary tests
    sign_in(client, UserFactory())
    before = PollVote.objects.count()
    response = client.post(page(cowley, "poll/"), {"option": option})
    assert response.status_code == 302
    assert PollVote.objects.count() == before


def test_another_polls_option_is_refused(client, cowley, make_engagement, staff):
    other = make_engagement(kinds=[PhaseKind.POLL])
    actions.poll_create(
        engagement=other,
        actor=staff("council-admin"),
        question="Other?",
        options=["A", "B"],
        show_results=PollResults.AFTER_VOTE,
    )
    sign_in(client, UserFactory())
    client.post(page(cowley, "poll/"), {"option": other.poll.options.first().pk})
    assert not PollVote.objects.filter(poll__in=[cowley.poll, other.poll]).exists()


@FAST
@given(vote=st.one_of(st.text(max_size=10), st.sampled_from(["AGREE", "1", "-1", " agree"])))
def test_statement_votes_other_than_agree_disagree_pass_are_refused(client, cowley, resident, vote):
    statement = actions.statement_submit(
        engagement=cowley, actor=resident("grace.okafor"), text="Fewer cars"
    )
    sign_in(client, resident("tom.evans"))
    response = client.post(page(cowley, f"statements/{statement.pk}/vote/"), {"vote": vote})
    assert response.status_code == 302
    stored = StatementVote.objects.filter(statement=statement).exists()
    assert stored == (vote in ("agree", "disagree", "pass"))


@pytest.mark.parametrize("pk", ["0", "999999999", "9" * 30])
def test_guessed_idea_and_statement_ids_are_404(client, cowley, resident, pk):
    sign_in(client, resident("tom.evans"))
    assert client.get(page(cowley, f"ideas/{pk}/")).status_code == 404
    assert client.post(page(cowley, f"ideas/{pk}/comment/"), {"body": "x"}).status_code == 404
    assert client.post(page(cowley, f"statements/{pk}/vote/"), {"vote": "agree"}).status_code == 404


def test_a_hidden_idea_cannot_be_read_or_commented_on_by_id(client, cowley, resident, staff):
    idea = actions.idea_submit(
        engagement=cowley, actor=resident("grace.okafor"), title="Qwxz title", body="Qwxz body"
    )
    actions.content_moderate(
        content=idea, actor=staff("council-admin"), publish=False, reason="Breaks the rules"
    )
    sign_in(client, resident("tom.evans"))
    response = client.get(page(cowley, f"ideas/{idea.pk}/"))
    assert response.status_code in (200, 404)  # a hidden idea leaves its reason in its place
    assert "Qwxz body" not in response.text
    client.post(page(cowley, f"ideas/{idea.pk}/comment/"), {"body": "x"})
    assert not Comment.objects.filter(idea=idea).exists()


# ---------------------------------------------------------------------------------------------
# Budget ballots naming projects that are not this budget's


@FAST
@given(
    picks=st.lists(
        st.one_of(
            st.sampled_from(["own-0", "own-1", "own-2", "own-3", "other", "dup"]),
            st.integers(min_value=-(2**70), max_value=2**70),
            st.text(max_size=8),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_ballots_naming_foreign_or_made_up_projects_store_nothing(client, budget, picks, now):
    engagement = budget()
    other = budget(slug=f"other-{engagement.pk}")
    own = list(engagement.projects.order_by("pk").values_list("pk", flat=True))
    foreign = other.projects.first().pk
    values = []
    for pick in picks:
        if isinstance(pick, str) and pick.startswith("own-"):
            values.append(own[int(pick[-1])])
        elif pick == "other":
            values.append(foreign)
        elif pick == "dup":
            values.extend([own[0], own[0]])
        else:
            values.append(pick)
    voter = UserFactory()
    sign_in(client, voter)
    response = client.post(page(engagement, "budget/"), {"projects": values})
    ballot = Ballot.objects.filter(engagement=engagement, user=voter).first()
    valid = all(_as_int(v) in own for v in values)
    if response.status_code == 200:
        assert "govuk-error-summary" in response.text
        assert ballot is None
    else:
        assert response.status_code == 302
        assert valid
        chosen = set(ballot.projects.values_list("pk", flat=True))
        assert chosen == {_as_int(v) for v in values}
        assert ballot.total_pence == sum(
            BudgetProject.objects.filter(pk__in=chosen).values_list("cost_pence", flat=True)
        )
        assert ballot.total_pence <= engagement.budget_total_pence
    assert not Ballot.objects.filter(engagement=other).exists()


def test_a_second_ballot_is_refused(client, budget):
    engagement = budget(rule=BudgetRule.APPROVAL)
    ids = list(engagement.projects.values_list("pk", flat=True))
    voter = UserFactory()
    sign_in(client, voter)
    assert client.post(page(engagement, "budget/"), {"projects": ids[:1]}).status_code == 302
    client.post(page(engagement, "budget/"), {"projects": ids[1:]})
    ballot = Ballot.objects.get(engagement=engagement, user=voter)
    assert list(ballot.projects.values_list("pk", flat=True)) == ids[:1]


def test_taking_part_needs_a_csrf_token(cowley, budget, resident):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, resident("tom.evans"))
    engagement = budget(rule=BudgetRule.APPROVAL)
    project = engagement.projects.first().pk
    before = (Idea.objects.count(), Statement.objects.count(), PollVote.objects.count())
    for url, data in [
        (page(cowley, "ideas/new/"), {"title": "T", "body": "B"}),
        (page(cowley, "statements/"), {"text": "T"}),
        (page(cowley, "poll/"), {"option": cowley.poll.options.first().pk}),
        (page(engagement, "budget/"), {"projects": [project]}),
    ]:
        assert client.post(url, data).status_code == 403, url
    assert (Idea.objects.count(), Statement.objects.count(), PollVote.objects.count()) == before
    assert not Ballot.objects.filter(engagement=engagement).exists()


def test_rules_still_apply_to_hostile_posts(client, make_engagement, resident, ward):
    """Statement votes limited to one ward: a resident elsewhere is refused whatever they send."""
    engagement = make_engagement(
        kinds=[PhaseKind.DELIBERATION],
        rules={Action.STATEMENT_VOTE: (2, ward("Iffley Fields"))},
    )
    statement = actions.statement_submit(
        engagement=engagement, actor=resident("amira.khan"), text="Fewer cars"
    )
    sign_in(client, resident("grace.okafor"))  # level 2, but in Carfax
    client.post(page(engagement, f"statements/{statement.pk}/vote/"), {"vote": "agree"})
    assert not StatementVote.objects.filter(statement=statement).exists()


def test_a_hidden_ideas_title_is_not_shown_anywhere(client, cowley, resident, staff):
    idea = actions.idea_submit(
        engagement=cowley, actor=resident("grace.okafor"), title="Qwxz title", body="Qwxz body"
    )
    actions.content_moderate(
        content=idea, actor=staff("council-admin"), publish=False, reason="Breaks the rules"
    )
    response = Client().get(page(cowley, f"ideas/{idea.pk}/"))
    assert "Qwxz" not in response.text
