#!/usr/bin/env bash
# Make sure Debian's redis-server is installed for the tests that run against real Redis (the
# RQ task backend, the Redis cache, the local cluster's fault test). The tests start servers of
# their own on free loopback ports; nothing here starts one.
# Exits 0 when redis-server is there (or was installed); otherwise says loudly why not and exits
# 0, so that `make test` still runs everything else: those tests then skip with a message,
# except in CI, where they fail (pocketcouncil/core/testing_redis.py).
set -uo pipefail
if command -v redis-server >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing redis-server from Debian's packages for the Redis tests..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  if command -v redis-server >/dev/null 2>&1; then
    exit 0
  fi
fi
echo "!! redis-server is not installed and could not be installed here (needs root and apt-get)." >&2
echo "!! The Redis tests will be skipped. Install it with: apt-get install redis-server" >&2
exit 0
