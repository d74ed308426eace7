"""Page weight: every resident page under 150 KB transferred on a first visit (HTML, CSS, JS,
fonts, images; map tiles excluded) and under 30 KB on a repeat visit. Prints the table."""

import pytest

from tests.e2e.conftest import CHROMIUM_ARGS, PHONE  # noqa: F401

pytestmark = pytest.mark.e2e

PAGES = [
    "/",
    "/find/?q=OX4+3BD",
    "/services/",
    "/services/search?q=bins+not+emptied&postcode=OX4+3BD",
    "/councils/oxford/services/587/",
    "/report/587/",
    "/reports/",
    "/councils/oxford/",
    "/accessibility/",
    "/accounts/login/code/",
]
FIRST_BUDGET = 150 * 1024
REPEAT_BUDGET = 30 * 1024


def transferred(page, url: str) -> int:
    total = 0
    responses = []

    def seen(response):
        responses.append(response)

    page.on("response", seen)
    page.goto(url, wait_until="networkidle")
    page.remove_listener("response", seen)
    for response in responses:
        if "blank-tile" in response.url or "/tile" in response.url:
            continue
        sizes = response.request.sizes()
        total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    return total


def test_page_weight_budget(browser, site):
    rows = []
    for path in PAGES:
        context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=site.url)
        try:
            page = context.new_page()
            first = transferred(page, path)
            repeat = transferred(page, path)
        finally:
            context.close()
        rows.append((path, first, repeat))
    print("\npage                                                    first KB   repeat KB")
    for path, first, repeat in rows:
        print(f"{path:<56} {first / 1024:>8.1f} {repeat / 1024:>10.1f}")
    over = [r for r in rows if r[1] > FIRST_BUDGET or r[2] > REPEAT_BUDGET]
    assert not over, f"Over the page-weight budget: {over}"
