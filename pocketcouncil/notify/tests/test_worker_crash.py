"""A worker killed mid-batch: every message is still delivered exactly once after a restart.

Real processes against PostgreSQL: ``manage.py db_worker`` workers deliver to a fake GOV.UK Notify
over loopback HTTP; one is killed with SIGKILL while it is sending, then workers start again.
The test uses its own scratch database (the workers need committed data), so it needs the
PostgreSQL server the suite runs against and is skipped on SQLite.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from pocketcouncil.notify.fake_notify import FakeNotifyServer

ROOT = Path(settings.BASE_DIR)
MESSAGES = 400

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SKIP LOCKED and workers in other processes sharing one database",
)


def _server_params() -> dict:
    db = settings.DATABASES["default"]
    return {
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or "postgres",
        "password": db.get("PASSWORD") or None,
    }


@pytest.fixture
def scratch_database(tmp_path):
    name = f"pocketcouncil_notify_crash_{os.getpid()}"
    params = _server_params()
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = params["user"] + (f":{params['password']}" if params["password"] else "")
    yield name, f"postgres://{auth}@{params['host']}:{params['port']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(url: str, fake: FakeNotifyServer, tmp_path: Path) -> dict:
    settings_file = tmp_path / "crash_settings.py"
    settings_file.write_text(
        "from pocketcouncil.test_settings import *  # noqa\n"
        f"NOTIFY_API_KEY = {fake.api_key!r}\n"
        f"NOTIFY_BASE_URL = {fake.base_url!r}\n"
        "NOTIFY_SMS_TEMPLATE_ID = 'sms-template'\n"
        "NOTIFY_SMS_BACKEND = 'govuk_notify'\n"
        "NOTIFY_DELIVERY_BATCH_SIZE = 25\n"
        "NOTIFY_DELIVERY_LEASE_SECONDS = 3\n"
    )
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        POCKETCOUNCIL_ENV="test",
        DJANGO_SETTINGS_MODULE="crash_settings",
        PYTHONPATH=f"{tmp_path}{os.pathsep}{ROOT}",
    )
    return env


def _manage(env, *args, **kwargs):
    return subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )


def _worker(env):
    return subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--interval",
            "0.2",
            "--no-startup-delay",
            "--no-reload",
            "-v",
            "0",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _states(url):
    with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
        rows = conn.execute(
            "SELECT state, count(*), max(attempts) FROM notify_notification GROUP BY state"
        ).fetchall()
    return {state: (count, attempts) for state, count, attempts in rows}


def test_a_worker_killed_mid_batch_leaves_every_message_delivered_exactly_once(
    scratch_database, tmp_path
):
    _name, url = scratch_database
    # Each send takes a few milliseconds, so a kill lands inside a batch of 25.
    with FakeNotifyServer(delay=0.004) as fake:
        env = _env(url, fake, tmp_path)
        _manage(env, "migrate", "--noinput", "-v", "0")
        _manage(
            env,
            "shell",
            "-c",
            "from django.db import transaction\n"
            "from pocketcouncil.notify.actions import direct_message_send\n"
            "with transaction.atomic():\n"
            f"    for n in range({MESSAGES}):\n"
            "        direct_message_send(channel='sms', to=f'07700{n:06d}', subject='',"
            " body=f'Message {n}', reason='crash test')\n",
        )
        victim, survivor = _worker(env), _worker(env)
        deadline = time.monotonic() + 60
        # Kill while rows are claimed and being sent (not in the gap between two batches).
        while time.monotonic() < deadline and not (
            len(fake.messages) >= MESSAGES // 4 and _states(url).get("sending", (0, 0))[0]
        ):
            time.sleep(0.005)
        assert fake.messages, "the workers never started sending"
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        killed_at = len(fake.messages)
        survivor.send_signal(signal.SIGKILL)  # both die: the whole fleet crashes
        survivor.wait()
        assert killed_at < MESSAGES, "the kill came too late to test anything"

        restarted = [_worker(env), _worker(env)]
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                states = _states(url)
                if states.get("sent", (0, 0))[0] == MESSAGES:
                    break
                time.sleep(0.25)
        finally:
            for process in restarted:
                process.send_signal(signal.SIGTERM)
            for process in restarted:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()

    references = [m["reference"] for m in fake.messages]
    assert len(references) == MESSAGES, f"{len(references) - len(set(references))} duplicates"
    assert len(set(references)) == MESSAGES
    assert sorted(m["personalisation"]["body"] for m in fake.messages) == sorted(
        f"Message {n}" for n in range(MESSAGES)
    )
    states = _states(url)
    assert states["sent"][0] == MESSAGES
    # Proof the kill hit rows mid-batch: some rows were claimed a second time after their lease
    # ran out, and were recovered (by looking up our reference at Notify) or sent then.
    assert states["sent"][1] >= 2
