"""Hostile input against notifications: Follow buttons with forged fields, tampered or made-up
unsubscribe links, garbage push subscriptions, forged delivery receipts, and guessing the ids of
other people's messages and subscriptions. Each ends in a clear refusal and no change."""

import json
from urllib.parse import quote, urlsplit

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from pocketcouncil.core.testing import hostile_settings
from pocketcouncil.notify import actions, tokens
from pocketcouncil.notify.models import (
    Notification,
    PushSubscription,
    Subscription,
    SubscriptionChannel,
)
from pocketcouncil.notify.testing import deliver_pending
from pocketcouncil.notify.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FAST = hostile_settings(40)


def follow(user, council, key="42"):
    return actions.subscription_create(
        actor=user,
        user=user,
        council=council,
        subject_kind="case",
        subject_key=key,
        channels={"email": "instant", "inbox": "instant"},
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


def _channels():
    return sorted(SubscriptionChannel.objects.values_list("subscription_id", "channel"))


# ---------------------------------------------------------------------------------------------
# Follow buttons


@FAST
@given(
    slug=st.one_of(st.text(max_size=20), st.just("the-real-one")),
    subject_kind=st.one_of(st.text(max_size=10), st.sampled_from(["case", "area", "topic"])),
    subject_key=st.text(max_size=120),
    label=st.text(max_size=220),
    latitude=st.one_of(st.text(max_size=10), st.floats().map(str)),
    longitude=st.one_of(st.text(max_size=10), st.floats().map(str)),
    radius_m=st.one_of(st.text(max_size=6), st.integers().map(str)),
    categories=st.text(max_size=100),
    nxt=st.one_of(
        st.text(max_size=30),
        st.text(max_size=30).map(lambda t: "/" + t),
        st.sampled_from(
            [
                "",
                "//evil.example",
                "https://evil.example/",
                "/\\evil.example",
                "http://testserver/x",
            ]
        ),
    ),
)
def test_follow_button_with_forged_fields_never_errors_or_leaves_the_site(
    client,
    council,
    slug,
    subject_kind,
    subject_key,
    label,
    latitude,
    longitude,
    radius_m,
    categories,
    nxt,
):
    slug = council.slug if slug == "the-real-one" else slug
    user = UserFactory()
    client.force_login(user)
    data = {
        "council": slug,
        "subject_kind": subject_kind,
        "subject_key": subject_key,
        "label": label,
        "latitude": latitude,
        "longitude": longitude,
        "radius_m": radius_m,
        "categories": categories,
        "next": nxt,
    }
    response = client.post(reverse("notify:follow"), data)
    assert response.status_code == 302
    location = urlsplit(response["Location"].replace("\\", "/"))
    assert location.netloc in ("", "testserver") and location.scheme in ("", "http")
    made = Subscription.objects.filter(user=user)
    assert made.count() <= 1
    for subscription in made:
        assert subscription.council.slug == slug
        assert subscription.subject_kind in ("case", "area", "topic")


@pytest.mark.parametrize("nxt", ["0", ":", "x", "no-such-page"])
def test_follow_with_a_bare_word_as_next_is_not_a_500(client, council, nxt):
    client.force_login(UserFactory())
    response = client.post(
        reverse("notify:follow"),
        {"council": council.slug, "subject_kind": "case", "subject_key": "42", "next": nxt},
    )
    assert response.status_code == 302


def test_follow_needs_a_csrf_token(council):
    client = Client(enforce_csrf_checks=True)
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("notify:follow"),
        {"council": council.slug, "subject_kind": "case", "subject_key": "42"},
    )
    assert response.status_code == 403
    assert not Subscription.objects.filter(user=user).exists()


def test_a_label_with_a_script_is_shown_as_text(client, council):
    user = UserFactory()
    client.force_login(user)
    evil = "<script>alert(1)</script>"
    client.post(
        reverse("notify:follow"),
        {"council": council.slug, "subject_kind": "case", "subject_key": "42", "label": evil},
    )
    html = client.get(reverse("notify:subscriptions")).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)" in html


# ---------------------------------------------------------------------------------------------
# Unsubscribe links


@pytest.fixture
def real_token(council):
    user = UserFactory()
    follow(user, council)
    fan_out(council)
    link = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    return link.rstrip("/").rsplit("/", 1)[1]


def _unsubscribe_url(token: str) -> str:
    return reverse("notify:unsubscribe", args=["T"]).replace("T", quote(token, safe=""), 1)


@FAST
@given(
    token=st.one_of(
        st.text(min_size=1, max_size=120).filter(lambda t: "/" not in t),
        st.sampled_from(["x", "eyJuIjoxfQ:abc:def", ":", "::", "\x00", "a" * 5000]),
    )
)
def test_made_up_unsubscribe_links_do_not_work_and_change_nothing(client, real_token, token):
    before = _channels()
    url = _unsubscribe_url(token)
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode()
    assert _channels() == before


@FAST
@given(position=st.integers(min_value=0), replacement=st.characters(codec="ascii"))
def test_tampered_unsubscribe_links_do_not_work(client, real_token, position, replacement):
    position %= len(real_token)
    if real_token[position] == replacement or replacement == "/":
        return
    tampered = real_token[:position] + replacement + real_token[position + 1 :]
    before = _channels()
    response = client.post(_unsubscribe_url(tampered))
    assert response.status_code == 400
    assert _channels() == before


@pytest.mark.parametrize("value", [{"n": "1"}, {"n": None}, [1, 2], "n", {"s": 1}, {"n": 1.5}])
def test_signed_tokens_with_the_wrong_content_do_not_work(client, real_token, value):
    before = _channels()
    token = signing.dumps(value, salt=tokens.SALT)
    response = client.post(_unsubscribe_url(token))
    assert response.status_code == 400
    assert _channels() == before


# ---------------------------------------------------------------------------------------------
# Push subscriptions

json_values = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30)
    ),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["endpoint", "keys", "p256dh", "auth", "unsubscribe", "x"]),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@FAST
@given(body=st.one_of(st.binary(max_size=200), json_values.map(lambda v: json.dumps(v).encode())))
def test_garbage_push_subscriptions_are_400(client, body):
    client.force_login(UserFactory())
    before = PushSubscription.objects.count()
    response = client.post(reverse("notify:push-subscribe"), body, content_type="application/json")
    assert response.status_code in (200, 201, 400)
    assert response["Content-Type"] == "application/json"
    if response.status_code == 400:
        assert "error" in response.json()
        assert PushSubscription.objects.count() == before
    if response.status_code == 201:
        assert PushSubscription.objects.count() == before + 1


@pytest.mark.parametrize(
    "keys",
    [
        "not an object",
        ["a", "b"],
    ],
)
def test_push_keys_that_are_not_an_object_are_400(client, keys):
    client.force_login(UserFactory())
    body = {"endpoint": "https://fcm.googleapis.com/fcm/send/abc", "keys": keys}
    response = client.post(
        reverse("notify:push-subscribe"), json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert not PushSubscription.objects.exists()


def test_deeply_nested_push_json_is_400(client):
    client.force_login(UserFactory())
    body = b"[" * 100_000 + b"]" * 100_000
    response = client.post(reverse("notify:push-subscribe"), body, content_type="application/json")
    assert response.status_code in (400, 413)
    assert not PushSubscription.objects.exists()


def test_an_oversized_push_body_is_refused(client):
    client.force_login(UserFactory())
    endpoint = "https://fcm.googleapis.com/fcm/send/" + "a" * (3 * 1024 * 1024)
    body = json.dumps({"endpoint": endpoint, "keys": {"p256dh": "k", "auth": "a"}})
    response = client.post(reverse("notify:push-subscribe"), body, content_type="application/json")
    assert response.status_code in (400, 413)
    assert not PushSubscription.objects.exists()


# ---------------------------------------------------------------------------------------------
# Delivery receipts from GOV.UK Notify


@pytest.mark.parametrize(
    "auth", ["", "Bearer ", "Bearer wrong", "Basic x", "Bearer " + "\u00e9" * 10]
)
def test_forged_delivery_receipts_are_401(client, auth, settings):
    settings.NOTIFY_CALLBACK_TOKEN = "right-token"
    before = list(Notification.objects.values_list("pk", "state"))
    response = client.post(
        reverse("notify:notify-callback"),
        json.dumps({"id": "x", "status": "delivered"}),
        content_type="application/json",
        headers={"Authorization": auth} if auth else {},
    )
    assert response.status_code == 401
    assert list(Notification.objects.values_list("pk", "state")) == before


@FAST
@given(body=st.one_of(st.binary(max_size=200), json_values.map(lambda v: json.dumps(v).encode())))
def test_garbage_delivery_receipts_are_400_or_ignored(client, body, settings):
    settings.NOTIFY_CALLBACK_TOKEN = "right-token"
    response = client.post(
        reverse("notify:notify-callback"),
        body,
        content_type="application/json",
        headers={"Authorization": "Bearer right-token"},
    )
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.json() == {"recorded": False}


# ---------------------------------------------------------------------------------------------
# Guessing ids


def test_other_peoples_messages_and_subscriptions_are_404(client, council):
    owner = UserFactory()
    subscription = follow(owner, council)
    fan_out(council)
    message = Notification.objects.filter(recipient=owner, channel="inbox").first()
    client.force_login(UserFactory())
    assert client.get(reverse("notify:message", args=[message.pk])).status_code == 404
    assert client.post(reverse("notify:message", args=[message.pk])).status_code == 404
    edit = reverse("notify:subscription-edit", args=[subscription.pk])
    assert client.post(edit, {"inbox": "off", "email": "off"}).status_code == 404
    assert (
        client.post(reverse("notify:subscription-delete", args=[subscription.pk])).status_code
        == 404
    )
    message.refresh_from_db()
    assert message.read_at is None
    assert sorted(subscription.channels.values_list("channel", flat=True)) == ["email", "inbox"]


@pytest.mark.parametrize("pk", ["0", "999999999", "9" * 30])
def test_guessed_message_and_subscription_ids_are_404(client, pk):
    client.force_login(UserFactory())
    assert client.get(f"/notifications/{pk}/").status_code == 404
    assert client.get(f"/notifications/following/{pk}/").status_code == 404


def test_a_case_follow_with_a_forged_distance_ignores_the_distance(client, council):
    # Found by Hypothesis in CI: a distance without a place broke a database constraint.
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("notify:follow"),
        {"council": council.slug, "subject_kind": "case", "subject_key": "42", "radius_m": "100"},
    )
    assert response.status_code == 302
    subscription = Subscription.objects.get(user=user)
    assert subscription.radius_m is None and subscription.latitude is None
