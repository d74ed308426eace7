"""When the front door's best answers are close, it asks one question, and the answer settles
the service. JavaScript on and off (with JavaScript the live suggestions are there too)."""

import re

import pytest

pytestmark = pytest.mark.e2e


def test_a_clarifying_question_settles_the_service(visit):
    page = visit.page
    page.set_default_timeout(15_000)
    page.goto("/services/search")
    page.get_by_label("What do you need?").fill("crack")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    heading = page.get_by_role("heading", name="Is it on the road or on the pavement or footpath?")
    assert heading.is_visible()
    visit.step("the question")

    # Continuing without an answer says what to do, in the error summary.
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").get_by_text("Choose the one that fits best")
    visit.step("no answer chosen")

    page.get_by_label("On the pavement or footpath").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/services/537/$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Report a damaged pavement")
    visit.step("the chosen service")
