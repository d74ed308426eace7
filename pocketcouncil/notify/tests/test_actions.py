"""Fan-out, digests, quiet hours and subscriptions, through the actions front door."""

from datetime import UTC, datetime, time

import pytest
import time_machine
from django.core import mail

from pocketcouncil.notify import actions, queries
from pocketcouncil.notify.actions import NotifyInputError
from pocketcouncil.notify.models import Channel, Notification, State, Subscription
from pocketcouncil.notify.testing import deliver_pending, sms_outbox
from pocketcouncil.notify.tests.factories import PreferencesFactory, UserFactory

pytestmark = pytest.mark.django_db

ALL_INSTANT = {"inbox": "instant", "email": "instant", "sms": "instant"}
CASE_CONTEXT = {"reference": "TB-00042", "title": "Pothole", "status": "in progress", "url": "/c"}


def follow(user, council, key="42", channels=ALL_INSTANT, kind="case", **extra):
    return actions.subscription_create(
        actor=user,
        user=user,
        council=council,
        subject_kind=kind,
        subject_key=key,
        channels=channels,
        **extra,
    )


def status_changed(council, key="42", event_key="case:42:event:7"):
    return actions.fan_out_for_subject(
        council=council,
        subject_kind="case",
        subject_key=key,
        event="status_changed",
        context=CASE_CONTEXT,
        idempotency_key=event_key,
    )


def test_status_change_sends_exactly_one_message_per_subscribed_channel(council):
    resident = PreferencesFactory(sms_number="07700900111").user
    follow(resident, council)
    other = UserFactory()
    follow(other, council, channels={"email": "instant"})
    follow(UserFactory(), council, key="99")  # a different case: nothing

    status_changed(council)
    status_changed(council)  # the caller retried the same event: nothing more
    deliver_pending()
    deliver_pending()

    assert sorted(m.to[0] for m in mail.outbox) == sorted([resident.email, other.email])
    assert [m["to"] for m in sms_outbox] == ["07700900111"]
    assert "TB-00042" in sms_outbox[0]["body"]
    assert council.name in sms_outbox[0]["body"]
    inbox = queries.inbox_list_for_user(user=resident)
    assert len(inbox) == 1
    assert queries.inbox_unread_count(user=resident) == 1
    assert "in progress" in mail.outbox[0].subject
    assert Notification.objects.filter(council=council).count() == 4


def test_email_has_both_parts_and_one_click_unsubscribe_headers(council):
    resident = UserFactory()
    follow(resident, council, channels={"email": "instant"})
    status_changed(council)
    deliver_pending()
    (email,) = mail.outbox
    assert email.extra_headers["List-Unsubscribe"].startswith("<http")
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert "TB-00042" in html and "TB-00042" in email.body


def test_digest_gathers_a_days_events_into_one_message(council):
    resident = UserFactory()
    PreferencesFactory(user=resident, digest_hour=18)
    follow(resident, council, channels={"email": "digest"})
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=UTC), tick=False):
        for n in range(3):
            status_changed(council, event_key=f"case:42:event:{n}")
        assert deliver_pending() == 0
        assert actions.digests_send_due() == 0  # not 6 pm yet
    with time_machine.travel(datetime(2026, 3, 10, 18, 0, 1, tzinfo=UTC), tick=False):
        assert actions.digests_send_due() == 1
        assert actions.digests_send_due() == 0
        deliver_pending()
    (email,) = mail.outbox
    assert "daily summary" in email.subject.lower()
    assert email.body.count("TB-00042") == 3
    assert Notification.objects.filter(state=State.DIGESTED).count() == 3


def test_quiet_hours_defer_sms_but_not_email(council):
    resident = UserFactory()
    PreferencesFactory(user=resident, quiet_hours_start=time(21), quiet_hours_end=time(7))
    follow(resident, council)
    # 23:30 in London (GMT in January).
    with time_machine.travel(datetime(2026, 1, 15, 23, 30, tzinfo=UTC), tick=False):
        status_changed(council)
        deliver_pending()
        assert len(mail.outbox) == 1
        assert sms_outbox == []
        sms = Notification.objects.get(channel=Channel.SMS)
        assert sms.state == State.QUEUED
        assert sms.next_attempt_at == datetime(2026, 1, 16, 7, 0, tzinfo=UTC)
    with time_machine.travel(datetime(2026, 1, 16, 7, 0, 1, tzinfo=UTC), tick=False):
        deliver_pending()
    assert len(sms_outbox) == 1


def test_quiet_hours_follow_uk_summer_time(council):
    resident = UserFactory()
    PreferencesFactory(user=resident, quiet_hours_start=time(22), quiet_hours_end=time(7))
    follow(resident, council, channels={"sms": "instant"})
    # 21:30 UTC is 22:30 in London in July: quiet, until 06:00 UTC.
    with time_machine.travel(datetime(2026, 7, 1, 21, 30, tzinfo=UTC), tick=False):
        status_changed(council)
    sms = Notification.objects.get(channel=Channel.SMS)
    assert sms.next_attempt_at == datetime(2026, 7, 2, 6, 0, tzinfo=UTC)


def test_area_alert_reaches_ward_and_radius_followers_of_the_category(council):
    ward = UserFactory()
    follow(ward, council, kind="area", key="ward:7", channels={"email": "instant"})
    near = UserFactory()
    follow(
        near,
        council,
        kind="area",
        key="",
        point=(51.75, -1.25),
        radius_m=500,
        categories=["potholes"],
        channels={"email": "instant"},
    )
    far = UserFactory()
    follow(
        far,
        council,
        kind="area",
        key="",
        point=(51.80, -1.25),
        radius_m=500,
        channels={"email": "instant"},
    )
    wrong_category = UserFactory()
    follow(
        wrong_category,
        council,
        kind="area",
        key="",
        point=(51.75, -1.25),
        radius_m=500,
        categories=["graffiti"],
        channels={"email": "instant"},
    )
    both = UserFactory()
    follow(both, council, kind="area", key="ward:7", channels={"email": "instant"})
    follow(
        both,
        council,
        kind="area",
        key="",
        point=(51.7501, -1.2501),
        radius_m=300,
        channels={"email": "instant"},
    )

    actions.fan_out_for_subject(
        council=council,
        subject_kind="area",
        subject_key="ward:7",
        event="area_alert",
        context={"title": "a pothole", "area_name": "Cowley"},
        idempotency_key="case:1:new",
        point=(51.7502, -1.2502),
        category="potholes",
    )
    deliver_pending()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([ward.email, near.email, both.email])


def test_haversine_is_right_for_a_known_distance():
    # Oxford Carfax to Cambridge Market Square is about 108 km.
    assert 106_000 < actions.haversine_m(51.7520, -1.2577, 52.2053, 0.1218) < 110_000


def test_following_needs_a_sensible_subject(council):
    user = UserFactory()
    with pytest.raises(NotifyInputError):
        follow(user, council, kind="topic", key="gossip")
    with pytest.raises(NotifyInputError):
        follow(user, council, kind="area", key="somewhere")
    with pytest.raises(NotifyInputError):
        follow(user, council, kind="area", key="", point=(51.7, -1.2), radius_m=50_000)
    with pytest.raises(NotifyInputError):
        follow(user, council, channels={"email": "hourly"})
    with pytest.raises(NotifyInputError):
        actions.subscription_create(
            actor=UserFactory(),
            user=user,
            council=council,
            subject_kind="topic",
            subject_key="news",
        )


def test_following_twice_updates_instead_of_duplicating(council):
    user = UserFactory()
    first = follow(user, council, channels={"email": "instant"})
    second = follow(user, council, channels={"email": "digest", "sms": "instant"})
    assert first.pk == second.pk
    assert sorted(second.channels.values_list("channel", "frequency")) == [
        ("email", "digest"),
        ("sms", "instant"),
    ]


def test_automatic_case_subscription_by_the_platform(council):
    user = UserFactory()
    subscription = actions.subscription_create(
        actor=None,
        user=user,
        council=council,
        subject_kind="case",
        subject_key="5",
        automatic=True,
    )
    assert subscription.automatic
    assert sorted(subscription.channels.values_list("channel", flat=True)) == ["email", "inbox"]


def test_notification_enqueue_for_named_people(council):
    user = UserFactory()
    actions.notification_enqueue(
        council=council,
        event="case_acknowledged",
        recipients=[user],
        context=CASE_CONTEXT,
        idempotency_key="case:42:ack",
        channels=["email", "inbox"],
        subject_kind="case",
        subject_key="42",
    )
    actions.notification_enqueue(
        council=council,
        event="case_acknowledged",
        recipients=[user],
        context=CASE_CONTEXT,
        idempotency_key="case:42:ack",
        channels=["email", "inbox"],
    )
    deliver_pending()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "We have your request TB-00042"
    log = queries.delivery_log_for_subject(council=council, subject_kind="case", subject_key="42")
    assert {n.channel for n in log} == {"email", "inbox"}
    assert all(n.state == State.SENT for n in log)


def test_deleting_a_subscription_cancels_what_it_had_waiting(council):
    user = UserFactory()
    subscription = follow(user, council, channels={"email": "digest"})
    status_changed(council)
    actions.subscription_delete(actor=user, subscription=subscription)
    assert Notification.objects.get().state == State.CANCELLED
    with pytest.raises(Subscription.DoesNotExist):
        actions.subscription_delete(actor=UserFactory(), subscription=follow(user, council))


def test_preferences_are_checked(council):
    user = UserFactory()
    with pytest.raises(NotifyInputError):
        actions.preferences_update(actor=user, user=user, quiet_hours=(time(7), time(7)))
    with pytest.raises(NotifyInputError):
        actions.preferences_update(actor=user, user=user, digest_hour=24)
    with pytest.raises(NotifyInputError):
        actions.preferences_update(actor=user, user=user, sms_number="call me")
    prefs = actions.preferences_update(actor=None, user=user, sms_number="+44 7700 900 123")
    assert prefs.sms_number == "+447700900123"


def test_context_survives_the_outbox_exactly(council):
    """PostgreSQL writes fan-outs with COPY: awkward characters must come back unchanged."""
    context = {"note": 'Line 1\nLine\t2 \\ back \\N "quoted" \r ünïcode 🚮', "n": 3, "x": None}
    user = UserFactory(email="tab\\name@example.com")
    follow(user, council, channels={"email": "instant"})
    added = actions.fan_out_for_subject(
        council=council,
        subject_kind="case",
        subject_key="42",
        event="update_added",
        context=context,
        idempotency_key="case:42:awkward",
        reason="Tab\there",
    )
    assert added == 1
    row = Notification.objects.get()
    assert row.context == context
    assert row.reason == "Tab\there"
    assert row.to == "tab\\name@example.com"
    again = actions.fan_out_for_subject(
        council=council,
        subject_kind="case",
        subject_key="42",
        event="update_added",
        context=context,
        idempotency_key="case:42:awkward",
    )
    assert again == 0


def test_reserved_idempotency_keys_are_refused(council):
    with pytest.raises(NotifyInputError):
        status_changed(council, event_key="digest:1")
    with pytest.raises(NotifyInputError):
        status_changed(council, event_key="")


def test_area_alert_accepts_a_bare_ward_id(council):
    ward = UserFactory()
    follow(ward, council, kind="area", key="ward:7", channels={"email": "instant"})
    for key, event_key in [("7", "case:2:new"), ("", "case:3:new")]:
        actions.fan_out_for_subject(
            council=council,
            subject_kind="area",
            subject_key=key,
            event="area_alert",
            context={"title": "graffiti"},
            idempotency_key=event_key,
            point=(51.7, -1.2),
        )
    deliver_pending()
    assert [m.to[0] for m in mail.outbox] == [ward.email]
