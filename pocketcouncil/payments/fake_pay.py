"""A fake GOV.UK Pay (API v1) over real HTTP on loopback, for development, tests and benchmarks.

It follows the public API's shapes: ``POST /v1/payments`` (with ``Idempotency-Key``),
``GET /v1/payments/{id}``, ``/events``, ``/cancel``, ``/refunds`` (with the
``refund_amount_available`` check) and ``GET /v1/payments`` (search), and the states created,
started, submitted, success, failed, cancelled and error. Its card page (``/card/{id}``) has no
card fields: the buttons choose the outcome (pay, declined, cancel, time out, error). Webhooks
are signed with ``Pay-Signature`` (HMAC-SHA256 of the body) and can be delayed, held back,
sent twice or dropped, so every ordering of "webhook" and "resident comes back" can be tested.
It never talks to the internet.

In tests::

    with FakePayServer(webhook_url=...) as fake:
        fake.add_account("oxford")          # -> (api_key, webhook_secret)

For development (``scripts/run_dev.sh`` starts it)::

    python -m pocketcouncil.payments.fake_pay --port 8010
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import hmac
import html
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

# Fixed keys for the development server, so load_demo can point the demo councils at it.
DEV_ACCOUNTS = {
    "oxford": ("api_test_fake_oxford_0000000000000000", "fake-webhook-secret-oxford"),
    "manchester": ("api_test_fake_manchester_000000000000", "fake-webhook-secret-manchester"),
    "oxfordshire": ("api_test_fake_oxfordshire_00000000000", "fake-webhook-secret-oxfordshire"),
}

FAILURES = {
    "declined": ("P0010", "Payment method rejected"),
    "timeout": ("P0020", "Payment expired"),
    "cancel": ("P0030", "Payment was cancelled by the user"),
    "error": ("P0050", "Payment provider returned an error"),
}
WEBHOOK_EVENT = {
    "success": "card_payment_succeeded",
    "failed": "card_payment_failed",
    "cancelled": "card_payment_cancelled",
    "error": "card_payment_failed",
    "started": "card_payment_started",
}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    wbufsize = 1 << 16
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    # --- plumbing ------------------------------------------------------------------------------

    def _send(self, status: int, data: bytes, content_type: str, headers: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _json(self, status: int, body: dict | None):
        if body is None:
            return self._send(status, b"", "application/json")
        return self._send(status, json.dumps(body).encode(), "application/json")

    def _error(self, status: int, code: str, description: str, field: str | None = None):
        body = {"code": code, "description": description}
        if field:
            body["field"] = field
        return self._json(status, body)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))

    def _account(self) -> str | None:
        header = self.headers.get("Authorization", "")
        return self.server.fake.accounts_by_key.get(header.removeprefix("Bearer ").strip())

    def _api_gate(self) -> str | None:
        fake = self.server.fake
        account = self._account()
        if account is None:
            fake.rejected_auth += 1
            self._error(401, "P0920", "Credentials are required to access this resource")
            return None
        with fake.lock:
            failure = fake.fail_next.pop(0) if fake.fail_next else None
        if failure == "hang":
            time.sleep(fake.hang_seconds)
        elif failure is not None:
            self._error(failure, "P0999", "Fake failure")
            return None
        return account

    def _payment_for(self, account: str, payment_id: str) -> dict | None:
        payment = self.server.fake.payments.get(payment_id)
        if payment is None or payment["_account"] != account:
            self._error(404, "P0200", "Not found")
            return None
        return payment

    # --- routes --------------------------------------------------------------------------------

    def do_GET(self):  # noqa: N802
        url = urlparse(self.path)
        parts = [p for p in url.path.split("/") if p]
        fake = self.server.fake
        if parts[:1] == ["card"] and len(parts) == 2:
            return self._card_page(parts[1])
        account = self._api_gate()
        if account is None:
            return None
        if parts == ["v1", "payments"]:
            query = parse_qs(url.query)
            with fake.lock:
                results = [
                    fake.render(p)
                    for p in fake.payments.values()
                    if p["_account"] == account
                    and query.get("from_date", [""])[0] <= p["created_date"]
                    and (not query.get("to_date") or p["created_date"] < query["to_date"][0])
                ]
            return self._json(
                200,
                {"total": len(results), "count": len(results), "page": 1, "results": results},
            )
        if parts[:2] != ["v1", "payments"] or len(parts) < 3:
            return self._error(404, "P0200", "Not found")
        payment = self._payment_for(account, parts[2])
        if payment is None:
            return None
        if len(parts) == 3:
            return self._json(200, fake.render(payment))
        if parts[3] == "events":
            return self._json(
                200,
                {
                    "payment_id": payment["payment_id"],
                    "events": [
                        {"payment_id": payment["payment_id"], "state": s, "updated": at}
                        for s, at in payment["_history"]
                    ],
                },
            )
        if parts[3] == "refunds" and len(parts) == 5:
            refund = payment["_refunds"].get(parts[4])
            if refund is None:
                return self._error(404, "P0800", "Not found")
            return self._json(200, refund)
        return self._error(404, "P0200", "Not found")

    def do_POST(self):  # noqa: N802
        url = urlparse(self.path)
        parts = [p for p in url.path.split("/") if p]
        raw = self._body()
        if parts[:1] == ["card"] and len(parts) == 2:
            return self._card_submit(parts[1], parse_qs(raw.decode()))
        account = self._api_gate()
        if account is None:
            return None
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return self._error(400, "P0197", "Unable to parse JSON")
        if parts == ["v1", "payments"]:
            return self._create(account, body)
        if parts[:2] != ["v1", "payments"] or len(parts) != 4:
            return self._error(404, "P0200", "Not found")
        payment = self._payment_for(account, parts[2])
        if payment is None:
            return None
        if parts[3] == "cancel":
            return self._cancel(payment)
        if parts[3] == "refunds":
            return self._refund(payment, body)
        return self._error(404, "P0200", "Not found")

    def _create(self, account: str, body: dict):
        fake = self.server.fake
        for field in ("amount", "reference", "description", "return_url"):
            if body.get(field) in (None, ""):
                return self._error(400, "P0101", f"Missing mandatory attribute: {field}", field)
        amount = body["amount"]
        if not isinstance(amount, int) or not 1 <= amount <= 10_000_000:
            return self._error(422, "P0102", "Invalid attribute value: amount", "amount")
        key = self.headers.get("Idempotency-Key", "")
        with fake.lock:
            if key and (account, key) in fake.idempotency:
                payment_id, previous = fake.idempotency[(account, key)]
                if previous != body:
                    return self._error(
                        422, "P0102", "The Idempotency-Key was used for a different payment"
                    )
                return self._json(200, fake.render(fake.payments[payment_id]))
            payment_id = uuid.uuid4().hex[:26]
            payment = {
                "_account": account,
                "_token": secrets.token_urlsafe(16),
                "_history": [("created", _now())],
                "_refunds": {},
                "payment_id": payment_id,
                "amount": amount,
                "reference": body["reference"],
                "description": body["description"],
                "return_url": body["return_url"],
                "language": body.get("language", "en"),
                "metadata": body.get("metadata") or {},
                "created_date": _now(),
                "state": {"status": "created", "finished": False},
            }
            fake.payments[payment_id] = payment
            if key:
                fake.idempotency[(account, key)] = (payment_id, body)
            fake.created += 1
        return self._json(201, fake.render(payment))

    def _cancel(self, payment: dict):
        fake = self.server.fake
        with fake.lock:
            if payment["state"]["finished"]:
                return self._error(400, "P0501", "Cancellation of payment failed")
            fake.set_state(payment, "cancelled", "P0040", "Payment was cancelled by the service")
        fake.send_webhook(payment)
        return self._json(204, None)

    def _refund(self, payment: dict, body: dict):
        fake = self.server.fake
        with fake.lock:
            available = fake.refund_available(payment)
            if payment["state"]["status"] != "success":
                return self._error(400, "P0602", "Refund not available for this payment")
            if body.get("refund_amount_available") != available:
                return self._error(412, "P0604", "Refund amount available mismatch")
            amount = body.get("amount")
            if not isinstance(amount, int) or not 1 <= amount <= available:
                return self._error(400, "P0603", "The payment is not available for refund")
            refund_id = uuid.uuid4().hex[:26]
            refund = {
                "refund_id": refund_id,
                "created_date": _now(),
                "amount": amount,
                "status": "success",
            }
            payment["_refunds"][refund_id] = refund
        return self._json(202, {**refund, "status": "submitted"})

    # --- the card page ---------------------------------------------------------------------------

    def _card_page(self, payment_id: str):
        fake = self.server.fake
        payment = fake.payments.get(payment_id)
        if payment is None:
            return self._send(404, b"<h1>Not found</h1>", "text/html; charset=utf-8")
        with fake.lock:
            if payment["state"]["status"] == "created":
                fake.set_state(payment, "started")
        title = html.escape(payment["description"])
        if payment["state"]["finished"]:
            page = (
                "<h1>This payment is finished</h1>"
                f"<p><a href='{html.escape(payment['return_url'])}'>Go back to the service</a></p>"
            )
        else:
            buttons = "".join(
                f"<button name='outcome' value='{value}'>{label}</button> "
                for value, label in (
                    ("success", "Pay now"),
                    ("declined", "Pay with a card that is declined"),
                    ("cancel", "Cancel payment"),
                    ("timeout", "Let the session time out"),
                    ("error", "Cause a provider error"),
                )
            )
            page = (
                f"<h1>Enter card details</h1><p>{title}</p>"
                f"<p>Amount: <strong>£{payment['amount'] / 100:.2f}</strong></p>"
                f"<form method='post'>{buttons}</form>"
            )
        document = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<title>Fake GOV.UK Pay</title></head><body><main>"
            "<p>Fake GOV.UK Pay: for development and tests. No card is charged.</p>"
            f"{page}</main></body></html>"
        )
        return self._send(200, document.encode(), "text/html; charset=utf-8")

    def _card_submit(self, payment_id: str, form: dict):
        fake = self.server.fake
        payment = fake.payments.get(payment_id)
        if payment is None:
            return self._send(404, b"<h1>Not found</h1>", "text/html; charset=utf-8")
        outcome = form.get("outcome", [""])[0]
        with fake.lock:
            if payment["state"]["finished"]:
                return self._send(
                    303,
                    b"",
                    "text/html",
                    {"Location": payment["return_url"], "Connection": "close"},
                )
            if outcome == "success":
                fake.set_state(payment, "submitted")
                fake.set_state(payment, "success")
            elif outcome in FAILURES:
                status = "error" if outcome == "error" else "failed"
                fake.set_state(payment, status, *FAILURES[outcome])
            else:
                return self._send(400, b"<h1>Choose an outcome</h1>", "text/html; charset=utf-8")
        fake.send_webhook(payment)
        if outcome == "timeout":
            page = (
                "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Fake GOV.UK Pay"
                "</title></head><body><main><h1>Your payment session has expired</h1>"
                f"<p><a href='{html.escape(payment['return_url'])}'>Go back to try the payment "
                "again</a></p></main></body></html>"
            )
            return self._send(200, page.encode(), "text/html; charset=utf-8")
        return self._send(303, b"", "text/html", {"Location": payment["return_url"]})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakePayServer


class FakePayServer:
    def __init__(self, *, port: int = 0, webhook_url: str = "", host: str = "127.0.0.1"):
        self.payments: dict[str, dict] = {}
        self.idempotency: dict[tuple[str, str], tuple[str, dict]] = {}
        self.accounts_by_key: dict[str, str] = {}
        self.secrets: dict[str, str] = {}
        self.webhook_urls: dict[str, str] = {}
        self.default_webhook_url = webhook_url
        self.fail_next: list = []  # HTTP statuses, or "hang" to wait hang_seconds
        self.hang_seconds = 15.0
        self.rejected_auth = 0
        self.created = 0
        self.webhook_delay = 0.0  # seconds before each webhook is sent
        self.hold_webhooks = False  # keep webhooks until release_webhooks()
        self.drop_webhooks = False  # never send them (the resident's return must do)
        self.repeat_webhooks = 1  # send each one this many times
        self.held: list[tuple[str, bytes, str]] = []
        self.webhooks_sent: list[dict] = []
        self.lock = threading.RLock()
        self._server = _Server((host, port), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def add_account(
        self, name: str, *, api_key: str = "", secret: str = "", webhook_url: str = ""
    ) -> tuple[str, str]:
        api_key = api_key or f"api_test_{name}_{secrets.token_hex(12)}"
        secret = secret or secrets.token_hex(16)
        self.accounts_by_key[api_key] = name
        self.secrets[name] = secret
        if webhook_url:
            self.webhook_urls[name] = webhook_url
        return api_key, secret

    # --- state -----------------------------------------------------------------------------------

    def render(self, payment: dict) -> dict:
        body = {k: v for k, v in payment.items() if not k.startswith("_")}
        pid = payment["payment_id"]
        links = {
            "self": {"href": f"{self.base_url}/v1/payments/{pid}", "method": "GET"},
            "events": {"href": f"{self.base_url}/v1/payments/{pid}/events", "method": "GET"},
            "refunds": {"href": f"{self.base_url}/v1/payments/{pid}/refunds", "method": "GET"},
        }
        if not payment["state"]["finished"]:
            links["next_url"] = {"href": f"{self.base_url}/card/{pid}", "method": "GET"}
            links["next_url_post"] = {
                "type": "application/x-www-form-urlencoded",
                "params": {"chargeTokenId": payment["_token"]},
                "href": f"{self.base_url}/card/",
                "method": "POST",
            }
            links["cancel"] = {
                "href": f"{self.base_url}/v1/payments/{pid}/cancel",
                "method": "POST",
            }
        available = self.refund_available(payment)
        submitted = payment["amount"] - available if payment["state"]["status"] == "success" else 0
        body["refund_summary"] = {
            "status": ("available" if available else "full" if submitted else "unavailable"),
            "amount_available": available,
            "amount_submitted": submitted,
        }
        body["payment_provider"] = "sandbox"
        body["delayed_capture"] = False
        body["moto"] = False
        body["_links"] = links
        return body

    def refund_available(self, payment: dict) -> int:
        if payment["state"]["status"] != "success":
            return 0
        return payment["amount"] - sum(r["amount"] for r in payment["_refunds"].values())

    def set_state(self, payment: dict, status: str, code: str = "", message: str = "") -> None:
        state = {
            "status": status,
            "finished": status in ("success", "failed", "cancelled", "error"),
        }
        if code:
            state["code"] = code
            state["message"] = message
        payment["state"] = state
        payment["_history"].append((status, _now()))

    def find(self, reference: str) -> dict:
        """The newest payment with our reference (tests use this to act as the resident)."""
        with self.lock:
            found = [p for p in self.payments.values() if p["reference"] == reference]
        return found[-1]

    def expire(self, payment_id: str) -> None:
        """GOV.UK Pay expires a payment 90 minutes after creation if it is not finished."""
        payment = self.payments[payment_id]
        with self.lock:
            if payment["state"]["finished"]:
                return
            self.set_state(payment, "failed", *FAILURES["timeout"])
        self.send_webhook(payment)

    # --- webhooks --------------------------------------------------------------------------------

    def send_webhook(self, payment: dict) -> None:
        account = payment["_account"]
        url = self.webhook_urls.get(account) or self.default_webhook_url
        if not url or self.drop_webhooks:
            return
        message = {
            "webhook_message_id": uuid.uuid4().hex,
            "created_date": _now(),
            "resource_id": payment["payment_id"],
            "api_version": 1,
            "resource_type": "payment",
            "event_type": WEBHOOK_EVENT.get(payment["state"]["status"], "card_payment_updated"),
            "resource": self.render(payment),
        }
        data = json.dumps(message).encode()
        signature = hmac.new(self.secrets[account].encode(), data, hashlib.sha256).hexdigest()
        if self.hold_webhooks:
            with self.lock:
                self.held.append((url, data, signature))
            return
        for _ in range(self.repeat_webhooks):
            if self.webhook_delay:
                threading.Timer(self.webhook_delay, self._post, (url, data, signature)).start()
            else:
                self._post(url, data, signature)

    def take_webhooks(self) -> list[tuple[str, bytes, str]]:
        """The held webhooks (url, body, Pay-Signature), for a test to deliver itself."""
        with self.lock:
            held, self.held = self.held, []
        return held

    def pay(self, payment_id: str, outcome: str = "success") -> str:
        """Act as the resident on the card page; returns where they are sent next."""
        request = urllib.request.Request(  # noqa: S310 (loopback)
            f"{self.base_url}/card/{payment_id}",
            data=f"outcome={outcome}".encode(),
            method="POST",
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=10) as response:
                return response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            return error.headers.get("Location", "")

    def open_card_page(self, payment_id: str) -> str:
        with urllib.request.urlopen(f"{self.base_url}/card/{payment_id}", timeout=10) as page:  # noqa: S310
            return page.read().decode()

    def release_webhooks(self) -> int:
        with self.lock:
            held, self.held = self.held, []
        for url, data, signature in held:
            for _ in range(self.repeat_webhooks):
                self._post(url, data, signature)
        return len(held)

    def _post(self, url: str, data: bytes, signature: str) -> None:
        request = urllib.request.Request(  # noqa: S310 (loopback, our own URL)
            url,
            data=data,
            method="POST",
            headers={"Content-Type": "application/json", "Pay-Signature": signature},
        )
        status = None
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                status = response.status
        except OSError as error:
            status = getattr(error, "code", None)
        with self.lock:
            self.webhooks_sent.append({"url": url, "status": status, "body": json.loads(data)})

    # --- lifecycle -------------------------------------------------------------------------------

    def start(self) -> FakePayServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakePayServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="A fake GOV.UK Pay for development.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8010)
    parser.add_argument(
        "--site", default="http://127.0.0.1:8000", help="Pocket Council's address, for webhooks"
    )
    parser.add_argument("--webhook-delay", type=float, default=0.0)
    args = parser.parse_args(argv)
    fake = FakePayServer(host=args.host, port=args.port)
    fake.webhook_delay = args.webhook_delay
    for slug, (key, secret) in DEV_ACCOUNTS.items():
        fake.add_account(
            slug, api_key=key, secret=secret, webhook_url=f"{args.site}/payments/webhook/{slug}/"
        )
    print(f"Fake GOV.UK Pay at {fake.base_url} (accounts: {', '.join(DEV_ACCOUNTS)})", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        fake._server.serve_forever()


if __name__ == "__main__":
    main()
