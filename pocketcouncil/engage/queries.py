"""Reads about engagements, for engage's own pages and for other apps (the home page)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pocketcouncil.engage.models import (
    AbuseReport,
    Ballot,
    BudgetProject,
    Comment,
    ContentState,
    Engagement,
    Idea,
    OpinionAnalysis,
    ParticipationRule,
    Phase,
    PhaseKind,
    PollResults,
    PollVote,
    QuestionKind,
    Statement,
    StatementVote,
    Survey,
    SurveyQuestion,
    SurveyResponse,
    SurveyResponseState,
)

# Phases in which residents take part (review and results are for reading).
TAKING_PART = (
    PhaseKind.IDEAS,
    PhaseKind.POLL,
    PhaseKind.BUDGET,
    PhaseKind.DELIBERATION,
    PhaseKind.SURVEY,
)


@dataclass(frozen=True)
class OpenEngagement:
    title: str
    url: str
    council: object
    closes_at: datetime


def _with_setup(queryset):
    return queryset.select_related("council").prefetch_related(
        Prefetch("phases", queryset=Phase.objects.order_by("starts_at", "pk")),
        Prefetch("rules", queryset=ParticipationRule.objects.select_related("area")),
    )


def engagements_open_for(
    *, council_ids=None, area_ids=None, topics=None, now: datetime | None = None
) -> list[OpenEngagement]:
    """Published engagements with a phase residents can take part in now, soonest closing first.

    ``council_ids``: only these councils. ``area_ids``: only engagements about one of these areas
    or about the whole council area (no areas set). ``topics``: only these topics (``Topic``
    values). ``None`` means no filter; an empty list matches nothing.
    """
    now = now or timezone.now()
    open_phases = Phase.objects.filter(
        kind__in=TAKING_PART, starts_at__lte=now, ends_at__gt=now, engagement__is_published=True
    ).filter(engagement__results_published_at__isnull=True)
    if council_ids is not None:
        open_phases = open_phases.filter(council_id__in=list(council_ids))
    if topics is not None:
        open_phases = open_phases.filter(engagement__topic__in=list(topics))
    if area_ids is not None:
        open_phases = open_phases.filter(
            Q(engagement__areas__isnull=True) | Q(engagement__areas__in=list(area_ids))
        )
    closing: dict[int, datetime] = {}
    for engagement_id, ends_at in open_phases.values_list("engagement_id", "ends_at"):
        if engagement_id not in closing or ends_at < closing[engagement_id]:
            closing[engagement_id] = ends_at
    engagements = Engagement.objects.filter(pk__in=closing).select_related("council")
    found = [
        OpenEngagement(
            title=e.title,
            url=reverse("engage:engagement", args=[e.council.slug, e.slug]),
            council=e.council,
            closes_at=closing[e.pk],
        )
        for e in engagements
    ]
    found.sort(key=lambda o: (o.closes_at, o.title))
    return found


def engagement_get(*, council_slug: str, slug: str, published_only: bool = True) -> Engagement:
    """Raises ``Engagement.DoesNotExist``."""
    queryset = Engagement.objects.filter(council__slug=council_slug, slug=slug)
    if published_only:
        queryset = queryset.filter(is_published=True)
    return _with_setup(queryset).get()


def engagement_list_for_staff(*, council) -> list[Engagement]:
    return list(
        Engagement.objects.filter(council=council)
        .prefetch_related("phases")
        .annotate(
            idea_total=Count("ideas", distinct=True), ballot_total=Count("ballots", distinct=True)
        )
        .order_by("-created_at")
    )


def engagement_list_public(*, now: datetime | None = None) -> dict:
    """Open engagements, and closed ones with published results, for the public list."""
    now = now or timezone.now()
    published = _with_setup(Engagement.objects.filter(is_published=True)).order_by("title")
    open_ids = {o.url: o for o in engagements_open_for(now=now)}
    rows = list(published)
    return {
        "open": list(open_ids.values()),
        "results": [e for e in rows if e.results_published_at],
    }


def phase_now(engagement: Engagement, now: datetime | None = None) -> Phase | None:
    now = now or timezone.now()
    return next((p for p in engagement.phases.all() if p.starts_at <= now < p.ends_at), None)


def poll_results(poll) -> list[dict]:
    counts = Counter(PollVote.objects.filter(poll=poll).values_list("option_id", flat=True))
    total = sum(counts.values())
    return [
        {
            "label": option.label,
            "count": counts[option.pk],
            "percent": round(100 * counts[option.pk] / total) if total else 0,
        }
        for option in poll.options.all()
    ]


def poll_results_visible(poll, *, user, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    phase = next((p for p in poll.engagement.phases.all() if p.kind == PhaseKind.POLL), None)
    closed = phase is not None and now >= phase.ends_at
    if closed:
        return True
    if poll.show_results == PollResults.AFTER_CLOSE:
        return False
    return bool(
        getattr(user, "is_authenticated", False)
        and PollVote.objects.filter(poll=poll, user=user).exists()
    )


def poll_answer_of(poll, user):
    if not getattr(user, "is_authenticated", False):
        return None
    return PollVote.objects.filter(poll=poll, user=user).select_related("option").first()


def ideas_for(engagement: Engagement, *, viewer=None) -> list[Idea]:
    """Published and hidden ideas (hidden ones show their reason in place), plus the viewer's own
    ideas that are waiting to be checked."""
    visible = Q(state__in=[ContentState.PUBLISHED, ContentState.HIDDEN])
    if getattr(viewer, "is_authenticated", False):
        visible |= Q(author=viewer)
    return list(Idea.objects.filter(engagement=engagement).filter(visible))


def idea_get(*, engagement: Engagement, pk: int, viewer=None) -> Idea:
    idea = Idea.objects.select_related("engagement", "council").get(engagement=engagement, pk=pk)
    own = getattr(viewer, "is_authenticated", False) and idea.author_id == viewer.pk
    if idea.state in (ContentState.PENDING, ContentState.HELD) and not own:
        raise Idea.DoesNotExist
    return idea


def comments_for(idea: Idea, *, viewer=None) -> list[Comment]:
    """Comments in thread order: each top-level comment followed by its replies."""
    visible = Q(state__in=[ContentState.PUBLISHED, ContentState.HIDDEN])
    if getattr(viewer, "is_authenticated", False):
        visible |= Q(author=viewer)
    comments = list(Comment.objects.filter(idea=idea).filter(visible).select_related("author"))
    by_parent: dict = {}
    for comment in comments:
        by_parent.setdefault(comment.parent_id, []).append(comment)
    ordered = []

    def walk(parent_id, depth):
        for comment in by_parent.get(parent_id, []):
            comment.depth = depth
            ordered.append(comment)
            walk(comment.pk, min(depth + 1, 3))

    walk(None, 0)
    return ordered


@dataclass
class BudgetResult:
    project: BudgetProject
    votes: int
    funded: bool


def budget_results(engagement: Engagement) -> dict:
    """Votes per project (online and paper alike) and which are funded: most votes first, each
    funded if it still fits in what is left of the budget (the usual greedy rule)."""
    projects = list(
        BudgetProject.objects.filter(engagement=engagement).annotate(votes=Count("ballots"))
    )
    projects.sort(key=lambda p: (-p.votes, p.cost_pence, p.title))
    left = engagement.budget_total_pence
    rows = []
    for project in projects:
        funded = project.votes > 0 and project.cost_pence <= left
        if funded:
            left -= project.cost_pence
        rows.append(BudgetResult(project=project, votes=project.votes, funded=funded))
    ballots = Ballot.objects.filter(engagement=engagement)
    return {
        "rows": rows,
        "ballots": ballots.count(),
        "paper": ballots.filter(is_paper=True).count(),
        "spent_pence": engagement.budget_total_pence - left,
    }


def ballot_of(engagement: Engagement, user) -> Ballot | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Ballot.objects.filter(engagement=engagement, user=user).first()


def statements_for(engagement: Engagement, *, viewer=None) -> list[Statement]:
    """Published statements, each with ``my_vote`` (None if the viewer has not voted)."""
    statements = list(Statement.objects.filter(engagement=engagement, state=ContentState.PUBLISHED))
    mine = {}
    if getattr(viewer, "is_authenticated", False):
        mine = dict(
            StatementVote.objects.filter(statement__engagement=engagement, user=viewer).values_list(
                "statement_id", "value"
            )
        )
    for statement in statements:
        statement.my_vote = mine.get(statement.pk)
    return statements


def opinion_for(engagement: Engagement) -> dict | None:
    """The stored opinion groups with statement texts filled in, or None if never computed."""
    analysis = OpinionAnalysis.objects.filter(engagement=engagement).first()
    if analysis is None or analysis.computed_at is None:
        return None
    texts = dict(Statement.objects.filter(engagement=engagement).values_list("pk", "text"))
    result = analysis.result
    return {
        "computed_at": analysis.computed_at,
        "participants": analysis.participant_count,
        "groups": [
            {
                "number": g["number"],
                "size": g["size"],
                "representative": [
                    {"text": texts.get(sid, ""), "agree": round(100 * p)}
                    for sid, p, _ratio in g["representative"]
                ],
            }
            for g in result.get("groups", [])
        ],
        "consensus": [
            {"text": texts.get(sid, ""), "score": round(100 * score)}
            for sid, score in result.get("consensus", [])
        ],
    }


def _ids(reports, kind: str) -> list[int]:
    return [r.content_id for r in reports if r.content_kind == kind]


def moderation_queue(*, council) -> dict:
    """What moderators must look at: content waiting or held, and open abuse reports."""
    waiting = [ContentState.PENDING, ContentState.HELD]
    reports = list(
        AbuseReport.objects.filter(council=council, resolved_at__isnull=True).select_related(
            "engagement"
        )
    )
    texts = {
        "idea": dict(
            Idea.objects.filter(council=council, pk__in=_ids(reports, "idea")).values_list(
                "pk", "body"
            )
        ),
        "comment": dict(
            Comment.objects.filter(council=council, pk__in=_ids(reports, "comment")).values_list(
                "pk", "body"
            )
        ),
        "statement": dict(
            Statement.objects.filter(
                council=council, pk__in=_ids(reports, "statement")
            ).values_list("pk", "text")
        ),
    }
    for report in reports:
        report.content_text = texts[report.content_kind].get(report.content_id, "")
    return {
        "ideas": list(
            Idea.objects.filter(council=council, state__in=waiting).select_related("engagement")
        ),
        "comments": list(
            Comment.objects.filter(council=council, state__in=waiting).select_related(
                "idea__engagement"
            )
        ),
        "statements": list(
            Statement.objects.filter(council=council, state__in=waiting).select_related(
                "engagement"
            )
        ),
        "reports": reports,
    }


def ideas_awaiting_response(*, council) -> list[Idea]:
    """Ideas that reached their engagement's support threshold and have no response yet."""
    return list(
        Idea.objects.filter(
            council=council, threshold_reached_at__isnull=False, response=""
        ).select_related("engagement")
    )


def results_for_export(engagement: Engagement) -> dict:
    """Aggregate results and every response, with no personal data (no names, no accounts)."""
    data: dict = {
        "council": engagement.council.slug,
        "engagement": engagement.slug,
        "title": engagement.title,
        "results_published_at": (
            engagement.results_published_at.isoformat() if engagement.results_published_at else None
        ),
    }
    poll = getattr(engagement, "poll", None)
    if poll is not None:
        data["poll"] = {"question": poll.question, "answers": poll_results(poll)}
    ideas = Idea.objects.filter(engagement=engagement, state=ContentState.PUBLISHED)
    data["ideas"] = [
        {
            "id": idea.pk,
            "title": idea.title,
            "body": idea.body,
            "supports": idea.support_count,
            "response": idea.response,
            "response_text": idea.response_text,
            "created_at": idea.created_at.isoformat(),
        }
        for idea in ideas
    ]
    if engagement.budget_rule:
        budget = budget_results(engagement)
        data["budget"] = {
            "ballots": budget["ballots"],
            "paper_ballots": budget["paper"],
            "projects": [
                {
                    "title": r.project.title,
                    "cost_pence": r.project.cost_pence,
                    "votes": r.votes,
                    "funded": r.funded,
                }
                for r in budget["rows"]
            ],
        }
    statements = Statement.objects.filter(
        engagement=engagement, state=ContentState.PUBLISHED
    ).annotate(
        agree=Count("votes", filter=Q(votes__value=1)),
        disagree=Count("votes", filter=Q(votes__value=-1)),
        passed=Count("votes", filter=Q(votes__value=0)),
    )
    data["statements"] = [
        {"id": s.pk, "text": s.text, "agree": s.agree, "disagree": s.disagree, "pass": s.passed}
        for s in statements
    ]
    survey = getattr(engagement, "survey", None)
    if survey is not None:
        data["survey"] = survey_results_open_data(survey)
    return data


# --- Surveys ---


def survey_of(engagement: Engagement) -> Survey | None:
    return Survey.objects.filter(engagement=engagement).first()


def survey_questions(survey: Survey) -> list[SurveyQuestion]:
    return list(survey.questions.select_related("condition_question").order_by("position", "pk"))


def survey_response_of(survey: Survey, user) -> SurveyResponse | None:
    """The person's draft or sent response, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return SurveyResponse.objects.filter(survey=survey, user=user).first()


def _percent(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


def _counted(labels: list[str], counts: Counter, total: int) -> list[dict]:
    return [
        {"label": label, "count": counts[label], "percent": _percent(counts[label], total)}
        for label in labels
    ]


def _question_summary(question: SurveyQuestion, values: list, *, with_text: bool) -> dict:
    """What one question's answers add up to (``values``: the answers given, none missing)."""
    from pocketcouncil.engage import surveys

    kind = question.kind
    answered = len(values)
    summary: dict = {
        "id": question.pk,
        "position": question.position,
        "question": question.text,
        "kind": kind,
        "answered": answered,
    }
    if kind == QuestionKind.SINGLE_CHOICE:
        summary["options"] = _counted(question.options, Counter(values), answered)
    elif kind == QuestionKind.MULTIPLE_CHOICE:
        counts = Counter(label for chosen in values for label in chosen)
        summary["options"] = _counted(question.options, counts, answered)
    elif kind == QuestionKind.RANKING:
        # Average position (1 is best) and how often each came first; best average first.
        size = len(question.options)
        positions: dict[str, list[int]] = {label: [] for label in question.options}
        for order in values:
            for rank, label in enumerate(order, start=1):
                positions.setdefault(label, []).append(rank)
        rows = [
            {
                "label": label,
                "average_rank": round(sum(p) / len(p), 2) if p else None,
                "first": sum(1 for r in p if r == 1),
                "percent_first": _percent(sum(1 for r in p if r == 1), answered),
                "points": sum(size + 1 - r for r in p),
            }
            for label, p in positions.items()
            if label in question.options
        ]
        rows.sort(key=lambda r: (-r["points"], question.options.index(r["label"])))
        summary["ranking"] = rows
    elif kind == QuestionKind.SCALE:
        points = [str(n) for n in range(1, question.scale_max + 1)]
        summary["options"] = _counted(points, Counter(str(v) for v in values), answered)
        summary["average"] = round(sum(values) / answered, 2) if answered else None
        summary["median"] = median(values) if values else None
        summary["scale_max"] = question.scale_max
        summary["labels"] = [question.scale_min_label, question.scale_max_label]
    elif kind == QuestionKind.NUMBER:
        numbers = sorted(values)
        summary["number"] = {
            "smallest": numbers[0] if numbers else None,
            "largest": numbers[-1] if numbers else None,
            "median": median(numbers) if numbers else None,
            "average": round(sum(numbers) / len(numbers), 2) if numbers else None,
        }
    elif kind == QuestionKind.DATE:
        dates = sorted(values)
        summary["dates"] = {
            "earliest": dates[0] if dates else None,
            "latest": dates[-1] if dates else None,
            "by_month": sorted(Counter(d[:7] for d in dates).items()),
        }
    elif kind == QuestionKind.MATRIX:
        summary["columns"] = list(question.options)
        summary["rows"] = []
        for row in question.rows:
            counts = Counter(v.get(row) for v in values)
            summary["rows"].append(
                {"label": row, "counts": _counted(question.options, counts, answered)}
            )
    elif kind == QuestionKind.FILE:
        summary["files"] = answered
    elif with_text:
        summary["groups"] = surveys.group_texts(values)
    if summary.get("options") and answered:
        summary["most"] = max(summary["options"], key=lambda o: o["count"])
    return summary


def _breakdown(responses: list[SurveyResponse]) -> dict:
    total = len(responses)
    areas = Counter(r.ward_name or "" for r in responses)
    by_area = [
        {"area": name, "count": count, "percent": _percent(count, total)}
        for name, count in sorted(areas.items(), key=lambda item: (item[0] == "", item[0]))
    ]
    levels = Counter("paper" if r.is_paper else str(r.level or 0) for r in responses)
    by_level = [
        {"level": key, "count": levels[key], "percent": _percent(levels[key], total)}
        for key in ("1", "2", "3", "paper")
        if levels[key]
    ]
    return {
        "responses": total,
        "online": sum(1 for r in responses if not r.is_paper),
        "paper": sum(1 for r in responses if r.is_paper),
        "by_area": by_area,
        "by_level": by_level,
    }


def survey_results(survey: Survey, *, with_text: bool = True) -> dict:
    """Sent responses (online and paper alike) counted by area, level and question.

    ``by_area`` uses the ward kept with each response (the ward of a resident's checked home
    address when they sent it, or the ward staff entered for a paper response; "" when not
    known). ``with_text``: group free-text answers for reading (staff only; open data leaves
    free text out, as nobody has checked it for personal details).
    """
    responses = list(
        SurveyResponse.objects.filter(survey=survey, state=SurveyResponseState.SUBMITTED)
    )
    questions = survey_questions(survey)
    results = _breakdown(responses)
    results["drafts"] = SurveyResponse.objects.filter(
        survey=survey, state=SurveyResponseState.DRAFT
    ).count()
    results["questions"] = [
        _question_summary(
            question,
            [r.answers[str(question.pk)] for r in responses if str(question.pk) in r.answers],
            with_text=with_text,
        )
        for question in questions
    ]
    return results


def survey_files(survey: Survey) -> list:
    """Files attached to sent responses, oldest first (for staff to open, never exported)."""
    from pocketcouncil.engage.models import SurveyFile

    return list(
        SurveyFile.objects.filter(
            response__survey=survey, response__state=SurveyResponseState.SUBMITTED
        )
        .select_related("question")
        .order_by("created_at", "pk")
    )


def survey_file_get(survey: Survey, token: str):
    """A file attached to a sent response of this survey; raises ``SurveyFile.DoesNotExist``."""
    from pocketcouncil.engage.models import SurveyFile

    return SurveyFile.objects.get(
        response__survey=survey, response__state=SurveyResponseState.SUBMITTED, token=token
    )


def survey_results_open_data(survey: Survey) -> dict:
    results = survey_results(survey, with_text=False)
    results.pop("drafts")
    return results


def survey_responses_for_export(survey: Survey) -> dict:
    """Every sent response with no personal data: no names, accounts or contact details, files
    only as "file attached". Responses are numbered 1, 2, 3 in the order they were sent."""
    from pocketcouncil.engage import surveys

    questions = survey_questions(survey)
    responses = SurveyResponse.objects.filter(
        survey=survey, state=SurveyResponseState.SUBMITTED
    ).order_by("submitted_at", "pk")
    rows = []
    for number, response in enumerate(responses, start=1):
        answers = {}
        for question in questions:
            value = response.answers.get(str(question.pk))
            if question.kind == QuestionKind.FILE:
                value = "file attached" if value else None
            answers[str(question.pk)] = value
        rows.append(
            {
                "response": number,
                "channel": "paper" if response.is_paper else "online",
                "sent_on": response.submitted_at.date().isoformat(),
                "ward": response.ward_name,
                "level": None if response.is_paper else response.level,
                "answers": answers,
                "answers_text": {
                    str(q.pk): surveys.answer_text(q, response.answers.get(str(q.pk)))
                    for q in questions
                },
            }
        )
    return {
        "questions": [
            {"id": q.pk, "position": i, "question": q.text, "kind": q.kind}
            for i, q in enumerate(questions, start=1)
        ],
        "responses": rows,
    }


# --- Who took part, by area and level (every way of taking part) ---


def _participants_by_method(engagement: Engagement) -> dict[str, set[int]]:
    from pocketcouncil.engage.models import IdeaSupport

    def ids(queryset, field="user_id"):
        return set(queryset.filter(**{f"{field}__isnull": False}).values_list(field, flat=True))

    return {
        "poll": ids(PollVote.objects.filter(poll__engagement=engagement)),
        "ideas": ids(Idea.objects.filter(engagement=engagement), "author_id")
        | ids(IdeaSupport.objects.filter(idea__engagement=engagement))
        | ids(Comment.objects.filter(idea__engagement=engagement), "author_id"),
        "budget": ids(Ballot.objects.filter(engagement=engagement)),
        "statements": ids(Statement.objects.filter(engagement=engagement), "author_id")
        | ids(StatementVote.objects.filter(statement__engagement=engagement)),
        "survey": ids(
            SurveyResponse.objects.filter(
                survey__engagement=engagement, state=SurveyResponseState.SUBMITTED
            )
        ),
    }


# Past this many different home addresses, wards are not worked out on the staff page (one
# boundary look-up each would make the page slow); survey results keep each response's ward.
WARD_LOOKUP_LIMIT = 500

METHOD_LABELS = {
    "poll": _("Quick poll"),
    "ideas": _("Ideas, supports and comments"),
    "budget": _("Budget vote"),
    "statements": _("Agree or disagree"),
    "survey": _("Survey"),
}


def participation_by_area_and_level(engagement: Engagement) -> dict:
    """People with accounts who took part, per way of taking part, by their assurance level and
    the ward of their checked home address *now* (survey results keep the ward and level from
    when each response was sent). Paper entries have no account and are counted separately.

    Queries: one per way of taking part, three for levels and homes, and one area lookup per
    distinct home point.
    """
    from pocketcouncil.accounts import queries as accounts
    from pocketcouncil.councils import queries as councils

    methods = {k: v for k, v in _participants_by_method(engagement).items() if v}
    everyone = set().union(*methods.values()) if methods else set()
    facts = accounts.levels_and_homes_for(sorted(everyone))
    homes = {fact.home for fact in facts.values() if fact.home is not None}
    count_wards = len(homes) <= WARD_LOOKUP_LIMIT
    ward_at: dict[tuple[float, float], str] = {}
    for fact in facts.values() if count_wards else ():
        if fact.home is not None and fact.home not in ward_at:
            lon, lat = fact.home
            ward_at[fact.home] = next(
                (
                    a.name
                    for a in councils.areas_containing(lon=lon, lat=lat, kinds=["ward"])
                    if a.council_id == engagement.council_id
                ),
                "",
            )

    def ward_of(user_id):
        home = facts[user_id].home
        return ward_at.get(home, "") if home else ""

    wards = sorted({ward_of(u) for u in everyone}, key=lambda name: (name == "", name))
    rows = []
    for key, people in methods.items():
        by_level = Counter(facts[u].level for u in people)
        per_ward = Counter(ward_of(u) for u in people)
        rows.append(
            {
                "method": key,
                "label": METHOD_LABELS[key],
                "people": len(people),
                "levels": [by_level[level] for level in (1, 2, 3)],
                "wards": [per_ward[w] for w in wards],
            }
        )
    paper = {
        "poll": PollVote.objects.filter(poll__engagement=engagement, is_paper=True).count(),
        "budget": Ballot.objects.filter(engagement=engagement, is_paper=True).count(),
        "survey": SurveyResponse.objects.filter(survey__engagement=engagement, is_paper=True)
        .exclude(state=SurveyResponseState.DRAFT)
        .count(),
    }
    return {
        "rows": rows,
        "wards": wards if count_wards else None,
        "people": len(everyone),
        "paper": {k: v for k, v in paper.items() if v},
    }
