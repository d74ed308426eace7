"""A resident on a phone asks their council questions on "Ask us": opening times, their bin day
(the postcode is asked for, then remembered), and a problem in their own words, which ends on
the report form with what they typed carried over. JavaScript on (answers are added to the
conversation without reloading) and off (a plain form)."""

import re

import pytest

pytestmark = pytest.mark.e2e


def ask(page, question, postcode=None):
    page.get_by_label(re.compile("What do you want to know|Ask another question")).fill(question)
    if postcode is not None:
        page.get_by_label(re.compile("Your postcode")).fill(postcode)
    page.get_by_role("button", name="Ask", exact=True).click()


def test_ask_us_answers_and_always_ends_in_an_action(visit):
    page = visit.page
    page.set_default_timeout(15_000)
    page.goto("/councils/oxford/ask/")
    visit.step("ask us")
    if visit.javascript:
        page.evaluate("window.__stillHere = true")

    ask(page, "What are your opening times?")
    page.get_by_text("Monday to Friday, 9am to 5pm").wait_for()
    visit.step("opening times")

    ask(page, "when is my bin day")
    page.get_by_role("heading", name="What is your postcode?").wait_for()
    # The question is kept so the resident only adds the postcode.
    assert "bin day" in page.locator("textarea[name=question]").input_value()
    page.get_by_label(re.compile("Your postcode")).fill("OX4 3BD")
    page.get_by_role("button", name="Ask", exact=True).click()
    page.get_by_role("heading", name="Your next bin collections").wait_for()
    visit.step("bin day")

    ask(page, "There is a big pothole in the road outside number 50 Cowley Road")
    page.locator("#ask-log .app-ask-turn", has_text="pothole").wait_for()
    visit.step("a problem in my own words")
    if visit.javascript:
        # Every answer stayed on the page: nothing was reloaded.
        assert page.evaluate("window.__stillHere === true")
        assert page.locator("#ask-log .app-ask-turn").count() == 4
    else:
        assert page.locator("#ask-log .app-ask-turn").count() == 1
    turn = page.locator("#ask-log .app-ask-turn").last
    turn.get_by_role("button").first.click()
    hidden = page.locator("input[name=description]")
    assert "pothole in the road outside number 50" in hidden.get_attribute("value")
    visit.step("the report form, with what was typed")
