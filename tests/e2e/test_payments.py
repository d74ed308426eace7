"""Pay and book in a real browser against the fake GOV.UK Pay: bulky waste paid, declined then
paid, and cancelled on the card page; with JavaScript on and off.

The site here is its own server (its demo councils' GOV.UK Pay accounts point at a fake GOV.UK
Pay started in this process, whose webhooks go back to the site over HTTP)."""

from __future__ import annotations

import re
import sqlite3

import pytest

from pocketcouncil.payments.fake_pay import DEV_ACCOUNTS, FakePayServer
from tests.e2e.conftest import AXE, Checker, _require_chromium, start_site
from tests.e2e.helpers import sign_in_by_code

AMIRA = "amira.khan@demo.pocketcouncil.example"


@pytest.fixture(scope="module")
def fake_pay():
    with FakePayServer() as fake:
        yield fake


@pytest.fixture(scope="module")
def pay_site(tmp_path_factory, fake_pay):
    _require_chromium()
    sites = start_site(
        tmp_path_factory.mktemp("pay-site"),
        {"PAYMENTS_DEMO_PAY_URL": fake_pay.base_url, "PAYMENTS_CARD_ORIGINS": fake_pay.base_url},
    )
    site = next(sites)
    for slug, (key, secret) in DEV_ACCOUNTS.items():
        fake_pay.add_account(
            slug, api_key=key, secret=secret, webhook_url=f"{site.url}/payments/webhook/{slug}/"
        )
    yield site
    next(sites, None)


@pytest.fixture(scope="module")
def signed_in(browser, pay_site):
    """Amira signed in once (sign-in codes are rate limited per address): the cookies."""
    context = browser.new_context(base_url=pay_site.url)
    sign_in_by_code(context.new_page(), pay_site, AMIRA)
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def resident(browser, pay_site, signed_in, javascript, screenshots, request):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        java_script_enabled=javascript,
        base_url=pay_site.url,
        storage_state=signed_in,
    )
    if javascript:
        context.add_init_script(path=str(AXE))
    page = context.new_page()
    checker = Checker(
        browser,
        pay_site,
        page,
        javascript,
        screenshots,
        request.node.name.replace("[", "-").replace("]", ""),
    )
    yield checker
    context.close()


def _book(visit) -> None:
    page = visit.page
    page.goto("/bulky-waste/oxford/book/")
    visit.step("book")
    page.get_by_label(re.compile(r"Mattress")).fill("1")
    page.locator("input[name=slot]").first.check()
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(re.compile(r"/card/"))
    assert "Enter card details" in page.content()


def test_bulky_waste_booked_and_paid(resident):
    page = resident.page
    _book(resident)
    page.get_by_role("button", name="Pay now").click()
    page.wait_for_url(re.compile(r"/bulky-waste/bookings/\d+/$"))
    resident.step("booked")
    assert page.get_by_role("heading", name="Collection booked").is_visible()
    assert "£15.00" in page.content()


def test_bulky_waste_declined_then_paid(resident):
    page = resident.page
    _book(resident)
    page.get_by_role("button", name="Pay with a card that is declined").click()
    page.wait_for_url(re.compile(r"/bulky-waste/bookings/\d+/$"))
    resident.step("declined")
    assert "Your payment did not go through" in page.content()
    page.get_by_role("button", name=re.compile("Pay £15.00")).click()
    page.wait_for_url(re.compile(r"/card/"))
    page.get_by_role("button", name="Pay now").click()
    page.wait_for_url(re.compile(r"/bulky-waste/bookings/\d+/$"))
    assert page.get_by_role("heading", name="Collection booked").is_visible()


def test_bulky_waste_cancelled_on_the_card_page_keeps_the_day(resident, pay_site):
    page = resident.page
    _book(resident)
    page.get_by_role("button", name="Cancel payment").click()
    page.wait_for_url(re.compile(r"/bulky-waste/bookings/\d+/$"))
    assert "Your payment did not go through" in page.content()
    assert "We are holding this collection day" in page.content()
    booking = int(re.search(r"/bookings/(\d+)/", page.url).group(1))
    with sqlite3.connect(pay_site.folder / "site.sqlite3") as db:
        (status,) = db.execute(
            "SELECT status FROM payments_bulkybooking WHERE id = ?", (booking,)
        ).fetchone()
    assert status == "held"
