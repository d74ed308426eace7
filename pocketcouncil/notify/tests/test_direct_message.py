"""The interface other apps use for one-off messages (such as phone verification codes)."""

import pytest
from django.core import mail
from django.db import transaction

from pocketcouncil.notify.actions import NotifyInputError, direct_message_send
from pocketcouncil.notify.models import Notification, State
from pocketcouncil.notify.testing import deliver_pending, sms_outbox

pytestmark = pytest.mark.django_db


def test_sms_is_queued_then_delivered_once_by_the_worker():
    notification = direct_message_send(
        channel="sms", to="07700 900982", subject="", body="Your code is 123456", reason="verify"
    )
    assert sms_outbox == []
    assert notification.state == State.QUEUED
    assert deliver_pending() == 1
    assert [(m["to"], m["body"]) for m in sms_outbox] == [("07700900982", "Your code is 123456")]
    assert deliver_pending() == 0
    assert len(sms_outbox) == 1
    notification.refresh_from_db()
    assert notification.state == State.SENT
    assert notification.sent_at is not None
    assert notification.reason == "verify"


def test_email_goes_through_the_django_email_backend():
    direct_message_send(
        channel="email", to="sam@example.com", subject="Hello", body="Body text", reason="test"
    )
    deliver_pending()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sam@example.com"]
    assert mail.outbox[0].subject == "Hello"
    assert mail.outbox[0].alternatives[0][1] == "text/html"


def test_nothing_is_sent_if_the_callers_transaction_rolls_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        direct_message_send(channel="sms", to="07700900982", subject="", body="x", reason="r")
        raise RuntimeError("the caller's change failed")
    assert Notification.objects.count() == 0
    assert deliver_pending() == 0
    assert sms_outbox == []


@pytest.mark.parametrize(
    ("channel", "to", "body"),
    [
        ("fax", "07700900982", "x"),
        ("sms", "not a number", "x"),
        ("email", "nope", "x"),
        ("sms", "07700900982", "  "),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(channel, to, body):
    with pytest.raises(NotifyInputError):
        direct_message_send(channel=channel, to=to, subject="", body=body, reason="r")
    assert Notification.objects.count() == 0
