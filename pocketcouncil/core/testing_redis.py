"""A Redis server of the tests' own, so the RQ backend, the Redis cache and the cluster's fault
test run against real Redis on any machine that has ``redis-server`` (Debian's ``redis-server``
package; ``scripts/ensure_redis.sh`` installs it), not only where one happens to be running.

Each pytest-xdist worker starts one on a free loopback port, with nothing persisted, and stops
it at the end of the run. ``TEST_REDIS_URL`` (``redis://host:port``, no database number) points
the tests at a server already running instead. Without either, the tests that need Redis are
skipped, except on CI (``CI=true``), where that is a failure: the task backend switch must be
tested there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from pocketcouncil.core.testing_sites import free_port


class RedisServer:
    """``redis-server`` on ``port`` with its files in ``folder``; ``stop`` is SIGKILL (an
    outage), and ``start`` again comes back empty, as a Redis without persistence does."""

    def __init__(self, folder: Path, port: int | None = None):
        self.folder = folder
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which("redis-server") is not None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        import redis

        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(  # noqa: S603 - a fixed command line
            [
                shutil.which("redis-server") or "redis-server",
                "--bind", "127.0.0.1", "--port", str(self.port),
                "--save", "", "--appendonly", "no", "--dir", str(self.folder),
            ],
            stdout=(self.folder / "redis.log").open("a"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url(), socket_connect_timeout=0.5).ping()
                return
            except redis.RedisError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def require_redis_server() -> None:
    """Skip the calling test without ``redis-server`` (fail it on CI)."""
    if not RedisServer.available():
        _unavailable("needs redis-server")


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: CI must test against Redis (scripts/ensure_redis.sh)")
    pytest.skip(reason)


def redis_server_fixture(tmp_path_factory):
    """The body of the ``redis_url`` fixture (conftest.py): yields a ``redis://`` base URL."""
    given = os.environ.get("TEST_REDIS_URL", "").strip()
    if given:
        yield given.rstrip("/")  # redis://host:port, without a database number
        return
    if not shutil.which("redis-server"):
        _unavailable("needs redis-server (or TEST_REDIS_URL)")
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield f"redis://127.0.0.1:{server.port}"
    finally:
        server.stop()
