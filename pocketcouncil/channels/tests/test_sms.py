import json

import pytest

from pocketcouncil.cases.models import EventKind, Source
from pocketcouncil.channels import actions
from pocketcouncil.channels.models import InboundMessage, MessageStatus, SmsOptOut
from pocketcouncil.channels.replies import ReplyNotAllowedError, reply_send
from pocketcouncil.channels.tests.conftest import SMS_NUMBER
from pocketcouncil.notify.models import Notification

URL = "/channels/notify/inbound-sms/"
TOKEN = "inbound-secret"
RESIDENT = "447700900123"


@pytest.fixture(autouse=True)
def _token(settings):
    settings.CHANNELS_NOTIFY_INBOUND_TOKEN = TOKEN


def _post(client, *, text, notify_id="a1", source=RESIDENT, token=TOKEN):
    payload = {
        "id": notify_id,
        "source_number": source,
        "destination_number": SMS_NUMBER,
        "message": text,
        "date_received": "2026-12-03T14:00:00.000000Z",
    }
    return client.post(
        URL,
        json.dumps(payload),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def _process_last():
    message = InboundMessage.objects.latest("pk")
    return actions.message_process(message_id=message.pk)


def test_notify_inbound_sms_needs_the_bearer_token(client, sms_account):
    assert _post(client, text="hello", token="wrong").status_code == 401
    assert not InboundMessage.objects.exists()


def test_malformed_json_is_a_clear_400(client, sms_account):
    response = client.post(
        URL,
        "{not json",
        content_type="application/json",
        headers={"Authorization": "Bearer " + TOKEN},
    )
    assert response.status_code == 400
    assert b"source_number" in response.content


def test_a_text_about_fly_tipping_with_a_postcode_becomes_a_case(client, sms_account):
    response = _post(client, text="Fly tipping mattress dumped by the gate OX4 3BD")
    assert response.status_code == 200 and response.json()["stored"]
    message = _process_last()
    assert message.status == MessageStatus.CASE_CREATED, message.status_reason
    assert message.case.source == Source.SMS
    assert message.sender == "+" + RESIDENT
    ack = Notification.objects.get(to="+" + RESIDENT, channel="sms")
    assert message.case.reference in ack.body


def test_the_same_notify_id_twice_is_stored_once(client, sms_account):
    _post(client, text="Fly tipping OX4 3BD", notify_id="same")
    _post(client, text="Fly tipping OX4 3BD", notify_id="same")
    assert InboundMessage.objects.count() == 1


def test_a_reply_threads_into_the_case_we_last_texted_about(client, sms_account, report):
    case = report()
    Notification.objects.create(
        council=case.council,
        channel="sms",
        to="+" + RESIDENT,
        event="case_updated",
        subject_kind="case",
        subject_key=str(case.pk),
        idempotency_key="test-sms-1",
    )
    _post(client, text="Thanks, it is still there though")
    message = _process_last()
    assert message.status == MessageStatus.THREADED
    assert message.case == case
    assert case.events.filter(kind=EventKind.MESSAGE_IN, note__contains="still there").exists()


def test_stop_opts_the_number_out_and_replies_are_refused(client, sms_account):
    _post(client, text="Fly tipping OX4 3BD", notify_id="first")
    first = _process_last()
    _post(client, text="STOP", notify_id="stop")
    stop = _process_last()
    assert stop.status == MessageStatus.OPTED_OUT
    assert SmsOptOut.objects.filter(council=sms_account.council, number="+" + RESIDENT).exists()
    with pytest.raises(ReplyNotAllowedError):
        reply_send(message=first, body="We have booked a crew.", actor=None)


def test_a_number_no_council_uses_is_accepted_but_not_stored(client, sms_account):
    payload = {"id": "x", "source_number": RESIDENT, "destination_number": "1", "message": "hi"}
    response = client.post(
        URL,
        json.dumps(payload),
        content_type="application/json",
        headers={"Authorization": "Bearer " + TOKEN},
    )
    assert response.status_code == 200
    assert response.json()["stored"] is False
