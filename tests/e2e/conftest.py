"""Browser tests: a real headless Chromium (Debian's package, driven by Playwright) against a
real server process of this project with the demo data, in a phone-sized viewport.

The server is started once per test session by ``site``: its own SQLite file, migrated, demo
loaded, static files collected, served by gunicorn on a free loopback port. Emails are written to
files (sign-in codes are read from there), text messages to the server's log, and background
tasks run at once, so what a resident would receive can be checked. Screenshots of every step
go to var/screenshots/.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from pocketcouncil.core.testing_sites import free_port, prepare_site, site_env, wait_until_healthy

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = ROOT / "var" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@dataclass
class Site:
    url: str
    folder: Path
    log: Path

    @property
    def mail_dir(self) -> Path:
        return self.folder / "mail"

    def emails_to(self, address: str) -> list[str]:
        """The text of every email the site has sent to ``address``, oldest first."""
        if not self.mail_dir.exists():
            return []
        found = []
        for path in sorted(self.mail_dir.iterdir(), key=lambda p: p.stat().st_mtime):
            text = path.read_text(errors="replace")
            if re.search(rf"^To: .*{re.escape(address)}", text, re.M | re.I):
                found.append(text)
        return found

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def _require_chromium():
    if not Path(CHROMIUM).exists():
        message = (
            "Chromium is not installed at /usr/bin/chromium: the browser tests cannot run. "
            "`make test` installs it with scripts/ensure_chromium.sh where it can (apt-get)."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Site:
    _require_chromium()
    yield from start_site(tmp_path_factory, tmp_path_factory.mktemp("site"))


def start_site(tmp_path_factory, folder: Path, extra_env: dict | None = None):
    """Serve a demo site in ``folder``; yields it, stops it after. Its database is a copy of the
    run's migrated, demo-loaded one (pocketcouncil.core.testing_sites). ``extra_env`` adds
    settings (tests/e2e/test_payments.py points it at a fake GOV.UK Pay)."""
    port = free_port()
    env = site_env(
        folder,
        # No network here: every map tile is one plain local image, so the map still works.
        CASES_MAP_TILES_URL=f"http://127.0.0.1:{port}/static/pocketcouncil/blank-tile.png",
        POCKETCOUNCIL_SITE_URL=f"http://127.0.0.1:{port}",
        **(extra_env or {}),
    )
    prepare_site(tmp_path_factory, folder, env)
    log = folder / "server.log"
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "pocketcouncil.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
            "--timeout",
            "120",
            "--access-logfile",
            "-",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_healthy(url, server, log)
    yield Site(url=url, folder=folder, log=log)
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


@pytest.fixture(scope="session")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session", autouse=False)
def screenshots() -> Path:
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS


@pytest.fixture(params=["js", "nojs"])
def javascript(request) -> bool:
    return request.param == "js"


@pytest.fixture
def visit(browser, site, javascript, screenshots, request):
    """A resident's phone: ``visit.page`` is a page in a fresh browser context (JavaScript on
    or off), ``visit.step(name)`` saves a screenshot and checks the page with axe-core."""
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript, base_url=site.url)
    if javascript:
        context.add_init_script(path=str(AXE))
    page = context.new_page()
    checker = Checker(
        browser,
        site,
        page,
        javascript,
        screenshots,
        request.node.name.replace("[", "-").replace("]", ""),
    )
    yield checker
    context.close()


class Checker:
    def __init__(self, browser, site, page, javascript, folder, name):
        self.browser, self.site, self.page = browser, site, page
        self.javascript, self.folder, self.name = javascript, folder, name
        self.count = 0

    def step(self, label: str) -> None:
        """Screenshot this step and fail on any WCAG 2.2 A/AA violation axe-core finds."""
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        self.page.screenshot(
            path=str(self.folder / f"{self.name}-{self.count:02d}-{slug}.png"), full_page=True
        )
        violations = axe_violations(self.browser, self.site, self.page, self.javascript)
        assert not violations, f"Accessibility problems on '{label}': {violations}"


AXE_SCRIPT = (
    "async () => {"
    "  const result = await axe.run(document, {runOnly: {type: 'tag', values: TAGS}});"
    "  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
    "    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));"
    "}"
).replace("TAGS", str(WCAG_TAGS))


def axe_violations(browser, site, page, javascript: bool) -> list:
    if javascript:
        return page.evaluate(AXE_SCRIPT)
    # With JavaScript off the page cannot run axe itself: check the very same HTML in a
    # JavaScript-enabled helper page, with the site's stylesheets, so contrast is checked too.
    html = page.content()
    html = html.replace("<head>", f'<head><base href="{site.url}/">', 1)
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    try:
        helper = context.new_page()
        helper.set_content(html, wait_until="load")
        helper.add_script_tag(path=str(AXE))
        return helper.evaluate(AXE_SCRIPT)
    finally:
        context.close()
