"""A resident on a phone finds the service from the front door and reports fly-tipping with a
photo (and a pin on the map when JavaScript is on), with JavaScript on and off."""

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.helpers import assert_title

pytestmark = pytest.mark.e2e


def photo_file(tmp_path):
    path = tmp_path / "fly-tipping.jpg"
    Image.new("RGB", (120, 90), (90, 60, 30)).save(path, format="JPEG")
    return str(path)


def test_find_the_service_and_report_fly_tipping(visit, tmp_path):
    page = visit.page
    page.goto("/services/search")
    visit.step("front door")
    page.get_by_label("What do you need?").fill("rubbish dumped in the alley")
    page.get_by_label(re.compile("Postcode")).fill("OX4 3BD")
    page.get_by_role("button", name=re.compile("Search|Find")).first.click()
    visit.step("search results")
    page.locator("main a[href*='/councils/oxford/services/587/']").first.click()
    assert_title(page, "Report fly-tipping")
    visit.step("service page")
    page.locator("#start").click()
    visit.step("start")
    page.get_by_role("button", name="Start now").click()
    assert_title(page, "Where is it?")
    visit.step("where")
    if visit.javascript:
        canvas = page.locator("#location-map")
        canvas.wait_for(state="visible")
        canvas.click(position={"x": 180, "y": 150})
        assert page.locator("input[name=latitude]").input_value()
        pin = page.locator("#location-map .leaflet-marker-icon").first
        page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=pin.element_handle())
    else:
        assert not page.locator("#location-map").is_visible()
        page.get_by_label("Postcode").fill("OX4 3BD")
    page.get_by_label("Describe exactly where it is").fill("Alley behind 30 Cowley Road")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile("Tell us about it|Has someone already reported it"))
    if "Continue with a new report" in page.content():
        visit.step("nearby reports")
        page.get_by_role("button", name="Continue with a new report").click()
    assert_title(page, "Tell us about it")
    visit.step("details")
    page.get_by_label("Mattress").check()
    page.get_by_label("A car boot load").check()
    page.get_by_label("Describe the problem").fill("A mattress and black bags by the garages.")
    page.get_by_label(re.compile("Photos")).set_input_files(photo_file(tmp_path))
    page.get_by_role("button", name="Continue").click()
    assert_title(page, "Check your report")
    expect(page.locator("body")).to_contain_text("Reported by a resident")
    visit.step("check")
    page.get_by_role("button", name="Send report").click()
    # Sending redirects to the confirmation page; wait for it to load (a loaded machine is slow).
    expect(page).to_have_title(re.compile("Report sent"))
    reference = page.locator(".govuk-panel__body strong").inner_text()
    assert re.fullmatch(r"[A-Z]{2,4}-\d\d-\d{6}", reference)
    visit.step("sent")
    page.get_by_role("link", name="See your report").click()
    expect(page.locator("body")).to_contain_text(reference)
    assert page.locator("img.pc-photo-thumb").count() == 1
    visit.step("public report")


def test_bad_postcode_gets_an_error_summary_that_links_to_the_field(visit):
    page = visit.page
    page.goto("/report/587/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Describe exactly where it is").fill("Somewhere")
    if visit.javascript:
        # Without a pin the typed postcode is used, as without JavaScript.
        pass
    page.get_by_label("Postcode").fill("NOT A POSTCODE")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter a real postcode" in summary.inner_text()
    assert page.title().startswith("Error:")
    visit.step("error")
    summary.get_by_role("link").first.click()
    if visit.javascript:
        assert page.evaluate("document.activeElement.id") == "id_postcode"
