import pytest

from pocketcouncil.cases.models import EventKind, Source
from pocketcouncil.channels import actions, inbox
from pocketcouncil.channels.models import Channel, ChannelAccount, InboundMessage, MessageStatus
from pocketcouncil.channels.social.base import SocialError
from pocketcouncil.channels.social.fake_mastodon import FakeMastodon
from pocketcouncil.channels.social.poll import account_poll


@pytest.fixture
def fake():
    server = FakeMastodon().start()
    yield server
    server.stop()


@pytest.fixture
def account(oxford, fake):
    return ChannelAccount.objects.create(
        council=oxford,
        channel=Channel.MASTODON,
        address="@council",
        base_url=fake.url,
        access_token=fake.token,
    )


def _poll_and_process(account):
    account_poll(account=account)
    for message in InboundMessage.objects.filter(status=MessageStatus.RECEIVED):
        actions.message_process(message_id=message.pk)


def test_a_mention_becomes_a_case_and_the_acknowledgement_is_posted_in_its_thread(fake, account):
    status = fake.mention(text="@council fly tipping, a mattress dumped by the gate OX4 3BD")
    _poll_and_process(account)
    message = InboundMessage.objects.get(account=account)
    assert message.status == MessageStatus.CASE_CREATED, message.status_reason
    assert message.case.source == Source.SOCIAL
    assert message.sender == "@resident@x.social"
    [ack] = fake.posted
    assert ack["in_reply_to_id"] == status["id"]
    assert ack["visibility"] == "public"
    assert message.case.reference in ack["content"]
    assert "@resident@x.social" in ack["content"]


def test_polling_twice_stores_each_mention_once(fake, account):
    fake.mention(text="@council fly tipping OX4 3BD")
    account_poll(account=account)
    account.last_seen_id = ""  # as if the cursor were lost
    account_poll(account=account)
    assert InboundMessage.objects.filter(account=account).count() == 1


def test_a_reply_in_the_thread_continues_the_case(fake, account):
    fake.mention(text="@council fly tipping, a mattress dumped OX4 3BD")
    _poll_and_process(account)
    first = InboundMessage.objects.get(account=account)
    [ack] = fake.posted
    fake.mention(text="@council now there is a sofa too", in_reply_to_id=ack["id"])
    _poll_and_process(account)
    second = InboundMessage.objects.exclude(pk=first.pk).get(account=account)
    assert second.status == MessageStatus.THREADED
    assert second.case == first.case
    assert first.case.events.filter(kind=EventKind.MESSAGE_IN, note__contains="sofa").exists()


def test_staff_reply_to_a_direct_message_stays_direct(fake, account, staff):
    fake.mention(text="@council my council tax account number is wrong", visibility="direct")
    _poll_and_process(account)
    message = InboundMessage.objects.get(account=account)
    assert message.status == MessageStatus.TRIAGE
    reply = inbox.message_reply(
        message=message, actor=staff("case-officer", "oxford"), body="Please call us on 01865."
    )
    assert reply.state == "sent"
    posted = fake.posted[-1]
    assert posted["visibility"] == "direct"
    assert posted["in_reply_to_id"] == message.external_id
    message.refresh_from_db()
    assert message.status == MessageStatus.ANSWERED


def test_a_wrong_token_is_a_clear_error_and_the_cursor_does_not_move(fake, account):
    fake.mention(text="@council fly tipping OX4 3BD")
    account.access_token = "wrong"
    with pytest.raises(SocialError):
        account_poll(account=account)
    assert account.last_seen_id == ""
    assert not InboundMessage.objects.exists()
