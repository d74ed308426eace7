"""One scheduler at a time across the cluster: a leader lock.

* PostgreSQL: a session advisory lock on a connection of its own, held for as long as the
  scheduler lives. If the process dies, or its network does, PostgreSQL ends the session and
  the lock goes with it, so a standby scheduler takes over at its next try.
* Redis (when ``REDIS_URL`` is set and the database is not PostgreSQL): a key with a lease,
  renewed on every tick; a dead scheduler's lease runs out.
* SQLite: the database is a file on one machine, so an exclusive lock on a file next to it.

The lock only keeps standby schedulers idle. Each run is also claimed once in the shared cache
(``schedule.claim_slot``), so even two leaders at once (a paused process waking up after its
lease ran out) queue each run once.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import uuid
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

# pg_try_advisory_lock takes a 64-bit key; this is "pocketcouncil scheduler" hashed, fixed so
# every release agrees on it.
ADVISORY_KEY = 7_346_112_905_118_031_125


class PostgresLeaderLock:
    def __init__(self):
        self._conn = None

    def acquire(self) -> bool:
        if self._conn is not None:
            if self._alive():
                return True
            self.release()
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        params.pop("prepare_threshold", None)
        conn = psycopg.connect(**params, autocommit=True)
        got = conn.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_KEY]).fetchone()[0]
        if not got:
            conn.close()
            return False
        self._conn = conn
        return True

    def _alive(self) -> bool:
        try:
            self._conn.execute("SELECT 1")
        except psycopg.Error:
            logger.warning("Scheduler lost its database session; the lock went with it.")
            return False
        return True

    def release(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(psycopg.Error):
                self._conn.close()  # ends the session, which frees the lock
            self._conn = None


class RedisLeaderLock:
    KEY = "pocketcouncil:scheduler:leader"

    def __init__(self, url: str, lease_seconds: int = 30):
        import redis

        self._redis = redis.Redis.from_url(url)
        self._token = uuid.uuid4().hex
        self._lease_ms = lease_seconds * 1000

    def acquire(self) -> bool:
        # Renew our own lease, or take a free one. The Lua script keeps the two atomic.
        script = """
        local holder = redis.call('GET', KEYS[1])
        if holder == ARGV[1] then
            redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1
        end
        if not holder then
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1
        end
        return 0
        """
        return bool(self._redis.eval(script, 1, self.KEY, self._token, self._lease_ms))

    def release(self) -> None:
        script = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """
        self._redis.eval(script, 1, self.KEY, self._token)


class FileLeaderLock:
    def __init__(self, path: Path):
        self._path = path
        self._fd = None

    def acquire(self) -> bool:
        if self._fd is not None:
            return True
        self._path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def leader_lock():
    """The right lock for this deployment's database (and Redis)."""
    if connection.vendor == "postgresql":
        return PostgresLeaderLock()
    url = getattr(settings, "REDIS_URL", "")
    if url:
        return RedisLeaderLock(url)
    return FileLeaderLock(Path(settings.VAR_DIR) / "scheduler.lock")
