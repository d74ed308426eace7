"""Who may take part: by phase (before, during, after), level, area of residence and role."""

import pytest
from django.contrib.auth.models import AnonymousUser

from pocketcouncil.engage import actions, rules
from pocketcouncil.engage.models import Action, PhaseKind
from pocketcouncil.engage.tests.conftest import AFTER, BEFORE, NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def riverside_vote(make_engagement, ward):
    """Only level 2 residents of Iffley Fields ward may vote; level 1 may suggest ideas."""
    return make_engagement(
        kinds=[PhaseKind.POLL, PhaseKind.IDEAS],
        rules={
            Action.POLL_VOTE: (2, ward("Iffley Fields")),
            Action.IDEA_PROPOSE: (1, None),
            Action.IDEA_SUPPORT: (2, None),
        },
    )


@pytest.mark.parametrize(
    ("who", "when", "allowed"),
    [
        ("anonymous", NOW, False),
        ("tom.evans", NOW, False),  # level 1
        ("grace.okafor", NOW, False),  # level 2, lives in Carfax
        ("amira.khan", NOW, True),  # level 2, lives in Iffley Fields
        ("amira.khan", BEFORE, False),
        ("amira.khan", AFTER, False),
        ("moderator", NOW, False),  # a staff role grants nothing here
    ],
)
def test_poll_vote_by_level_area_and_phase(riverside_vote, resident, staff, who, when, allowed):
    if who == "anonymous":
        user = AnonymousUser()
    elif who == "moderator":
        user = staff("moderator")
    else:
        user = resident(who)
    decision = rules.decide(user, riverside_vote, Action.POLL_VOTE, now=when)
    assert decision.allowed is allowed
    if not allowed:
        assert decision.reason


def test_reasons_say_what_is_missing(riverside_vote, resident):
    before = rules.decide(resident("amira.khan"), riverside_vote, Action.POLL_VOTE, now=BEFORE)
    assert "opens on" in before.reason
    after = rules.decide(resident("amira.khan"), riverside_vote, Action.POLL_VOTE, now=AFTER)
    assert "closed on" in after.reason
    level = rules.decide(resident("tom.evans"), riverside_vote, Action.POLL_VOTE)
    assert level.step_up_to == 2
    area = rules.decide(resident("grace.okafor"), riverside_vote, Action.POLL_VOTE)
    assert "Iffley Fields" in area.reason and area.step_up_to is None


@pytest.mark.parametrize(
    ("who", "action", "allowed"),
    [
        ("anonymous", Action.IDEA_PROPOSE, False),
        ("tom.evans", Action.IDEA_PROPOSE, True),
        ("tom.evans", Action.IDEA_SUPPORT, False),  # level 2 rule
        ("grace.okafor", Action.IDEA_SUPPORT, True),  # level 2, no area
        ("tom.evans", Action.COMMENT, True),  # no rule: level 1 by default
        ("anonymous", Action.COMMENT, False),
        ("tom.evans", Action.BUDGET_VOTE, False),  # no budget phase in this engagement
    ],
)
def test_other_actions(riverside_vote, resident, who, action, allowed):
    user = AnonymousUser() if who == "anonymous" else resident(who)
    assert rules.decide(user, riverside_vote, action).allowed is allowed


def test_unpublished_engagement_allows_nothing(riverside_vote, resident):
    riverside_vote.is_published = False
    riverside_vote.save()
    assert not rules.decide(resident("amira.khan"), riverside_vote, Action.POLL_VOTE).allowed


def test_blocked_account_cannot_take_part(riverside_vote, resident, staff, demo):
    amira = resident("amira.khan")
    actions.account_block(
        council=demo["oxford"], user=amira, actor=staff("moderator"), reason="Repeated abuse"
    )
    decision = rules.decide(amira, riverside_vote, Action.POLL_VOTE)
    assert not decision.allowed and "blocked" in decision.reason


def test_taking_part_always_needs_an_account(riverside_vote, staff):
    with pytest.raises(actions.EngageError, match="at least a checked email"):
        actions.rule_set(
            engagement=riverside_vote,
            actor=staff("council-admin"),
            action=Action.IDEA_SUPPORT,
            min_level=0,
        )


def test_an_area_rule_needs_level_two_and_the_councils_own_area(riverside_vote, staff, ward, demo):
    from pocketcouncil.councils.models import Area

    admin = staff("council-admin")
    with pytest.raises(actions.EngageError):
        actions.rule_set(
            engagement=riverside_vote,
            actor=admin,
            action=Action.COMMENT,
            min_level=1,
            area=ward("Carfax"),
        )
    manchester_ward = Area.objects.filter(council=demo["manchester"], kind="ward").first()
    with pytest.raises(actions.EngageError):
        actions.rule_set(
            engagement=riverside_vote,
            actor=admin,
            action=Action.COMMENT,
            min_level=2,
            area=manchester_ward,
        )


def test_only_managers_of_the_council_set_up_engagements(demo, staff, resident):
    from django.core.exceptions import PermissionDenied

    for user in (resident("tom.evans"), staff("moderator"), staff("council-admin", "manchester")):
        with pytest.raises(PermissionDenied):
            actions.engagement_create(
                council=demo["oxford"],
                actor=user,
                slug="x",
                title="x",
                purpose="x",
                decision="x",
            )
