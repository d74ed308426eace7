"""Signed webhooks: an outbox written with the case change, signed delivery, retries with
backoff, a log with response codes, and replay from the staff page."""

from __future__ import annotations

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone

from pocketcouncil.accounts.models import User
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.cases import actions as case_actions
from pocketcouncil.cases.workflow import CaseTransitionNotAllowedError
from pocketcouncil.open311 import actions, webhooks
from pocketcouncil.open311.models import DeliveryState, WebhookDelivery
from pocketcouncil.open311.tests.test_server import make_case

pytestmark = pytest.mark.django_db

DEMO = "demo.pocketcouncil.example"


def staff(role, council="oxford"):
    return User.objects.get(email=f"{role}.{council}@{DEMO}")


class Receiver:
    """A tiny HTTP server that records what it is sent and answers with ``status``."""

    def __init__(self):
        self.status = 200
        self.received: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": dict(self.headers), "body": body})
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/hook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def hook(demo, receiver):
    return actions.webhook_create(
        council=demo["oxford"],
        url=receiver.url,
        events=["case_created", "status_changed", "update_added"],
        actor=staff("council-admin"),
    )


def test_case_events_go_in_the_outbox_with_the_change(hook, point):  # noqa: F811
    officer = staff("case-officer")
    case = make_case(point)
    case_actions.case_transition(case=case, to="in_progress", actor=officer, public_note="On it")
    case_actions.case_note_add(case=case, actor=officer, note="Internal")
    case_actions.case_update_add(case=case, actor=officer, note="Crew booked")
    events = list(
        WebhookDelivery.objects.filter(webhook=hook).order_by("pk").values_list("event", flat=True)
    )
    assert events == ["case_created", "status_changed", "update_added"]
    with pytest.raises(CaseTransitionNotAllowedError):
        case_actions.case_transition(case=case, to="duplicate", actor=officer)
    assert WebhookDelivery.objects.filter(webhook=hook).count() == 3


def test_only_the_events_asked_for_and_only_this_councils(demo, receiver, point):  # noqa: F811
    actions.webhook_create(
        council=demo["manchester"],
        url=receiver.url,
        events=["case_created"],
        actor=staff("council-admin", "manchester"),
    )
    oxford_hook = actions.webhook_create(
        council=demo["oxford"],
        url=receiver.url,
        events=["status_changed"],
        actor=staff("council-admin"),
    )
    make_case(point)
    assert not WebhookDelivery.objects.exists()
    assert oxford_hook.events == ["status_changed"]


def test_delivery_is_signed_and_logged(hook, receiver, point):  # noqa: F811
    case = make_case(point)
    report = webhooks.deliver_due(time_limit=10)
    assert report.delivered == 1
    sent = receiver.received[0]
    headers = {k.lower(): v for k, v in sent["headers"].items()}
    assert headers["x-pocketcouncil-event"] == "case_created"
    assert webhooks.verify(
        hook.secret,
        headers["x-pocketcouncil-timestamp"],
        sent["body"],
        headers["x-pocketcouncil-signature"],
    )
    assert not webhooks.verify(
        "wrong",
        headers["x-pocketcouncil-timestamp"],
        sent["body"],
        headers["x-pocketcouncil-signature"],
    )
    assert case.reference.encode() in sent["body"]
    delivery = WebhookDelivery.objects.get(webhook=hook)
    assert delivery.state == DeliveryState.DELIVERED
    assert [(a.status_code, a.error) for a in delivery.log.all()] == [(200, "")]
    assert webhooks.deliver_due(time_limit=10).delivered == 0  # nothing sent twice


def test_failures_are_retried_with_backoff_then_given_up_visibly(hook, receiver, point):  # noqa: F811
    receiver.status = 500
    make_case(point)
    before = timezone.now()
    assert webhooks.deliver_due(time_limit=10).retried == 1
    delivery = WebhookDelivery.objects.get(webhook=hook)
    assert delivery.state == DeliveryState.PENDING
    assert delivery.last_status_code == 500
    assert delivery.next_attempt_at >= before + timedelta(seconds=30)
    assert webhooks.deliver_due(time_limit=10).retried == 0  # not due yet
    for _ in range(webhooks.MAX_ATTEMPTS - 1):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        webhooks.deliver_due(time_limit=10)
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED
    assert delivery.attempts == webhooks.MAX_ATTEMPTS
    assert delivery.log.count() == webhooks.MAX_ATTEMPTS
    assert [webhooks.backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert webhooks.backoff(30) == timedelta(hours=6)


def test_unreachable_address_records_the_error(demo, point):  # noqa: F811
    actions.webhook_create(
        council=demo["oxford"],
        url="http://127.0.0.1:9/nothing-listens-here",
        events=["case_created"],
        actor=staff("council-admin"),
    )
    make_case(point)
    webhooks.deliver_due(time_limit=10)
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_status_code is None
    assert delivery.last_error
    assert delivery.state == DeliveryState.PENDING


def test_a_leased_delivery_is_not_sent_by_a_second_worker(hook, receiver, point):  # noqa: F811
    make_case(point)
    WebhookDelivery.objects.update(lease_until=timezone.now() + timedelta(seconds=60))
    assert webhooks.deliver_due(time_limit=10).delivered == 0
    # The worker died: its lease runs out and the delivery is sent, once.
    WebhookDelivery.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    assert webhooks.deliver_due(time_limit=10).delivered == 1
    assert len(receiver.received) == 1


def test_staff_replay_a_failed_delivery(client, hook, receiver, point):  # noqa: F811
    receiver.status = 503
    make_case(point)
    webhooks.deliver_due(time_limit=10)
    WebhookDelivery.objects.update(state=DeliveryState.FAILED)
    delivery = WebhookDelivery.objects.get()
    sign_in_with_mfa(client, staff("council-admin"))
    page = client.get(reverse("open311:staff-integrations", args=["oxford"])).content.decode()
    assert "503" in page and "Failed" in page
    receiver.status = 200
    response = client.post(reverse("open311:staff-replay", args=["oxford", delivery.pk]))
    assert response.status_code == 302
    assert webhooks.deliver_due(time_limit=10).delivered == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED
    assert [a.status_code for a in delivery.log.all()] == [503, 200]
    sign_in_with_mfa(client, staff("council-admin", "manchester"))
    other = client.post(reverse("open311:staff-replay", args=["oxford", delivery.pk]))
    assert other.status_code == 403


def test_staff_add_a_webhook(client, demo):
    sign_in_with_mfa(client, staff("council-admin"))
    url = reverse("open311:staff-webhook", args=["oxford"])
    bad = client.post(url, {"url": "not a url"})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "<title>Error:" in html
    assert "Choose at least one event" in html
    good = client.post(url, {"url": "https://example.org/hook", "events": ["status_changed"]})
    assert good.status_code == 200
    assert good.context["new_hook"].secret in good.content.decode()
