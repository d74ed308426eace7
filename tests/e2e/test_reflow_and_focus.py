"""400% zoom (WCAG 1.4.10 reflow: no horizontal scrolling at 320 CSS pixels wide) and a visible
keyboard focus on every resident page."""

import pytest

from tests.e2e.test_page_weight import PAGES

pytestmark = pytest.mark.e2e

# Pages with wide tables and charts, checked for reflow too (not held to the weight budget).
MORE_PAGES = [
    "/councils/oxford/performance/",
    "/councils/oxford/performance/statistics/",
    "/councils/oxford/spending/",
    "/have-your-say/",
    "/open-data/",
]


def test_pages_reflow_at_320_pixels_and_show_keyboard_focus(browser, site):
    context = browser.new_context(viewport={"width": 320, "height": 640}, base_url=site.url)
    problems = []
    try:
        page = context.new_page()
        for path in PAGES + MORE_PAGES:
            page.goto(path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                problems.append(f"{path}: scrolls sideways by {overflow}px at 320px")
            page.keyboard.press("Tab")  # the skip link comes first
            focus = page.evaluate(
                """() => { const el = document.activeElement; const s = getComputedStyle(el);
                return {tag: el.tagName, text: el.textContent.trim().slice(0, 40),
                        outline: s.outlineStyle, shadow: s.boxShadow,
                        background: s.backgroundColor}; }"""
            )
            visible = focus["outline"] != "none" or focus["shadow"] != "none"
            if not visible or "Skip to main content" not in focus["text"]:
                problems.append(f"{path}: first Tab focus not visible or not the skip link {focus}")
    finally:
        context.close()
    assert not problems, "\n".join(problems)
