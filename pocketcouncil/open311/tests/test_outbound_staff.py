"""Staff side of back offices and webhooks: admins add and change back offices (the key never
shown back), see failed sends with their error and send them again; the case page says where
a case went; webhooks are switched off and on and deleted; the SSRF guard; and our own server
honouring ``Idempotency-Key``."""

from __future__ import annotations

import socket

import pytest
import requests
from django.urls import reverse

from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.cases.models import Case
from pocketcouncil.open311 import actions, outbound, urlguard, webhooks
from pocketcouncil.open311.models import (
    DeliveryState,
    OutboundEndpoint,
    OutboundSend,
    SendState,
    Webhook,
    WebhookDelivery,
)
from pocketcouncil.open311.tests.backoffice import BASE, FLY_TIPPING, make_case
from pocketcouncil.open311.tests.factories import ApiClientFactory
from pocketcouncil.open311.tests.test_webhooks import Receiver, staff
from pocketcouncil.services.models import Service

pytestmark = pytest.mark.django_db


def page(slug="oxford"):
    return reverse("open311:staff-integrations", args=[slug])


def form(**changes):
    data = {
        "service": str(Service.objects.get(lgsl=FLY_TIPPING).pk),
        "name": "Street scene works system",
        "base_url": BASE,
        "jurisdiction_id": "oxon",
        "service_code": "FLY-01",
        "api_key": "the-back-office-key-123",
        "is_enabled": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_admin_adds_a_back_office_and_its_key_is_never_shown_back(client, demo):
    sign_in_with_mfa(client, staff("council-admin"))
    add = reverse("open311:staff-endpoint-add", args=["oxford"])
    assert client.get(add).status_code == 200
    response = client.post(add, form())
    assert response.status_code == 302
    made = OutboundEndpoint.objects.get(council=demo["oxford"])
    assert (made.api_key, made.service_code, made.is_enabled) == (
        "the-back-office-key-123",
        "FLY-01",
        True,
    )
    listing = client.get(page()).content.decode()
    assert "Street scene works system" in listing and "<code>the-…</code>" in listing
    assert "the-back-office-key-123" not in listing
    change = reverse("open311:staff-endpoint", args=["oxford", made.pk])
    edit_page = client.get(change).content.decode()
    assert "the-back-office-key-123" not in edit_page
    # Changing it without a key keeps the key; switching it off stops sends.
    assert client.post(change, form(api_key="", is_enabled=None)).status_code == 302
    made.refresh_from_db()
    assert (made.api_key, made.is_enabled) == ("the-back-office-key-123", False)


def test_back_office_form_errors_are_shown_the_govuk_way(client, demo, endpoint):
    sign_in_with_mfa(client, staff("council-admin"))
    add = reverse("open311:staff-endpoint-add", args=["oxford"])
    response = client.post(add, form(name="", base_url="not an address", api_key=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error:" in html and "govuk-error-summary" in html
    assert "Enter the back office&#x27;s name" in html
    assert "Enter the Open311 address as a full web address" in html
    response = client.post(add, form(service="999999"))
    assert "Choose one of the council" in response.content.decode()
    response = client.post(add, form())  # the service already has one
    assert response.status_code == 400
    assert "already has a back office" in response.content.decode()


def test_only_council_admins_of_that_council_manage_back_offices(client, demo, endpoint):
    sign_in_with_mfa(client, staff("case-officer"))
    assert client.get(reverse("open311:staff-endpoint-add", args=["oxford"])).status_code == 403
    client.logout()
    sign_in_with_mfa(client, staff("council-admin", "manchester"))
    other = reverse("open311:staff-endpoint", args=["manchester", endpoint.pk])
    assert client.get(other).status_code == 404
    assert (
        client.get(reverse("open311:staff-endpoint", args=["oxford", endpoint.pk])).status_code
        == 403
    )


def test_failed_sends_are_shown_with_the_error_and_can_be_sent_again(
    client,
    demo,
    endpoint,
    back_office,
    point,
):
    back_office.status = 403
    case = make_case(point)
    outbound.send_due()
    sign_in_with_mfa(client, staff("council-admin"))
    html = client.get(page()).content.decode()
    assert case.reference in html and "HTTP 403: service_code: unknown." in html
    case_page = client.get(reverse("cases:staff-case", args=["oxford", case.reference]))
    assert "Could not send it to Street scene works system" in case_page.content.decode()
    send = OutboundSend.objects.get(case=case)
    back_office.status = 200
    retry = reverse("open311:staff-send-retry", args=["oxford", send.pk])
    assert client.post(retry).status_code == 302
    outbound.send_due()
    case_page = client.get(reverse("cases:staff-case", args=["oxford", case.reference]))
    assert "Sent to Street scene works system as BO-1" in case_page.content.decode()
    # Another council's admin neither sees it nor can retry it.
    client.logout()
    sign_in_with_mfa(client, staff("council-admin", "manchester"))
    theirs = client.get(page("manchester")).content.decode()
    assert case.reference not in theirs and "Street scene works system" not in theirs
    assert client.post(retry.replace("oxford", "manchester")).status_code == 404


def test_webhooks_are_switched_off_and_on_and_deleted(client, demo, point):
    receiver = Receiver()
    try:
        hook = actions.webhook_create(
            council=demo["oxford"],
            url=receiver.url,
            events=["case_created", "status_changed"],
            actor=staff("council-admin"),
        )
        sign_in_with_mfa(client, staff("council-admin"))
        switch = reverse("open311:staff-webhook-switch", args=["oxford", hook.pk])
        make_case(point)  # queued while it is on
        assert client.post(switch, {"enabled": "0"}).status_code == 302
        assert Webhook.objects.get(pk=hook.pk).disabled_at is not None
        assert webhooks.deliver_due(time_limit=5).delivered == 0  # held, not lost
        assert "Switched off" in client.get(page()).content.decode()
        assert client.post(switch, {"enabled": "1"}).status_code == 302
        assert webhooks.deliver_due(time_limit=5).delivered == 1
        assert WebhookDelivery.objects.get().state == DeliveryState.DELIVERED
        delete = reverse("open311:staff-webhook-delete", args=["oxford", hook.pk])
        assert "Delete this webhook?" in client.get(delete).content.decode()
        assert client.post(delete).status_code == 302
        assert not Webhook.objects.filter(pk=hook.pk).exists()
        assert not WebhookDelivery.objects.exists()
    finally:
        receiver.close()


def test_webhooks_of_another_council_are_out_of_reach(client, demo):
    hook = actions.webhook_create(
        council=demo["manchester"],
        url="https://example.org/hook",
        events=["case_created"],
        actor=staff("council-admin", "manchester"),
    )
    sign_in_with_mfa(client, staff("council-admin"))
    assert (
        client.post(reverse("open311:staff-webhook-delete", args=["oxford", hook.pk])).status_code
        == 404
    )
    assert (
        client.post(
            reverse("open311:staff-webhook-switch", args=["oxford", hook.pk]), {"enabled": "0"}
        ).status_code
        == 404
    )
    assert Webhook.objects.get(pk=hook.pk).disabled_at is None


# --- the SSRF guard ------------------------------------------------------------------------------


def resolver(*addresses):
    def resolve(host, port, proto=0):
        return [(socket.AF_INET, socket.SOCK_STREAM, proto, "", (a, port)) for a in addresses]

    return resolve


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.10",
        "172.16.5.5",
        "169.254.169.254",
        "::1",
        "0.0.0.0",  # noqa: S104 (an address to refuse, not one to bind)
        "fd00::1",
    ],
)
def test_private_addresses_are_refused_in_production(settings, address):
    settings.OPEN311_ALLOW_PRIVATE_URLS = False
    with pytest.raises(urlguard.UnsafeUrlError):
        urlguard.check("https://internal.example/hook", resolve=resolver(address))
    # One internal address among public ones is enough to refuse.
    with pytest.raises(urlguard.UnsafeUrlError):
        urlguard.check("https://mixed.example/hook", resolve=resolver("93.184.216.34", address))


def test_public_addresses_are_allowed_and_development_allows_private_ones(settings):
    settings.OPEN311_ALLOW_PRIVATE_URLS = False
    urlguard.check("https://example.org/hook", resolve=resolver("93.184.216.34"))
    with pytest.raises(urlguard.UnsafeUrlError):
        urlguard.check("ftp://example.org/hook", resolve=resolver("93.184.216.34"))
    settings.OPEN311_ALLOW_PRIVATE_URLS = True
    urlguard.check("http://127.0.0.1:8001/hook", resolve=resolver("127.0.0.1"))


def test_production_default_refuses_and_the_environment_can_allow(settings, monkeypatch):
    from pocketcouncil.open311 import conf

    settings.OPEN311_ALLOW_PRIVATE_URLS = None  # not set: the environment decides
    monkeypatch.delenv("OPEN311_ALLOW_PRIVATE_URLS", raising=False)
    settings.PRODUCTION = True
    assert conf.allow_private_urls() is False
    settings.PRODUCTION = False
    assert conf.allow_private_urls() is True
    settings.PRODUCTION = True
    monkeypatch.setenv("OPEN311_ALLOW_PRIVATE_URLS", "true")
    assert conf.allow_private_urls() is True


def test_admins_cannot_point_webhooks_or_back_offices_inside_the_network(settings, demo):
    settings.OPEN311_ALLOW_PRIVATE_URLS = False
    with pytest.raises(actions.ApiClientInputError) as problem:
        actions.webhook_create(
            council=demo["oxford"],
            url="http://127.0.0.1:9000/hook",
            events=["case_created"],
            actor=staff("council-admin"),
        )
    assert problem.value.field == "url"
    assert "private or internal network" in problem.value.message
    with pytest.raises(actions.ApiClientInputError) as problem:
        actions.outbound_endpoint_save(
            council=demo["oxford"],
            actor=staff("council-admin"),
            service=Service.objects.get(lgsl=FLY_TIPPING),
            name="Sneaky",
            base_url="http://169.254.169.254/latest/",
            jurisdiction_id="",
            service_code="1",
            api_key="k",
        )
    assert problem.value.field == "base_url"


def test_sends_are_checked_again_when_made(settings, demo, point):
    """A back office saved while allowed (or a name that now resolves inside) is refused when
    the request is made: the send is retried, not made."""
    actions.outbound_endpoint_save(
        council=demo["oxford"],
        actor=None,
        service=Service.objects.get(lgsl=FLY_TIPPING),
        name="Loopback",
        base_url="http://127.0.0.1:9/open311/v2/",
        jurisdiction_id="",
        service_code="1",
        api_key="k",
    )
    settings.OPEN311_ALLOW_PRIVATE_URLS = False
    case = make_case(point)
    assert outbound.send_due().retried == 1
    send = OutboundSend.objects.get(case=case)
    assert send.state == SendState.PENDING
    assert "private or internal network" in send.last_error


# --- our own server honours Idempotency-Key --------------------------------------------------


def post(base, headers=None, **data):
    fields = {
        "jurisdiction_id": "oxford",
        "service_code": str(FLY_TIPPING),
        "lat": "51.74259",
        "long": "-1.22750",
        "description": "Mattress by the bins",
        "attribute[size]": "a_single_item",
        "email": "someone@example.com",
        **data,
    }
    return requests.post(
        f"{base}/open311/v2/requests.json", data=fields, headers=headers or {}, timeout=10
    )


@pytest.fixture
def key(demo):
    ApiClientFactory(council=demo["oxford"], raw_key="oxford-test-key", rate_limit_per_minute=1000)
    return "oxford-test-key"


def test_a_repeated_post_with_the_same_idempotency_key_makes_one_case(http_server, key):
    first = post(http_server, {"Idempotency-Key": "OXF-26-000001@other.example"}, api_key=key)
    again = post(http_server, {"Idempotency-Key": "OXF-26-000001@other.example"}, api_key=key)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    reference = first.json()[0]["service_request_id"]
    assert Case.objects.filter(reference=reference).count() == 1
    token = first.json()[0]["token"]
    answer = requests.get(
        f"{http_server}/open311/v2/tokens/{token}.json",
        params={"jurisdiction_id": "oxford"},
        timeout=10,
    )
    assert answer.json()[0]["service_request_id"] == reference
    other = post(http_server, {"Idempotency-Key": "OXF-26-000002@other.example"}, api_key=key)
    plain = post(http_server, api_key=key)
    plain_again = post(http_server, api_key=key)
    ids = {r.json()[0]["service_request_id"] for r in (first, other, plain, plain_again)}
    assert len(ids) == 4
    too_long = post(http_server, {"Idempotency-Key": "x" * 201}, api_key=key)
    assert too_long.status_code == 400
    assert too_long.json()[0]["description"].startswith("Idempotency-Key:")


def test_the_same_idempotency_key_from_another_client_is_another_request(
    http_server,
    key,
    demo,
):
    ApiClientFactory(council=demo["oxford"], raw_key="second-app-key", rate_limit_per_minute=1000)
    one = post(http_server, {"Idempotency-Key": "same"}, api_key=key)
    two = post(http_server, {"Idempotency-Key": "same"}, api_key="second-app-key")
    assert one.json()[0]["service_request_id"] != two.json()[0]["service_request_id"]


def test_nul_characters_in_a_post_are_dropped_not_a_server_error(http_server, key):
    """PostgreSQL refuses NUL in text: a NUL in jurisdiction_id or description was a 500."""
    forged = post(http_server, jurisdiction_id="oxf\x00ord", api_key=key)
    assert forged.status_code == 200  # "oxford" once the NUL is dropped
    made = post(http_server, description="Sofa\x00 dumped", api_key=key)
    reference = made.json()[0]["service_request_id"]
    assert Case.objects.get(reference=reference).description == "Sofa dumped"
