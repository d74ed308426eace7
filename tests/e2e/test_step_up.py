"""Step-up at the point of need, in a real browser: a level-1 resident who wants to vote in a
budget limited to level 2 is told in one sentence what is needed, checks a mobile number with
the code texted to it (read from the site's log, as in development) and a home address in the
council's area, and lands back on the vote, which then goes through. JavaScript on and off
(each run uses its own resident, since each resident votes once)."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_title, sign_in_by_code

pytestmark = pytest.mark.e2e

RESIDENT = {
    True: ("jan.kowalski@demo.pocketcouncil.example", "07700 900561"),
    False: ("margaret.hill@demo.pocketcouncil.example", "07700 900562"),
}
BUDGET = "/have-your-say/oxford/demo-community-budget/"


def texted_code(site, number: str) -> str:
    """The code in the latest text message to ``number`` (development writes texts to the log)."""
    wanted = "+44" + number.replace(" ", "")[1:]
    deadline = time.monotonic() + 20
    while True:
        found = re.findall(rf"Text message to {re.escape(wanted)}: (\d{{6}})", site.log_text())
        if found:
            return found[-1]
        assert time.monotonic() < deadline, "no text message arrived"
        time.sleep(0.2)


def test_level_one_resident_steps_up_to_vote_and_comes_back(visit, site, javascript):
    email, mobile = RESIDENT[javascript]
    page = visit.page
    sign_in_by_code(page, site, email)
    page.goto(BUDGET)
    page.set_default_timeout(10_000)
    page.get_by_role("link", name="Vote on the projects").click()

    assert "/more-needed/" in page.url
    expect(page.locator("body")).to_contain_text("mobile number and your home address")
    visit.step("what is needed")
    page.get_by_role("button", name="Continue").click()

    page.get_by_label(re.compile("mobile", re.I)).first.fill(mobile)
    visit.step("mobile number")
    page.get_by_role("button", name="Send code").click()
    page.get_by_label(re.compile("code", re.I)).first.fill(texted_code(site, mobile))
    visit.step("code")
    page.get_by_role("button", name="Continue").click()

    # Only the address is left now.
    assert "/more-needed/" in page.url
    expect(page.locator("body")).not_to_contain_text("mobile number and")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label(re.compile("address", re.I)).first.fill("12 Cowley Road")
    page.get_by_label(re.compile("postcode", re.I)).first.fill("OX4 3BD")
    visit.step("home address")
    page.get_by_role("button", name="Save address").click()

    # Back where they were going: the ballot, now open to them.
    if "/more-needed/" in page.url:
        page.get_by_role("button", name="Continue").click()
    assert_title(page, "Budget vote")
    visit.step("back at the vote")
    page.get_by_label(re.compile("New benches on the Plain")).check()
    page.get_by_label(re.compile("Youth club kit")).check()
    page.get_by_role("button", name="Send vote").click()
    expect(page.locator("body")).to_contain_text("Your vote has been counted")
    visit.step("voted")
