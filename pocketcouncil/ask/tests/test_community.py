"""The "Ask us" page and the community directory: needs the directory meets (loneliness, food,
debt, carers, mental health, domestic abuse) get community services beside the council's answer,
each linking to its listing, with the "find help" search as an action; an empty directory still
gives a useful answer."""

import ast
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from pocketcouncil.ask.models import UnansweredQuestion
from pocketcouncil.directory import actions as directory_actions
from pocketcouncil.directory import feed, needs
from pocketcouncil.directory.models import Service as Listing
from pocketcouncil.directory.tests.factories import oxford_service

pytestmark = pytest.mark.django_db

ASK_DIR = Path(__file__).resolve().parent.parent


def _import(council, data):
    tables = feed.Tables()
    feed.add_json(tables, data, where="test")
    assert directory_actions.directory_import(council=council, tables=tables).rejected == []


def _term(slug):
    need = needs.need_get(slug)
    return {"id": need.term_id, "name": str(need.label), "description": str(need.label)}


@pytest.fixture
def listings(demo):
    oxford = demo["oxford"]
    for data in (
        oxford_service(name="Silver Lunch Club", term=_term("loneliness")),
        oxford_service(name="Cowley Debt Advice", term=_term("debt")),
        oxford_service(name="Safe Steps", term=_term("domestic-abuse")),
    ):
        _import(oxford, data)
    elsewhere = oxford_service(name="Ancoats Befrienders", term=_term("loneliness"))
    _import(demo["manchester"], elsewhere)
    return {listing.name: listing for listing in Listing.objects.all()}


def ask(client, question, slug="oxford", **extra):
    return client.post(reverse("ask:ask", args=[slug]), {"question": question, **extra})


def find_help(**params):
    return reverse("directory:find-help") + "?" + urlencode(params)


def test_a_need_gets_the_councils_community_services_with_their_listings(client, listings):
    page = ask(client, "I am lonely since my wife died", postcode="OX4 3BD").content.decode()
    assert "Help in your community: loneliness and isolation" in page
    club = listings["Silver Lunch Club"]
    assert reverse("directory:service", args=[club.id]) in page  # the listing page
    # The "find help" search, with the need and the postcode typed carried over.
    assert find_help(need="loneliness", postcode="OX4 3BD").replace("&", "&amp;") in page
    assert "Find more help near you" in page
    assert "Ancoats Befrienders" not in page  # another council's directory
    assert "Cowley Debt Advice" not in page  # another need
    assert not UnansweredQuestion.objects.exists()  # the directory answered it


def test_a_postcode_typed_in_the_question_is_carried_over(client, listings):
    page = ask(client, "I feel so alone at home OX4 3BD").content.decode()
    assert find_help(need="loneliness", postcode="OX4 3BD").replace("&", "&amp;") in page


def test_community_help_sits_beside_the_councils_own_answer(client, listings):
    page = ask(client, "I am in debt with council tax arrears").content.decode()
    assert "Council Tax" in page and "Cowley Debt Advice" in page
    # The council's answer keeps the first action; "find help" is among the rest.
    first = page.index('class="govuk-button govuk-!-margin-bottom-2"')
    assert page.index(find_help(need="debt").replace("&", "&amp;")) > first
    assert "Help in your community: money and debt" in page


def test_domestic_abuse_gets_the_way_out_of_the_page(client, listings):
    page = ask(client, "my partner is abusive and I need help").content.decode()
    assert needs.SAFE_EXIT_URL in page and "Exit this page" in page
    assert "If you are in danger now, call 999." in page
    assert "Safe Steps" in page


@pytest.fixture
def no_listings(demo):
    Listing.objects.all().delete()  # the demo data has some
    return demo


def test_with_an_empty_directory_the_answer_is_still_useful(client, no_listings):
    page = ask(client, "I am lonely and isolated", postcode="OX4 3BD").content.decode()
    assert "What you can do next" in page
    assert "Email Oxford" in page or "Phone Oxford" in page  # the council's contacts
    assert reverse("directory:find-help") not in page  # no search that would find nothing
    assert "Help in your community" not in page


def test_with_an_empty_directory_domestic_abuse_still_gets_the_way_out(client, no_listings):
    page = ask(client, "domestic abuse").content.decode()
    assert needs.SAFE_EXIT_URL in page and "If you are in danger now, call 999." in page
    assert "What you can do next" in page


def test_a_question_about_no_need_shows_no_community_help(client, listings):
    page = ask(client, "there is a pothole outside number 50 on hall road").content.decode()
    assert "Help in your community" not in page and reverse("directory:find-help") not in page


def test_ask_reaches_the_directory_only_through_its_queries():
    for path in ASK_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module == "pocketcouncil.directory":
                    assert [a.name for a in node.names] == ["queries"], path
                else:
                    assert not node.module.startswith("pocketcouncil.directory."), path
