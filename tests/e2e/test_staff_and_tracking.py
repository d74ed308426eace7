"""The staff side and tracking, end to end: the resident finds their open request; a case
officer signs in (emailed code, then authenticator code), finds it in the queue, posts an update
and resolves it with a message; the resident sees both on their request and in their inbox, and
says "it is not fixed", which reopens it (so the next run finds it open again). JavaScript on
and off."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import AXE, PHONE
from tests.e2e.helpers import assert_title, enter_authenticator_code, sign_in_by_code

pytestmark = pytest.mark.e2e

OFFICER = "case-officer.oxford@demo.pocketcouncil.example"
RESIDENT = "tom.evans@demo.pocketcouncil.example"
REFERENCE = re.compile(r"[A-Z]{2,4}-\d\d-\d{6}")


def test_officer_updates_and_resolves_a_case_and_the_resident_follows_it(
    visit, browser, site, javascript
):
    label = "js" if javascript else "no js"
    resident = browser.new_context(
        viewport=PHONE, java_script_enabled=javascript, base_url=site.url
    )
    if javascript:
        resident.add_init_script(path=str(AXE))
    try:
        phone = resident.new_page()
        phone.set_default_timeout(15_000)
        sign_in_by_code(phone, site, RESIDENT)
        phone.goto("/my-requests/")
        # Tom's demo fly-tipping report behind Cowley Road.
        phone.get_by_role("link", name="Report fly-tipping").first.click()
        reference = REFERENCE.search(phone.title() + phone.content()).group(0)

        page = visit.page
        page.set_default_timeout(15_000)
        page.goto("/staff/")
        sign_in_by_code(page, site, OFFICER)
        if "/2fa/" in page.url or "authenticat" in page.content().lower():
            visit.step("two-factor")
            enter_authenticator_code(page)
        page.goto("/staff/")
        visit.step("staff home")
        page.get_by_role("link", name=re.compile("Cases: the queue")).first.click()
        assert_title(page, "Cases")
        visit.step("queue")
        page.get_by_role("link", name="Map and list").click()
        if javascript:
            pin = page.locator(".pc-map .leaflet-marker-icon").first
            pin.wait_for()
            # The marker image itself loads (hashed static names must not break Leaflet's).
            page.wait_for_function(
                "el => el.complete && el.naturalWidth > 0", arg=pin.element_handle()
            )
        visit.step("queue map")
        page.get_by_label("Reference or words").fill(reference)
        page.get_by_role("button", name="Apply filters").click()
        page.get_by_role("link", name=reference).first.click()
        visit.step("case page")

        update = f"A crew will clear this on Tuesday ({label})."
        page.get_by_label("Text").fill(update)
        page.get_by_label(re.compile("Public update")).check()
        page.get_by_role("button", name="Add to timeline").click()
        expect(page.locator("body")).to_contain_text(update)
        visit.step("update posted")

        fixed = f"Cleared this morning ({label})."
        page.get_by_label("New status").select_option("resolved")
        page.get_by_label("Message to the resident (optional)").fill(fixed)
        page.get_by_role("button", name="Change status").click()
        expect(page.locator("body")).to_contain_text(fixed)
        expect(page.locator("body")).to_contain_text("Messages sent about this case")
        visit.step("resolved")

        phone.reload()
        content = phone.content()
        assert update in content and fixed in content
        assert "Fixed" in content
        phone.goto("/notifications/")
        assert reference in phone.content()
        visit.page = phone
        visit.step("resident inbox")

        phone.goto(f"/cases/{reference}/")
        phone.get_by_label("What is still wrong?").fill(f"The bags are back ({label}).")
        phone.get_by_role("button", name="Reopen this request").click()
        assert "Fixed" not in phone.locator(".govuk-tag").first.inner_text()
        visit.step("reopened")
    finally:
        resident.close()
