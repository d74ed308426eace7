"""A council admin connects a back office (outbound Open311) and switches a webhook off and
on, on a phone, JavaScript on and off; every page is checked with axe-core. The demo back office
is left switched off as it was found."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_title, enter_authenticator_code, sign_in_by_code

pytestmark = pytest.mark.e2e

ADMIN = "council-admin.oxfordshire@demo.pocketcouncil.example"
PAGE = "/staff/oxfordshire/integrations/"


def test_admin_sets_up_a_back_office_and_a_webhook(visit, site, javascript):
    page = visit.page
    page.goto(PAGE)
    sign_in_by_code(page, site, ADMIN)
    if "/mfa/" in page.url or "authenticat" in page.content().lower():
        enter_authenticator_code(page)
    page.goto(PAGE)
    assert_title(page, "Integrations")
    visit.step("integrations")

    row = page.locator("tr", has_text="Demo back office")
    row.get_by_role("link", name=re.compile("Change")).click()
    visit.step("back office form")
    assert "demo-open311-key" not in page.content()  # the key is never shown back
    page.get_by_label("Open311 address").fill("not an address")
    page.get_by_role("button", name="Save back office").click()
    expect(page.locator("body")).to_contain_text("There is a problem")
    assert page.title().startswith("Error:")
    visit.step("back office error")
    page.get_by_label("Open311 address").fill("http://127.0.0.1:8001/open311/v2/")
    page.get_by_label("Send new cases now").check()
    page.get_by_role("button", name="Save back office").click()
    expect(page.locator("body")).to_contain_text(
        "is switched on: new cases for “Report a pothole or road problem”"
    )
    expect(row.get_by_text("Sending")).to_have_count(1)
    visit.step("back office on")
    # Leave it as it was found: switched off.
    row.get_by_role("link", name=re.compile("Change")).click()
    page.get_by_label("Send new cases now").uncheck()
    page.get_by_role("button", name="Save back office").click()
    expect(row.get_by_text("Switched off")).to_have_count(1)

    suffix = "js" if javascript else "nojs"
    page.get_by_label("Address to send events to").fill(f"https://example.org/hooks/{suffix}")
    page.locator("label", has_text="A case is created").click()  # the label covers the box
    page.get_by_role("button", name="Add webhook").click()
    expect(page.locator("body")).to_contain_text("Webhook added")
    page.goto(PAGE)
    hook = page.locator("tr", has_text=f"https://example.org/hooks/{suffix}")
    hook.get_by_role("button", name=re.compile("Switch off")).click()
    expect(hook.get_by_text("Switched off")).to_have_count(1)
    visit.step("webhook switched off")
    hook.get_by_role("link", name=re.compile("Delete")).click()
    visit.step("delete webhook")
    page.get_by_role("button", name="Delete webhook").click()
    expect(page.locator("tr", has_text=f"https://example.org/hooks/{suffix}")).to_have_count(0)
