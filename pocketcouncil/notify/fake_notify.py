"""A fake GOV.UK Notify API over real HTTP on loopback, for tests and benchmarks.

It checks the JWT the official client sends (HS256, signed with the key's secret, ``iss`` the
service id, ``iat`` recent), records every accepted message, and answers reference look-ups
(``GET /v2/notifications?reference=...``) the way Notify does, so crash recovery can be tested.
It never talks to the internet.

    with FakeNotifyServer() as fake:
        settings.NOTIFY_API_KEY = fake.api_key
        settings.NOTIFY_BASE_URL = fake.base_url
        ...
        fake.messages  # list of dicts: type, to, personalisation, reference, id
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt

SERVICE_ID = "11111111-2222-3333-4444-555555555555"
SECRET = "66666666-7777-8888-9999-000000000000"  # noqa: S105 (a fake, loopback only)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # Send each reply in one write with Nagle off: otherwise headers and body go as two small
    # packets and the client's delayed ACK adds 40 ms to every request.
    wbufsize = 1 << 16
    disable_nagle_algorithm = True

    def log_message(self, *args):  # keep test output quiet
        pass

    def _reply(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return False
        try:
            claims = jwt.decode(
                header[7:], SECRET, algorithms=["HS256"], options={"require": ["iss", "iat"]}
            )
        except jwt.PyJWTError:
            return False
        return claims["iss"] == SERVICE_ID and abs(time.time() - claims["iat"]) < 30

    def do_GET(self):  # noqa: N802
        if not self._authorised():
            self.server.fake.rejected_auth += 1
            return self._reply(403, {"errors": [{"error": "AuthError"}], "status_code": 403})
        url = urlparse(self.path)
        if url.path != "/v2/notifications":
            return self._reply(404, {"status_code": 404})
        reference = parse_qs(url.query).get("reference", [""])[0]
        with self.server.fake.lock:
            found = [m for m in self.server.fake.messages if m["reference"] == reference]
        return self._reply(200, {"notifications": found, "links": {}})

    def do_POST(self):  # noqa: N802
        fake = self.server.fake
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        if not self._authorised():
            fake.rejected_auth += 1
            return self._reply(403, {"errors": [{"error": "AuthError"}], "status_code": 403})
        kind = {"/v2/notifications/sms": "sms", "/v2/notifications/email": "email"}.get(self.path)
        if kind is None:
            return self._reply(404, {"status_code": 404})
        with fake.lock:
            if fake.fail_next:
                status = fake.fail_next.pop(0)
                return self._reply(
                    status,
                    {"errors": [{"error": "Fake", "message": "fake"}], "status_code": status},
                )
        to = body.get("phone_number") or body.get("email_address")
        if not to:
            return self._reply(400, {"errors": [{"error": "ValidationError"}], "status_code": 400})
        if fake.delay:
            time.sleep(fake.delay)
        message = {
            "id": str(uuid.uuid4()),
            "type": kind,
            "to": to,
            "template_id": body.get("template_id"),
            "personalisation": body.get("personalisation") or {},
            "reference": body.get("reference"),
            "status": "created",
        }
        with fake.lock:
            fake.messages.append(message)
        return self._reply(201, {"id": message["id"], "reference": message["reference"]})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeNotifyServer


class FakeNotifyServer:
    def __init__(self, delay: float = 0.0):
        self.messages: list[dict] = []
        self.fail_next: list[int] = []
        self.rejected_auth = 0
        self.delay = delay
        self.lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_key(self) -> str:
        return f"pocketcouncil_test-{SERVICE_ID}-{SECRET}"

    def start(self) -> FakeNotifyServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeNotifyServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class NullSMS:
    """A channel backend that accepts every message and sends nothing (benchmarks only).

    Select it with ``NOTIFY_SMS_BACKEND = "pocketcouncil.notify.fake_notify.NullSMS"`` to measure
    the outbox itself (claiming, rendering, recording) without any provider's latency.
    """

    def send(self, notification, message):
        return f"null-{notification.pk}"

    def find_previous(self, notification):
        return None
