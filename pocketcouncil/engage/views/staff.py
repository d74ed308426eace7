"""Staff pages under /staff/<council>/engage/: moderation, responses, paper entries, results."""

from __future__ import annotations

import copy
import csv
import json

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pocketcouncil.accounts import permissions
from pocketcouncil.accounts import queries as accounts
from pocketcouncil.accounts.permissions import staff_required
from pocketcouncil.core.files import private_file_response
from pocketcouncil.councils import queries as councils
from pocketcouncil.councils.models import Council
from pocketcouncil.engage import actions, forms, queries, surveys
from pocketcouncil.engage.models import ContentKind, Engagement, Idea, PollOption, SurveyQuestion


def _council(request, slug: str, action: str) -> Council:
    try:
        council = councils.council_get(slug)
    except Council.DoesNotExist as error:
        raise Http404 from error
    permissions.require(request.user, action, council)
    return council


def _engagement(council: Council, slug: str) -> Engagement:
    try:
        return queries.engagement_get(council_slug=council.slug, slug=slug, published_only=False)
    except Engagement.DoesNotExist as error:
        raise Http404 from error


def _home(council, slug=None):
    if slug:
        return reverse("engage:staff-engagement", args=[council.slug, slug])
    return reverse("engage:staff-index", args=[council.slug])


@staff_required
def index(request, slug: str):
    council = _council(request, slug, "staff.view")
    can_manage = permissions.has_perm(request.user, "engage.manage", council)
    can_moderate = permissions.has_perm(request.user, "engage.moderate", council)
    if not (can_manage or can_moderate):
        permissions.require(request.user, "engage.moderate", council)
    queue = queries.moderation_queue(council=council) if can_moderate else None
    return render(
        request,
        "engage/staff/index.html",
        {
            "council": council,
            "engagements": queries.engagement_list_for_staff(council=council),
            "queue_size": sum(len(v) for v in queue.values()) if queue else 0,
            "awaiting": queries.ideas_awaiting_response(council=council) if can_manage else [],
            "can_manage": can_manage,
            "can_moderate": can_moderate,
        },
    )


@staff_required
def moderation(request, slug: str):
    council = _council(request, slug, "engage.moderate")
    return render(
        request,
        "engage/staff/moderation.html",
        {
            "council": council,
            "queue": queries.moderation_queue(council=council),
            "form": forms.ModerateForm(),
            "block_form": forms.BlockForm(),
            "word_form": forms.WordForm(),
        },
    )


@require_POST
@staff_required
def moderate(request, slug: str, kind: str, pk: int):
    council = _council(request, slug, "engage.moderate")
    if kind not in ContentKind.values:
        raise Http404
    try:
        content = actions.content_get(council=council, kind=kind, content_id=pk)
    except ObjectDoesNotExist as error:
        raise Http404 from error
    form = forms.ModerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose publish or hide."))
    else:
        try:
            actions.content_moderate(
                content=content,
                actor=request.user,
                publish=form.cleaned_data["decision"] == "publish",
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Done."))
        except actions.EngageError as error:
            messages.error(request, error.message)
    return redirect(reverse("engage:staff-moderation", args=[council.slug]))


@require_POST
@staff_required
def block(request, slug: str):
    council = _council(request, slug, "engage.moderate")
    form = forms.BlockForm(request.POST)
    user = accounts.user_find_by_email(request.POST.get("email", "")) if form.is_valid() else None
    if user is None:
        messages.error(request, _("Enter the email address of an account and a reason."))
    else:
        try:
            actions.account_block(
                council=council, user=user, actor=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("The account is blocked from taking part here."))
        except actions.EngageError as error:
            messages.error(request, error.message)
    return redirect(reverse("engage:staff-moderation", args=[council.slug]))


@require_POST
@staff_required
def word_add(request, slug: str):
    council = _council(request, slug, "engage.moderate")
    form = forms.WordForm(request.POST)
    if form.is_valid():
        try:
            actions.blocked_word_add(
                council=council, actor=request.user, word=form.cleaned_data["word"]
            )
            messages.success(request, _("Added to the word list."))
        except actions.EngageError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Enter a word or phrase."))
    return redirect(reverse("engage:staff-moderation", args=[council.slug]))


@staff_required
def engagement_page(request, slug: str, engagement_slug: str):
    council = _council(request, slug, "engage.manage")
    engagement = _engagement(council, engagement_slug)
    poll = getattr(engagement, "poll", None)
    return render(
        request,
        "engage/staff/engagement.html",
        {
            "council": council,
            "engagement": engagement,
            "ideas": list(Idea.objects.filter(engagement=engagement)),
            "response_form": forms.ResponseForm(),
            "poll": poll,
            "poll_results": queries.poll_results(poll) if poll else None,
            "paper_poll_form": forms.PaperPollForm(poll=poll) if poll else None,
            "budget": queries.budget_results(engagement) if engagement.budget_rule else None,
            "paper_form": forms.PaperBallotForm(engagement=engagement)
            if engagement.budget_rule
            else None,
            "results_form": forms.ResultsForm(
                initial={
                    "we_asked": engagement.we_asked or engagement.purpose,
                    "you_said": engagement.you_said,
                    "we_did": engagement.we_did,
                }
            ),
            "opinion": queries.opinion_for(engagement),
            "participants": len(actions.participants_of(engagement)),
            "phase_form": forms.PhaseForm(),
            "rule_form": forms.RuleForm(council=council),
            "poll_create_form": forms.PollCreateForm() if poll is None else None,
            "project_form": forms.ProjectForm() if engagement.budget_rule else None,
            "projects": list(engagement.projects.all()) if engagement.budget_rule else [],
            "survey": queries.survey_of(engagement),
            "taking_part": queries.participation_by_area_and_level(engagement),
        },
    )


def _back(council, engagement):
    return redirect(_home(council, engagement.slug))


@require_POST
@staff_required
def idea_respond(request, slug: str, engagement_slug: str, pk: int):
    council = _council(request, slug, "engage.manage")
    engagement = _engagement(council, engagement_slug)
    idea = Idea.objects.filter(engagement=engagement, pk=pk).first()
    if idea is None:
        raise Http404
    form = forms.ResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a response."))
    else:
        try:
            actions.idea_respond(
                idea=idea,
                actor=request.user,
                response=form.cleaned_data["response"],
                text=form.cleaned_data["text"],
            )
            messages.success(request, _("Response saved. Everyone who took part will be told."))
        except actions.EngageError as error:
            messages.error(request, error.message)
    return _back(council, engagement)


@require_POST
@staff_required
def paper_ballot(request, slug: str, engagement_slug: str):
    council = _council(request, slug, "engage.manage")
    engagement = _engagement(council, engagement_slug)
    form = forms.PaperBallotForm(request.POST, engagement=engagement)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
    else:
        try:
            actions.ballot_paper_enter(
                engagement=engagement,
                actor=request.user,
                project_ids=form.cleaned_data["projects"],
                reference=form.cleaned_data["reference"],
            )
            messages.success(request, _("Paper ballot entered."))
        except actions.EngageError as error:
            messages.error(request, error.message)
    return _back(council, engagement)


@require_POST
@staff_required
def paper_poll(request, slug: str, engagement_slug: str):
    council = _council(request, slug, "engage.manage")
    engagement = _engagement(council, engagement_slug)
    poll = getattr(engagement, "poll", None)
    if poll is None:
        raise Http404
    form = forms.PaperPollForm(request.POST, poll=poll)
    if not form.is_valid():
        messages.error(request, _("Choose an answer and a number from 1 to 10,000."))
    else:
        option = PollOption.objects.get(poll=poll, pk=form.cleaned_data["option"])
        actions.poll_paper_votes_add(
            poll=poll, option=option, count=form.cleaned_data["count"], actor=request.user
        )
        messages.success(request, _("Paper answers added."))
    return _back(council, engagement)


@require_POST
@staff_required
def results_publish(request, slug: str, engagement_slug: str):
    council = _council(request, slug, "engage.manage")
    engagement = _engagement(council, engagement_slug)
    form = forms.ResultsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Fill in what we asked, what people said and what we did."))
    else:
        try:
            actions.results_publish(engagement=engagement, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Results published. Everyone who took part is being told."))
        except actions.EngageError as error:
            messages.error(request, error.message)
    return _back(council, engagement)


@staff_required
def export(request, slug: str, engagement_slug: str, fmt: str):
    """Every response without personal data: JSON (everything) or CSV (one row per response)."""
    if fmt not in ("json", "csv"):
        raise Http404
    council = _council(request, slug, "engage.manage")
    engagement = _engagement(council, engagement_slug)
    data = queries.results_for_export(engagement)
    name = f"{council.slug}-{engagement.slug}"
    if fmt == "json":
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(["kind", "id", "text", "count_or_supports", "detail"])
    for row in (data.get("poll") or {}).get("answers", []):
        writer.writerow(["poll_answer", "", row["label"], row["count"], ""])
    for idea in data["ideas"]:
        writer.writerow(
            [
                "idea",
                idea["id"],
                f"{idea['title']}: {idea['body']}",
                idea["supports"],
                idea["response"],
            ]
        )
    for project in (data.get("budget") or {}).get("projects", []):
        writer.writerow(
            [
                "budget_project",
                "",
                project["title"],
                project["votes"],
                "funded" if project["funded"] else "",
            ]
        )
    for s in data["statements"]:
        writer.writerow(
            [
                "statement",
                s["id"],
                s["text"],
                s["agree"],
                f"disagree {s['disagree']}, pass {s['pass']}",
            ]
        )
    return response


# --- Setting up ---


@staff_required
def engagement_new(request, slug: str):
    council = _council(request, slug, "engage.manage")
    data = request.POST if request.method == "POST" else None
    form = forms.EngagementForm(data, council=council)
    if data is not None and form.is_valid():
        try:
            engagement = actions.engagement_create(
                council=council, actor=request.user, **form.action_kwargs()
            )
        except actions.EngageError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Engagement created. Add its stages and dates, then publish it.")
            )
            return redirect(_home(council, engagement.slug))
    return render(request, "engage/staff/new.html", {"council": council, "form": form})


@staff_required
def engagement_edit(request, slug: str, engagement_slug: str):
    council = _council(request, slug, "engage.manage")
    engagement = _engagement(council, engagement_slug)
    data = request.POST if request.method == "POST" else None
    form = forms.EngagementEditForm(data, council=council, engagement=engagement)
    if data is not None and form.is_valid():
        try:
            actions.engagement_update(
                engagement=engagement, actor=request.user, **form.action_kwargs()
            )
        except actions.EngageError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Engagement saved."))
            return redirect(_home(council, engagement.slug))
    return render(
        request,
        "engage/staff/edit.html",
        {"council": council, "engagement": engagement, "form": form},
    )


def _setup_post(request, slug, engagement_slug, form_class, do, done: str, *, form_kwargs):
    """Shared shape of the small set-up forms on an engagement's staff page."""
    council = _council(request, slug, "engage.manage")
    engagement = _engagement(council, engagement_slug)
    form = form_class(request.POST, **form_kwargs(council, engagement))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        try:
            do(engagement, form)
            messages.success(request, done)
        except actions.EngageError as error:
            messages.error(request, error.message)
    return redirect(_home(council, engagement.slug) + "#set-up")


@require_POST
@staff_required
def phase_add(request, slug: str, engagement_slug: str):
    def do(engagement, form):
        starts, ends = form.times()
        actions.phase_set(
            engagement=engagement,
            actor=request.user,
            kind=form.cleaned_data["kind"],
            starts_at=starts,
            ends_at=ends,
        )

    return _setup_post(
        request,
        slug,
        engagement_slug,
        forms.PhaseForm,
        do,
        _("Stage saved."),
        form_kwargs=lambda c, e: {},
    )


@require_POST
@staff_required
def rule_add(request, slug: str, engagement_slug: str):
    def do(engagement, form):
        actions.rule_set(
            engagement=engagement,
            actor=request.user,
            action=form.cleaned_data["action"],
            min_level=form.cleaned_data["min_level"],
            area=form.cleaned_data["area"],
        )

    return _setup_post(
        request,
        slug,
        engagement_slug,
        forms.RuleForm,
        do,
        _("Rule saved."),
        form_kwargs=lambda c, e: {"council": c},
    )


@require_POST
@staff_required
def poll_add(request, slug: str, engagement_slug: str):
    def do(engagement, form):
        if hasattr(engagement, "poll"):
            raise actions.EngageError(_("This engagement already has a poll."))
        actions.poll_create(
            engagement=engagement,
            actor=request.user,
            question=form.cleaned_data["question"],
            options=form.cleaned_data["options"].splitlines(),
            show_results=form.cleaned_data["show_results"],
        )

    return _setup_post(
        request,
        slug,
        engagement_slug,
        forms.PollCreateForm,
        do,
        _("Poll added."),
        form_kwargs=lambda c, e: {},
    )


@require_POST
@staff_required
def project_add(request, slug: str, engagement_slug: str):
    def do(engagement, form):
        actions.budget_project_add(
            engagement=engagement,
            actor=request.user,
            title=form.cleaned_data["title"],
            cost_pence=int(round(form.cleaned_data["cost"] * 100)),
            description=form.cleaned_data["description"],
        )

    return _setup_post(
        request,
        slug,
        engagement_slug,
        forms.ProjectForm,
        do,
        _("Project added."),
        form_kwargs=lambda c, e: {},
    )


@require_POST
@staff_required
def publish(request, slug: str, engagement_slug: str):
    council = _council(request, slug, "engage.manage")
    engagement = _engagement(council, engagement_slug)
    try:
        actions.engagement_publish(engagement=engagement, actor=request.user)
        messages.success(request, _("Published: residents can now see it."))
    except actions.EngageError as error:
        messages.error(request, error.message)
    return redirect(_home(council, engagement.slug))


# --- Surveys ---


def _survey_or_404(engagement):
    survey = queries.survey_of(engagement)
    if survey is None:
        raise Http404
    return survey


def _survey_home(council, engagement) -> str:
    return reverse("engage:staff-survey", args=[council.slug, engagement.slug])


@staff_required
def survey_page(request, slug: str, engagement_slug: str):
    """Build the survey: introduction and questions (add, change, move, remove)."""
    council = _council(request, slug, "engage.manage")
    engagement = _engagement(council, engagement_slug)
    survey = queries.survey_of(engagement)
    if request.method == "POST":
        form = forms.SurveyForm(request.POST)
        if form.is_valid():
            actions.survey_set(
                engagement=engagement,
                actor=request.user,
                introduction=form.cleaned_data["introduction"],
            )
            messages.success(request, _("Survey saved."))
            return redirect(_survey_home(council, engagement))
    else:
        form = forms.SurveyForm(initial={"introduction": survey.introduction if survey else ""})
    questions = queries.survey_questions(survey) if survey else []
    return render(
        request,
        "engage/staff/survey.html",
        {
            "council": council,
            "engagement": engagement,
            "survey": survey,
            "form": form,
            "questions": questions,
            "locked": actions.survey_editable(survey) if survey else "",
            "has_phase": any(p.kind == "survey" for p in engagement.phases.all()),
        },
    )


@staff_required
def survey_question_edit(request, slug: str, engagement_slug: str, pk: int | None = None):
    council = _council(request, slug, "engage.manage")
    engagement = _engagement(council, engagement_slug)
    survey = _survey_or_404(engagement)
    question = None
    if pk is not None:
        question = SurveyQuestion.objects.filter(survey=survey, pk=pk).first()
        if question is None:
            raise Http404
    data = request.POST if request.method == "POST" else None
    form = forms.SurveyQuestionForm(data, survey=survey, question=question)
    if data is not None and form.is_valid():
        try:
            if question is None:
                actions.survey_question_add(survey=survey, actor=request.user, **form.spec())
            else:
                actions.survey_question_change(question=question, actor=request.user, **form.spec())
        except actions.EngageError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Question saved."))
            return redirect(_survey_home(council, engagement))
    return render(
        request,
        "engage/staff/survey_question.html",
        {"council": council, "engagement": engagement, "form": form, "question": question},
    )


@require_POST
@staff_required
def survey_question_move(request, slug: str, engagement_slug: str, pk: int):
    council = _council(request, slug, "engage.manage")
    engagement = _engagement(council, engagement_slug)
    survey = _survey_or_404(engagement)
    question = SurveyQuestion.objects.filter(survey=survey, pk=pk).first()
    if question is None:
        raise Http404
    action = request.POST.get("do")
    try:
        if action == "remove":
            actions.survey_question_remove(question=question, actor=request.user)
            messages.success(request, _("Question removed."))
        elif action in ("up", "down"):
            actions.survey_question_move(question=question, actor=request.user, up=action == "up")
            messages.success(request, _("Question moved."))
        else:
            messages.error(request, _("Choose move up, move down or remove."))
    except actions.EngageError as error:
        messages.error(request, error.message)
    return redirect(_survey_home(council, engagement))


@staff_required
def survey_paper(request, slug: str, engagement_slug: str):
    """Enter a paper response: every question on one page; blanks stay blank."""
    council = _council(request, slug, "engage.manage")
    engagement = _engagement(council, engagement_slug)
    survey = _survey_or_404(engagement)
    questions = queries.survey_questions(survey)
    data = request.POST if request.method == "POST" else None
    form = forms.PaperSurveyForm(data, council=council)
    errors: dict[int, surveys.AnswerInvalidError] = {}
    values: dict = {}
    if data is not None:
        answers, uploads = {}, {}
        for question in questions:
            prefix = f"q{question.pk}-"
            values.update(surveys.posted_values(question, data, prefix=prefix))
            optional = _optional(question)
            try:
                value, upload = surveys.parse(
                    optional, data, request.FILES, prefix=prefix, partial_grid=True
                )
            except surveys.AnswerInvalidError as error:
                errors[question.pk] = error
                continue
            if upload is not None:
                uploads[str(question.pk)] = upload
            elif value is not None:
                answers[str(question.pk)] = value
        if form.is_valid() and not errors:
            try:
                actions.survey_paper_enter(
                    survey=survey,
                    actor=request.user,
                    reference=form.cleaned_data["reference"],
                    ward=form.cleaned_data["ward"],
                    answers=answers,
                    uploads=uploads,
                )
            except actions.EngageError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Paper response entered."))
                return redirect(reverse("engage:staff-survey-paper", args=[slug, engagement_slug]))
    fields = [
        {
            "question": q,
            "field": surveys.field_context(q, values, prefix=f"q{q.pk}-", error=errors.get(q.pk)),
        }
        for q in questions
    ]
    return render(
        request,
        "engage/staff/survey_paper.html",
        {
            "council": council,
            "engagement": engagement,
            "survey": survey,
            "form": form,
            "fields": fields,
            "answer_errors": list(errors.values()),
            "entered": queries.survey_results(survey, with_text=False)["paper"],
        },
    )


def _optional(question: SurveyQuestion) -> SurveyQuestion:
    """The question as an optional one: a blank on paper is recorded as no answer."""
    optional = copy.copy(question)
    optional.required = False
    return optional


@staff_required
def survey_results(request, slug: str, engagement_slug: str):
    council = _council(request, slug, "engage.manage")
    engagement = _engagement(council, engagement_slug)
    survey = _survey_or_404(engagement)
    results = queries.survey_results(survey)
    files = queries.survey_files(survey)
    for summary in results["questions"]:
        summary["file_list"] = [f for f in files if f.question_id == summary["id"]]
    return render(
        request,
        "engage/staff/survey_results.html",
        {
            "council": council,
            "engagement": engagement,
            "survey": survey,
            "results": results,
        },
    )


FILE_CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


@staff_required
def survey_file(request, slug: str, engagement_slug: str, token: str):
    """A file a resident attached, for staff who run the engagement (always a download)."""
    council = _council(request, slug, "engage.manage")
    engagement = _engagement(council, engagement_slug)
    survey = _survey_or_404(engagement)
    try:
        stored = queries.survey_file_get(survey, token)
    except ObjectDoesNotExist as error:
        raise Http404 from error
    return private_file_response(
        stored.file,
        content_type=FILE_CONTENT_TYPES[stored.extension],
        filename=f"{engagement.slug}-{stored.token[:8]}.{stored.extension}",
    )


@staff_required
def survey_export(request, slug: str, engagement_slug: str, fmt: str):
    """Every sent survey response without personal data: one CSV row or JSON object each."""
    if fmt not in ("json", "csv"):
        raise Http404
    council = _council(request, slug, "engage.manage")
    engagement = _engagement(council, engagement_slug)
    survey = _survey_or_404(engagement)
    data = queries.survey_responses_for_export(survey)
    name = f"{council.slug}-{engagement.slug}-survey"
    if fmt == "json":
        for row in data["responses"]:
            row.pop("answers_text")
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    questions = data["questions"]
    writer.writerow(
        ["response", "channel", "sent_on", "ward", "level"]
        + [f"{q['position']}. {q['question']}" for q in questions]
    )
    for row in data["responses"]:
        writer.writerow(
            [row["response"], row["channel"], row["sent_on"], row["ward"], row["level"] or ""]
            + [_csv_safe(row["answers_text"][str(q["id"])]) for q in questions]
        )
    return response


def _csv_safe(text: str) -> str:
    """Stop a spreadsheet treating a resident's answer as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
