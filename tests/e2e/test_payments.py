"""Pay and book in a real browser against the fake GOV.UK Pay: bulky waste paid, declined then
paid, and cancelled on the card page; garden waste subscribed and paid; a penalty charge found
and paid at the discount; each with JavaScript on and off.

The site here is its own server (its demo councils' GOV.UK Pay accounts point at a fake GOV.UK
Pay started in this process, whose webhooks go back to the site over HTTP)."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

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
        tmp_path_factory,
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
    expect(page.locator("body")).to_contain_text("Enter card details")


def test_bulky_waste_booked_and_paid(resident):
    page = resident.page
    _book(resident)
    page.get_by_role("button", name="Pay now").click()
    page.wait_for_url(re.compile(r"/bulky-waste/bookings/\d+/$"))
    resident.step("booked")
    assert page.get_by_role("heading", name="Collection booked").is_visible()
    expect(page.locator("body")).to_contain_text("£15.00")


def test_bulky_waste_declined_then_paid(resident):
    page = resident.page
    _book(resident)
    page.get_by_role("button", name="Pay with a card that is declined").click()
    page.wait_for_url(re.compile(r"/bulky-waste/bookings/\d+/$"))
    resident.step("declined")
    expect(page.locator("body")).to_contain_text("Your payment did not go through")
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
    expect(page.locator("body")).to_contain_text("Your payment did not go through")
    expect(page.locator("body")).to_contain_text("We are holding this collection day")
    booking = int(re.search(r"/bookings/(\d+)/", page.url).group(1))
    with sqlite3.connect(pay_site.folder / "site.sqlite3") as db:
        (status,) = db.execute(
            "SELECT status FROM payments_bulkybooking WHERE id = ?", (booking,)
        ).fetchone()
    assert status == "held"


def _pay_on_card_page(page, back: str) -> None:
    page.wait_for_url(re.compile(r"/card/"))
    expect(page.locator("body")).to_contain_text("Enter card details")
    page.get_by_role("button", name="Pay now").click()
    page.wait_for_url(re.compile(back))


def test_garden_waste_subscribed_and_paid(resident, javascript):
    page = resident.page
    page.goto("/garden-waste/oxford/subscribe/")
    resident.step("subscribe")
    page.get_by_label("2", exact=True).check()
    page.get_by_label("Address for the bins").fill(
        f"{'3' if javascript else '5'} Iffley Road, OX4 1EA"
    )
    page.get_by_role("button", name="Continue to payment").click()
    _pay_on_card_page(page, r"/garden-waste/subscriptions/\d+/$")
    resident.step("active")
    assert page.get_by_role("heading", name="Subscription active").is_visible()
    expect(page.locator("body")).to_contain_text("£100.00")  # two bins at the demo's £50 a year


def test_penalty_charge_found_and_paid_at_the_discount(resident, pay_site, javascript):
    pcn, vrm = ("OX10000001", "PN61ABC") if javascript else ("OX10000002", "PN61ABD")
    with sqlite3.connect(pay_site.folder / "site.sqlite3") as db:
        (council,) = db.execute("SELECT id FROM councils_council WHERE slug = 'oxford'").fetchone()
        db.execute(
            "INSERT INTO payments_penaltycharge (council_id, pcn_number, vrm, contravention,"
            " issued_on, full_amount, discount_amount, discount_days, status, paid_amount,"
            " imported_at) VALUES (?, ?, ?, 'Parked in a permit bay', ?, 7000, 3500, 14,"
            " 'outstanding', 0, CURRENT_TIMESTAMP)",
            (council, pcn, vrm, datetime.now(tz=UTC).date().isoformat()),
        )
    page = resident.page
    page.goto("/parking-fine/oxford/pay/")
    resident.step("find")
    page.get_by_label("Penalty charge notice (PCN) number").fill(pcn.lower())
    page.get_by_label("Vehicle registration").fill(vrm[:4] + " " + vrm[4:])
    page.get_by_role("button", name="Find the penalty charge").click()
    page.wait_for_url(re.compile(r"/parking-fine/charges/\d+/$"))
    resident.step("charge")
    page.get_by_role("button", name=re.compile(r"Pay £35.00")).click()
    _pay_on_card_page(page, r"/parking-fine/payments/[^/]+/$")
    resident.step("paid")
    assert page.get_by_role("heading", name="Penalty charge paid").is_visible()
