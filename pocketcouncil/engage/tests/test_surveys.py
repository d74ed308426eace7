"""Surveys through the front doors: building one, answering it page by page, paper responses,
who may answer when, results and exports."""

import json
import os
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st

from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.core.testing import hostile_settings
from pocketcouncil.engage import actions, queries, rules, surveys
from pocketcouncil.engage.models import (
    Action,
    PhaseKind,
    QuestionKind,
    SurveyFile,
    SurveyResponse,
)
from pocketcouncil.engage.tests.conftest import AFTER, BEFORE, NOW

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a tiny test file\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def sign_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # noqa: F811 (the pytest-django fixture, not hypothesis's)
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def build(demo, staff, now):
    """build(rules=..., council=...) -> (engagement, survey, questions by short name): a survey
    with every type of question, made while a draft, then published with its phase open."""
    counter = iter(range(1, 1000))

    def make(rules=None, council="oxford", publish=True):
        admin = staff("council-admin", council)
        engagement = actions.engagement_create(
            council=demo[council],
            actor=admin,
            slug=f"survey-{next(counter)}",
            title="Parks survey",
            purpose="How do you use the parks?",
            decision="The parks plan.",
        )
        survey = actions.survey_set(
            engagement=engagement, actor=admin, introduction="Ten questions"
        )
        add = lambda **spec: actions.survey_question_add(survey=survey, actor=admin, **spec)  # noqa: E731
        q = {}
        q["visit"] = add(
            kind=QuestionKind.SINGLE_CHOICE, text="Do you visit a park?", options=["Yes", "No"]
        )
        q["why_not"] = add(
            kind=QuestionKind.LONG_TEXT,
            text="Why not?",
            condition_question=q["visit"],
            condition_value="No",
        )
        q["name"] = add(kind=QuestionKind.SHORT_TEXT, text="Which park?", required=False)
        q["uses"] = add(
            kind=QuestionKind.MULTIPLE_CHOICE,
            text="What do you do there?",
            options=["Walk", "Play", "Sport", "Picnic"],
            max_choices=3,
        )
        q["sport"] = add(
            kind=QuestionKind.SHORT_TEXT,
            text="Which sport?",
            condition_question=q["uses"],
            condition_value="Sport",
        )
        q["rank"] = add(
            kind=QuestionKind.RANKING,
            text="Put these in order",
            options=["Toilets", "Cafe", "Lighting"],
        )
        q["rating"] = add(
            kind=QuestionKind.SCALE,
            text="How good are the parks?",
            scale_max=10,
            scale_min_label="Very poor",
            scale_max_label="Very good",
        )
        q["visits"] = add(
            kind=QuestionKind.NUMBER, text="Visits a month", number_min=1, number_max=10
        )
        q["when"] = add(kind=QuestionKind.DATE, text="When did you last go?")
        q["grid"] = add(
            kind=QuestionKind.MATRIX,
            text="How do you rate",
            options=["Good", "Poor"],
            rows=["Paths", "Bins"],
        )
        q["photo"] = add(
            kind=QuestionKind.FILE,
            text="A photo or plan",
            required=False,
            file_types=["pdf", "jpg", "png"],
            file_max_mb=5,
        )
        actions.phase_set(
            engagement=engagement,
            actor=admin,
            kind=PhaseKind.SURVEY,
            starts_at=NOW - timedelta(days=10),
            ends_at=NOW + timedelta(days=10),
        )
        for action, (level, area) in (rules or {}).items():
            actions.rule_set(
                engagement=engagement, actor=admin, action=action, min_level=level, area=area
            )
        if publish:
            actions.engagement_publish(engagement=engagement, actor=admin)
        return engagement, survey, q

    return make


def good_answers(q) -> dict:
    """A full, valid set of answers (as form data) for the survey ``build`` makes."""
    return {
        q["visit"]: {"answer": "Yes"},
        q["name"]: {"answer": "South Park"},
        q["uses"]: {"answer": ["Walk", "Sport"]},
        q["sport"]: {"answer": "Cricket"},
        q["rank"]: {"answer-0": "2", "answer-1": "3", "answer-2": "1"},
        q["rating"]: {"answer": "8"},
        q["visits"]: {"answer": "4"},
        q["when"]: {"answer-day": "3", "answer-month": "5", "answer-year": "2026"},
        q["grid"]: {"answer-0": "Good", "answer-1": "Poor"},
        q["photo"]: {},
    }


def form(data: dict) -> QueryDict:
    result = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list):
            result.setlist(key, value)
        else:
            result[key] = value
    return result


def answer_all(survey, q, user):
    for question, data in good_answers(q).items():
        value, upload = surveys.parse(question, form(data))
        actions.survey_answer_save(
            survey=survey, actor=user, question=question, value=value, upload=upload
        )


# --- Each type of question: good and bad input ---


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("visit", {"answer": "No"}, "No"),
        ("name", {"answer": "  South Park "}, "South Park"),
        ("name", {}, None),  # optional
        ("uses", {"answer": ["Sport", "Walk"]}, ["Walk", "Sport"]),  # kept in the order offered
        (
            "rank",
            {"answer-0": "3", "answer-1": "1", "answer-2": "2"},
            ["Cafe", "Lighting", "Toilets"],
        ),
        ("rating", {"answer": "10"}, 10),
        ("visits", {"answer": "10"}, 10),
        ("visits", {"answer": "2.5"}, 2.5),
        ("when", {"answer-day": "29", "answer-month": "2", "answer-year": "2028"}, "2028-02-29"),
        ("grid", {"answer-0": "Poor", "answer-1": "Poor"}, {"Paths": "Poor", "Bins": "Poor"}),
        ("photo", {}, None),
    ],
)
def test_good_answers_are_read(build, name, data, expected):
    _engagement, _survey, q = build()
    value, upload = surveys.parse(q[name], form(data))
    assert value == expected
    assert upload is None


@pytest.mark.parametrize(
    ("name", "data", "message", "anchor"),
    [
        ("visit", {}, "Select an answer", "answer"),
        ("visit", {"answer": "Maybe"}, "Select one of the answers", "answer"),
        ("why_not", {"answer": "x" * 5001}, "Answer must be 5,000 characters or fewer", "answer"),
        ("why_not", {"answer": "   "}, "Enter your answer", "answer"),
        ("name", {"answer": "x" * 201}, "Answer must be 200 characters or fewer", "answer"),
        ("uses", {}, "Select at least one answer", "answer"),
        ("uses", {"answer": ["Walk", "Play", "Sport", "Picnic"]}, "Choose up to 3", "answer"),
        ("uses", {"answer": ["Swim"]}, "Select from the answers shown", "answer"),
        ("rank", {}, "Rank every option from 1 to 3", "answer-0"),
        (
            "rank",
            {"answer-0": "1", "answer-1": "2"},
            "Give ‘Lighting’ a number from 1 to 3",
            "answer-2",
        ),
        (
            "rank",
            {"answer-0": "1", "answer-1": "1", "answer-2": "2"},
            "Use each number from 1 to 3 once: 1 is given more than once",
            "answer-0",
        ),
        (
            "rank",
            {"answer-0": "1", "answer-1": "2", "answer-2": "4"},
            "Rank every option from 1 to 3",
            "answer-2",
        ),
        ("rating", {}, "Select a number from 1 to 10", "answer"),
        ("rating", {"answer": "11"}, "Select a number from 1 to 10", "answer"),
        ("visits", {"answer": "eleven"}, "Enter a number between 1 and 10", "answer"),
        ("visits", {"answer": "11"}, "Enter a number between 1 and 10", "answer"),
        ("visits", {"answer": "0"}, "Enter a number between 1 and 10", "answer"),
        ("visits", {"answer": "NaN"}, "Enter a number between 1 and 10", "answer"),
        ("visits", {"answer": "2.555"}, "Enter a number with up to 2 decimal places", "answer"),
        ("when", {}, "Enter a date", "answer-day"),
        (
            "when",
            {"answer-day": "31", "answer-month": "2", "answer-year": "2026"},
            "Date must be a real date",
            "answer-day",
        ),
        (
            "when",
            {"answer-day": "3", "answer-year": "2026"},
            "Date must include a month",
            "answer-month",
        ),
        (
            "when",
            {"answer-day": "3", "answer-month": "5", "answer-year": "26"},
            "Year must include 4 numbers",
            "answer-year",
        ),
        (
            "when",
            {"answer-day": "x", "answer-month": "5", "answer-year": "2026"},
            "Date must be a real date",
            "answer-day",
        ),
        ("grid", {"answer-0": "Good"}, "Select an answer for ‘Bins’", "answer-1"),
        ("grid", {}, "Select an answer for ‘Paths’", "answer-0"),
        (
            "grid",
            {"answer-0": "Great", "answer-1": "Good"},
            "Select an answer for ‘Paths’",
            "answer-0",
        ),
    ],
)
def test_bad_answers_get_a_specific_message(build, name, data, message, anchor):
    _engagement, _survey, q = build()
    with pytest.raises(surveys.AnswerInvalidError) as raised:
        surveys.parse(q[name], form(data))
    assert raised.value.message == message
    assert raised.value.anchor == anchor


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"GIF89a" + b"\x00" * 20, "x.pdf", "The selected file must be a PDF, JPG or PNG"),
        (b"", "x.pdf", "The selected file is empty"),
        (
            PDF + b"\x00" * (5 * 1024 * 1024),
            "big.pdf",
            "The selected file must be smaller than 5MB",
        ),
    ],
)
def test_bad_files_are_refused(build, content, filename, message):
    _engagement, _survey, q = build()
    upload = SimpleUploadedFile(filename, content)
    with pytest.raises(surveys.AnswerInvalidError) as raised:
        surveys.parse(q["photo"], form({}), {"answer": upload})
    assert raised.value.message == message


def test_file_type_is_checked_by_content_not_name(build):
    _engagement, _survey, q = build()
    value, upload = surveys.parse(
        q["photo"], form({}), {"answer": SimpleUploadedFile("x.doc", PNG)}
    )
    assert value == {"type": "png", "size": len(PNG)} and upload.extension == "png"


def test_only_pdf_allowed_says_so(build, staff):
    _engagement, survey, q = build(publish=False)
    actions.survey_question_change(
        question=q["photo"],
        actor=staff("council-admin"),
        kind="file",
        text="Plan",
        file_types=["pdf"],
        file_max_mb=2,
    )
    q["photo"].refresh_from_db()
    with pytest.raises(surveys.AnswerInvalidError) as raised:
        surveys.parse(q["photo"], form({}), {"answer": SimpleUploadedFile("x.png", PNG)})
    assert raised.value.message == "The selected file must be a PDF"


# --- Conditional questions ---


def test_conditional_questions_follow_earlier_answers(build):
    _engagement, survey, q = build()
    questions = queries.survey_questions(survey)
    shown = surveys.visible_questions(questions, {})
    assert q["why_not"] not in shown and q["sport"] not in shown
    answers = {str(q["visit"].pk): "No", str(q["uses"].pk): ["Walk", "Sport"]}
    shown = surveys.visible_questions(questions, answers)
    assert q["why_not"] in shown and q["sport"] in shown


def test_answers_to_hidden_questions_are_dropped_when_sent(build, resident):
    _engagement, survey, q = build()
    amira = resident("amira.khan")
    answer_all(survey, q, amira)
    # Amira first said No and explained; then changed her mind to Yes.
    for question, data in [(q["visit"], {"answer": "No"}), (q["why_not"], {"answer": "Too far"})]:
        value, _upload = surveys.parse(question, form(data))
        actions.survey_answer_save(survey=survey, actor=amira, question=question, value=value)
    actions.survey_answer_save(survey=survey, actor=amira, question=q["visit"], value="Yes")
    response = actions.survey_submit(survey=survey, actor=amira)
    assert str(q["why_not"].pk) not in response.answers
    assert response.answers[str(q["sport"].pk)] == "Cricket"


# --- Save and continue, send once ---


def test_save_and_resume_then_send_once(client, build, resident):
    engagement, survey, q = build()
    base = f"/have-your-say/oxford/{engagement.slug}/survey/"
    sign_in(client, resident("tom.evans"))
    start = client.get(base)
    assert "Start now" in start.text
    first = client.post(f"{base}questions/{q['visit'].pk}/", {"answer": "Yes"})
    # "Why not?" is skipped: the next page is the optional park name.
    assert first["Location"] == f"{base}questions/{q['name'].pk}/"
    later = client.post(
        f"{base}questions/{q['name'].pk}/", {"answer": "Florence Park", "later": "1"}
    )
    assert later["Location"] == base
    draft = SurveyResponse.objects.get(survey=survey, user=resident("tom.evans"))
    assert draft.state == "draft" and draft.answers[str(q["name"].pk)] == "Florence Park"
    # Coming back resumes at the first question not yet seen.
    resumed = client.get(base)
    assert "Continue" in resumed.text
    assert f"questions/{q['uses'].pk}/" in resumed.text
    # A bad answer shows a GOV.UK error summary and keeps what was typed.
    bad = client.post(f"{base}questions/{q['visits'].pk}/", {"answer": "99"})
    assert bad.status_code == 200
    assert "govuk-error-summary" in bad.text and "Enter a number between 1 and 10" in bad.text
    assert 'value="99"' in bad.text and bad.text.count("<title>Error:") == 1
    for question, data in good_answers(q).items():
        if question in (q["visit"], q["name"]):
            continue
        client.post(f"{base}questions/{question.pk}/", data)
    check = client.get(f"{base}check/")
    assert "Check your answers before sending them" in check.text
    assert "Cricket" in check.text and "1. Lighting" in check.text and "3 May 2026" in check.text
    assert "Why not?" not in check.text
    sent = client.post(f"{base}check/", {"send": "1"})
    assert sent["Location"] == f"{base}sent/"
    assert "Answers sent" in client.get(f"{base}sent/").text
    draft.refresh_from_db()
    assert draft.state == "submitted" and draft.level == 1 and draft.ward is None
    # Once sent, answers cannot change and a second response is refused.
    again = client.post(f"{base}questions/{q['visit'].pk}/", {"answer": "No"})
    assert again["Location"] == base
    draft.refresh_from_db()
    assert draft.answers[str(q["visit"].pk)] == "Yes"
    with pytest.raises(actions.AlreadyDoneError):
        actions.survey_submit(survey=survey, actor=resident("tom.evans"))
    assert SurveyResponse.objects.filter(survey=survey).count() == 1


def test_required_question_must_be_answered_before_sending(client, build, resident):
    engagement, survey, q = build()
    base = f"/have-your-say/oxford/{engagement.slug}/survey/"
    sign_in(client, resident("tom.evans"))
    client.post(f"{base}questions/{q['visit'].pk}/", {"answer": "Yes"})
    response = client.post(f"{base}check/", {"send": "1"})
    assert response.status_code == 200
    assert "Answer ‘What do you do there?’ before sending." in response.text
    assert f"questions/{q['uses'].pk}/?change=1" in response.text


def test_a_draft_can_be_sent_until_the_phase_closes(build, resident, now):
    _engagement, survey, q = build()
    amira = resident("amira.khan")
    answer_all(survey, q, amira)
    now.move_to(AFTER)
    with pytest.raises(actions.NotAllowedError) as raised:
        actions.survey_submit(survey=survey, actor=amira)
    assert "closed on" in raised.value.message


def test_a_file_is_stored_and_exported_only_as_a_flag(client, build, resident, staff):
    engagement, survey, q = build()
    grace = resident("grace.okafor")
    answer_all(survey, q, grace)
    base = f"/have-your-say/oxford/{engagement.slug}/survey/"
    sign_in(client, grace)
    upload = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    response = client.post(f"{base}questions/{q['photo'].pk}/", {"answer": upload})
    assert response.status_code == 302
    stored = SurveyFile.objects.get(response__user=grace)
    assert stored.extension == "pdf" and stored.file.read() == PDF
    assert stored.file.name.startswith(f"engage/{engagement.council_id}/surveys/")
    client.post(f"{base}check/", {"send": "1"})
    sign_in_with_mfa(client, staff("council-admin"))
    export = client.get(f"/staff/oxford/engage/{engagement.slug}/survey/export.json").json()
    assert export["responses"][0]["answers"][str(q["photo"].pk)] == "file attached"
    assert stored.token not in json.dumps(export)
    # Staff who run the engagement can download it from the results page; nobody else can.
    results = client.get(f"/staff/oxford/engage/{engagement.slug}/survey/results/").text
    file_url = f"/staff/oxford/engage/{engagement.slug}/survey/files/{stored.token}/"
    assert file_url in results and "Download file 1 (PDF" in results
    download = client.get(file_url)
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == PDF
    assert client.get(file_url.replace(stored.token, "nope")).status_code == 404
    sign_in_with_mfa(client, staff("moderator"))
    assert client.get(file_url).status_code == 403
    sign_in(client, grace)
    assert client.get(file_url).status_code in (302, 403)


# --- Who may answer, when ---


@pytest.mark.parametrize(
    ("who", "when", "allowed"),
    [
        ("anonymous", NOW, False),
        ("tom.evans", NOW, False),  # level 1
        ("grace.okafor", NOW, False),  # level 2, lives in Carfax
        ("amira.khan", NOW, True),  # level 2, lives in Iffley Fields
        ("amira.khan", BEFORE, False),
        ("amira.khan", AFTER, False),
        ("moderator", NOW, False),  # a staff role grants nothing
    ],
)
def test_who_may_answer_by_level_area_and_phase(build, resident, staff, ward, who, when, allowed):
    _engagement, survey, q = build(rules={Action.SURVEY_RESPOND: (2, ward("Iffley Fields"))})
    users = {"anonymous": AnonymousUser(), "moderator": staff("moderator")}
    user = users.get(who) or resident(who)
    decision = rules.decide(user, survey.engagement, Action.SURVEY_RESPOND, now=when)
    assert decision.allowed is allowed
    with time_machine.travel(when, tick=False):
        if allowed:
            answer_all(survey, q, user)
            response = actions.survey_submit(survey=survey, actor=user)
            assert response.ward.name == "Iffley Fields" and response.level == 2
        else:
            with pytest.raises(actions.NotAllowedError):
                actions.survey_answer_save(
                    survey=survey, actor=user, question=q["visit"], value="Yes"
                )
    assert SurveyResponse.objects.filter(survey=survey).exists() is allowed


def test_level_one_is_enough_by_default_and_anonymous_is_asked_to_sign_in(client, build, resident):
    engagement, survey, q = build()
    url = f"/have-your-say/oxford/{engagement.slug}/survey/questions/{q['visit'].pk}/"
    response = client.post(url, {"answer": "Yes"})
    assert response.status_code == 302 and response["Location"].startswith("/more-needed/")
    assert not SurveyResponse.objects.filter(survey=survey).exists()
    assert rules.decide(resident("tom.evans"), engagement, Action.SURVEY_RESPOND).allowed


def test_unpublished_or_other_council_survey_is_not_found(client, build, resident):
    engagement, _survey, q = build(publish=False)
    sign_in(client, resident("tom.evans"))
    assert client.get(f"/have-your-say/oxford/{engagement.slug}/survey/").status_code == 404
    engagement.is_published = True
    engagement.save()
    assert client.get(f"/have-your-say/manchester/{engagement.slug}/survey/").status_code == 404


# --- Staff: building the survey ---


def test_questions_cannot_change_once_the_survey_opens(build, staff):
    _engagement, survey, q = build()
    admin = staff("council-admin")
    with pytest.raises(actions.SurveyLockedError) as raised:
        actions.survey_question_add(survey=survey, actor=admin, kind="short_text", text="More?")
    assert "opened on" in raised.value.message
    with pytest.raises(actions.SurveyLockedError):
        actions.survey_question_remove(question=q["name"], actor=admin)


def test_questions_cannot_change_after_a_paper_response(build, staff):
    _engagement, survey, q = build(publish=False)
    admin = staff("council-admin")
    actions.survey_paper_enter(
        survey=survey, actor=admin, reference="P1", answers={str(q["visit"].pk): "Yes"}
    )
    with pytest.raises(actions.SurveyLockedError) as raised:
        actions.survey_question_change(
            question=q["visit"],
            actor=admin,
            kind="single_choice",
            text="Visit?",
            options=["Yes", "No", "Sometimes"],
        )
    assert "1 responses have been sent" in raised.value.message


def test_question_settings_are_checked(build, staff):
    _engagement, survey, q = build(publish=False)
    admin = staff("council-admin")
    bad = [
        ({"kind": "single_choice", "text": "Pick", "options": ["Only one"]}, "at least two"),
        ({"kind": "matrix", "text": "Grid", "options": ["A", "B"], "rows": []}, "at least one row"),
        ({"kind": "scale", "text": "Rate", "scale_max": 7}, "1 to 5 or from 1 to 10"),
        ({"kind": "number", "text": "N", "number_min": 5, "number_max": 1}, "smallest number"),
        ({"kind": "file", "text": "F", "file_types": ["exe"]}, "type of file"),
        ({"kind": "short_text", "text": "  "}, "Enter the question"),
        (
            {
                "kind": "short_text",
                "text": "Why?",
                "condition_question": q["visit"],
                "condition_value": "Perhaps",
            },
            "that shows this question",
        ),
        (
            {
                "kind": "short_text",
                "text": "Why?",
                "condition_question": q["name"],
                "condition_value": "x",
            },
            "choice or scale",
        ),
    ]
    for spec, words in bad:
        with pytest.raises(actions.EngageError) as raised:
            actions.survey_question_add(survey=survey, actor=admin, **spec)
        assert words in raised.value.message


def test_move_and_remove_keep_conditions_working(build, staff):
    _engagement, survey, q = build(publish=False)
    admin = staff("council-admin")
    with pytest.raises(actions.EngageError):  # "Why not?" must stay after "Do you visit?"
        actions.survey_question_move(question=q["why_not"], actor=admin, up=True)
    with pytest.raises(actions.EngageError):
        actions.survey_question_remove(question=q["visit"], actor=admin)
    actions.survey_question_move(question=q["name"], actor=admin, up=True)
    order = [x.pk for x in queries.survey_questions(survey)]
    assert order[:3] == [q["visit"].pk, q["name"].pk, q["why_not"].pk]
    actions.survey_question_remove(question=q["why_not"], actor=admin)
    actions.survey_question_remove(question=q["visit"], actor=admin)
    assert q["name"].pk == queries.survey_questions(survey)[0].pk


def test_staff_build_a_survey_over_http(client, demo, staff, now):
    admin = staff("council-admin")
    engagement = actions.engagement_create(
        council=demo["oxford"], actor=admin, slug="bins", title="Bins", purpose="p", decision="d"
    )
    sign_in_with_mfa(client, admin)
    base = f"/staff/oxford/engage/{engagement.slug}/survey/"
    assert "Add a survey" in client.get(f"/staff/oxford/engage/{engagement.slug}/").text
    client.post(base, {"introduction": "About bins"})
    response = client.post(
        f"{base}questions/new/",
        {"kind": "single_choice", "text": "Bin day?", "required": "yes", "options": "Mon\nTue"},
    )
    assert response.status_code == 302
    bad = client.post(f"{base}questions/new/", {"kind": "scale", "text": "", "required": "yes"})
    assert bad.status_code == 200 and "govuk-error-summary" in bad.text
    page = client.get(base)
    assert "Bin day?" in page.text and "Add a question" in page.text
    assert client.get("/staff/manchester/engage/bins/survey/").status_code in (403, 404)
    # A moderator cannot build surveys.
    sign_in_with_mfa(client, staff("moderator"))
    assert client.get(base).status_code == 403


# --- Paper responses, results and exports ---


def test_paper_responses_count_alongside_and_once_each(build, staff, ward):
    _engagement, survey, q = build()
    admin = staff("council-admin")
    answers = {str(q["visit"].pk): "No", str(q["why_not"].pk): "Too far", str(q["rating"].pk): 3}
    response = actions.survey_paper_enter(
        survey=survey, actor=admin, reference="L-001", answers=answers, ward=ward("Carfax")
    )
    assert response.is_paper and response.entered_by == admin and response.user is None
    with pytest.raises(actions.AlreadyDoneError):
        actions.survey_paper_enter(survey=survey, actor=admin, reference="L-001", answers=answers)
    with pytest.raises(actions.SurveyAnswerError):  # the answer must fit the question
        actions.survey_paper_enter(
            survey=survey, actor=admin, reference="L-002", answers={str(q["rating"].pk): 12}
        )
    with pytest.raises(PermissionDenied):
        actions.survey_paper_enter(
            survey=survey, actor=staff("moderator"), reference="L-003", answers=answers
        )
    results = queries.survey_results(survey)
    assert results["responses"] == 1 and results["paper"] == 1
    assert results["by_area"] == [{"area": "Carfax", "count": 1, "percent": 100}]
    assert results["by_level"] == [{"level": "paper", "count": 1, "percent": 100}]


def test_paper_response_over_http_keeps_blanks_blank(client, build, staff):
    engagement, survey, q = build()
    sign_in_with_mfa(client, staff("council-admin"))
    url = f"/staff/oxford/engage/{engagement.slug}/survey/paper/"
    assert "Enter a paper response" in client.get(url).text
    bad = client.post(url, {"reference": "", f"q{q['visits'].pk}-answer": "99"})
    assert bad.status_code == 200
    assert "Enter the number on the paper response" in bad.text
    assert "Enter a number between 1 and 10" in bad.text
    assert "Not answered" in bad.text  # a wrong click on paper entry can be undone
    good = client.post(
        url,
        {
            "reference": "B7",
            f"q{q['visit'].pk}-answer": "Yes",
            f"q{q['rating'].pk}-answer": "",
            f"q{q['grid'].pk}-answer-1": "Poor",  # a grid row left blank on paper
        },
    )
    assert good.status_code == 302
    response = SurveyResponse.objects.get(survey=survey, paper_reference="B7")
    assert response.answers == {str(q["visit"].pk): "Yes", str(q["grid"].pk): {"Bins": "Poor"}}


def test_results_by_question_area_and_level(build, resident, staff, ward):
    _engagement, survey, q = build()
    for name in ("amira.khan", "grace.okafor", "tom.evans"):
        user = resident(name)
        answer_all(survey, q, user)
        actions.survey_submit(survey=survey, actor=user)
    actions.survey_paper_enter(
        survey=survey,
        actor=staff("council-admin"),
        reference="P1",
        answers={str(q["visit"].pk): "No", str(q["rating"].pk): 2, str(q["visits"].pk): 1},
    )
    results = queries.survey_results(survey)
    assert (results["responses"], results["online"], results["paper"]) == (4, 3, 1)
    assert {r["area"]: r["count"] for r in results["by_area"]} == {
        "Carfax": 1,
        "Iffley Fields": 1,
        "": 2,
    }
    assert {r["level"]: r["count"] for r in results["by_level"]} == {"1": 1, "2": 2, "paper": 1}
    by_id = {s["id"]: s for s in results["questions"]}
    visit = {o["label"]: o["count"] for o in by_id[q["visit"].pk]["options"]}
    assert visit == {"Yes": 3, "No": 1}
    rating = by_id[q["rating"].pk]
    assert rating["average"] == 6.5 and rating["median"] == 8
    assert by_id[q["visits"].pk]["number"] == {
        "smallest": 1,
        "largest": 4,
        "median": 4,
        "average": 3.25,
    }
    ranking = by_id[q["rank"].pk]["ranking"]
    assert [r["label"] for r in ranking] == ["Lighting", "Toilets", "Cafe"]
    assert ranking[0]["first"] == 3
    grid = by_id[q["grid"].pk]["rows"]
    assert [c["count"] for c in grid[0]["counts"]] == [3, 0]
    assert by_id[q["sport"].pk]["groups"] == [{"keyword": "cricket", "answers": ["Cricket"] * 3}]


def test_free_text_grouping_is_deterministic():
    texts = [
        "More bins near the playground",
        "The bins are always full",
        "Better lighting on the paths at night",
        "Lighting by the bins",
        "A cafe",
    ]
    groups = surveys.group_texts(texts)
    assert groups == [
        {
            "keyword": "bin",
            "answers": [
                "More bins near the playground",
                "The bins are always full",
                "Lighting by the bins",
            ],
        },
        {"keyword": None, "answers": ["Better lighting on the paths at night", "A cafe"]},
    ]
    assert surveys.group_texts(list(reversed(texts)))[0]["keyword"] == "bin"
    assert surveys.group_texts([]) == []


def test_staff_results_page_and_exports_have_no_personal_data(client, build, resident, staff):
    engagement, survey, q = build()
    amira = resident("amira.khan")
    answer_all(survey, q, amira)
    actions.survey_submit(survey=survey, actor=amira)
    sign_in_with_mfa(client, staff("council-admin"))
    base = f"/staff/oxford/engage/{engagement.slug}/survey/"
    page = client.get(f"{base}results/")
    assert page.status_code == 200
    assert "Responses by ward" in page.text and "Iffley Fields" in page.text
    assert "Other answers: 1" in page.text and "Cricket" in page.text and "<meter" in page.text
    csv_text = client.get(f"{base}export.csv").content.decode()
    json_text = client.get(f"{base}export.json").content.decode()
    for text in (csv_text, json_text):
        assert "Cricket" in text
        assert amira.email not in text and str(amira.pk) not in text.split("Cricket")[0][-5:]
        assert "amira" not in text.lower() and "khan" not in text.lower()
    assert json.loads(json_text)["responses"][0]["response"] == 1
    assert csv_text.splitlines()[0].startswith(
        "response,channel,sent_on,ward,level,1. Do you visit"
    )


def test_open_data_has_survey_aggregates_without_free_text(client, build, resident, staff):
    engagement, survey, q = build()
    amira = resident("amira.khan")
    answer_all(survey, q, amira)
    actions.survey_submit(survey=survey, actor=amira)
    url = f"/have-your-say/oxford/{engagement.slug}/results.json"
    assert client.get(url).status_code == 404
    actions.results_publish(
        engagement=engagement, actor=staff("council-admin"), we_asked="a", you_said="b", we_did="c"
    )
    data = client.get(url).json()
    assert data["survey"]["responses"] == 1
    page = client.get(f"/have-your-say/oxford/{engagement.slug}/results/").text
    assert "Survey: 1 response (1 online, 0 on paper)." in page
    assert "How good are the parks?" in page and "Cricket" not in page
    assert "Cricket" not in json.dumps(data)
    assert "amira" not in json.dumps(data).lower()
    # Everyone who sent answers is told about the results.
    assert amira in actions.participants_of(engagement)


# --- Hostile input: every answer is accepted as valid or refused with a message, never a 500 ---


@pytest.fixture
def built(build):
    """One survey for every example hypothesis tries (made once per test, not per example)."""
    return build()


FAST = hostile_settings(60)
FIELD_NAMES = st.sampled_from(
    ["answer", "answer-0", "answer-1", "answer-2", "answer-day", "answer-month", "answer-year"]
)


@FAST
@given(
    fields=st.dictionaries(FIELD_NAMES, st.lists(st.text(max_size=30), min_size=1, max_size=3)),
    numbers=st.dictionaries(
        FIELD_NAMES,
        st.one_of(
            st.integers(min_value=-5, max_value=40).map(str),
            st.sampled_from(["²", "٣", "１", "0x1", "1_0", " 3 ", "3.0", "1e3"]),
        ),
        max_size=7,
    ),
)
def test_survey_answers_never_crash(built, fields, numbers):
    _engagement, _survey, q = built
    data = QueryDict(mutable=True)
    for key, values in fields.items():
        data.setlist(key, values)
    for key, value in numbers.items():
        data[key] = value
    for question in q.values():
        try:
            value, _upload = surveys.parse(question, data)
        except surveys.AnswerInvalidError as error:
            assert error.message and error.anchor.startswith("answer")
        else:
            assert surveys.value_valid(question, value)
            surveys.answer_text(question, value)
            surveys.form_values(question, value)


def test_hostile_posts_to_question_pages_never_fail(client, build, resident):
    engagement, _survey, q = build()
    sign_in(client, resident("tom.evans"))
    base = f"/have-your-say/oxford/{engagement.slug}/survey/questions/"
    hostile = [
        {"answer": "\x00"},
        {"answer": ["Yes", "No"]},
        {"answer-0": "-1", "answer-1": "9" * 50},
        {"answer-day": "٣", "answer-month": "²", "answer-year": "２０２６"},
        {"answer": "²", "answer-0": "²", "answer-1": "³", "answer-2": "¹"},
        {"answer": "1e9999"},
        {"answer": "Infinity"},
    ]
    for question in q.values():
        for data in hostile:
            response = client.post(f"{base}{question.pk}/", data)
            assert response.status_code in (200, 302)


# --- Tenancy and cost ---


def test_another_councils_staff_cannot_reach_a_survey(client, build, staff):
    engagement, survey, q = build(publish=False)
    manchester = staff("council-admin", "manchester")
    for call in (
        lambda: actions.survey_question_add(survey=survey, actor=manchester, kind="date", text="?"),
        lambda: actions.survey_question_remove(question=q["name"], actor=manchester),
        lambda: actions.survey_paper_enter(
            survey=survey, actor=manchester, reference="X", answers={str(q["visit"].pk): "Yes"}
        ),
    ):
        with pytest.raises(PermissionDenied):
            call()
    sign_in_with_mfa(client, manchester)
    for suffix in ("", "paper/", "results/", "export.csv", f"questions/{q['name'].pk}/"):
        assert (
            client.get(f"/staff/oxford/engage/{engagement.slug}/survey/{suffix}").status_code == 403
        )
        assert (
            client.get(f"/staff/manchester/engage/{engagement.slug}/survey/{suffix}").status_code
            == 404
        )
    assert not SurveyResponse.objects.filter(survey=survey).exists()


def test_results_page_queries_do_not_grow_with_responses(
    client, build, resident, staff, django_assert_max_num_queries
):
    engagement, survey, q = build()
    admin = staff("council-admin")
    sign_in_with_mfa(client, admin)
    url = f"/staff/oxford/engage/{engagement.slug}/survey/results/"
    answers = {str(q["visit"].pk): "Yes", str(q["rating"].pk): 5}
    actions.survey_paper_enter(survey=survey, actor=admin, reference="1", answers=answers)
    client.get(url)  # warm the session and caches
    with django_assert_max_num_queries(15) as first:
        client.get(url)
    for n in range(2, 30):
        actions.survey_paper_enter(survey=survey, actor=admin, reference=str(n), answers=answers)
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert "29 responses" in client.get(url).text


def test_erasure_removes_drafts_and_files_and_detaches_sent_answers(build, resident):
    from pocketcouncil.accounts import personal_data

    _engagement, survey, q = build()
    grace = resident("grace.okafor")
    answer_all(survey, q, grace)
    upload = surveys.parse(q["photo"], form({}), {"answer": SimpleUploadedFile("p.pdf", PDF)})[1]
    actions.survey_answer_save(
        survey=survey, actor=grace, question=q["photo"], value=None, upload=upload
    )
    sent = actions.survey_submit(survey=survey, actor=grace)
    stored = SurveyFile.objects.get(response=sent)
    path = stored.file.path
    exported = personal_data.export_for(grace)["engage.SurveyResponse"]
    assert any(row["answers"].get(str(q["sport"].pk)) == "Cricket" for row in exported)
    personal_data.anonymise_for(grace)
    sent.refresh_from_db()
    assert sent.user is None and sent.state == "submitted"
    assert not SurveyFile.objects.filter(pk=stored.pk).exists()
    assert not os.path.exists(path)
    assert queries.survey_results(survey)["responses"] == 1


def test_an_optional_question_left_blank_is_not_asked_again(client, build, resident):
    engagement, survey, q = build()
    base = f"/have-your-say/oxford/{engagement.slug}/survey/"
    sign_in(client, resident("tom.evans"))
    client.post(f"{base}questions/{q['visit'].pk}/", {"answer": "Yes"})
    client.post(f"{base}questions/{q['name'].pk}/", {"answer": "", "later": "1"})
    assert f"questions/{q['uses'].pk}/" in client.get(base).text
    answer_all(survey, q, resident("tom.evans"))
    actions.survey_answer_save(
        survey=survey, actor=resident("tom.evans"), question=q["name"], value=None
    )
    sent = actions.survey_submit(survey=survey, actor=resident("tom.evans"))
    assert str(q["name"].pk) not in sent.answers
    assert "Not answered" not in client.get(f"{base}check/").text  # sent: no check page


def test_an_engagement_with_conditional_questions_can_be_deleted(build):
    engagement, survey, q = build()
    engagement.delete()
    assert not type(q["visit"]).objects.filter(survey_id=survey.pk).exists()
