"""The clarifying question: asked only when the best answers are close, and it settles them."""

import pytest
from django.urls import reverse

from pocketcouncil.services import clarify, queries
from pocketcouncil.services.models import FrontDoorSearch

pytestmark = pytest.mark.django_db


def result(lgsl, score):
    return queries.SearchResult(lgsl=lgsl, name=str(lgsl), summary="", council=None, score=score)


def test_close_answers_are_told_apart_by_what_differs():
    question = clarify.question_for([result(557, 10.0), result(537, 8.0), result(505, 1.0)])
    assert question.text == "Is it on the road or on the pavement or footpath?"
    assert [(o.lgsl, o.label) for o in question.options] == [
        (557, "On the road"),
        (537, "On the pavement or footpath"),
    ]
    assert question.options[1].url == "/services/537/"


def test_three_close_answers_make_three_options():
    question = clarify.question_for([result(564, 10.0), result(567, 9.0), result(569, 8.0)])
    assert question.text == "Is it a street light, traffic lights or roadworks?"


@pytest.mark.parametrize(
    "results",
    [
        [result(557, 10.0), result(537, 6.9)],  # the best is clear
        [result(557, 10.0)],  # only one
        [result(557, 10.0), result(58, 9.0)],  # council tax cannot be named in the question
        [result(513, 10.0), result(541, 9.0)],  # both named the same: nothing to ask
    ],
)
def test_no_question_when_there_is_nothing_to_ask(results):
    assert clarify.question_for(results) is None


def test_a_vague_report_asks_and_a_clear_one_does_not():
    assert clarify.question_for(queries.front_door_search(text="crack").results)
    assert clarify.question_for(queries.front_door_search(text="pothole").results) is None


def test_the_page_asks_and_the_answer_goes_to_the_chosen_service(client):
    page = client.get(reverse("services:search"), {"q": "crack"})
    html = page.content.decode()
    assert "Is it on the road or on the pavement or footpath?" in html
    token = page.context["token"]
    response = client.get(reverse("services:search"), {"q": "crack", "service": "537", "s": token})
    assert response.status_code == 302
    assert response["Location"] == "/services/537/"
    # The search the question was asked on records the choice (no second search is recorded).
    assert FrontDoorSearch.objects.latest("created_at").clicked_lgsl == 537


def test_the_answer_keeps_the_council(client, demo):
    response = client.get(
        reverse("services:search"), {"q": "crack", "council": "oxfordshire", "service": "557"}
    )
    assert response["Location"] == "/councils/oxfordshire/services/557/"


@pytest.mark.parametrize("service", ["", "58", "not a number"])
def test_no_answer_or_a_wrong_one_asks_again_with_an_error(client, service):
    response = client.get(reverse("services:search"), {"q": "crack", "service": service})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html and "Choose the one that fits best" in html
    assert "Is it on the road or on the pavement or footpath?" in html


def test_an_answer_to_a_question_no_longer_asked_shows_the_results(client):
    response = client.get(reverse("services:search"), {"q": "pothole", "service": "537"})
    assert response.status_code == 200
    assert "govuk-error-summary" not in response.content.decode()
