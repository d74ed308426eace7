"""A service manager changes the answer residents see for their council's recycling service,
without a developer: previews it, saves it, sees it on the residents' page, and goes back to the
national wording from the history (so the next run starts the same). JavaScript on and off."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import enter_authenticator_code, sign_in_by_code

pytestmark = pytest.mark.e2e

MANAGER = "service-manager.oxford@demo.pocketcouncil.example"


def test_a_service_manager_edits_previews_saves_and_reverts(visit, site, javascript):
    page = visit.page
    page.set_default_timeout(15_000)
    summary = f"Oxford empties recycling every other Tuesday ({'js' if javascript else 'no js'})."
    page.goto("/staff/")
    sign_in_by_code(page, site, MANAGER)
    if "/2fa/" in page.url or "authenticat" in page.content().lower():
        enter_authenticator_code(page)
    page.goto("/staff/")
    page.get_by_role("link", name="Service content").first.click()
    visit.step("service content")
    page.get_by_role("link", name="Recycling collections").first.click()
    visit.step("edit recycling")

    page.get_by_label(re.compile("Summary")).fill(summary)
    page.get_by_role("button", name="Preview").click()
    assert summary in page.locator("#preview ~ .govuk-inset-text").first.inner_text()
    visit.step("preview")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("body")).to_contain_text("Saved as version")
    visit.step("saved")

    page.get_by_role("link", name="See the page residents see").click()
    expect(page.locator("body")).to_contain_text(summary)

    page.go_back()
    page.get_by_role("link", name="History").first.click()
    expect(page.locator("body")).to_contain_text("Version")
    expect(page.locator("body")).to_contain_text(MANAGER)
    visit.step("history")
    page.get_by_role("link", name="Back to editing").click()
    page.get_by_role("button", name="Go back to the national wording").click()
    expect(page.locator("body")).to_contain_text("Saved as version")
    page.goto("/councils/oxford/services/1130/")
    expect(page.locator("body")).not_to_contain_text(summary)
