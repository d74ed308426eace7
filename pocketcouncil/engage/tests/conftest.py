from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from pocketcouncil.accounts.models import User
from pocketcouncil.councils.models import Area
from pocketcouncil.engage import actions
from pocketcouncil.engage.models import Action, BudgetRule, PhaseKind

DEMO = "demo.pocketcouncil.example"
# Every phase below is open at NOW; BEFORE and AFTER are outside all of them.
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
BEFORE = NOW - timedelta(days=30)
AFTER = NOW + timedelta(days=30)


@pytest.fixture(autouse=True)
def _established_demo_accounts(db):
    """Demo accounts are made when the test run starts; make them older than any frozen NOW so
    the new-account rate limit only applies where a test asks for it."""
    User.objects.filter(email__endswith=DEMO).update(date_joined=datetime(2025, 1, 1, tzinfo=UTC))


@pytest.fixture
def staff(db):
    """staff("council-admin", "oxford") -> the demo user with that role in that council."""

    def get(role: str, council: str = "oxford") -> User:
        return User.objects.get(email=f"{role}.{council}@{DEMO}")

    return get


@pytest.fixture
def resident(db):
    """Amira (Iffley Fields) and Grace (Carfax) are level 2; Tom is level 1."""

    def get(name: str) -> User:
        return User.objects.get(email=f"{name}@{DEMO}")

    return get


@pytest.fixture
def ward(demo):
    def get(name: str) -> Area:
        return Area.objects.get(council=demo["oxford"], kind="ward", name=name)

    return get


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def make_engagement(demo, staff, now):
    """make_engagement(kinds=[...], rules={action: (level, area)}, **fields) -> a published
    engagement of Oxford with every named phase open from 10 days before NOW to 10 days after."""
    counter = iter(range(1, 1000))

    def make(kinds=tuple(PhaseKind), rules=None, council="oxford", **fields):
        admin = staff("council-admin", council)
        fields.setdefault("slug", f"test-engagement-{next(counter)}")
        fields.setdefault("title", "Improving Cowley Road")
        fields.setdefault("purpose", "What would make Cowley Road better for you?")
        fields.setdefault("decision", "How we spend the Cowley Road improvement fund.")
        engagement = actions.engagement_create(council=demo[council], actor=admin, **fields)
        for kind in kinds:
            actions.phase_set(
                engagement=engagement,
                actor=admin,
                kind=kind,
                starts_at=NOW - timedelta(days=10),
                ends_at=NOW + timedelta(days=10),
            )
        for action, (level, area) in (rules or {}).items():
            actions.rule_set(
                engagement=engagement, actor=admin, action=action, min_level=level, area=area
            )
        return actions.engagement_publish(engagement=engagement, actor=admin)

    return make


@pytest.fixture
def budget(make_engagement, staff):
    """A knapsack budget of £10,000 with a £2,000 minimum spend and four projects."""

    def make(rule=BudgetRule.KNAPSACK, **fields):
        fields.setdefault("budget_total_pence", 1_000_000)
        fields.setdefault("budget_min_spend_pence", 200_000 if rule == BudgetRule.KNAPSACK else 0)
        engagement = make_engagement(
            kinds=[PhaseKind.BUDGET],
            budget_rule=rule,
            rules={Action.BUDGET_VOTE: (1, None)},
            **fields,
        )
        admin = staff("council-admin")
        for title, pounds in [("Benches", 3000), ("Trees", 5000), ("Lights", 4000), ("Art", 1000)]:
            actions.budget_project_add(
                engagement=engagement, actor=admin, title=title, cost_pence=pounds * 100
            )
        return engagement

    return make
