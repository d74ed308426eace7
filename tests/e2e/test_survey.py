"""A resident answers the demo parks survey in a real browser: choices, a question that appears
because of an earlier answer, putting things in order, a 1–10 scale, a number, a grid, a file,
a wrong answer corrected from its error message, "Save and come back later" and resuming, then
"Check your answers" and sending. JavaScript on and off (each run its own resident)."""

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.helpers import assert_title, sign_in_by_code

pytestmark = pytest.mark.e2e

RESIDENT = {
    True: "tom.evans@demo.pocketcouncil.example",
    False: "amira.khan@demo.pocketcouncil.example",
}
SURVEY = "/have-your-say/oxford/demo-parks-survey/"


def carry_on(page):
    page.get_by_role("button", name="Continue").click()


def test_resident_answers_the_survey_saves_resumes_and_sends(visit, site, javascript, tmp_path):
    page = visit.page
    page.set_default_timeout(15_000)
    sign_in_by_code(page, site, RESIDENT[javascript])
    page.goto(SURVEY)
    page.get_by_role("link", name="Answer the survey").click()
    visit.step("survey start")
    page.get_by_role("button", name="Start now").click()

    page.get_by_label("Yes").check()
    visit.step("first question")
    carry_on(page)
    page.get_by_label(re.compile("Which park do you visit most")).fill("South Park")
    carry_on(page)
    page.get_by_label("Walk").check()
    page.get_by_label("Sport").check()
    carry_on(page)
    # Shown only because "Sport" was chosen.
    page.get_by_label("Which sport do you play?").fill("Football")
    carry_on(page)

    # Save and come back later, then resume where they left off.
    expect(page.locator("body")).to_contain_text("Put these improvements in order")
    page.get_by_role("button", name="Save and come back later").click()
    page.goto(SURVEY)
    page.get_by_role("link", name="Continue the survey").click()
    page.get_by_role("link", name="Continue", exact=True).click()
    expect(page.locator("body")).to_contain_text("Put these improvements in order")

    for option, rank in [("More toilets", "2"), ("A café", "4"), ("Better lighting", "1")]:
        page.get_by_label(option).select_option(rank)
    page.get_by_label("More bins").select_option("2")  # a number used twice
    carry_on(page)
    expect(page.locator("body")).to_contain_text("There is a problem")
    visit.step("ranking error")
    page.get_by_label("More bins").select_option("3")
    carry_on(page)

    page.get_by_label(re.compile(r"^7$")).check()
    carry_on(page)
    page.get_by_label(re.compile("how many times a month")).fill("4")
    carry_on(page)
    carry_on(page)  # the date is optional
    for row, choice in [("Paths", "Good"), ("Bins", "Poor"), ("Play areas", "OK")]:
        page.get_by_role("group", name=row).get_by_label(choice).check()
    visit.step("grid")
    carry_on(page)
    plan = tmp_path / "bench.png"
    Image.new("RGB", (60, 40), (20, 120, 60)).save(plan, format="PNG")
    page.get_by_label(re.compile("Add a photo or plan")).set_input_files(str(plan))
    carry_on(page)
    page.get_by_label(re.compile("Anything else")).fill("More benches by the river, please.")
    carry_on(page)

    assert_title(page, "Check your answers")
    answers = page.locator("main").inner_text()
    for expected in ["South Park", "Football", "Better lighting", "Poor", "More benches"]:
        assert expected in answers
    visit.step("check answers")
    page.get_by_role("button", name="Send answers").click()
    assert "sent" in page.url
    visit.step("sent")
    page.goto(SURVEY)
    expect(page.locator("body")).to_contain_text("You have sent your answers")
