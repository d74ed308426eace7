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
    QuestionKind,
    Statement,
    Survey,
    SurveyQuestion,
    SurveyResponse,
    SurveyResponseState,
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
        _oxford_survey(report, oxford, grace)
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


# Every type of question once, with two conditional ones; (kind, text, settings).
SURVEY_QUESTIONS = [
    (
        QuestionKind.SINGLE_CHOICE,
        "Have you visited a park in Oxford this year?",
        {"options": ["Yes", "No"]},
    ),
    (
        QuestionKind.LONG_TEXT,
        "What stops you visiting parks?",
        {"condition": (1, "No"), "hint": "For example, distance, safety or opening times."},
    ),
    (QuestionKind.SHORT_TEXT, "Which park do you visit most?", {"required": False}),
    (
        QuestionKind.MULTIPLE_CHOICE,
        "What do you do in parks?",
        {
            "options": ["Walk", "Play with children", "Sport", "Picnic", "Meet friends"],
            "max_choices": 3,
        },
    ),
    (QuestionKind.SHORT_TEXT, "Which sport do you play?", {"condition": (4, "Sport")}),
    (
        QuestionKind.RANKING,
        "Put these improvements in order, most important first",
        {"options": ["More toilets", "A café", "Better lighting", "More bins"]},
    ),
    (
        QuestionKind.SCALE,
        "Overall, how good are Oxford's parks?",
        {"scale_max": 10, "scale_min_label": "Very poor", "scale_max_label": "Very good"},
    ),
    (
        QuestionKind.NUMBER,
        "About how many times a month do you visit a park?",
        {"number_min": 0, "number_max": 100},
    ),
    (QuestionKind.DATE, "When did you last visit a park?", {"required": False}),
    (
        QuestionKind.MATRIX,
        "How would you rate these in the park you visit most?",
        {"options": ["Good", "OK", "Poor"], "rows": ["Paths", "Bins", "Play areas"]},
    ),
    (
        QuestionKind.FILE,
        "Add a photo or plan of something you would change (optional)",
        {"required": False, "file_types": ["pdf", "jpg", "png"], "file_max_mb": 5},
    ),
    (QuestionKind.LONG_TEXT, "Anything else you would like to tell us?", {"required": False}),
]

# Paper responses from library drop-ins: (reference, ward, {question number: answer}).
SURVEY_PAPER = [
    (
        "LIB-001",
        "Carfax",
        {
            1: "Yes",
            3: "South Park",
            4: ["Walk", "Picnic"],
            7: 8,
            8: 6,
            6: ["Better lighting", "More toilets", "More bins", "A café"],
            10: {"Paths": "Good", "Bins": "Poor", "Play areas": "OK"},
            12: "More bins by the benches please, they are always full.",
        },
    ),
    (
        "LIB-002",
        "Iffley Fields",
        {1: "No", 2: "The park near me has no lighting in winter.", 4: ["Walk"], 7: 4, 8: 1},
    ),
    (
        "LIB-003",
        "Iffley Fields",
        {
            1: "Yes",
            4: ["Sport", "Meet friends"],
            5: "Football",
            7: 7,
            8: 12,
            9: "2026-03-14",
            6: ["More toilets", "Better lighting", "A café", "More bins"],
            10: {"Paths": "OK", "Bins": "Poor", "Play areas": "Good"},
            12: "Lighting on the paths, and more bins.",
        },
    ),
]
SURVEY_SENT_AT = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)


def _oxford_survey(report, council, respondent) -> None:
    engagement = _engagement(
        report,
        council,
        "demo-parks-survey",
        title="Demo: Oxford parks survey",
        purpose="Tell us how you use Oxford's parks and what would make them better.",
        decision="The parks improvement plan for the next three years.",
    )
    _phase(report, engagement, PhaseKind.SURVEY)
    _rule(report, engagement, Action.SURVEY_RESPOND, 1)
    survey = upsert(
        Survey,
        lookup={"engagement": engagement},
        values={
            "council": council,
            "introduction": "About 12 questions, some only if they apply to you. It takes "
            "about 5 minutes.",
        },
        report=report,
    )
    questions: dict[int, SurveyQuestion] = {}
    for number, (kind, text, settings) in enumerate(SURVEY_QUESTIONS, start=1):
        settings = dict(settings)
        condition = settings.pop("condition", None)
        values = {
            "council": council,
            "kind": kind,
            "text": text,
            "hint": settings.pop("hint", ""),
            "required": settings.pop("required", True),
            "condition_question": questions[condition[0]] if condition else None,
            "condition_value": condition[1] if condition else "",
            **settings,
        }
        questions[number] = upsert(
            SurveyQuestion,
            lookup={"survey": survey, "position": number},
            values=values,
            report=report,
        )
    for reference, ward_name, answers in SURVEY_PAPER:
        ward = Area.objects.filter(council=council, kind="ward", name=ward_name).first()
        upsert(
            SurveyResponse,
            lookup={"survey": survey, "paper_reference": reference},
            values={
                "council": council,
                "state": SurveyResponseState.SUBMITTED,
                "is_paper": True,
                "answers": {str(questions[n].pk): value for n, value in answers.items()},
                "ward": ward,
                "ward_name": ward.name if ward else "",
                "submitted_at": SURVEY_SENT_AT,
            },
            report=report,
        )
    if respondent:
        carfax = Area.objects.filter(council=council, kind="ward", name="Carfax").first()
        upsert(
            SurveyResponse,
            lookup={"survey": survey, "user": respondent},
            values={
                "council": council,
                "state": SurveyResponseState.SUBMITTED,
                "answers": {
                    str(questions[n].pk): value
                    for n, value in {
                        1: "Yes",
                        3: "University Parks",
                        4: ["Walk", "Meet friends"],
                        7: 9,
                        8: 10,
                        6: ["A café", "More toilets", "Better lighting", "More bins"],
                        10: {"Paths": "Good", "Bins": "OK", "Play areas": "Good"},
                        12: "A café would be lovely, and toilets that are open in winter.",
                    }.items()
                },
                "ward": carfax,
                "ward_name": carfax.name if carfax else "",
                "level": 2,
                "submitted_at": SURVEY_SENT_AT,
            },
            report=report,
        )
