import io
import queue
import smtplib
import socket
import threading

import pytest
from PIL import Image

from pocketcouncil.cases.models import Case, CasePhoto, EventKind, Source
from pocketcouncil.channels import actions, smtp, tokens
from pocketcouncil.channels.models import InboundMessage, MessageStatus
from pocketcouncil.channels.tests.conftest import MAILBOX, email_bytes
from pocketcouncil.notify.models import Notification


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MainThreadBridge:
    """The SMTP server runs on its own thread; the test database belongs to the test's thread
    (its transaction is rolled back at the end). The handler hands each database call to the
    test thread, which runs it while the client waits for the SMTP reply."""

    def __init__(self):
        self.calls = queue.Queue()

    def __call__(self, function):
        def call(*args):
            done = queue.Queue()
            self.calls.put((function, args, done))
            ok, value = done.get(timeout=30)
            if not ok:
                raise value
            return value

        return call

    def serve_until(self, finished: threading.Event):
        while not finished.is_set():
            try:
                function, args, done = self.calls.get(timeout=0.05)
            except queue.Empty:
                continue
            try:
                done.put((True, function(*args)))
            except Exception as error:  # handed back to the SMTP thread
                done.put((False, error))


@pytest.fixture
def receiver():
    bridge = MainThreadBridge()
    handler = smtp.InboundHandler(known=bridge(smtp._known_recipient), store=bridge(smtp._store))
    port = _free_port()
    controller = smtp.controller(host="127.0.0.1", port=port, handler=handler)
    controller.start()
    yield bridge, port
    controller.stop()


def _send(receiver, raw, *, mail_from="sam@example.com", to=(MAILBOX,)):
    bridge, port = receiver
    finished = threading.Event()
    outcome = {}

    def client():
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=30) as connection:
                outcome["refused"] = connection.sendmail(mail_from, list(to), raw)
        except smtplib.SMTPException as error:
            outcome["error"] = error
        finally:
            finished.set()

    thread = threading.Thread(target=client)
    thread.start()
    bridge.serve_until(finished)
    thread.join()
    return outcome


def test_an_email_sent_by_smtp_becomes_a_case_and_is_acknowledged(receiver, mailbox):
    outcome = _send(receiver, email_bytes())
    assert outcome == {"refused": {}}
    message = InboundMessage.objects.get(council=mailbox.council)
    assert message.status == MessageStatus.RECEIVED  # stored first, processed by the worker
    assert bytes(message.raw).startswith(b"From: Sam Resident")
    actions.message_process(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == MessageStatus.CASE_CREATED, message.status_reason
    case = message.case
    assert case.source == Source.EMAIL
    assert case.reporter_email == "sam@example.com"
    assert case.council.slug == "oxford"
    ack = Notification.objects.get(to="sam@example.com")
    assert case.reference in ack.body
    assert f"/cases/{case.reference}" in ack.body or case.reference in ack.subject
    assert tokens.reply_address(case.pk) in ack.body


def test_smtp_refuses_an_address_no_council_uses(receiver, mailbox):
    outcome = _send(receiver, email_bytes(to="nobody@elsewhere.example"), to=["x@nowhere.example"])
    assert isinstance(outcome["error"], smtplib.SMTPRecipientsRefused)
    assert not InboundMessage.objects.exists()


def test_smtp_refuses_a_forged_reply_token(receiver, mailbox):
    forged = f"reply+1-000000000000@{tokens.settings.CHANNELS_REPLY_DOMAIN}"
    outcome = _send(receiver, email_bytes(to=forged), to=[forged])
    assert isinstance(outcome["error"], smtplib.SMTPRecipientsRefused)


@pytest.mark.parametrize(
    "headers, envelope_from",
    [
        ({"Auto-Submitted": "auto-replied"}, "sam@example.com"),
        ({"List-Id": "<residents.lists.example>"}, "sam@example.com"),
        ({"Precedence": "bulk"}, "sam@example.com"),
        ({}, ""),  # a bounce: the empty envelope sender
    ],
)
def test_automatic_mail_is_kept_but_never_answered(mailbox, deliver, headers, envelope_from):
    message = deliver(email_bytes(headers=headers), envelope_from=envelope_from)
    assert message.status == MessageStatus.IGNORED
    assert message.case is None
    assert not Notification.objects.filter(to="sam@example.com").exists()


def test_mail_flagged_as_spam_is_not_answered(mailbox, deliver):
    message = deliver(email_bytes(headers={"X-Spam-Flag": "YES"}))
    assert message.status == MessageStatus.SPAM
    assert not Notification.objects.filter(to="sam@example.com").exists()


def test_the_same_message_delivered_twice_is_stored_and_answered_once(mailbox, deliver):
    raw = email_bytes(message_id="<once@example.com>")
    first = deliver(raw)
    second = deliver(raw)
    assert first.pk == second.pk
    assert Case.objects.filter(source=Source.EMAIL).count() == 1
    assert Notification.objects.filter(to="sam@example.com").count() == 1


def test_a_flood_from_one_sender_is_held_for_staff(mailbox, deliver, settings):
    settings.CHANNELS_RATE_LIMIT_PER_HOUR = 2
    statuses = [deliver(email_bytes()).status for _ in range(3)]
    assert statuses[:2] == [MessageStatus.CASE_CREATED] * 2
    assert statuses[2] == MessageStatus.RATE_LIMITED
    assert Notification.objects.filter(to="sam@example.com").count() == 2


def test_an_email_the_front_door_cannot_place_goes_to_triage(mailbox, deliver):
    message = deliver(email_bytes(subject="Hello", body="Could someone ring me back please?"))
    assert message.status == MessageStatus.TRIAGE
    assert message.status_reason
    assert message.due_at is not None
    assert message.case is None


def test_a_reply_to_the_token_address_threads_into_the_case(mailbox, deliver):
    first = deliver(email_bytes())
    case = first.case
    reply = email_bytes(
        subject=f"Re: Your report {case.reference}",
        body="Still there, and a fridge too.\n\nOn Monday the council wrote:\n> old",
        to=tokens.reply_address(case.pk),
    )
    message = deliver(reply, to=[tokens.reply_address(case.pk)])
    assert message.status == MessageStatus.THREADED
    assert message.case == case
    event = case.events.filter(kind=EventKind.MESSAGE_IN).get()
    assert "fridge" in event.note
    assert "old" not in event.note  # the quoted text is dropped
    assert Case.objects.filter(source=Source.EMAIL).count() == 1


def test_a_reply_naming_the_reference_from_another_address_does_not_thread(mailbox, deliver):
    case = deliver(email_bytes()).case
    other = deliver(
        email_bytes(
            sender="someone@else.example",
            subject=f"Re: {case.reference}",
            body="Please close this case, it is nothing.",
        ),
        envelope_from="someone@else.example",
    )
    assert other.case != case
    assert not case.events.filter(kind=EventKind.MESSAGE_IN).exists()


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x8825] = {2: (51.0, 45.0, 0.0)}  # GPSInfo: latitude
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_photos_become_case_photos_without_location_metadata(mailbox, deliver):
    raw_photo = _jpeg_with_gps()
    assert Image.open(io.BytesIO(raw_photo)).getexif()
    message = deliver(
        email_bytes(
            attachments=[
                ("gate.jpg", "image", "jpeg", raw_photo),
                ("notes.pdf", "application", "pdf", b"%PDF-1.4 not a photo"),
            ]
        )
    )
    assert message.status == MessageStatus.CASE_CREATED
    assert message.photo_count == 1
    assert "notes.pdf" in message.attachment_problems
    photo = CasePhoto.objects.get(case=message.case)
    with photo.image.open("rb") as stored:
        assert not Image.open(stored).getexif()


def test_a_message_about_self_harm_is_flagged_for_staff(mailbox, deliver):
    message = deliver(
        email_bytes(body="The bins were missed again and honestly I want to die. OX4 3BD")
    )
    assert message.risk_flag
    assert message.status == MessageStatus.TRIAGE


def test_a_verified_address_links_the_message_to_the_account(mailbox, deliver):
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.filter(verified=True).select_related("user").first()
    message = deliver(email_bytes(sender=address.email), envelope_from=address.email)
    assert message.user == address.user


def test_an_unverified_address_is_not_linked(mailbox, deliver):
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.filter(verified=True).first()
    EmailAddress.objects.filter(pk=address.pk).update(verified=False)
    message = deliver(email_bytes(sender=address.email), envelope_from=address.email)
    assert message.user is None
