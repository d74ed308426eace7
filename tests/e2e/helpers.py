"""Signing in as a person would: an emailed code, then (for staff) an authenticator code."""

import base64
import hashlib
import hmac
import re
import struct
import time

DEMO_TOTP_SECRET = "POCKETCOUNCILDEMOONLYTOTPSECRET2"  # published demo-only secret (README)


def totp(secret: str = DEMO_TOTP_SECRET, at: float | None = None) -> str:
    """RFC 6238: the six-digit code an authenticator app shows for ``secret``."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((at or time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def sign_in_by_code(page, site, email: str) -> None:
    """Ask for a sign-in code, read it from the email the site sent, and enter it."""
    already = len(site.emails_to(email))
    page.goto("/accounts/login/code/")
    page.get_by_label(re.compile("email", re.I)).first.fill(email)
    with page.expect_navigation():
        page.locator("main button[type=submit]").first.click()
    deadline = time.monotonic() + 20
    while len(site.emails_to(email)) <= already:
        assert time.monotonic() < deadline, "no sign-in code arrived"
        time.sleep(0.2)
    message = site.emails_to(email)[-1]
    # The email says "Your code to sign in to Pocket Council is:" and the code on its own line.
    after = message.split("is:", 1)[1]
    code = next(line.strip() for line in after.splitlines() if line.strip())
    page.get_by_label(re.compile("code", re.I)).first.fill(code)
    with page.expect_navigation():
        page.locator("main button[type=submit]").first.click()


def enter_authenticator_code(page) -> None:
    """Enter the current code; a code already used (by an earlier test in the same 30 seconds)
    is refused, as it should be, so then wait for the next one."""
    for _ in range(2):
        page.get_by_label(re.compile("code", re.I)).first.fill(totp())
        with page.expect_navigation():
            page.locator("main button[type=submit]").first.click()
        if "/2fa/authenticate" not in page.url:
            return
        time.sleep(30 - time.time() % 30 + 1)
    raise AssertionError("the authenticator code was refused twice")


def assert_title(page, text: str, timeout: float = 10_000) -> None:
    """Wait for the page that a click started loading to have ``text`` in its title.

    Reading ``page.title()`` straight after a click can catch the browser between pages
    (the title is then empty), so this waits as Playwright's ``expect`` does.
    """
    from playwright.sync_api import expect

    expect(page).to_have_title(re.compile(re.escape(text)), timeout=timeout)
