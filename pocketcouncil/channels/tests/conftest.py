import pytest

from pocketcouncil.channels.models import Channel, ChannelAccount

MAILBOX = "reports@oxford.example.gov.uk"
SMS_NUMBER = "447700900500"


@pytest.fixture
def oxford(demo):
    return demo["oxford"]


@pytest.fixture
def mailbox(oxford):
    return ChannelAccount.objects.create(council=oxford, channel=Channel.EMAIL, address=MAILBOX)


@pytest.fixture
def sms_account(oxford):
    return ChannelAccount.objects.create(council=oxford, channel=Channel.SMS, address=SMS_NUMBER)


def email_bytes(
    *,
    subject="Fly-tipping",
    body="Someone has dumped a mattress and black bags by the gate at OX4 3BD.",
    sender="Sam Resident <sam@example.com>",
    to=MAILBOX,
    headers=None,
    message_id=None,
    attachments=(),
) -> bytes:
    from email.message import EmailMessage
    from email.utils import make_msgid

    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="example.com")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for filename, maintype, subtype, content in attachments:
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


@pytest.fixture
def deliver():
    """deliver(raw, envelope_from=..., to=[...]) -> the processed InboundMessage."""
    from pocketcouncil.channels import actions

    def run(raw: bytes, *, envelope_from="sam@example.com", to=(MAILBOX,)):
        stored = actions.email_receive(raw=raw, envelope_from=envelope_from, rcpt_tos=list(to))
        actions.message_process(message_id=stored.pk)
        stored.refresh_from_db()
        return stored

    return run


from pocketcouncil.cases.tests.conftest import at, report, resident, service, staff  # noqa: E402, F401
