"""Every write in engage. Views, tasks and the demo loader call these and nothing else.

Residents' actions check ``rules.decide`` (phase, level, area, block); staff actions check the
``engage.manage`` or ``engage.moderate`` permission in the engagement's council.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pocketcouncil.accounts import permissions
from pocketcouncil.accounts import queries as accounts
from pocketcouncil.engage import moderation, rules, surveys
from pocketcouncil.engage.models import (
    FILE_TYPES,
    KINDS_WITH_OPTIONS,
    AbuseReport,
    Action,
    Ballot,
    BlockedAccount,
    BlockedWord,
    BudgetProject,
    BudgetRule,
    Comment,
    ContentKind,
    ContentState,
    Engagement,
    Idea,
    IdeaSupport,
    Moderation,
    OpinionAnalysis,
    ParticipationRule,
    Phase,
    PhaseKind,
    Poll,
    PollOption,
    PollVote,
    QuestionKind,
    Response,
    Statement,
    StatementVote,
    Survey,
    SurveyFile,
    SurveyQuestion,
    SurveyResponse,
    SurveyResponseState,
)
from pocketcouncil.notify import actions as notify

# Called with each survey response the person sends, inside survey_submit's transaction (the
# rewards app appends to it at ready(); engage imports none of the apps that listen).
SURVEY_SUBMITTED_HOOKS: list = []


class EngageError(Exception):
    """Something a person asked for that cannot be done; the message says why, plainly."""

    def __init__(self, message: str, *, step_up_to: int | None = None):
        super().__init__(message)
        self.message = message
        self.step_up_to = step_up_to


class NotAllowedError(EngageError):
    pass


class AlreadyDoneError(EngageError):
    pass


class BallotInvalidError(EngageError):
    pass


class RateLimitedError(EngageError):
    pass


class SurveyLockedError(EngageError):
    """The questions cannot change: the survey is open, or answers have been sent."""


class SurveyAnswerError(EngageError):
    """An answer that cannot be saved or sent; ``question`` is the one to go back to."""

    def __init__(self, message: str, *, question: SurveyQuestion | None = None):
        super().__init__(message)
        self.question = question


def _require_allowed(actor, engagement: Engagement, action: str) -> None:
    decision = rules.decide(actor, engagement, action)
    if not decision.allowed:
        raise NotAllowedError(decision.reason, step_up_to=decision.step_up_to)


def engagement_url(engagement: Engagement) -> str:
    return settings.POCKETCOUNCIL_SITE_URL + reverse(
        "engage:engagement", args=[engagement.council.slug, engagement.slug]
    )


# --- Setting up an engagement (staff) ---


@transaction.atomic
def engagement_create(
    *,
    council,
    actor,
    slug: str,
    title: str,
    purpose: str,
    decision: str,
    topic: str = "consultations",
    moderation: str = Moderation.POST,
    areas=(),
    support_threshold: int = 0,
    budget_total_pence: int = 0,
    budget_rule: str = "",
    budget_min_spend_pence: int = 0,
    budget_max_choices: int = 0,
) -> Engagement:
    permissions.require(actor, "engage.manage", council)
    if any(area.council_id != council.pk for area in areas):
        raise EngageError(_("Choose areas this council serves."))
    if Engagement.objects.filter(council=council, slug=slug).exists():
        raise EngageError(_("This council already has an engagement with that short name."))
    if budget_min_spend_pence > budget_total_pence:
        raise EngageError(_("The smallest spend cannot be more than the budget."))
    engagement = Engagement(
        council=council,
        slug=slug,
        title=title,
        purpose=purpose,
        decision=decision,
        topic=topic,
        moderation=moderation,
        support_threshold=support_threshold,
        budget_total_pence=budget_total_pence,
        budget_rule=budget_rule,
        budget_min_spend_pence=budget_min_spend_pence,
        budget_max_choices=budget_max_choices,
    )
    engagement.full_clean(exclude=["areas"])
    engagement.save()
    engagement.areas.set(areas)
    return engagement


BUDGET_FIELDS = (
    "budget_total_pence",
    "budget_rule",
    "budget_min_spend_pence",
    "budget_max_choices",
)


@transaction.atomic
def engagement_update(
    *,
    engagement: Engagement,
    actor,
    title: str,
    purpose: str,
    decision: str,
    topic: str,
    moderation: str,
    areas=(),
    support_threshold: int = 0,
    budget_total_pence: int = 0,
    budget_rule: str = "",
    budget_min_spend_pence: int = 0,
    budget_max_choices: int = 0,
) -> Engagement:
    """Change an engagement's description and settings (not its short name: its web address
    may be on posters). The budget rules cannot change once anyone has voted in it."""
    permissions.require(actor, "engage.manage", engagement)
    if any(area.council_id != engagement.council_id for area in areas):
        raise EngageError(_("Choose areas this council serves."))
    if budget_min_spend_pence > budget_total_pence:
        raise EngageError(_("The smallest spend cannot be more than the budget."))
    budget = {
        "budget_total_pence": budget_total_pence,
        "budget_rule": budget_rule,
        "budget_min_spend_pence": budget_min_spend_pence,
        "budget_max_choices": budget_max_choices,
    }
    changes_budget = any(getattr(engagement, f) != budget[f] for f in BUDGET_FIELDS)
    if changes_budget and engagement.ballots.exists():
        raise EngageError(
            _(
                "People have already voted in the budget, so its rules cannot change: their "
                "ballots were checked against the rules as they were."
            )
        )
    values = {
        "title": title,
        "purpose": purpose,
        "decision": decision,
        "topic": topic,
        "moderation": moderation,
        "support_threshold": support_threshold,
        **budget,
    }
    for field, value in values.items():
        setattr(engagement, field, value)
    engagement.full_clean(exclude=["areas"])
    engagement.save()
    engagement.areas.set(areas)
    return engagement


@transaction.atomic
def phase_set(*, engagement: Engagement, actor, kind: str, starts_at, ends_at) -> Phase:
    permissions.require(actor, "engage.manage", engagement)
    if kind not in PhaseKind.values:
        raise EngageError(_("Choose a kind of phase."))
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise EngageError(_("Give dates with a time zone."))
    if ends_at <= starts_at:
        raise EngageError(_("A phase must close after it opens."))
    phase, _created = Phase.objects.update_or_create(
        engagement=engagement,
        kind=kind,
        defaults={"council": engagement.council, "starts_at": starts_at, "ends_at": ends_at},
    )
    return phase


@transaction.atomic
def rule_set(
    *, engagement: Engagement, actor, action: str, min_level: int, area=None
) -> ParticipationRule:
    permissions.require(actor, "engage.manage", engagement)
    if action not in Action.values:
        raise EngageError(_("Choose what the rule is for."))
    if not 1 <= min_level <= 3:
        # Every way of taking part is counted once per person, so it needs an account.
        raise EngageError(
            _("Choose a level from 1 to 3: taking part needs at least a checked email address.")
        )
    if area is not None and area.council_id != engagement.council_id:
        raise EngageError(_("Choose an area this council serves."))
    if area is not None and min_level < 2:
        # Living in an area can only be known from a checked address (level 2).
        raise EngageError(_("Limiting to residents of an area needs level 2 or more."))
    rule, _created = ParticipationRule.objects.update_or_create(
        engagement=engagement,
        action=action,
        defaults={"council": engagement.council, "min_level": min_level, "area": area},
    )
    return rule


@transaction.atomic
def engagement_publish(*, engagement: Engagement, actor) -> Engagement:
    permissions.require(actor, "engage.manage", engagement)
    if not engagement.phases.exists():
        raise EngageError(_("Add at least one phase with dates before publishing."))
    engagement.is_published = True
    engagement.save(update_fields=["is_published", "updated_at"])
    # People who follow consultations with this council hear about a new one.
    notify.fan_out_for_subject(
        council=engagement.council,
        subject_kind="topic",
        subject_key="consultations",
        event="topic_news",
        context=notify.in_every_language(
            lambda: {
                "council_name": engagement.council.name,
                "title": _("Have your say: %(title)s") % {"title": engagement.title},
                "note": engagement.purpose,
                "url": engagement_url(engagement),
            }
        ),
        idempotency_key=f"engage-{engagement.pk}-published",
    )
    return engagement


@transaction.atomic
def poll_create(
    *, engagement: Engagement, actor, question: str, options: list[str], show_results: str
) -> Poll:
    permissions.require(actor, "engage.manage", engagement)
    options = [o.strip() for o in options if o.strip()]
    if len(options) < 2 or len(set(options)) != len(options):
        raise EngageError(_("A poll needs at least two different answers."))
    poll = Poll(
        council=engagement.council,
        engagement=engagement,
        question=question,
        show_results=show_results,
    )
    poll.full_clean()
    poll.save()
    PollOption.objects.bulk_create(
        PollOption(council=engagement.council, poll=poll, label=label, position=i)
        for i, label in enumerate(options)
    )
    return poll


@transaction.atomic
def budget_project_add(
    *,
    engagement: Engagement,
    actor,
    title: str,
    cost_pence: int,
    description: str = "",
    area=None,
) -> BudgetProject:
    permissions.require(actor, "engage.manage", engagement)
    if cost_pence <= 0:
        raise EngageError(_("A project must cost more than nothing."))
    if area is not None and area.council_id != engagement.council_id:
        raise EngageError(_("Choose an area this council serves."))
    return BudgetProject.objects.create(
        council=engagement.council,
        engagement=engagement,
        title=title,
        description=description,
        cost_pence=cost_pence,
        area=area,
    )


# --- Quick polls ---


@transaction.atomic
def poll_vote(*, poll: Poll, option: PollOption, actor) -> PollVote:
    _require_allowed(actor, poll.engagement, Action.POLL_VOTE)
    if option.poll_id != poll.pk:
        raise EngageError(_("Choose one of the answers."))
    if PollVote.objects.filter(poll=poll, user=actor).exists():
        raise AlreadyDoneError(_("You have already answered this poll."))
    try:
        with transaction.atomic():
            return PollVote.objects.create(
                council=poll.council, poll=poll, option=option, user=actor
            )
    except IntegrityError as error:
        raise AlreadyDoneError(_("You have already answered this poll.")) from error


@transaction.atomic
def poll_paper_votes_add(*, poll: Poll, option: PollOption, count: int, actor) -> int:
    """Answers given on paper (at a library, a drop-in), entered by staff. They count equally."""
    permissions.require(actor, "engage.manage", poll)
    if option.poll_id != poll.pk or not 1 <= count <= 10_000:
        raise EngageError(_("Choose an answer and a number from 1 to 10,000."))
    PollVote.objects.bulk_create(
        PollVote(council=poll.council, poll=poll, option=option, is_paper=True, entered_by=actor)
        for _ in range(count)
    )
    return count


# --- Ideas, supports, comments ---


def _rate_limit(actor, engagement: Engagement) -> None:
    """New accounts may only post a few things an hour (across every engagement of the council)."""
    joined = getattr(actor, "date_joined", None)
    new_for = timedelta(hours=settings.ENGAGE_NEW_ACCOUNT_HOURS)
    now = timezone.now()
    if joined is None or now - joined >= new_for:
        return
    since = now - timedelta(hours=1)
    council = engagement.council
    posted = (
        Idea.objects.filter(council=council, author=actor, created_at__gte=since).count()
        + Comment.objects.filter(council=council, author=actor, created_at__gte=since).count()
        + Statement.objects.filter(council=council, author=actor, created_at__gte=since).count()
    )
    if posted >= settings.ENGAGE_NEW_ACCOUNT_POSTS_PER_HOUR:
        raise RateLimitedError(
            _(
                "New accounts can post %(n)s things an hour. Please try again later: this "
                "protects everyone from spam."
            )
            % {"n": settings.ENGAGE_NEW_ACCOUNT_POSTS_PER_HOUR}
        )


def _screen(engagement: Engagement, text: str) -> tuple[str, str]:
    words = BlockedWord.objects.filter(council=engagement.council).values_list("word", flat=True)
    return moderation.screen(text, moderation=engagement.moderation, words=list(words))


@transaction.atomic
def idea_submit(
    *,
    engagement: Engagement,
    actor,
    title: str,
    body: str,
    latitude: float | None = None,
    longitude: float | None = None,
) -> Idea:
    _require_allowed(actor, engagement, Action.IDEA_PROPOSE)
    title, body = title.strip(), body.strip()
    if not title or not body:
        raise EngageError(_("Give your idea a title and say more about it."))
    if (latitude is None) != (longitude is None):
        raise EngageError(_("Choose a place on the map, or no place."))
    _rate_limit(actor, engagement)
    state, reason = _screen(engagement, f"{title}\n{body}")
    idea = Idea(
        council=engagement.council,
        engagement=engagement,
        author=actor,
        title=title,
        body=body,
        latitude=latitude,
        longitude=longitude,
        state=state,
        state_reason=reason,
    )
    idea.full_clean()
    idea.save()
    return idea


@transaction.atomic
def idea_support(*, idea: Idea, actor) -> Idea:
    _require_allowed(actor, idea.engagement, Action.IDEA_SUPPORT)
    if idea.state != ContentState.PUBLISHED:
        raise EngageError(_("You can only support published ideas."))
    if idea.author_id == actor.pk:
        raise EngageError(_("You cannot support your own idea."))
    try:
        with transaction.atomic():
            IdeaSupport.objects.create(council=idea.council, idea=idea, user=actor)
    except IntegrityError as error:
        raise AlreadyDoneError(_("You already support this idea.")) from error
    Idea.objects.filter(pk=idea.pk).update(support_count=F("support_count") + 1)
    idea.refresh_from_db(fields=["support_count", "threshold_reached_at"])
    threshold = idea.engagement.support_threshold
    if threshold and idea.support_count >= threshold and idea.threshold_reached_at is None:
        idea.threshold_reached_at = timezone.now()
        idea.save(update_fields=["threshold_reached_at"])
    return idea


@transaction.atomic
def comment_add(*, idea: Idea, actor, body: str, parent: Comment | None = None) -> Comment:
    _require_allowed(actor, idea.engagement, Action.COMMENT)
    body = body.strip()
    if not body:
        raise EngageError(_("Write your comment."))
    if idea.state != ContentState.PUBLISHED:
        raise EngageError(_("You can only comment on published ideas."))
    if parent is not None and parent.idea_id != idea.pk:
        raise EngageError(_("You can only reply to a comment on the same idea."))
    _rate_limit(actor, idea.engagement)
    state, reason = _screen(idea.engagement, body)
    comment = Comment(
        council=idea.council,
        idea=idea,
        parent=parent,
        author=actor,
        body=body,
        state=state,
        state_reason=reason,
    )
    comment.full_clean()
    comment.save()
    return comment


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _idea_followers(idea: Idea) -> list:
    from pocketcouncil.accounts.models import User

    ids = {idea.author_id} if idea.author_id else set()
    ids |= set(IdeaSupport.objects.filter(idea=idea).values_list("user_id", flat=True))
    ids |= set(
        Comment.objects.filter(idea=idea, author__isnull=False).values_list("author_id", flat=True)
    )
    return list(User.objects.filter(pk__in=ids, is_active=True))


@transaction.atomic
def idea_respond(*, idea: Idea, actor, response: str, text: str) -> Idea:
    """The council's official response. Everyone who wrote, supported or commented is told."""
    permissions.require(actor, "engage.manage", idea)
    if response not in Response.values or response == Response.NONE:
        raise EngageError(_("Choose a response."))
    text = text.strip()
    if response == Response.REJECTED and not text:
        raise EngageError(_("Say why the idea is not being taken forward."))
    if response == idea.response and text == idea.response_text:
        return idea
    idea.response, idea.response_text, idea.responded_at = response, text, timezone.now()
    idea.save(update_fields=["response", "response_text", "responded_at"])
    engagement = idea.engagement
    notify.notification_enqueue(
        council=idea.council,
        event="topic_news",
        recipients=_idea_followers(idea),
        context=notify.in_every_language(
            lambda: {
                "council_name": idea.council.name,
                "title": _("Response to the idea: %(title)s") % {"title": idea.title},
                "note": f"{Response(response).label}. {text}".strip(),
                "url": engagement_url(engagement) + f"ideas/{idea.pk}/",
            }
        ),
        # The same response told twice is one message; a changed response is news again.
        idempotency_key=f"engage-idea-{idea.pk}-{response}-{_digest(text)}",
        reason=_("You took part in this idea"),
    )
    return idea


# --- Participatory budgets ---


def _check_ballot(engagement: Engagement, project_ids) -> list[BudgetProject]:
    ids = set(project_ids)
    projects = list(BudgetProject.objects.filter(engagement=engagement, pk__in=ids))
    if len(projects) != len(ids):
        raise BallotInvalidError(_("Choose projects from this budget only."))
    if not projects:
        raise BallotInvalidError(_("Choose at least one project."))
    total = sum(p.cost_pence for p in projects)
    if engagement.budget_rule == BudgetRule.KNAPSACK:
        if total > engagement.budget_total_pence:
            raise BallotInvalidError(
                _("Your choices cost £%(total)s, more than the budget of £%(budget)s.")
                % {"total": _pounds(total), "budget": _pounds(engagement.budget_total_pence)}
            )
        if total < engagement.budget_min_spend_pence:
            raise BallotInvalidError(
                _("Your choices cost £%(total)s. Choose projects worth at least £%(min)s.")
                % {"total": _pounds(total), "min": _pounds(engagement.budget_min_spend_pence)}
            )
    elif engagement.budget_rule == BudgetRule.APPROVAL:
        if engagement.budget_max_choices and len(projects) > engagement.budget_max_choices:
            raise BallotInvalidError(
                _("Choose up to %(n)s projects.") % {"n": engagement.budget_max_choices}
            )
    else:
        raise BallotInvalidError(_("This engagement has no budget vote."))
    return projects


def _pounds(pence: int) -> str:
    return f"{pence / 100:,.2f}".removesuffix(".00")


@transaction.atomic
def ballot_cast(*, engagement: Engagement, actor, project_ids) -> Ballot:
    _require_allowed(actor, engagement, Action.BUDGET_VOTE)
    projects = _check_ballot(engagement, project_ids)
    if Ballot.objects.filter(engagement=engagement, user=actor).exists():
        raise AlreadyDoneError(_("You have already voted in this budget."))
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(
                council=engagement.council,
                engagement=engagement,
                user=actor,
                total_pence=sum(p.cost_pence for p in projects),
            )
    except IntegrityError as error:
        raise AlreadyDoneError(_("You have already voted in this budget.")) from error
    ballot.projects.set(projects)
    return ballot


@transaction.atomic
def ballot_paper_enter(*, engagement: Engagement, actor, project_ids, reference: str) -> Ballot:
    """A paper ballot, entered by staff with the number written on it (so none is entered twice)."""
    permissions.require(actor, "engage.manage", engagement)
    reference = reference.strip()
    if not reference:
        raise BallotInvalidError(_("Enter the number on the paper ballot."))
    if engagement.results_published_at:
        raise BallotInvalidError(_("The results are published: no more ballots can be added."))
    projects = _check_ballot(engagement, project_ids)
    if Ballot.objects.filter(engagement=engagement, paper_reference=reference).exists():
        raise AlreadyDoneError(_("Paper ballot %(ref)s is already entered.") % {"ref": reference})
    ballot = Ballot.objects.create(
        council=engagement.council,
        engagement=engagement,
        is_paper=True,
        paper_reference=reference,
        entered_by=actor,
        total_pence=sum(p.cost_pence for p in projects),
    )
    ballot.projects.set(projects)
    return ballot


# --- Deliberation (pol.is style) ---


@transaction.atomic
def statement_submit(*, engagement: Engagement, actor, text: str) -> Statement:
    _require_allowed(actor, engagement, Action.STATEMENT_PROPOSE)
    text = " ".join(text.split())
    if not text:
        raise EngageError(_("Write your statement."))
    if len(text) > 200:
        raise EngageError(_("Keep your statement to 200 characters or fewer."))
    _rate_limit(actor, engagement)
    state, reason = _screen(engagement, text)
    return Statement.objects.create(
        council=engagement.council,
        engagement=engagement,
        author=actor,
        text=text,
        state=state,
        state_reason=reason,
    )


@transaction.atomic
def statement_vote(*, statement: Statement, actor, value: int) -> StatementVote:
    """Agree (1), pass (0) or disagree (-1); voting again changes the vote."""
    engagement = statement.engagement
    _require_allowed(actor, engagement, Action.STATEMENT_VOTE)
    if value not in (-1, 0, 1):
        raise EngageError(_("Choose agree, disagree or pass."))
    if statement.state != ContentState.PUBLISHED:
        raise EngageError(_("You can only vote on published statements."))
    vote, _created = StatementVote.objects.update_or_create(
        statement=statement, user=actor, defaults={"council": statement.council, "value": value}
    )
    opinion_request(engagement=engagement)
    return vote


def opinion_request(*, engagement: Engagement) -> None:
    """Ask for the opinion groups to be recomputed, at most once per debounce interval.

    The first vote after a computation enqueues one task to run after the interval; votes
    arriving meanwhile see the request pending and add nothing.
    """
    from pocketcouncil.engage import tasks

    now = timezone.now()
    analysis, _created = OpinionAnalysis.objects.get_or_create(
        engagement=engagement, defaults={"council": engagement.council}
    )
    pending = analysis.requested_at and (
        analysis.computed_at is None or analysis.requested_at > analysis.computed_at
    )
    if pending:
        return
    OpinionAnalysis.objects.filter(pk=analysis.pk).update(requested_at=now)
    tasks.schedule_opinion(engagement.pk)


def opinion_recompute(*, engagement: Engagement) -> OpinionAnalysis:
    """Compute the opinion groups from every vote on published statements, and store them."""
    from pocketcouncil.engage import opinion

    started = timezone.now()
    rows = list(
        StatementVote.objects.filter(
            statement__engagement=engagement, statement__state=ContentState.PUBLISHED
        ).values_list("user_id", "statement_id", "value")
    )
    if rows:
        who, what, value = zip(*rows, strict=True)
    else:
        who, what, value = (), (), ()
    result = opinion.compute(
        participant_ids=list(who),
        statement_ids=list(what),
        values=list(value),
        min_votes=settings.ENGAGE_OPINION_MIN_VOTES,
    )
    stored = {
        "groups": [
            {"number": g.number, "size": len(g.participants), "representative": g.representative}
            for g in result.groups
        ],
        "consensus": result.consensus,
        "silhouette": result.silhouette,
        "statement_count": result.statement_count,
    }
    with transaction.atomic():
        analysis, _created = OpinionAnalysis.objects.select_for_update().get_or_create(
            engagement=engagement, defaults={"council": engagement.council}
        )
        analysis.computed_at = started
        analysis.participant_count = result.participant_count
        analysis.result = stored
        analysis.save(update_fields=["computed_at", "participant_count", "result"])
    return analysis


# --- Moderation ---

_CONTENT = {ContentKind.IDEA: Idea, ContentKind.COMMENT: Comment, ContentKind.STATEMENT: Statement}


def content_get(*, council, kind: str, content_id: int):
    """An idea, comment or statement of this council (``DoesNotExist`` otherwise)."""
    if kind not in _CONTENT:
        raise EngageError(_("Unknown kind of content."))
    return _CONTENT[kind].objects.get(council=council, pk=content_id)


def _engagement_of(content) -> Engagement:
    return content.idea.engagement if isinstance(content, Comment) else content.engagement


def _kind_of(content) -> str:
    return next(kind for kind, model in _CONTENT.items() if isinstance(content, model))


@transaction.atomic
def content_report(*, content, actor, reason: str) -> AbuseReport:
    """A resident tells moderators something is abusive. Post-moderated content stays visible
    until a moderator decides; the report goes to the queue."""
    if not getattr(actor, "is_authenticated", False):
        raise NotAllowedError(_("Sign in to report something."), step_up_to=1)
    reason = reason.strip()
    if not reason:
        raise EngageError(_("Say what is wrong with it."))
    kind = _kind_of(content)
    try:
        with transaction.atomic():
            return AbuseReport.objects.create(
                council=content.council,
                engagement=_engagement_of(content),
                content_kind=kind,
                content_id=content.pk,
                reporter=actor,
                reason=reason[:500],
            )
    except IntegrityError as error:
        raise AlreadyDoneError(_("You have already reported this.")) from error


@transaction.atomic
def content_moderate(*, content, actor, publish: bool, reason: str = ""):
    """Publish, or hide with a reason that is shown in its place. Resolves its reports."""
    permissions.require(actor, "engage.moderate", content)
    reason = reason.strip()
    if not publish and not reason:
        raise EngageError(_("Say why it is hidden: the reason is shown in its place."))
    content.state = ContentState.PUBLISHED if publish else ContentState.HIDDEN
    content.state_reason = "" if publish else reason[:300]
    content.save(update_fields=["state", "state_reason"])
    AbuseReport.objects.filter(
        council=content.council, content_kind=_kind_of(content), content_id=content.pk
    ).filter(resolved_at__isnull=True).update(resolved_at=timezone.now(), resolved_by=actor)
    if isinstance(content, Statement):
        opinion_request(engagement=content.engagement)
    return content


@transaction.atomic
def account_block(*, council, user, actor, reason: str) -> BlockedAccount:
    """Stop an account taking part in this council's engagements (reading is still allowed)."""
    permissions.require(actor, "engage.moderate", council)
    reason = reason.strip()
    if not reason:
        raise EngageError(_("Say why the account is blocked."))
    if user.pk == actor.pk:
        raise EngageError(_("You cannot block yourself."))
    block, _created = BlockedAccount.objects.update_or_create(
        council=council, user=user, defaults={"reason": reason[:300], "blocked_by": actor}
    )
    return block


@transaction.atomic
def account_unblock(*, council, user, actor) -> int:
    permissions.require(actor, "engage.moderate", council)
    deleted, _ = BlockedAccount.objects.filter(council=council, user=user).delete()
    return deleted


@transaction.atomic
def blocked_word_add(*, council, actor, word: str) -> BlockedWord:
    permissions.require(actor, "engage.moderate", council)
    word = word.strip().lower()
    if not word or len(word) > 60:
        raise EngageError(_("Enter a word or phrase of up to 60 characters."))
    blocked, _created = BlockedWord.objects.get_or_create(council=council, word=word)
    return blocked


# --- Closing the loop ---


def participants_of(engagement: Engagement) -> list:
    """Everyone with an account who took part in any way."""
    from pocketcouncil.accounts.models import User

    ids = set()
    ids |= set(
        PollVote.objects.filter(poll__engagement=engagement, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    ideas = Idea.objects.filter(engagement=engagement)
    ids |= set(ideas.filter(author__isnull=False).values_list("author_id", flat=True))
    ids |= set(
        IdeaSupport.objects.filter(idea__engagement=engagement).values_list("user_id", flat=True)
    )
    ids |= set(
        Comment.objects.filter(idea__engagement=engagement, author__isnull=False).values_list(
            "author_id", flat=True
        )
    )
    ids |= set(
        Ballot.objects.filter(engagement=engagement, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    ids |= set(
        Statement.objects.filter(engagement=engagement, author__isnull=False).values_list(
            "author_id", flat=True
        )
    )
    ids |= set(
        StatementVote.objects.filter(statement__engagement=engagement).values_list(
            "user_id", flat=True
        )
    )
    ids |= set(
        SurveyResponse.objects.filter(
            survey__engagement=engagement,
            state=SurveyResponseState.SUBMITTED,
            user__isnull=False,
        ).values_list("user_id", flat=True)
    )
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


@transaction.atomic
def results_publish(
    *, engagement: Engagement, actor, we_asked: str, you_said: str, we_did: str
) -> Engagement:
    """Publish "We asked, you said, we did" and tell everyone who took part.

    Publishing again (a corrected decision) tells them again.
    """
    permissions.require(actor, "engage.manage", engagement)
    we_asked, you_said, we_did = we_asked.strip(), you_said.strip(), we_did.strip()
    if not (we_asked and you_said and we_did):
        raise EngageError(_("Fill in what we asked, what people said and what the council did."))
    engagement.we_asked, engagement.you_said, engagement.we_did = we_asked, you_said, we_did
    engagement.results_published_at = timezone.now()
    engagement.save(
        update_fields=["we_asked", "you_said", "we_did", "results_published_at", "updated_at"]
    )
    participants = participants_of(engagement)
    context = notify.in_every_language(
        lambda: {
            "council_name": engagement.council.name,
            "title": _("Results: %(title)s") % {"title": engagement.title},
            "note": we_did,
            "url": engagement_url(engagement) + "results/",
        }
    )
    # A corrected decision is news again; the same one published twice is not.
    key = f"engage-{engagement.pk}-results-{_digest(we_asked + you_said + we_did)}"
    notify.notification_enqueue(
        council=engagement.council,
        event="topic_news",
        recipients=participants,
        context=context,
        idempotency_key=key,
        reason=_("You took part in this consultation"),
    )
    # Followers of consultations who did not take part hear too (participants once only).
    notify.fan_out_for_subject(
        council=engagement.council,
        subject_kind="topic",
        subject_key="consultations",
        event="topic_news",
        context=context,
        idempotency_key=f"{key}-followers",
        exclude_user_ids=[u.pk for u in participants],
    )
    return engagement


# --- Surveys ---


@transaction.atomic
def survey_set(*, engagement: Engagement, actor, introduction: str = "") -> Survey:
    """Give the engagement a survey (or change its introduction)."""
    permissions.require(actor, "engage.manage", engagement)
    survey, _created = Survey.objects.update_or_create(
        engagement=engagement,
        defaults={"council": engagement.council, "introduction": introduction.strip()},
    )
    return survey


def survey_editable(survey: Survey, now=None) -> str:
    """Why the survey's questions cannot change now, or "" if they can.

    Questions change only while nobody can answer yet: while the engagement is a draft or
    before its survey phase opens, and never once answers have been sent (they would no longer
    match the questions).
    """
    now = now or timezone.now()
    engagement = survey.engagement
    phase = engagement.phases.filter(kind=PhaseKind.SURVEY).first()
    sent = survey.responses.filter(state=SurveyResponseState.SUBMITTED).count()
    if sent:
        return _(
            "%(n)s responses have been sent, so the questions cannot be changed: the answers "
            "would no longer match them."
        ) % {"n": sent}
    if engagement.is_published and phase is not None and phase.starts_at <= now:
        return _(
            "The survey opened on %(when)s, so its questions cannot be changed: everyone must "
            "answer the same questions."
        ) % {"when": rules._local(phase.starts_at)}
    return ""


def _require_editable(survey: Survey) -> None:
    reason = survey_editable(survey)
    if reason:
        raise SurveyLockedError(reason)


def _clean_lines(values) -> list[str]:
    return [" ".join(str(v).split()) for v in values if str(v).strip()]


def _question_spec(survey: Survey, question: SurveyQuestion | None, spec: dict) -> dict:
    """Check a question's settings; returns the model field values."""
    kind = spec.get("kind")
    if kind not in QuestionKind.values:
        raise EngageError(_("Choose a type of question."))
    text = " ".join((spec.get("text") or "").split())
    if not text:
        raise EngageError(_("Enter the question."))
    if len(text) > 300:
        raise EngageError(_("Keep the question to 300 characters or fewer."))
    values = {
        "kind": kind,
        "text": text,
        "hint": (spec.get("hint") or "").strip()[:500],
        "required": bool(spec.get("required", True)),
        "options": [],
        "rows": [],
        "max_choices": 0,
        "scale_max": 5,
        "scale_min_label": "",
        "scale_max_label": "",
        "number_min": None,
        "number_max": None,
        "file_types": [],
        "file_max_mb": 5,
        "condition_question": None,
        "condition_value": "",
    }
    if kind in KINDS_WITH_OPTIONS:
        options = _clean_lines(spec.get("options") or [])
        if len(options) < 2 or len(set(options)) != len(options):
            raise EngageError(_("Give at least two different answers to choose from."))
        if any(len(o) > 120 for o in options):
            raise EngageError(_("Keep each answer to 120 characters or fewer."))
        values["options"] = options
    if kind == QuestionKind.MULTIPLE_CHOICE:
        max_choices = int(spec.get("max_choices") or 0)
        if not 0 <= max_choices <= len(values["options"]):
            raise EngageError(_("The most answers to choose must be no more than the answers."))
        values["max_choices"] = max_choices
    if kind == QuestionKind.RANKING and len(values["options"]) > 10:
        raise EngageError(_("Give up to 10 things to put in order."))
    if kind == QuestionKind.MATRIX:
        rows = _clean_lines(spec.get("rows") or [])
        if not rows or len(set(rows)) != len(rows):
            raise EngageError(_("Give at least one row, each different."))
        values["rows"] = rows
    if kind == QuestionKind.SCALE:
        scale_max = int(spec.get("scale_max") or 5)
        if scale_max not in (5, 10):
            raise EngageError(_("A scale goes from 1 to 5 or from 1 to 10."))
        values["scale_max"] = scale_max
        values["scale_min_label"] = (spec.get("scale_min_label") or "").strip()[:60]
        values["scale_max_label"] = (spec.get("scale_max_label") or "").strip()[:60]
    if kind == QuestionKind.NUMBER:
        low, high = spec.get("number_min"), spec.get("number_max")
        low = None if low in (None, "") else Decimal(str(low))
        high = None if high in (None, "") else Decimal(str(high))
        if low is not None and high is not None and low > high:
            raise EngageError(_("The smallest number must not be more than the largest."))
        values["number_min"], values["number_max"] = low, high
    if kind == QuestionKind.FILE:
        types = [t for t in (spec.get("file_types") or []) if t in FILE_TYPES]
        if not types:
            raise EngageError(_("Choose at least one type of file."))
        max_mb = int(spec.get("file_max_mb") or 5)
        if not 1 <= max_mb <= 20:
            raise EngageError(_("The largest file must be from 1 to 20MB."))
        values["file_types"], values["file_max_mb"] = types, max_mb
    condition = spec.get("condition_question")
    if condition is not None:
        value = (spec.get("condition_value") or "").strip()
        if condition.survey_id != survey.pk:
            raise EngageError(_("Choose a question from this survey."))
        position = question.position if question else None
        if question is not None and (condition.pk == question.pk or condition.position >= position):
            raise EngageError(_("A question can only depend on a question before it."))
        if condition.kind == QuestionKind.SCALE:
            allowed = [str(n) for n in range(1, condition.scale_max + 1)]
        elif condition.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            allowed = condition.options
        else:
            raise EngageError(_("A question can only depend on a choice or scale question."))
        if value not in allowed:
            raise EngageError(
                _("Choose an answer of ‘%(q)s’ that shows this question.") % {"q": condition.text}
            )
        values["condition_question"], values["condition_value"] = condition, value
    return values


@transaction.atomic
def survey_question_add(*, survey: Survey, actor, **spec) -> SurveyQuestion:
    """Add a question at the end. ``spec``: kind, text, hint, required, options, rows,
    max_choices, scale_max, scale_min_label, scale_max_label, number_min, number_max,
    file_types, file_max_mb, condition_question, condition_value."""
    permissions.require(actor, "engage.manage", survey)
    _require_editable(survey)
    values = _question_spec(survey, None, spec)
    last = survey.questions.order_by("-position").values_list("position", flat=True).first()
    question = SurveyQuestion(
        council=survey.council, survey=survey, position=(last or 0) + 1, **values
    )
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def survey_question_change(*, question: SurveyQuestion, actor, **spec) -> SurveyQuestion:
    permissions.require(actor, "engage.manage", question)
    _require_editable(question.survey)
    values = _question_spec(question.survey, question, spec)
    dependants = list(question.dependants.all())
    for dependant in dependants:
        still = surveys._matches(
            values["options"] or [str(n) for n in range(1, values["scale_max"] + 1)],
            dependant.condition_value,
        )
        if (
            values["kind"]
            not in (
                QuestionKind.SINGLE_CHOICE,
                QuestionKind.MULTIPLE_CHOICE,
                QuestionKind.SCALE,
            )
            or not still
        ):
            raise EngageError(
                _("‘%(q)s’ is shown only when this question's answer is ‘%(v)s’. Change it first.")
                % {"q": dependant.text, "v": dependant.condition_value}
            )
    for field, value in values.items():
        setattr(question, field, value)
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def survey_question_move(*, question: SurveyQuestion, actor, up: bool) -> SurveyQuestion:
    """Swap a question with the one before (``up``) or after it."""
    permissions.require(actor, "engage.manage", question)
    _require_editable(question.survey)
    siblings = list(question.survey.questions.order_by("position", "pk"))
    index = next(i for i, q in enumerate(siblings) if q.pk == question.pk)
    other_index = index - 1 if up else index + 1
    if not 0 <= other_index < len(siblings):
        return question
    other = siblings[other_index]
    first, second = (other, question) if up else (question, other)
    if second.condition_question_id == first.pk:
        raise EngageError(
            _("‘%(q)s’ depends on the question before it, so it must stay after it.")
            % {"q": second.text}
        )
    # Number every question afresh so positions are distinct, then swap the two.
    siblings[index], siblings[other_index] = siblings[other_index], siblings[index]
    for position, item in enumerate(siblings, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])
    question.refresh_from_db(fields=["position"])
    return question


@transaction.atomic
def survey_question_remove(*, question: SurveyQuestion, actor) -> None:
    permissions.require(actor, "engage.manage", question)
    _require_editable(question.survey)
    dependant = question.dependants.first()
    if dependant is not None:
        raise EngageError(
            _("‘%(q)s’ depends on this question. Remove it or change its condition first.")
            % {"q": dependant.text}
        )
    question.delete()


def _draft_for(survey: Survey, actor) -> SurveyResponse:
    response = SurveyResponse.objects.select_for_update().filter(survey=survey, user=actor).first()
    if response is None:
        try:
            with transaction.atomic():
                response = SurveyResponse.objects.create(
                    council=survey.council, survey=survey, user=actor
                )
        except IntegrityError:
            response = SurveyResponse.objects.select_for_update().get(survey=survey, user=actor)
    if response.state == SurveyResponseState.SUBMITTED:
        raise AlreadyDoneError(_("You have already sent your answers to this survey."))
    return response


def _file_store(response: SurveyResponse, question: SurveyQuestion, upload) -> dict:
    SurveyFile.objects.filter(response=response, question=question).delete()
    token = secrets.token_hex(16)
    record = SurveyFile(
        council=response.council,
        response=response,
        question=question,
        token=token,
        extension=upload.extension,
        size=upload.size,
    )
    upload.file.seek(0)
    record.file.save(f"{token}.{upload.extension}", upload.file, save=False)
    record.save()
    return {"file": token, "type": upload.extension, "size": upload.size}


@transaction.atomic
def survey_answer_save(
    *, survey: Survey, actor, question: SurveyQuestion, value, upload=None
) -> SurveyResponse:
    """Save one answer to the person's draft (made on the first answer). ``value`` is an answer
    already read by ``surveys.parse``; None means the (optional) question was left blank."""
    _require_allowed(actor, survey.engagement, Action.SURVEY_RESPOND)
    if question.survey_id != survey.pk:
        raise SurveyAnswerError(_("That question is not in this survey."))
    if not surveys.value_valid(question, value):
        raise SurveyAnswerError(_("Answer the question as asked."), question=question)
    response = _draft_for(survey, actor)
    key = str(question.pk)
    if upload is not None:
        value = _file_store(response, question, upload)
    if value is None:
        # Kept as "seen, left blank", so coming back resumes after it; dropped when sent.
        SurveyFile.objects.filter(response=response, question=question).delete()
    response.answers[key] = value
    response.save(update_fields=["answers", "updated_at"])
    return response


def _check_answers(questions, answers: dict, *, required: bool) -> dict:
    """The answers to the questions shown, each still valid; raises for the first problem."""
    shown = surveys.visible_questions(questions, answers)
    kept = {}
    for question in shown:
        value = answers.get(str(question.pk))
        if value is None:
            if required and question.required:
                raise SurveyAnswerError(
                    _("Answer ‘%(q)s’ before sending.") % {"q": question.text}, question=question
                )
            continue
        if not surveys.value_valid(question, value):
            raise SurveyAnswerError(
                _("Check your answer to ‘%(q)s’: the question has changed.") % {"q": question.text},
                question=question,
            )
        kept[str(question.pk)] = value
    return kept


@transaction.atomic
def survey_submit(*, survey: Survey, actor) -> SurveyResponse:
    """Send the person's draft. Answers to questions no longer shown are dropped; the ward of
    their checked home address and their assurance level now are kept with the response."""
    _require_allowed(actor, survey.engagement, Action.SURVEY_RESPOND)
    response = _draft_for(survey, actor)
    questions = list(survey.questions.all())
    kept = _check_answers(questions, response.answers, required=True)
    if not kept:
        raise SurveyAnswerError(_("Answer at least one question before sending."))
    SurveyFile.objects.filter(response=response).exclude(
        question_id__in=[int(k) for k in kept]
    ).delete()
    ward = accounts.home_ward(actor, survey.council)
    response.answers = kept
    response.state = SurveyResponseState.SUBMITTED
    response.submitted_at = timezone.now()
    response.ward, response.ward_name = ward, getattr(ward, "name", "")
    response.level = accounts.level_for(actor)
    response.save()
    for hook in SURVEY_SUBMITTED_HOOKS:
        hook(response)
    return response


@transaction.atomic
def survey_paper_enter(
    *, survey: Survey, actor, reference: str, answers: dict, uploads=None, ward=None
) -> SurveyResponse:
    """A paper response, entered by staff with the number written on it (so none is entered
    twice). It counts alongside online ones. Questions left blank on paper stay blank, even if
    required online; answers to questions the paper's own answers hide are dropped."""
    permissions.require(actor, "engage.manage", survey)
    reference = reference.strip()
    if not reference:
        raise EngageError(_("Enter the number on the paper response."))
    if survey.engagement.results_published_at:
        raise EngageError(_("The results are published: no more responses can be added."))
    if ward is not None and (ward.council_id != survey.council_id or ward.kind != "ward"):
        raise EngageError(_("Choose a ward this council serves."))
    if SurveyResponse.objects.filter(survey=survey, paper_reference=reference).exists():
        raise AlreadyDoneError(_("Paper response %(ref)s is already entered.") % {"ref": reference})
    questions = list(survey.questions.all())
    answers = {k: v for k, v in answers.items() if v is not None}
    uploads = uploads or {}
    for key in uploads:
        answers[key] = {"type": uploads[key].extension, "size": uploads[key].size}
    kept = _check_answers(questions, answers, required=False)
    if not kept:
        raise SurveyAnswerError(_("Enter at least one answer from the paper response."))
    response = SurveyResponse.objects.create(
        council=survey.council,
        survey=survey,
        state=SurveyResponseState.SUBMITTED,
        answers=kept,
        is_paper=True,
        paper_reference=reference,
        entered_by=actor,
        ward=ward,
        ward_name=getattr(ward, "name", ""),
        submitted_at=timezone.now(),
    )
    by_pk = {str(q.pk): q for q in questions}
    for key, upload in uploads.items():
        if key in kept:
            response.answers[key] = _file_store(response, by_pk[key], upload)
    response.save(update_fields=["answers"])
    return response
