"""Reads about engagements, for engage's own pages and for other apps (the home page)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

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
    Statement,
    StatementVote,
)

# Phases in which residents take part (review and results are for reading).
TAKING_PART = (PhaseKind.IDEAS, PhaseKind.POLL, PhaseKind.BUDGET, PhaseKind.DELIBERATION)


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
    return data
