"""The pages and endpoints, through HTTP."""

import json

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from pocketcouncil.notify import actions, queries, tokens
from pocketcouncil.notify.models import Notification, PushSubscription, State, Subscription
from pocketcouncil.notify.testing import deliver_pending
from pocketcouncil.notify.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def follow(user, council, key="42", channels=None):
    return actions.subscription_create(
        actor=user,
        user=user,
        council=council,
        subject_kind="case",
        subject_key=key,
        channels=channels or {"email": "instant", "inbox": "instant"},
    )


def fan_out(council, key="42", event_key="e1"):
    actions.fan_out_for_subject(
        council=council,
        subject_kind="case",
        subject_key=key,
        event="update_added",
        context={"reference": "TB-1", "title": "Bins", "note": "Collected today"},
        idempotency_key=event_key,
    )
    deliver_pending()


def unsubscribe_link(email):
    return email.extra_headers["List-Unsubscribe"].strip("<>")


# --- unsubscribe -----------------------------------------------------------------------------


def test_one_click_unsubscribe_works_without_signing_in(client, council):
    user = UserFactory()
    follow(user, council)
    fan_out(council)
    link = unsubscribe_link(mail.outbox[0])
    path = link.removeprefix("http://127.0.0.1:8000")

    confirm = client.get(path)  # mail scanners open links: GET changes nothing
    assert confirm.status_code == 200
    assert Subscription.objects.get(user=user).channels.filter(channel="email").exists()

    done = client.post(path)  # RFC 8058 one-click: a POST with no CSRF token
    assert done.status_code == 200
    assert "You will not get these messages any more" in done.content.decode()
    subscription = Subscription.objects.get(user=user)
    assert list(subscription.channels.values_list("channel", flat=True)) == ["inbox"]

    mail.outbox.clear()
    fan_out(council, event_key="e2")
    assert mail.outbox == []
    assert queries.inbox_unread_count(user=user) == 2
    assert client.post(path).status_code == 200  # using it again is harmless


def test_unsubscribe_refuses_tampered_tokens(client, council):
    user = UserFactory()
    follow(user, council)
    fan_out(council)
    token = unsubscribe_link(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]
    other = Notification.objects.exclude(channel="email").first()
    forged = tokens.unsubscribe_token(other).split(":")[0] + ":" + token.split(":", 1)[1]
    for bad in [token[:-2] + "xx", "nonsense", forged]:
        url = reverse("notify:unsubscribe", args=[bad])
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 400
            assert "This link does not work" in response.content.decode()
    assert Subscription.objects.get(user=user).channels.count() == 2


def test_a_token_signed_for_something_else_is_refused(client):
    from django.core import signing

    token = signing.dumps({"n": 1, "s": 1}, salt="some.other.purpose")
    response = client.post(reverse("notify:unsubscribe", args=[token]))
    assert response.status_code == 400


# --- inbox ------------------------------------------------------------------------------------


def test_inbox_lists_messages_and_opening_one_reads_it(
    client, council, django_assert_max_num_queries
):
    user = UserFactory()
    follow(user, council)
    for n in range(5):
        fan_out(council, event_key=f"e{n}")
    client.force_login(user)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("notify:inbox"))
    assert page.status_code == 200
    assert page.content.decode().count("Update on TB-1") == 5
    message = Notification.objects.filter(recipient=user, channel="inbox").first()
    detail = client.get(reverse("notify:message", args=[message.pk]))
    assert "Collected today" in detail.content.decode()
    assert queries.inbox_unread_count(user=user) == 4
    client.post(reverse("notify:inbox-read-all"))
    assert queries.inbox_unread_count(user=user) == 0


def test_nobody_can_open_someone_elses_message(client, council):
    owner = UserFactory()
    follow(owner, council)
    fan_out(council)
    message = Notification.objects.get(recipient=owner, channel="inbox")
    client.force_login(UserFactory())
    assert client.get(reverse("notify:message", args=[message.pk])).status_code == 404


def test_inbox_needs_sign_in(client):
    response = client.get(reverse("notify:inbox"))
    assert response.status_code == 302


def test_unread_count_costs_one_query_and_none_when_signed_out(
    rf, council, django_assert_num_queries
):
    from django.contrib.auth.models import AnonymousUser

    from pocketcouncil.notify.context_processors import inbox

    user = UserFactory()
    follow(user, council)
    fan_out(council)
    request = rf.get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert not inbox(request)["notify_unread_count"]
    request.user = user
    with django_assert_num_queries(1):
        assert int(str(inbox(request)["notify_unread_count"])) == 1


# --- following --------------------------------------------------------------------------------


def test_follow_button_and_changing_how_you_hear(client, council):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("notify:follow"),
        {
            "council": council.slug,
            "subject_kind": "area",
            "latitude": "51.75",
            "longitude": "-1.25",
            "radius_m": "400",
            "label": "Near home",
            "categories": "potholes, graffiti",
            "next": "/somewhere/",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/somewhere/"
    subscription = Subscription.objects.get(user=user)
    assert subscription.radius_m == 400
    assert subscription.categories == ["graffiti", "potholes"]

    page = client.get(reverse("notify:subscriptions"))
    assert "Near home" in page.content.decode()
    edit = reverse("notify:subscription-edit", args=[subscription.pk])
    bad = client.post(edit, {"inbox": "off", "email": "off", "sms": "off", "push": "off"})
    assert bad.status_code == 400
    assert "Error:" in bad.content.decode().split("</title>")[0]
    assert "Choose at least one way" in bad.content.decode()
    client.post(edit, {"inbox": "instant", "email": "digest", "sms": "off", "push": "off"})
    assert sorted(subscription.channels.values_list("channel", "frequency")) == [
        ("email", "digest"),
        ("inbox", "instant"),
    ]
    client.post(reverse("notify:subscription-delete", args=[subscription.pk]))
    assert not Subscription.objects.filter(user=user).exists()


def test_follow_refuses_bad_input_without_an_error_page(client, council):
    user = UserFactory()
    client.force_login(user)
    for data in [
        {"council": council.slug, "subject_kind": "area", "subject_key": "downtown"},
        {"council": "no-such-council", "subject_kind": "topic", "subject_key": "news"},
        {"council": council.slug, "subject_kind": "topic", "subject_key": "gossip"},
        {"council": council.slug, "subject_kind": "nonsense"},
        {"council": council.slug, "subject_kind": "area", "latitude": "x", "radius_m": "9"},
    ]:
        response = client.post(reverse("notify:follow"), data)
        assert response.status_code == 302
    assert not Subscription.objects.filter(user=user).exists()


def test_someone_elses_subscription_is_not_found(client, council):
    subscription = follow(UserFactory(), council)
    client.force_login(UserFactory())
    edit = reverse("notify:subscription-edit", args=[subscription.pk])
    assert client.get(edit).status_code == 404
    delete = reverse("notify:subscription-delete", args=[subscription.pk])
    assert client.post(delete).status_code == 404
    assert Subscription.objects.filter(pk=subscription.pk).exists()


def test_follow_topics_from_the_page(client, council):
    user = UserFactory()
    client.force_login(user)
    url = reverse("notify:subscriptions")
    empty = client.post(url, {"council": council.slug})
    assert empty.status_code == 400
    assert "Choose at least one topic" in empty.content.decode()
    client.post(url, {"council": council.slug, "topics": ["news", "bins"]})
    assert sorted(Subscription.objects.filter(user=user).values_list("subject_key", flat=True)) == [
        "bins",
        "news",
    ]


def test_quiet_hours_form(client):
    user = UserFactory()
    client.force_login(user)
    url = reverse("notify:preferences")
    half = client.post(
        url, {"quiet_hours_start": "21:00", "quiet_hours_end": "", "digest_hour": "18"}
    )
    assert half.status_code == 400
    assert "Enter both a start and an end" in half.content.decode()
    bad = client.post(
        url, {"quiet_hours_start": "nine", "quiet_hours_end": "7", "digest_hour": "99"}
    )
    assert bad.status_code == 400
    ok = client.post(
        url, {"quiet_hours_start": "21:00", "quiet_hours_end": "07:00", "digest_hour": "8"}
    )
    assert ok.status_code == 302
    prefs = queries.preferences_get(user=user)
    assert (prefs.quiet_hours_start.hour, prefs.quiet_hours_end.hour, prefs.digest_hour) == (
        21,
        7,
        8,
    )


# --- push and callbacks -----------------------------------------------------------------------


def test_push_subscription_endpoint(client):
    url = reverse("notify:push-subscribe")
    body = {
        "endpoint": "https://fcm.googleapis.com/fcm/send/abc",
        "keys": {"p256dh": "k", "auth": "a"},
    }
    assert client.post(url, json.dumps(body), content_type="application/json").status_code == 403
    user = UserFactory()
    client.force_login(user)
    assert client.post(url, "{not json", content_type="application/json").status_code == 400
    for endpoint in ["ftp://nope", "https://10.0.0.5/admin", "http://fcm.googleapis.com/x"]:
        bad = dict(body, endpoint=endpoint)
        response = client.post(url, json.dumps(bad), content_type="application/json")
        assert response.status_code == 400
    assert client.post(url, json.dumps(body), content_type="application/json").status_code == 201
    assert PushSubscription.objects.get().user == user
    off = dict(body, unsubscribe=True)
    assert client.post(url, json.dumps(off), content_type="application/json").status_code == 200
    assert not PushSubscription.objects.exists()


def test_service_worker_is_served_at_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Service-Worker-Allowed"] == "/"
    assert b"push" in b"".join(response.streaming_content)


@override_settings(NOTIFY_CALLBACK_TOKEN="s3cret-token")
def test_notify_callback_updates_the_delivery_log(client, council):
    user = UserFactory()
    follow(user, council, channels={"email": "instant"})
    fan_out(council)
    email = Notification.objects.get(channel="email")
    url = reverse("notify:notify-callback")
    payload = {"id": "notify-id-1", "reference": f"pc-{email.pk}", "status": "delivered"}
    assert client.post(url, payload, content_type="application/json").status_code == 401
    wrong = client.post(
        url, payload, content_type="application/json", headers={"Authorization": "Bearer wrong"}
    )
    assert wrong.status_code == 401
    auth = {"Authorization": "Bearer s3cret-token"}
    assert client.post(url, "[]", content_type="application/json", headers=auth).status_code == 400
    ok = client.post(url, payload, content_type="application/json", headers=auth)
    assert ok.status_code == 200 and ok.json() == {"recorded": True}
    email.refresh_from_db()
    assert email.state == State.DELIVERED and email.status_at is not None
    failed = dict(payload, status="permanent-failure")
    client.post(url, failed, content_type="application/json", headers=auth)
    email.refresh_from_db()
    assert email.state == State.FAILED and "permanent-failure" in email.last_error
