"""A real HTTP server for the Open311 tests, in a thread of the test process.

It shares the test's database connection (the test waits while the server answers, so the
connection is never used by two threads at once), so it sees rows the test made inside its
rolled-back transaction, on SQLite and PostgreSQL alike, and leaves the demo data alone.
"""

from __future__ import annotations

import threading
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, connections


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _Server(threading.Thread):
    def __init__(self, connection):
        super().__init__(daemon=True)
        self.connection = connection
        self.httpd: WSGIServer = make_server(
            "127.0.0.1", 0, WSGIHandler(), handler_class=_QuietHandler
        )
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"

    def run(self):
        connections["default"] = self.connection
        self.httpd.serve_forever(poll_interval=0.05)


@pytest.fixture
def http_server(db, settings):
    """The base URL (``http://127.0.0.1:<port>``) of a running server."""
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    connection = connections["default"]
    connection.inc_thread_sharing()
    # Django closes "old" connections around each request; here that would close the test's.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    server = _Server(connection)
    server.start()
    try:
        yield server.url
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
        server.join(timeout=5)
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
        connection.dec_thread_sharing()


@pytest.fixture
def oxford(demo):
    return demo["oxford"]


@pytest.fixture
def key(oxford):
    """An API key of Oxford's, with a limit no test reaches."""
    from pocketcouncil.open311.tests.factories import ApiClientFactory

    ApiClientFactory(council=oxford, raw_key="oxford-test-key", rate_limit_per_minute=1000)
    return "oxford-test-key"


# --- the outbound client's tests ---------------------------------------------------------------


@pytest.fixture
def point():
    """A place in Oxford (OX4 3BD) as (longitude, latitude)."""
    from pocketcouncil.councils import queries as councils_queries

    place = councils_queries.postcode_get("OX4 3BD")
    return place.longitude, place.latitude


@pytest.fixture
def back_office(monkeypatch):
    """A fake back office in place of the outbound client's HTTP transport."""
    from pocketcouncil.open311 import outbound
    from pocketcouncil.open311.tests.backoffice import FakeBackOffice

    fake = FakeBackOffice()
    monkeypatch.setattr(outbound, "transport", fake)
    return fake


@pytest.fixture
def endpoint(demo):
    """Oxford's fly-tipping reports go to a back office at ``backoffice.BASE``."""
    from pocketcouncil.accounts.models import User
    from pocketcouncil.open311 import actions
    from pocketcouncil.open311.tests.backoffice import BASE, FLY_TIPPING
    from pocketcouncil.services.models import Service

    return actions.outbound_endpoint_save(
        council=demo["oxford"],
        actor=User.objects.get(email="council-admin.oxford@demo.pocketcouncil.example"),
        service=Service.objects.get(lgsl=FLY_TIPPING),
        name="Street scene works system",
        base_url=BASE,
        jurisdiction_id="oxon-streets",
        service_code="FLY-01",
        api_key="secret-back-office-key",
    )
