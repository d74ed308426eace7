"""Welsh in a real browser: /cy/ pages say lang="cy", the toggle keeps the resident on the same
page (a plain link, so with JavaScript off too) and remembers the choice, and a resident who
chose Welsh gets a council's news email in Welsh, linking to the Welsh page."""

import re
import time

import pytest

from tests.e2e.helpers import enter_authenticator_code, sign_in_by_code

pytestmark = pytest.mark.e2e

RESIDENT = "amira.khan@demo.pocketcouncil.example"  # follows Oxford's consultations by email
ADMIN = "council-admin.oxford@demo.pocketcouncil.example"


def test_welsh_pages_toggle_and_a_welsh_email(visit, browser, site, javascript):
    page = visit.page
    page.set_default_timeout(15_000)
    page.goto("/cy/services/")
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.locator('link[rel=alternate][hreflang="en-GB"]').count() == 1
    visit.step("welsh services")

    # The toggle keeps the page: Welsh services -> English services -> Welsh again.
    page.locator(".pc-language").get_by_role("link", name="English").click()
    assert re.search(r"/services/$", page.url) and "/cy/" not in page.url, page.url
    assert page.locator("html").get_attribute("lang") == "en-gb"
    # The choice is remembered: an English address now opens the English page...
    page.goto("/accessibility/")
    assert "/cy/" not in page.url
    page.locator(".pc-language").get_by_role("link", name="Cymraeg").click()
    assert page.url.endswith("/cy/accessibility/"), page.url
    # ... and after choosing Welsh, an English address opens the Welsh page.
    page.goto("/services/")
    assert page.url.endswith("/cy/services/"), page.url
    assert page.locator("html").get_attribute("lang") == "cy"

    # A resident chooses Welsh while signed in: it is stored on the account.
    label = "js" if javascript else "nojs"
    resident = browser.new_context(java_script_enabled=javascript, base_url=site.url)
    try:
        phone = resident.new_page()
        phone.set_default_timeout(15_000)
        sign_in_by_code(phone, site, RESIDENT)
        # From the Welsh page to English and back (an earlier run may have chosen Welsh).
        phone.goto("/cy/your-account/")
        phone.locator(".pc-language").get_by_role("link", name="English").click()
        assert phone.url.endswith("/your-account/") and "/cy/" not in phone.url, phone.url
        phone.locator(".pc-language").get_by_role("link", name="Cymraeg").click()
        assert phone.url.endswith("/cy/your-account/"), phone.url
    finally:
        resident.close()

    # The council publishes news with its Welsh version; the resident's email is in Welsh.
    staff = browser.new_context(java_script_enabled=javascript, base_url=site.url)
    try:
        desk = staff.new_page()
        desk.set_default_timeout(15_000)
        desk.goto("/staff/")
        sign_in_by_code(desk, site, ADMIN)
        if "/2fa/" in desk.url or "authenticat" in desk.content().lower():
            enter_authenticator_code(desk)
        desk.goto("/staff/oxford/news/new/")
        desk.locator("input[name=kind][value=news]").check()
        desk.locator("[name=title]").fill(f"Library hours ({label})")
        desk.locator("[name=body]").fill("The central library opens late on Thursdays.")
        desk.locator("[name=title_cy]").fill(f"Oriau'r llyfrgell ({label})")
        desk.locator("[name=body_cy]").fill("Mae'r llyfrgell ganolog ar agor yn hwyr ar ddydd Iau.")
        desk.locator("select[name=topic]").select_option("consultations")
        desk.locator("main button[type=submit]").first.click()
        assert "/staff/oxford/news/" in desk.url, desk.url
    finally:
        staff.close()

    deadline = time.monotonic() + 30
    while True:
        emails = [e for e in site.emails_to(RESIDENT) if f"({label})" in e]
        if emails or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert emails, "no news email reached the resident"
    email = emails[-1]
    assert (
        f"Oriau'r llyfrgell ({label})" in email or "Oriau=E2=80=99r" in email or "Oriau'r" in email
    )
    assert "Library hours" not in email
    assert "/cy/news/" in email
