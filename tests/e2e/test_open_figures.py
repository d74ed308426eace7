"""The open figures pages a resident reads (performance, request statistics, spending, open
data) pass axe-core's WCAG 2.2 A/AA checks, with JavaScript on and off."""

import pytest

pytestmark = pytest.mark.e2e


def test_open_figures_pages_are_accessible(visit):
    page = visit.page
    page.goto("/councils/oxford/")
    page.get_by_role("link", name="How quickly it deals with requests").click()
    assert "/performance/" in page.url
    visit.step("performance")
    page.goto("/councils/oxford/performance/statistics/")
    visit.step("request statistics")
    page.goto("/councils/oxford/spending/")
    visit.step("spending")
    page.goto("/open-data/")
    visit.step("open data")
