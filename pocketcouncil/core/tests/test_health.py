"""/healthz: 200 when the database answers, 503 when it cannot be reached."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_database_unreachable_gives_503():
    """A real process whose database server is not there (nothing listens on port 1)."""
    code = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code); print(r.content.decode())"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pocketcouncil.test_settings",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "PGCONNECT_TIMEOUT": "2",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().split("\n", 1)
    assert status == "503"
    assert json.loads(body) == {
        "status": "unavailable",
        "checks": {"database": {"status": "unreachable"}},
    }


@pytest.mark.django_db
def test_only_get(client):
    assert client.post("/healthz").status_code == 405
