"""Pages for residents: thin. Parse, ask rules/actions/queries, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pocketcouncil.accounts import stepup
from pocketcouncil.engage import actions, forms, queries, rules, surveys
from pocketcouncil.engage.models import (
    Action,
    Comment,
    ContentKind,
    Engagement,
    Idea,
    PollOption,
    Statement,
)


def _engagement(council: str, slug: str) -> Engagement:
    try:
        return queries.engagement_get(council_slug=council, slug=slug)
    except Engagement.DoesNotExist as error:
        raise Http404 from error


def _url(engagement: Engagement, suffix: str = "") -> str:
    return reverse("engage:engagement", args=[engagement.council.slug, engagement.slug]) + suffix


def _gate(request, engagement: Engagement, action: str):
    """None to carry on; else a response: step up (keeping what was typed) or a plain refusal."""
    decision = rules.decide(request.user, engagement, action)
    if decision.allowed:
        # Gives back what the person sent before a step-up (see _posted).
        return stepup.check(request, 0, "")
    if decision.step_up_to is not None:
        return stepup.check(request, decision.step_up_to, decision.reason)
    messages.error(request, decision.reason)
    return redirect(_url(engagement))


def _posted(request):
    """What was sent: the POST, or after a step-up the POST kept from before it. A plain GET of
    an address that only takes a POST gets None (the view sends the person to the page)."""
    restored = stepup.restored_data(request)
    if restored is not None:
        return restored
    return request.POST if request.method == "POST" else None


def index(request):
    found = queries.engagement_list_public()
    return render(request, "engage/index.html", found)


def engagement_page(request, council: str, slug: str):
    engagement = _engagement(council, slug)
    user = request.user
    poll = getattr(engagement, "poll", None)
    context = {
        "engagement": engagement,
        "page_council": engagement.council,
        "phases": list(engagement.phases.all()),
        "phase_now": queries.phase_now(engagement),
        "decisions": {a: rules.decide(user, engagement, a) for a in Action.values},
        "poll": poll,
        "ideas": queries.ideas_for(engagement, viewer=user)
        if rules.phase_for(engagement, Action.IDEA_PROPOSE)
        else [],
        "statements": queries.statements_for(engagement, viewer=user)
        if rules.phase_for(engagement, Action.STATEMENT_VOTE)
        else [],
        "opinion": queries.opinion_for(engagement),
    }
    if poll is not None:
        context["poll_form"] = forms.PollForm(poll=poll)
        context["poll_answer"] = queries.poll_answer_of(poll, user)
        if queries.poll_results_visible(poll, user=user):
            context["poll_results"] = queries.poll_results(poll)
    if engagement.budget_rule:
        context["ballot"] = queries.ballot_of(engagement, user)
    if rules.phase_for(engagement, Action.STATEMENT_PROPOSE):
        context["statement_form"] = forms.StatementForm()
    survey = queries.survey_of(engagement)
    if survey is not None and rules.phase_for(engagement, Action.SURVEY_RESPOND):
        context["survey"] = survey
        context["survey_response"] = queries.survey_response_of(survey, user)
    return render(request, "engage/engagement.html", context)


def poll_vote(request, council: str, slug: str):
    engagement = _engagement(council, slug)
    poll = getattr(engagement, "poll", None)
    if poll is None:
        raise Http404
    if (response := _gate(request, engagement, Action.POLL_VOTE)) is not None:
        return response
    if (data := _posted(request)) is None:
        return redirect(_url(engagement, "#poll"))
    form = forms.PollForm(data, poll=poll)
    if form.is_valid():
        option = PollOption.objects.get(poll=poll, pk=form.cleaned_data["option"])
        try:
            actions.poll_vote(poll=poll, option=option, actor=request.user)
            messages.success(request, _("Thank you. Your answer has been counted."))
        except actions.EngageError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Choose an answer"))
    return redirect(_url(engagement, "#poll"))


def idea_new(request, council: str, slug: str):
    engagement = _engagement(council, slug)
    if (response := _gate(request, engagement, Action.IDEA_PROPOSE)) is not None:
        return response
    data = _posted(request)
    form = forms.IdeaForm(data)
    if data is not None and form.is_valid():
        point = form.cleaned_data["postcode"]
        try:
            idea = actions.idea_submit(
                engagement=engagement,
                actor=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                latitude=point.latitude if point else None,
                longitude=point.longitude if point else None,
            )
        except actions.EngageError as error:
            form.add_error(None, error.message)
        else:
            if idea.state == "published":
                messages.success(request, _("Your idea is published."))
            else:
                messages.success(
                    request,
                    _("Thank you. A moderator will check your idea before it is shown. %(why)s")
                    % {"why": idea.state_reason},
                )
            return redirect(_url(engagement, f"ideas/{idea.pk}/"))
    return render(
        request,
        "engage/idea_form.html",
        {"engagement": engagement, "form": form, "page_council": engagement.council},
    )


def _idea(engagement, pk, user) -> Idea:
    try:
        return queries.idea_get(engagement=engagement, pk=pk, viewer=user)
    except Idea.DoesNotExist as error:
        raise Http404 from error


def idea_page(request, council: str, slug: str, pk: int):
    engagement = _engagement(council, slug)
    idea = _idea(engagement, pk, request.user)
    return render(
        request,
        "engage/idea_detail.html",
        {
            "engagement": engagement,
            "page_council": engagement.council,
            "idea": idea,
            "comments": queries.comments_for(idea, viewer=request.user),
            "comment_form": forms.CommentForm(),
            "can_support": rules.decide(request.user, engagement, Action.IDEA_SUPPORT).allowed,
            "can_comment": rules.decide(request.user, engagement, Action.COMMENT).allowed,
        },
    )


def idea_support(request, council: str, slug: str, pk: int):
    engagement = _engagement(council, slug)
    idea = _idea(engagement, pk, request.user)
    if (response := _gate(request, engagement, Action.IDEA_SUPPORT)) is not None:
        return response
    if _posted(request) is None:
        return redirect(_url(engagement, f"ideas/{idea.pk}/"))
    try:
        actions.idea_support(idea=idea, actor=request.user)
        messages.success(request, _("You support this idea."))
    except actions.EngageError as error:
        messages.error(request, error.message)
    return redirect(_url(engagement, f"ideas/{idea.pk}/"))


def comment_add(request, council: str, slug: str, pk: int):
    engagement = _engagement(council, slug)
    idea = _idea(engagement, pk, request.user)
    if (response := _gate(request, engagement, Action.COMMENT)) is not None:
        return response
    if (data := _posted(request)) is None:
        return redirect(_url(engagement, f"ideas/{idea.pk}/#comments"))
    form = forms.CommentForm(data)
    if form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = Comment.objects.filter(idea=idea, pk=form.cleaned_data["parent"]).first()
        try:
            comment = actions.comment_add(
                idea=idea, actor=request.user, body=form.cleaned_data["body"], parent=parent
            )
            if comment.state == "published":
                messages.success(request, _("Your comment is published."))
            else:
                messages.success(request, _("A moderator will check your comment first."))
        except actions.EngageError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Write your comment"))
    return redirect(_url(engagement, f"ideas/{idea.pk}/#comments"))


def report_content(request, council: str, slug: str, kind: str, pk: int):
    engagement = _engagement(council, slug)
    if kind not in ContentKind.values:
        raise Http404
    try:
        content = actions.content_get(council=engagement.council, kind=kind, content_id=pk)
    except ObjectDoesNotExist as error:
        raise Http404 from error
    if not request.user.is_authenticated:
        return stepup.check(request, 1, _("to report something to the moderators"))
    form = forms.ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.content_report(
                content=content, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except actions.EngageError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you. A moderator will look at it."))
            return redirect(_url(engagement))
    return render(
        request,
        "engage/report.html",
        {"engagement": engagement, "page_council": engagement.council, "form": form},
    )


def ballot(request, council: str, slug: str):
    engagement = _engagement(council, slug)
    if not engagement.budget_rule:
        raise Http404
    if (response := _gate(request, engagement, Action.BUDGET_VOTE)) is not None:
        return response
    existing = queries.ballot_of(engagement, request.user)
    data = _posted(request)
    form = forms.BallotForm(data, engagement=engagement)
    if data is not None and existing is None and form.is_valid():
        try:
            actions.ballot_cast(
                engagement=engagement,
                actor=request.user,
                project_ids=form.cleaned_data["projects"],
            )
        except actions.EngageError as error:
            form.add_error("projects", error.message)
        else:
            messages.success(request, _("Thank you. Your vote has been counted."))
            return redirect(_url(engagement))
    return render(
        request,
        "engage/ballot.html",
        {
            "engagement": engagement,
            "page_council": engagement.council,
            "form": form,
            "existing": existing,
            "budget_pounds": engagement.budget_total_pence / 100,
            "min_pounds": engagement.budget_min_spend_pence / 100,
        },
    )


def statement_add(request, council: str, slug: str):
    engagement = _engagement(council, slug)
    if (response := _gate(request, engagement, Action.STATEMENT_PROPOSE)) is not None:
        return response
    if (data := _posted(request)) is None:
        return redirect(_url(engagement, "#statements"))
    form = forms.StatementForm(data)
    if form.is_valid():
        try:
            statement = actions.statement_submit(
                engagement=engagement, actor=request.user, text=form.cleaned_data["text"]
            )
            if statement.state == "published":
                messages.success(request, _("Your statement is added."))
            else:
                messages.success(request, _("A moderator will check your statement first."))
        except actions.EngageError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
    return redirect(_url(engagement, "#statements"))


def statement_vote(request, council: str, slug: str, pk: int):
    engagement = _engagement(council, slug)
    statement = Statement.objects.filter(engagement=engagement, pk=pk).first()
    if statement is None:
        raise Http404
    if (response := _gate(request, engagement, Action.STATEMENT_VOTE)) is not None:
        return response
    if (data := _posted(request)) is None:
        return redirect(_url(engagement, "#statements"))
    values = {"agree": 1, "disagree": -1, "pass": 0}
    if data.get("vote") not in values:
        messages.error(request, _("Choose agree, disagree or pass."))
    else:
        try:
            actions.statement_vote(
                statement=statement, actor=request.user, value=values[data["vote"]]
            )
        except actions.EngageError as error:
            messages.error(request, error.message)
    return redirect(_url(engagement, f"#statement-{statement.pk}"))


def results(request, council: str, slug: str):
    engagement = _engagement(council, slug)
    if engagement.results_published_at is None:
        raise Http404
    poll = getattr(engagement, "poll", None)
    survey = queries.survey_of(engagement)
    return render(
        request,
        "engage/results.html",
        {
            "engagement": engagement,
            "page_council": engagement.council,
            "poll": poll,
            "poll_results": queries.poll_results(poll) if poll else None,
            "budget": queries.budget_results(engagement) if engagement.budget_rule else None,
            "opinion": queries.opinion_for(engagement),
            "ideas": [i for i in queries.ideas_for(engagement) if i.state == "published"],
            "survey_results": queries.survey_results_open_data(survey) if survey else None,
        },
    )


def results_json(request, council: str, slug: str):
    """Open data: the aggregate results and responses (no personal data), once published."""
    engagement = _engagement(council, slug)
    if engagement.results_published_at is None:
        raise Http404
    data = queries.results_for_export(engagement)
    data["we_asked"], data["you_said"], data["we_did"] = (
        engagement.we_asked,
        engagement.you_said,
        engagement.we_did,
    )
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


# --- Surveys: one question a page, save as you go, check your answers, send ---


def _survey(engagement: Engagement):
    survey = queries.survey_of(engagement)
    if survey is None or not rules.phase_for(engagement, Action.SURVEY_RESPOND):
        raise Http404
    return survey


def _draft_answers(survey, user) -> tuple[object, dict]:
    response = queries.survey_response_of(survey, user)
    return response, (response.answers if response is not None else {})


def _next_question(questions, answers: dict, after=None):
    """The first question shown (after ``after``, if given) that has no answer yet."""
    shown = surveys.visible_questions(questions, answers)
    if after is not None:
        ids = [q.pk for q in shown]
        shown = shown[ids.index(after.pk) + 1 :] if after.pk in ids else shown
    return next((q for q in shown if str(q.pk) not in answers), None)


def _survey_url(engagement: Engagement, suffix: str = "") -> str:
    return _url(engagement, "survey/" + suffix)


def survey_start(request, council: str, slug: str):
    engagement = _engagement(council, slug)
    survey = _survey(engagement)
    questions = queries.survey_questions(survey)
    response, answers = _draft_answers(survey, request.user)
    decision = rules.decide(request.user, engagement, Action.SURVEY_RESPOND)
    next_question = _next_question(questions, answers) if questions else None
    return render(
        request,
        "engage/survey/start.html",
        {
            "engagement": engagement,
            "page_council": engagement.council,
            "survey": survey,
            "question_count": len(questions),
            "first": questions[0] if questions else None,
            "response": response,
            "next_question": next_question,
            "decision": decision,
            "closes_at": rules.phase_for(engagement, Action.SURVEY_RESPOND).ends_at,
        },
    )


def survey_question(request, council: str, slug: str, pk: int):
    engagement = _engagement(council, slug)
    survey = _survey(engagement)
    questions = queries.survey_questions(survey)
    question = next((q for q in questions if q.pk == pk), None)
    if question is None:
        raise Http404
    if (response := _gate(request, engagement, Action.SURVEY_RESPOND)) is not None:
        return response
    draft, answers = _draft_answers(survey, request.user)
    if draft is not None and draft.state == "submitted":
        messages.info(request, _("You have already sent your answers. Thank you."))
        return redirect(_survey_url(engagement))
    shown = surveys.visible_questions(questions, answers)
    if question not in shown:
        following = _next_question(questions, answers)
        return redirect(
            _survey_url(engagement, f"questions/{following.pk}/" if following else "check/")
        )
    changing = request.GET.get("change") == "1"
    error = None
    data = _posted(request)
    values = surveys.form_values(question, answers.get(str(question.pk)))
    if data is not None:
        try:
            value, upload = surveys.parse(
                question, data, request.FILES, existing=answers.get(str(question.pk))
            )
            actions.survey_answer_save(
                survey=survey, actor=request.user, question=question, value=value, upload=upload
            )
        except surveys.AnswerInvalidError as invalid:
            error = invalid
            values = surveys.posted_values(question, data)
        except actions.EngageError as refused:
            messages.error(request, refused.message)
            return redirect(_survey_url(engagement))
        else:
            if "later" in data:
                messages.success(
                    request,
                    _(
                        "Your answers are saved. Come back to this page to carry on; you can "
                        "send them until the survey closes."
                    ),
                )
                return redirect(_survey_url(engagement))
            answers = queries.survey_response_of(survey, request.user).answers
            following = _next_question(questions, answers, after=None if changing else question)
            return redirect(
                _survey_url(engagement, f"questions/{following.pk}/" if following else "check/")
            )
    index = shown.index(question)
    previous = shown[index - 1] if index > 0 else None
    return render(
        request,
        "engage/survey/question.html",
        {
            "engagement": engagement,
            "page_council": engagement.council,
            "survey": survey,
            "question": question,
            "number": index + 1,
            "error": error,
            "field": surveys.field_context(question, values, error=error),
            "has_file": question.kind == "file" and bool(answers.get(str(question.pk))),
            "back_url": _survey_url(engagement, f"questions/{previous.pk}/")
            if previous
            else _survey_url(engagement),
            "changing": changing,
        },
    )


def survey_check(request, council: str, slug: str):
    engagement = _engagement(council, slug)
    survey = _survey(engagement)
    if (response := _gate(request, engagement, Action.SURVEY_RESPOND)) is not None:
        return response
    draft, answers = _draft_answers(survey, request.user)
    if draft is None:
        return redirect(_survey_url(engagement))
    if draft.state == "submitted":
        return redirect(_survey_url(engagement, "sent/"))
    questions = queries.survey_questions(survey)
    error = None
    if _posted(request) is not None:
        try:
            actions.survey_submit(survey=survey, actor=request.user)
        except actions.SurveyAnswerError as problem:
            error = problem
        except actions.EngageError as refused:
            messages.error(request, refused.message)
            return redirect(_survey_url(engagement))
        else:
            return redirect(_survey_url(engagement, "sent/"))
    rows = [
        {
            "question": q,
            "answer": surveys.answer_text(q, answers.get(str(q.pk))),
            "change_url": _survey_url(engagement, f"questions/{q.pk}/?change=1"),
        }
        for q in surveys.visible_questions(questions, answers)
    ]
    return render(
        request,
        "engage/survey/check.html",
        {
            "engagement": engagement,
            "page_council": engagement.council,
            "survey": survey,
            "rows": rows,
            "error": error,
        },
    )


def survey_sent(request, council: str, slug: str):
    engagement = _engagement(council, slug)
    survey = _survey(engagement)
    response = queries.survey_response_of(survey, request.user)
    if response is None or response.state != "submitted":
        return redirect(_survey_url(engagement))
    return render(
        request,
        "engage/survey/sent.html",
        {"engagement": engagement, "page_council": engagement.council, "response": response},
    )
