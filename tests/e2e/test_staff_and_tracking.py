"""The staff side and tracking: a case officer signs in (emailed code, then authenticator
code), works the queue and posts an update; the resident who reported it signs in by code and
finds the update in their requests and their inbox. JavaScript on and off."""

import re

import pytest

from tests.e2e.conftest import AXE
from tests.e2e.helpers import enter_authenticator_code, sign_in_by_code

pytestmark = pytest.mark.e2e

OFFICER = "case-officer.oxford@demo.pocketcouncil.example"
RESIDENT = "tom.evans@demo.pocketcouncil.example"


def test_officer_updates_a_case_and_the_resident_sees_it(visit, browser, site, javascript):
    page = visit.page
    page.goto("/staff/oxford/cases/")
    sign_in_by_code(page, site, OFFICER)
    if "/mfa/" in page.url or "authenticat" in page.content().lower():
        visit.step("two-factor")
        enter_authenticator_code(page)
    page.goto("/staff/oxford/cases/")
    assert "Cases" in page.title(), page.url
    visit.step("queue")
    # The demo fly-tipping report by Tom, behind Cowley Road.
    row = page.locator("tr", has_text="Report fly-tipping").first
    reference = row.locator("a").first.inner_text()
    row.locator("a").first.click()
    visit.step("case page")
    update = f"A crew will clear this on Tuesday ({'js' if javascript else 'no js'})."
    page.get_by_label("Text").fill(update)
    page.get_by_label(re.compile("Public update")).check()
    page.get_by_role("button", name="Add to timeline").click()
    assert update in page.content()
    visit.step("update posted")

    resident = browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=javascript, base_url=site.url
    )
    if javascript:
        resident.add_init_script(path=str(AXE))
    try:
        phone = resident.new_page()
        sign_in_by_code(phone, site, RESIDENT)
        phone.goto("/my-requests/")
        assert reference in phone.content()
        phone.get_by_role("link", name="Report fly-tipping").first.click()
        assert update in phone.content()
        phone.goto("/notifications/")
        assert reference in phone.content()
        visit.page = phone
        visit.step("resident inbox")
    finally:
        resident.close()
