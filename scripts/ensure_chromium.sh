#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser tests (tests/e2e). Playwright drives
# it with executable_path=/usr/bin/chromium; it never downloads a browser of its own.
# Exits 0 when Chromium is there (or was installed); otherwise says loudly why not and exits 0,
# so that `make test` still runs everything else: the browser tests then skip with a message,
# except in CI, where they fail (see tests/e2e/conftest.py).
set -uo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium from Debian's packages for the browser tests..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation >/dev/null
  if [ -x /usr/bin/chromium ]; then
    exit 0
  fi
fi
echo "!! Chromium is not installed and could not be installed here (needs root and apt-get)." >&2
echo "!! The browser tests in tests/e2e will be skipped. Install it with: apt-get install chromium" >&2
exit 0
