"""Demo engagements: one of each kind for the demo councils, with fixed keys and dates so that
loading again changes nothing. Open from 1 January 2026 to 31 December 2027, so the demo always
has something to take part in; every title says it is a demo."""

from __future__ import annotations

from datetime import UTC, datetime

from pocketcouncil.accounts.models import User
from pocketcouncil.core.demo_support import DemoReport, upsert
from pocketcouncil.councils.models import Area, Council
from pocketcouncil.engage.models import (
    Action,
    BudgetProject,
    BudgetRule,
    ContentState,
    Engagement,
    Idea,
    ParticipationRule,
    Phase,
    PhaseKind,
    Poll,
    PollOption,
    PollResults,
    Statement,
)

DOMAIN = "demo.pocketcouncil.example"
OPENS = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
CLOSES = datetime(2027, 12, 31, 17, 0, tzinfo=UTC)


def _engagement(report, council, slug, **values) -> Engagement:
    values.setdefault("is_published", True)
    return upsert(
        Engagement, lookup={"council": council, "slug": slug}, values=values, report=report
    )


def _phase(report, engagement, kind):
    upsert(
        Phase,
        lookup={"engagement": engagement, "kind": kind},
        values={"council": engagement.council, "starts_at": OPENS, "ends_at": CLOSES},
        report=report,
    )


def _rule(report, engagement, action, level, area=None):
    upsert(
        ParticipationRule,
        lookup={"engagement": engagement, "action": action},
        values={"council": engagement.council, "min_level": level, "area": area},
        report=report,
    )


def load(report: DemoReport) -> None:
    oxford = Council.objects.filter(slug="oxford").first()
    manchester = Council.objects.filter(slug="manchester").first()
    grace = User.objects.filter(email=f"grace.okafor@{DOMAIN}").first()
    if oxford:
        _oxford(report, oxford, grace)
    if manchester:
        _manchester(report, manchester)


def _oxford(report, council, author) -> None:
    iffley = Area.objects.filter(council=council, kind="ward", name="Iffley Fields").first()
    cowley = _engagement(
        report,
        council,
        "demo-cowley-road",
        title="Demo: Improving Cowley Road",
        purpose="What would make Cowley Road better to walk, cycle and shop on?",
        decision="How the council spends the Cowley Road improvement fund next year.",
        support_threshold=5,
    )
    _phase(report, cowley, PhaseKind.IDEAS)
    _phase(report, cowley, PhaseKind.POLL)
    # Only level 2 residents of Iffley Fields may answer the poll; anyone signed in may suggest.
    _rule(report, cowley, Action.POLL_VOTE, 2, iffley)
    poll = upsert(
        Poll,
        lookup={"engagement": cowley},
        values={
            "council": council,
            "question": "Should part of Cowley Road be closed to traffic on Saturdays?",
            "show_results": PollResults.AFTER_VOTE,
        },
        report=report,
    )
    for i, label in enumerate(["Yes", "No", "Not sure"]):
        upsert(
            PollOption,
            lookup={"poll": poll, "label": label},
            values={"council": council, "position": i},
            report=report,
        )
    if author:
        upsert(
            Idea,
            lookup={"engagement": cowley, "title": "Covered cycle parking by the library"},
            values={
                "council": council,
                "author": author,
                "body": "There is nowhere dry to lock a bike near the library.",
                "state": ContentState.PUBLISHED,
            },
            report=report,
        )

    budget = _engagement(
        report,
        council,
        "demo-community-budget",
        title="Demo: Oxford community budget",
        purpose="Choose how to spend £50,000 on small projects in your neighbourhood.",
        decision="Which projects the council funds this year.",
        budget_total_pence=5_000_000,
        budget_rule=BudgetRule.KNAPSACK,
        budget_min_spend_pence=1_000_000,
    )
    _phase(report, budget, PhaseKind.BUDGET)
    _rule(report, budget, Action.BUDGET_VOTE, 2)
    for title, pounds in [
        ("New benches on the Plain", 8_000),
        ("Wildflower verges", 12_000),
        ("Youth club kit", 15_000),
        ("Street lighting in Florence Park", 25_000),
        ("Community fridge", 6_000),
    ]:
        upsert(
            BudgetProject,
            lookup={"engagement": budget, "title": title},
            values={"council": council, "cost_pence": pounds * 100, "description": ""},
            report=report,
        )

    talk = _engagement(
        report,
        council,
        "demo-high-streets",
        title="Demo: The future of Oxford's high streets",
        purpose="Agree or disagree with short statements, and add your own.",
        decision="The council's high streets plan.",
    )
    _phase(report, talk, PhaseKind.DELIBERATION)
    if author:
        for text in [
            "There should be more places to sit without buying anything.",
            "Parking charges keep people away from local shops.",
            "Empty shops should be offered to community groups for free.",
            "Buses into the centre should run later in the evening.",
        ]:
            upsert(
                Statement,
                lookup={"engagement": talk, "text": text},
                values={"council": council, "author": author, "state": ContentState.PUBLISHED},
                report=report,
            )


def _manchester(report, council) -> None:
    parks = _engagement(
        report,
        council,
        "demo-parks-budget",
        title="Demo: Parks small grants",
        purpose="Vote for up to three park projects.",
        decision="Which park projects get a grant.",
        budget_total_pence=3_000_000,
        budget_rule=BudgetRule.APPROVAL,
        budget_max_choices=3,
    )
    _phase(report, parks, PhaseKind.BUDGET)
    for title, pounds in [
        ("Outdoor gym in Platt Fields", 12_000),
        ("Pond clean-up in Alexandra Park", 9_000),
        ("Play area shade sails", 7_000),
        ("Bulb planting with schools", 3_000),
    ]:
        upsert(
            BudgetProject,
            lookup={"engagement": parks, "title": title},
            values={"council": council, "cost_pence": pounds * 100, "description": ""},
            report=report,
        )
