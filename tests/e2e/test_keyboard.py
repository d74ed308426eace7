"""The report journey with the keyboard alone: no clicks, only Tab, Shift+Tab, typing, Space
and Enter, as a person who cannot use a mouse or a touch screen does. JavaScript on and off.

Each control is reached by pressing Tab until it has focus, so a control that cannot be reached
by keyboard (or a focus trap) fails the test."""

import re

import pytest

from tests.e2e.helpers import assert_title

pytestmark = pytest.mark.e2e

FOCUSED_NAME = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "";
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  return (label || el.getAttribute("aria-label") || el.innerText || el.value || "").trim();
}"""


def tab_to(page, name: str, *, limit: int = 80) -> None:
    """Press Tab until the focused control's label or text matches ``name`` (a regex)."""
    pattern = re.compile(name, re.I)
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        current = page.evaluate(FOCUSED_NAME)
        if pattern.search(current):
            return
        seen.append(current[:40])
    raise AssertionError(f"Could not reach {name!r} with the Tab key; passed {seen}")


def arrow_to(page, name: str, *, limit: int = 10) -> None:
    pattern = re.compile(name, re.I)
    for _ in range(limit):
        page.keyboard.press("ArrowDown")
        if pattern.search(page.evaluate(FOCUSED_NAME)):
            assert page.evaluate("document.activeElement.checked")
            return
    raise AssertionError(f"Could not reach {name!r} with the arrow keys")


def follow(page) -> None:
    """Press Enter on the focused link or button and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_report_a_problem_with_the_keyboard_only(visit):
    page = visit.page
    page.set_default_timeout(15_000)
    page.goto("/services/search")
    tab_to(page, r"^What do you need")
    page.keyboard.type("rubbish dumped in the alley")
    tab_to(page, r"^Postcode")
    page.keyboard.type("OX4 3BD")
    follow(page)
    visit.step("results, by keyboard")

    tab_to(page, r"fly-tipping")
    follow(page)
    assert_title(page, "Report fly-tipping")
    tab_to(page, r"^Report it online|^Start|Report fly-tipping")
    follow(page)
    if "Where is it?" not in page.title():
        tab_to(page, r"^Start now")
        follow(page)
    assert_title(page, "Where is it?")
    visit.step("where, by keyboard")

    # The map is a mouse and touch convenience: the postcode does the same job.
    tab_to(page, r"^Postcode")
    page.keyboard.type("OX4 3BD")
    tab_to(page, r"^Describe exactly where")
    page.keyboard.type("Alley behind 30 Cowley Road")
    tab_to(page, r"^Continue")
    follow(page)
    if "Continue with a new report" in page.content():
        tab_to(page, r"^Continue with a new report")
        follow(page)
    assert_title(page, "Tell us about it")

    tab_to(page, r"^Mattress")
    page.keyboard.press("Space")
    # Radios are one stop for Tab; the arrow keys move along the group and choose.
    tab_to(page, r"^A single item")
    arrow_to(page, r"^A car boot load")
    tab_to(page, r"^Describe the problem")
    page.keyboard.type("Bags and a mattress by the garages, reported by keyboard.")
    tab_to(page, r"^Continue")
    follow(page)
    assert_title(page, "Check your report")
    check = page.locator("main").inner_text()
    assert "Mattress" in check and "A car boot load" in check
    visit.step("check, by keyboard")

    tab_to(page, r"^Send report")
    follow(page)
    assert_title(page, "Report sent")
    visit.step("sent, by keyboard")
