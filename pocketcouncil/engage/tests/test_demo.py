"""The demo engagements load (in the session fixture) and their pages work."""

import pytest
from django.utils.html import escape

from pocketcouncil.engage.models import Engagement

pytestmark = pytest.mark.django_db


def test_one_engagement_of_each_kind_and_every_page_renders(client, demo):
    engagements = Engagement.objects.filter(council__is_demo=True, slug__startswith="demo-")
    kinds = {p.kind for e in engagements for p in e.phases.all()}
    assert {"ideas", "poll", "budget", "deliberation", "survey"} <= kinds
    assert {e.budget_rule for e in engagements} >= {"knapsack", "approval"}
    listing = client.get("/have-your-say/").text
    for engagement in engagements:
        assert engagement.title.startswith("Demo: ")
        assert escape(engagement.title) in listing
        url = f"/have-your-say/{engagement.council.slug}/{engagement.slug}/"
        response = client.get(url)
        assert response.status_code == 200
        assert "demonstration data" in response.text


def test_demo_survey_has_every_question_type_and_valid_answers(client, demo):
    from pocketcouncil.engage import queries, surveys
    from pocketcouncil.engage.models import QuestionKind, SurveyResponse

    engagement = Engagement.objects.get(council=demo["oxford"], slug="demo-parks-survey")
    questions = queries.survey_questions(engagement.survey)
    assert {q.kind for q in questions} == set(QuestionKind.values)
    assert any(q.condition_question_id for q in questions)
    responses = SurveyResponse.objects.filter(survey=engagement.survey)
    assert responses.filter(is_paper=True).count() >= 3 and responses.filter(is_paper=False)
    for response in responses:
        shown = surveys.visible_questions(questions, response.answers)
        assert {str(q.pk) for q in shown} >= set(response.answers)
        for q in shown:
            assert surveys.value_valid(q, response.answers.get(str(q.pk)))
    page = client.get("/have-your-say/oxford/demo-parks-survey/survey/")
    # Anyone may start: the first question asks an anonymous visitor to sign in.
    assert page.status_code == 200 and "Start now" in page.text
