"""The staff inbox over HTTP, and that one council's staff never see another's messages."""

import pytest

from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.cases.models import Case, Source
from pocketcouncil.channels import actions
from pocketcouncil.channels.models import (
    Channel,
    ChannelAccount,
    InboundMessage,
    MessageStatus,
)
from pocketcouncil.channels.tests.conftest import email_bytes
from pocketcouncil.notify.models import Notification


@pytest.fixture
def triaged(mailbox, deliver):
    return deliver(email_bytes(subject="Hello", body="Could someone ring me back please?"))


def _signed_in(client, staff, role="case-officer", council="oxford"):
    user = staff(role, council)
    sign_in_with_mfa(client, user)
    return user


def test_the_inbox_lists_triage_messages_risk_first(
    client, staff, mailbox, deliver, triaged, django_assert_max_num_queries
):
    risky = deliver(email_bytes(subject="Help", body="I feel like I want to die"))
    _signed_in(client, staff)
    with django_assert_max_num_queries(25):
        response = client.get("/staff/oxford/inbox/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Possible risk" in page
    assert page.index(f"/inbox/{risky.pk}/") < page.index(f"/inbox/{triaged.pk}/")


def test_staff_reply_by_email_goes_to_the_sender(client, staff, triaged):
    _signed_in(client, staff)
    response = client.post(
        f"/staff/oxford/inbox/{triaged.pk}/", {"do": "reply", "body": "We will ring you today."}
    )
    assert response.status_code == 302
    sent = Notification.objects.get(to="sam@example.com")
    assert sent.body == "We will ring you today."
    assert sent.subject == "Re: Hello"
    triaged.refresh_from_db()
    assert triaged.status == MessageStatus.ANSWERED


def test_an_empty_reply_shows_the_error_summary(client, staff, triaged):
    _signed_in(client, staff)
    response = client.post(f"/staff/oxford/inbox/{triaged.pk}/", {"do": "reply", "body": ""})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert "Write your reply" in response.content.decode()


def test_make_a_case_from_a_message(client, staff, triaged):
    _signed_in(client, staff)
    response = client.post(
        f"/staff/oxford/inbox/{triaged.pk}/",
        {"do": "convert", "service": "587", "postcode": "OX4 3BD"},
    )
    assert response.status_code == 302, response.content.decode()
    triaged.refresh_from_db()
    assert triaged.status == MessageStatus.CASE_CREATED
    assert triaged.case.source == Source.EMAIL
    assert Notification.objects.filter(to="sam@example.com", body__contains=triaged.case.reference)


def test_a_bad_postcode_when_making_a_case_is_a_clear_error(client, staff, triaged):
    _signed_in(client, staff)
    response = client.post(
        f"/staff/oxford/inbox/{triaged.pk}/",
        {"do": "convert", "service": "587", "postcode": "ZZ9 9ZZ"},
    )
    assert response.status_code == 200
    assert "ZZ9 9ZZ" in response.content.decode()
    assert not Case.objects.filter(source=Source.EMAIL).exists()


def test_link_to_an_unknown_case_is_a_clear_error_and_mark_spam_works(client, staff, triaged):
    _signed_in(client, staff)
    response = client.post(
        f"/staff/oxford/inbox/{triaged.pk}/", {"do": "link", "reference": "OXF-99-999999"}
    )
    assert response.status_code == 200
    assert "There is no case OXF-99-999999" in response.content.decode()
    client.post(f"/staff/oxford/inbox/{triaged.pk}/", {"do": "spam"})
    triaged.refresh_from_db()
    assert triaged.status == MessageStatus.SPAM


def test_another_councils_staff_cannot_see_or_answer_the_message(client, staff, demo, triaged):
    _signed_in(client, staff, council="manchester")
    assert client.get("/staff/oxford/inbox/").status_code == 403
    assert client.get(f"/staff/manchester/inbox/{triaged.pk}/").status_code == 404
    response = client.post(f"/staff/manchester/inbox/{triaged.pk}/", {"do": "spam"})
    assert response.status_code == 404
    triaged.refresh_from_db()
    assert triaged.status == MessageStatus.TRIAGE


def test_the_manchester_inbox_does_not_list_oxford_messages(client, staff, demo, triaged):
    ChannelAccount.objects.create(
        council=demo["manchester"], channel=Channel.EMAIL, address="in@manchester.example"
    )
    _signed_in(client, staff, council="manchester")
    response = client.get("/staff/manchester/inbox/?show=all")
    assert response.status_code == 200
    assert f"/inbox/{triaged.pk}/" not in response.content.decode()


def test_raw_messages_older_than_the_retention_period_are_purged(triaged, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.CHANNELS_RAW_RETENTION_DAYS = 30
    InboundMessage.objects.filter(pk=triaged.pk).update(
        received_at=timezone.now() - timedelta(days=31)
    )
    assert actions.raw_messages_purge() == 1
    triaged.refresh_from_db()
    assert bytes(triaged.raw) == b""
    assert triaged.body  # what staff read stays
