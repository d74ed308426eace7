"""GOV.UK Notify over real HTTP to a fake server, Web Push to a loopback push service, retries."""

import base64
import json
import os
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
import time_machine
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management import call_command
from django.utils import timezone

from pocketcouncil.notify import actions, delivery
from pocketcouncil.notify.channels import backend_for
from pocketcouncil.notify.fake_notify import FakeNotifyServer
from pocketcouncil.notify.management.commands.notify_generate_vapid_keys import generate
from pocketcouncil.notify.models import Notification, PushSubscription, State
from pocketcouncil.notify.testing import deliver_pending
from pocketcouncil.notify.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_notify(settings):
    with FakeNotifyServer() as fake:
        settings.NOTIFY_API_KEY = fake.api_key
        settings.NOTIFY_BASE_URL = fake.base_url
        settings.NOTIFY_SMS_TEMPLATE_ID = "sms-template"
        settings.NOTIFY_EMAIL_TEMPLATE_ID = "email-template"
        settings.NOTIFY_SMS_BACKEND = "govuk_notify"
        settings.NOTIFY_EMAIL_BACKEND = "govuk_notify"
        yield fake


def send_sms(body="Your code is 123456"):
    return actions.direct_message_send(
        channel="sms", to="07700900982", subject="", body=body, reason="test"
    )


def test_sms_and_email_go_to_govuk_notify_with_our_reference(fake_notify):
    sms = send_sms()
    email = actions.direct_message_send(
        channel="email", to="sam@example.com", subject="Hi", body="Text", reason="test"
    )
    assert deliver_pending() == 2
    by_type = {m["type"]: m for m in fake_notify.messages}
    assert by_type["sms"]["to"] == "07700900982"
    assert by_type["sms"]["template_id"] == "sms-template"
    assert by_type["sms"]["personalisation"] == {"body": "Your code is 123456"}
    assert by_type["sms"]["reference"] == f"pc-{sms.pk}"
    assert by_type["email"]["personalisation"] == {"subject": "Hi", "body": "Text"}
    sms.refresh_from_db()
    email.refresh_from_db()
    assert sms.state == email.state == State.SENT
    assert sms.provider_id == by_type["sms"]["id"]


def test_a_wrong_api_key_is_refused_by_the_fake_and_kept_for_retry(fake_notify, settings):
    settings.NOTIFY_API_KEY = fake_notify.api_key[:-36] + "00000000-0000-0000-0000-000000000000"
    sms = send_sms()
    deliver_pending()
    assert fake_notify.messages == [] and fake_notify.rejected_auth == 1
    sms.refresh_from_db()
    assert sms.state == State.QUEUED
    assert "403" in sms.last_error


def test_failures_retry_with_backoff_then_stop_with_the_error_visible(fake_notify, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    fake_notify.fail_next = [500, 503, 500]
    sms = send_sms()
    delays = []
    for _attempt in range(3):
        deliver_pending()
        sms.refresh_from_db()
        if sms.state == State.QUEUED:
            delays.append((sms.next_attempt_at - timezone.now()).total_seconds())
            with time_machine.travel(sms.next_attempt_at + timedelta(seconds=1)):
                pass
            Notification.objects.filter(pk=sms.pk).update(next_attempt_at=timezone.now())
    sms.refresh_from_db()
    assert sms.state == State.FAILED
    assert sms.attempts == 3
    assert "500" in sms.last_error
    assert fake_notify.messages == []
    # Backoff grows: about 30 s then about 60 s (with jitter between half and one and a half).
    assert 15 <= delays[0] <= 45
    assert 30 <= delays[1] <= 90


def test_a_retry_waits_for_its_time_then_succeeds(fake_notify):
    fake_notify.fail_next = [502]
    sms = send_sms()
    deliver_pending()
    assert deliver_pending() == 0  # not due yet
    sms.refresh_from_db()
    with time_machine.travel(sms.next_attempt_at + timedelta(seconds=1)):
        assert deliver_pending() == 1
    assert len(fake_notify.messages) == 1


def test_notify_refusing_the_message_is_permanent(fake_notify):
    fake_notify.fail_next = [400]
    sms = send_sms()
    deliver_pending()
    sms.refresh_from_db()
    assert sms.state == State.FAILED and sms.attempts == 1


def test_a_crash_after_notify_accepted_does_not_send_twice(fake_notify, settings):
    """The worker dies between Notify accepting and the row being marked sent."""
    settings.NOTIFY_DELIVERY_LEASE_SECONDS = 60
    sms = send_sms()
    _token, rows = delivery.claim(batch_size=10)
    backend_for("sms").send(rows[0], delivery.render(rows[0]))  # accepted... then the crash
    assert len(fake_notify.messages) == 1
    assert deliver_pending() == 0  # the lease still holds: nobody else touches it
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert deliver_pending() == 1
    assert len(fake_notify.messages) == 1
    sms.refresh_from_db()
    assert sms.state == State.SENT
    assert sms.provider_id == fake_notify.messages[0]["id"]


def test_a_crash_before_notify_accepted_sends_it_after_the_lease(fake_notify, settings):
    settings.NOTIFY_DELIVERY_LEASE_SECONDS = 60
    send_sms()
    delivery.claim(batch_size=10)  # claimed, then the worker died before sending
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert deliver_pending() == 1
    assert len(fake_notify.messages) == 1


# --- Web Push ------------------------------------------------------------------------------


class _PushService(BaseHTTPRequestHandler):
    received: list

    def log_message(self, *args):
        pass

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.received.append({"headers": headers, "body": body})
        status = self.server.status
        self.send_response(status)
        self.send_header("Content-Length", "0")
        if status == 201:
            self.send_header("Location", f"{self.path}/message-1")
        self.end_headers()


@pytest.fixture
def push_service():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _PushService)
    server.received, server.status = [], 201
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_web_push_payload_is_encrypted_for_the_browser_and_signed(push_service, settings, council):
    public, private = generate()
    settings.NOTIFY_VAPID_PUBLIC_KEY, settings.NOTIFY_VAPID_PRIVATE_KEY = public, private
    # The "browser": its own key pair and auth secret, as PushManager.subscribe() makes.
    browser_key = ec.generate_private_key(ec.SECP256R1())
    auth = os.urandom(16)
    p256dh = browser_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    user = UserFactory()
    host, port = push_service.server_address[:2]
    PushSubscription.objects.create(
        user=user, endpoint=f"http://{host}:{port}/push/abc", p256dh=b64(p256dh), auth=b64(auth)
    )
    actions.notification_enqueue(
        council=council,
        event="status_changed",
        recipients=[user],
        channels=["push"],
        context={"reference": "TB-9", "status": "closed", "url": "/cases/9/"},
        idempotency_key="case:9:status:1",
    )
    assert deliver_pending() == 1
    (request,) = push_service.received
    assert request["headers"]["content-encoding"] == "aes128gcm"
    assert request["headers"]["authorization"].startswith("vapid t=")
    plain = http_ece.decrypt(request["body"], private_key=browser_key, auth_secret=auth)
    payload = json.loads(plain)
    assert "TB-9" in payload["title"] and payload["url"] == "/cases/9/"


def test_a_withdrawn_push_subscription_is_forgotten(push_service, settings, council):
    _public, private = generate()
    settings.NOTIFY_VAPID_PRIVATE_KEY = private
    push_service.status = 410
    browser_key = ec.generate_private_key(ec.SECP256R1())
    user = UserFactory()
    host, port = push_service.server_address[:2]
    PushSubscription.objects.create(
        user=user,
        endpoint=f"http://{host}:{port}/push/gone",
        p256dh=b64(
            browser_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        ),
        auth=b64(os.urandom(16)),
    )
    actions.notification_enqueue(
        council=council,
        event="status_changed",
        recipients=[user],
        channels=["push"],
        context={},
        idempotency_key="x",
    )
    deliver_pending()
    assert not PushSubscription.objects.exists()
    assert Notification.objects.get().state == State.FAILED


def test_vapid_key_command_prints_usable_keys(capsys, tmp_path):
    env_file = tmp_path / "keys.env"
    call_command("notify_generate_vapid_keys", env_file=str(env_file))
    out = capsys.readouterr().out
    assert "NOTIFY_VAPID_PUBLIC_KEY=" in out and "NOTIFY_VAPID_PRIVATE_KEY=" in out
    public = out.split("NOTIFY_VAPID_PUBLIC_KEY=")[1].split()[0]
    assert len(base64.urlsafe_b64decode(public + "==")) == 65  # an uncompressed P-256 point
    assert oct(env_file.stat().st_mode)[-3:] == "600"
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("notify_generate_vapid_keys", env_file=str(env_file))
