"""A demo site's database and static files for tests that start a second server process (the
browser tests in tests/e2e, the killed back office in open311's tests).

Migrating a new SQLite file takes about 30 seconds here and collecting static files about 25, and
each of those tests used to do both for every site it started. Now the first test of a run that
needs a site builds one migrated, demo-loaded database and one collected static folder, under a
file lock shared by every pytest-xdist worker of the run; each site copies the database and reads
the static folder. The copy is then migrated and demo-loaded again in the site's own settings,
which is quick (both are idempotent) and keeps settings-dependent demo rows right, such as the
fake GOV.UK Pay address the payments tests point the demo at.

The real migrations still run from nothing once per test run (the in-process test database is
made from the models: see ``make test``), so a migration that fails on a new database fails the
run.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MANAGE = [sys.executable, str(ROOT / "manage.py")]

# One Django start for the commands (each start costs seconds).
_PREPARE = (
    "from django.core.management import call_command;"
    "call_command('migrate', interactive=False, verbosity=0);"
    "call_command('createcachetable');"
    "call_command('load_demo', verbosity=0)"
)


def site_env(folder: Path, **settings: str) -> dict:
    """The environment of a development site whose database and files live in ``folder``."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "POCKETCOUNCIL_ENV": "development",
        "DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "pocketcouncil.settings",
        "DATABASE_URL": f"sqlite:///{folder}/site.sqlite3",
        "POCKETCOUNCIL_VAR_DIR": str(folder),
        "MEDIA_ROOT": str(folder / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "TASKS_RUN_IMMEDIATELY": "true",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        **settings,
    }


def _run(env: dict, *command: str, timeout: int = 600) -> None:
    done = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [*MANAGE, *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise RuntimeError(
            f"manage.py {command[0]} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )


def shared_folder(tmp_path_factory) -> Path:
    """A folder shared by every xdist worker of this test run and only this run: pytest-xdist
    gives each worker a base temporary folder inside the run's; pytest removes old runs' folders.
    """
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "demo-site"
    folder.mkdir(exist_ok=True)
    return folder


def _template(shared: Path) -> Path:
    """The run's migrated, demo-loaded database and collected static files, built once."""
    ready = shared / "ready"
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other workers wait here while one builds
        if not ready.exists():
            build = shared / "build"
            shutil.rmtree(build, ignore_errors=True)
            build.mkdir()
            env = site_env(build, STATIC_ROOT=str(shared / "static"))
            _run(env, "shell", "-c", _PREPARE)
            _run(env, "collectstatic", "--noinput", "-v", "0")
            ready.write_text("built\n")
    return shared


def prepare_site(tmp_path_factory, folder: Path, env: dict) -> None:
    """Give the site whose environment is ``env`` a demo database in ``folder`` (its
    ``DATABASE_URL`` must be ``sqlite:///<folder>/<name>``) and point it at the run's static files.
    """
    shared = _template(shared_folder(tmp_path_factory))
    target = Path(env["DATABASE_URL"].removeprefix("sqlite:///"))
    if target.parent != folder:
        raise ValueError(f"{target} is not in {folder}")
    shutil.copyfile(shared / "build" / "site.sqlite3", target)
    env["STATIC_ROOT"] = str(shared / "static")
    _run(env, "shell", "-c", _PREPARE)


def wait_until_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    """Wait up to a minute for ``url``/healthz to answer 200; if it does not, or the process
    dies, kill it and raise with its log."""
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("The site did not start:\n" + log.read_text()) from None
            time.sleep(0.2)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServedSite:
    """A second Pocket Council (a demo site on SQLite in ``folder``) served by gunicorn on a free
    loopback port at ``url``: the back office of open311's outbound tests and of the cluster's
    fault test. ``kill`` is SIGKILL, ``start`` starts it again on the same port and database."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = site_env(
            folder,
            EMAIL_FILE_PATH=str(folder / "mail"),
            POCKETCOUNCIL_SITE_URL=self.url,
        )
        self.process: subprocess.Popen | None = None
        self.log = folder / "server.log"

    def manage(self, *command: str) -> str:
        done = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
            [sys.executable, str(ROOT / "manage.py"), *command],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )
        return done.stdout

    def prepare(self, tmp_path_factory) -> None:
        prepare_site(tmp_path_factory, self.folder, self.env)

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "pocketcouncil.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--threads",
                "4",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the master and its worker
        )
        wait_until_healthy(self.url, self.process, self.log)

    def stop(self) -> None:
        """SIGTERM, as a supervisor stops it, if it is running."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)

    def kill(self) -> None:
        """SIGKILL to gunicorn's master and worker: no clean shutdown, whatever it was doing
        is cut off."""
        if self.process is None:
            raise RuntimeError("the site was never started")
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def get(self, path: str, **params) -> list:
        query = urllib.parse.urlencode({"jurisdiction_id": "oxford", **params})
        url = f"{self.url}/open311/v2/{path}?{query}"
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310
            return json.loads(answer.read())
