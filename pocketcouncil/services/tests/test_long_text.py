"""Residents describe the problem as they would on the phone: long, untidy text still works.

The examples are written for these tests (not residents' reports).
"""

import pytest
from django.urls import reverse

from pocketcouncil.services import queries
from pocketcouncil.services.models import FrontDoorSearch

pytestmark = pytest.mark.django_db

PHONE_DESCRIPTION = (
    "Hello, I am writing about the street light outside number 50 Hall Road, near the corner "
    "with Church Lane. It has been flickering on and off for about three weeks and now it is "
    "completely out. The pavement there is very dark at night and my elderly neighbour is "
    "worried about walking home from the bus stop. Could somebody please come and look at it? "
    "Many thanks."
)


@pytest.mark.parametrize(
    ("text", "lgsl"),
    [
        (PHONE_DESCRIPTION, 564),
        ("STREET LIGHT OUT ON MY ROAD", 564),  # all capitals
        ("huge pothole outside number 12 on the high street its been there weeks", 557),
        ("the drain outside number 4 is blocked again and the road floods when it rains", 555),
        ("someone has dumped a mattress and two fridges in the lane behind the shops", 587),
        ("the lines at the junction have worn away and you cant see the give way markings", 540),
        ("graffitti sprayed all over the bus shelter on station road", 584),  # typo
        ("traffic lights stuck on red at the crossroads for twenty minutes", 567),
    ],
)
def test_finds_the_service_in_long_untidy_descriptions(text, lgsl):
    results = queries.front_door_search(text=text, limit=3).results
    assert lgsl in [r.lgsl for r in results]


def test_a_long_description_is_not_a_weak_match_just_for_naming_the_place():
    outcome = queries.front_door_search(text=PHONE_DESCRIPTION)
    assert not outcome.no_good_match
    assert outcome.results[0].lgsl == 564


def test_gibberish_of_the_longest_length_is_still_no_good_match():
    text = " ".join(["zqxv", "plorbit", "wuzzle", "grinkle", "snorf"] * 70)[:2000]
    assert queries.front_door_search(text=text).no_good_match


def test_the_page_takes_2000_characters_and_records_only_the_start(client):
    text = (PHONE_DESCRIPTION + " ") * 6
    text = text[: queries.QUERY_MAX_LENGTH]
    response = client.get(reverse("services:search"), {"q": text})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" not in html
    assert "Report a street light fault" in html
    assert len(FrontDoorSearch.objects.latest("created_at").query) <= 200


def test_the_page_names_the_limit_beyond_2000_characters(client):
    response = client.get(reverse("services:search"), {"q": "a" * 2001})
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Enter 2,000 characters or fewer" in html


def test_the_api_takes_2000_characters(client):
    text = (PHONE_DESCRIPTION + " ") * 6
    response = client.get("/api/v1/services/search", {"q": text[: queries.QUERY_MAX_LENGTH]})
    assert response.status_code == 200
    assert response.json()["results"][0]["lgsl"] == 564


def test_the_api_refuses_more_than_2000_characters_naming_the_limit(client):
    response = client.get("/api/v1/services/search", {"q": "a" * 2001})
    assert response.status_code == 422
    assert "2,000 characters" in response.json()["detail"]


def test_the_api_schema_says_the_limit():
    from pocketcouncil.core.api import api

    schema = api.get_openapi_schema()
    operation = schema["paths"]["/api/v1/services/search"]["get"]
    q = next(p for p in operation["parameters"] if p["name"] == "q")
    assert q["schema"]["maxLength"] == queries.QUERY_MAX_LENGTH
