"""The Open311 GeoReport v2 server, driven over real HTTP in XML and JSON."""

from __future__ import annotations

import io
from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
import requests
from allauth.account.models import EmailAddress
from django.utils import timezone
from PIL import Image

from pocketcouncil.accounts.models import StaffRole, StaffRoleKind, User
from pocketcouncil.cases import actions as case_actions
from pocketcouncil.cases.models import Case, Source
from pocketcouncil.open311 import actions
from pocketcouncil.open311.tests.factories import ApiClientFactory
from pocketcouncil.services.models import Service

pytestmark = pytest.mark.django_db

FLY_TIPPING = 587  # a district service: Oxford City Council takes it
POTHOLE = 557  # a county service: Oxfordshire takes it, Oxford does not
BULKY_WASTE = 528  # needs a verified phone and address: not offered through Open311


def make_case(point, *, lgsl=FLY_TIPPING, description="Bags dumped by the garages", **extra):
    lon, lat = point
    return case_actions.case_create(
        service=Service.objects.get(lgsl=lgsl),
        description=description,
        actor=None,
        lon=lon,
        lat=lat,
        location_text="Behind Cowley Road",
        attributes={"where": "Behind Cowley Road", "size": "a_single_item"},
        reporter_email="someone@example.com",
        **extra,
    )


def staff_of(council):
    return StaffRole.objects.filter(council=council, role=StaffRoleKind.CASE_OFFICER).first().user


def get(base, path, **params):
    return requests.get(f"{base}/open311/v2/{path}", params=params, timeout=10)


def post(base, fmt="json", files=None, **data):
    return requests.post(f"{base}/open311/v2/requests.{fmt}", data=data, files=files, timeout=10)


def report(point, key, **extra):
    lon, lat = point
    return {
        "jurisdiction_id": "oxford",
        "api_key": key,
        "service_code": str(FLY_TIPPING),
        "lat": str(lat),
        "long": str(lon),
        "address_string": "Alley behind Cowley Road",
        "description": "A sofa and two mattresses",
        "attribute[size]": "a_car_boot_load",
        **extra,
    }


def xml(response) -> ET.Element:
    assert response.headers["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)  # noqa: S314 (our own server's answer)


def error_of(response, fmt="json") -> str:
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "errors"
        assert root.find("error/code").text == str(response.status_code)
        return root.find("error/description").text
    body = response.json()
    assert isinstance(body, list)
    assert body[0]["code"] == response.status_code
    return body[0]["description"]


# --- discovery and services --------------------------------------------------------------------


def test_discovery_in_both_formats(http_server):
    body = get(http_server, "discovery.json").json()
    assert body["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert body["endpoints"][0]["url"] == f"{http_server}/open311/v2"
    assert "oxford" in body["jurisdictions"]
    root = xml(get(http_server, "discovery.xml"))
    assert root.tag == "discovery"
    formats = [f.text for f in root.findall("endpoints/endpoint/formats/format")]
    assert formats == ["text/xml", "application/json"]
    assert root.find("jurisdictions") is None


def test_services_lists_what_the_council_takes_as_reports(http_server):
    services = get(http_server, "services.json", jurisdiction_id="oxford").json()
    codes = {s["service_code"] for s in services}
    assert str(FLY_TIPPING) in codes
    assert str(POTHOLE) not in codes  # the county's
    assert str(BULKY_WASTE) not in codes  # needs proof of address
    fly = next(s for s in services if s["service_code"] == str(FLY_TIPPING))
    assert fly["metadata"] is True
    assert fly["type"] == "realtime"
    county = get(http_server, "services.json", jurisdiction_id="oxfordshire").json()
    assert str(POTHOLE) in {s["service_code"] for s in county}

    root = xml(get(http_server, "services.xml", jurisdiction_id="oxford"))
    assert root.tag == "services"
    assert {s.find("service_code").text for s in root.findall("service")} == codes
    assert root.find("service/metadata").text in {"true", "false"}


def test_service_definition_describes_the_form(http_server):
    body = get(http_server, f"services/{FLY_TIPPING}.json", jurisdiction_id="oxford").json()
    assert body["service_code"] == str(FLY_TIPPING)
    size = next(a for a in body["attributes"] if a["code"] == "size")
    assert size["datatype"] == "singlevaluelist"
    assert size["required"] is True
    assert size["variable"] is True
    assert {"key": "a_car_boot_load", "name": "A car boot load"} in size["values"]

    root = xml(get(http_server, f"services/{FLY_TIPPING}.xml", jurisdiction_id="oxford"))
    assert root.tag == "service_definition"
    codes = [a.find("code").text for a in root.findall("attributes/attribute")]
    assert "size" in codes
    assert root.find("attributes/attribute/values/value/key") is not None


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_errors(http_server, fmt):
    response = get(http_server, f"services.{fmt}")
    assert response.status_code == 400
    assert "jurisdiction_id" in error_of(response, fmt)
    response = get(http_server, f"services.{fmt}", jurisdiction_id="atlantis")
    assert response.status_code == 404
    assert "jurisdiction_id" in error_of(response, fmt)
    response = get(http_server, f"services/{POTHOLE}.{fmt}", jurisdiction_id="oxford")
    assert response.status_code == 404
    assert "service_code" in error_of(response, fmt)
    response = get(http_server, f"services/banana.{fmt}", jurisdiction_id="oxford")
    assert response.status_code == 404


def test_unknown_format_is_404_in_the_error_format(http_server):
    response = get(http_server, "services.html", jurisdiction_id="oxford")
    assert response.status_code == 404
    assert "format" in error_of(response)


# --- POST requests -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_makes_an_ordinary_case(http_server, key, point, fmt):
    response = post(http_server, fmt, **report(point, key))
    assert response.status_code == 200
    if fmt == "json":
        created = response.json()
        assert isinstance(created, list)
        reference, token = created[0]["service_request_id"], created[0]["token"]
    else:
        root = xml(response)
        assert root.tag == "service_requests"
        reference = root.find("request/service_request_id").text
        token = root.find("request/token").text
    case = Case.objects.get(reference=reference)
    assert case.source == Source.OPEN311
    assert case.council.slug == "oxford"
    assert case.attributes["size"] == "a_car_boot_load"
    assert case.attributes["where"] == "Alley behind Cowley Road"
    assert case.location_text == "Alley behind Cowley Road"
    assert case.resident is None

    found = get(http_server, f"tokens/{token}.{fmt}", jurisdiction_id="oxford")
    assert found.status_code == 200
    if fmt == "json":
        assert found.json() == [{"service_request_id": reference, "token": token}]
    else:
        assert xml(found).find("request/service_request_id").text == reference


def test_post_takes_key_and_jurisdiction_from_the_query_string_too(http_server, key, point):
    data = report(point, key)
    query = {"jurisdiction_id": data.pop("jurisdiction_id"), "api_key": data.pop("api_key")}
    response = requests.post(
        f"{http_server}/open311/v2/requests.json", params=query, data=data, timeout=10
    )
    assert response.status_code == 200, response.text


def test_post_accepts_what_fixmystreet_sends(http_server, key, point):
    photo = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(photo, "JPEG")
    data = report(
        point,
        key,
        **{
            "address_id": "#NOTPINPOINTED#",
            "deviceid": "fms-device-1",
            "first_name": "Sam",
            "last_name": "Jones",
            "email": "sam@example.com",
            "attribute[what][]": ["furniture", "mattress"],
        },
    )
    data["media_url"] = ["https://fms.example/photo/1.jpeg", "https://fms.example/photo/2.jpeg"]
    response = post(
        http_server, files={"photo1": ("one.jpg", photo.getvalue(), "image/jpeg")}, **data
    )
    assert response.status_code == 200, response.text
    case = Case.objects.get(reference=response.json()[0]["service_request_id"])
    assert case.attributes["what"] == ["furniture", "mattress"]
    assert case.attributes["open311_device_id"] == "fms-device-1"
    assert case.attributes["open311_media_urls"] == data["media_url"]
    assert "open311_address_id" not in case.attributes
    assert case.reporter_name == "Sam Jones"
    assert case.reporter_email == "sam@example.com"
    assert case.photos.count() == 1
    shown = get(http_server, f"requests/{case.reference}.json", jurisdiction_id="oxford").json()
    photo = requests.get(shown[0]["media_url"], timeout=10)
    assert photo.status_code == 200
    assert photo.headers["Content-Type"] == "image/jpeg"


def test_post_with_a_verified_email_attaches_to_the_resident(http_server, key, point):
    verified = User.objects.create_user(email="verified@example.com", password=None)
    EmailAddress.objects.create(user=verified, email="verified@example.com", verified=True)
    unverified = User.objects.create_user(email="unverified@example.com", password=None)
    EmailAddress.objects.create(user=unverified, email="unverified@example.com", verified=False)

    first = post(http_server, **report(point, key, email="VERIFIED@example.com"))
    second = post(http_server, **report(point, key, email="unverified@example.com"))

    case = Case.objects.get(reference=first.json()[0]["service_request_id"])
    assert case.resident == verified
    assert case.reporter_email == ""
    other = Case.objects.get(reference=second.json()[0]["service_request_id"])
    assert other.resident is None
    assert other.reporter_email == "unverified@example.com"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_key_errors_are_403(http_server, key, point, oxford, demo, fmt):
    revoked = ApiClientFactory(council=oxford, raw_key="revoked-key")
    revoked.revoked_at = timezone.now()
    revoked.save()
    ApiClientFactory(council=demo["manchester"], raw_key="manchester-key")
    for bad in ["", "wrong-key", "revoked-key", "manchester-key"]:
        response = post(http_server, fmt, **report(point, bad))
        assert response.status_code == 403, bad
        assert "api_key" in error_of(response, fmt)
    assert not Case.objects.filter(source=Source.OPEN311).exists()


@pytest.mark.parametrize(
    ("change", "parameter"),
    [
        ({"service_code": ""}, "service_code"),
        ({"service_code": str(POTHOLE)}, "service_code"),
        ({"service_code": "drop table"}, "service_code"),
        ({"lat": ""}, "lat"),
        ({"lat": "", "long": ""}, "lat"),
        ({"lat": "north"}, "lat"),
        ({"lat": "91"}, "lat"),
        ({"long": "-181"}, "long"),
        ({"lat": "53.48", "long": "-2.24"}, "lat"),  # Manchester is not Oxford's
        ({"description": "  "}, "description"),
        ({"description": "x" * 5001}, "description"),
        ({"email": "not an email"}, "email"),
        ({"attribute[size]": "enormous"}, "attribute[size]"),
        ({"attribute[size]": ""}, "attribute[size]"),
        ({"media_url": "javascript:alert(1)"}, "media_url"),
        ({"jurisdiction_id": ""}, "jurisdiction_id"),
    ],
)
def test_post_invalid_parameters_are_400_naming_the_parameter(
    http_server, key, point, change, parameter
):
    response = post(http_server, **report(point, key, **change))
    expected = 400
    assert response.status_code == expected, response.text
    assert error_of(response).startswith(parameter)
    assert not Case.objects.filter(source=Source.OPEN311).exists()


def test_post_rejects_a_file_that_is_not_a_photo(http_server, key, point):
    response = post(
        http_server,
        files={"photo1": ("x.jpg", b"not an image", "image/jpeg")},
        **report(point, key),
    )
    assert response.status_code == 400
    assert error_of(response).startswith("media")


def test_each_key_has_a_rate_limit(http_server, oxford, point):
    ApiClientFactory(council=oxford, raw_key="slow-key", rate_limit_per_minute=2)
    statuses = [post(http_server, **report(point, "slow-key")).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert Case.objects.filter(source=Source.OPEN311).count() == 2


def test_a_revoked_key_stops_working(http_server, oxford, point):
    client, raw_key = actions.api_client_create(council=oxford, name="FixMyStreet", actor=None)
    assert client.key_digest != raw_key and raw_key not in client.key_digest
    assert post(http_server, **report(point, raw_key)).status_code == 200
    actions.api_client_revoke(client=client, actor=staff_admin(oxford))
    assert post(http_server, **report(point, raw_key)).status_code == 403


def staff_admin(council):
    return StaffRole.objects.filter(council=council, role=StaffRoleKind.COUNCIL_ADMIN).first().user


# --- GET requests ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_get_requests_lists_public_requests(http_server, point, fmt):
    case = make_case(point)
    response = get(http_server, f"requests.{fmt}", jurisdiction_id="oxford")
    assert response.status_code == 200
    if fmt == "json":
        found = {r["service_request_id"]: r for r in response.json()}
        item = found[case.reference]
        assert item["status"] == "open"
        assert item["service_code"] == str(FLY_TIPPING)
        assert item["lat"] == pytest.approx(point[1])
        assert item["requested_datetime"].endswith("Z")
        assert "someone@example.com" not in response.text
    else:
        root = xml(response)
        ids = [r.find("service_request_id").text for r in root.findall("request")]
        assert case.reference in ids


def test_get_requests_filters(http_server, point, demo):
    officer = staff_of(demo["oxford"])
    fixed = make_case(point, description="Fixed one")
    case_actions.case_transition(case=fixed, to="resolved", actor=officer)
    still_open = make_case(point, description="Open one")

    def ids(**params):
        response = get(http_server, "requests.json", jurisdiction_id="oxford", **params)
        assert response.status_code == 200, response.text
        return {r["service_request_id"] for r in response.json()}

    assert ids(status="closed") >= {fixed.reference}
    assert still_open.reference not in ids(status="closed")
    assert fixed.reference not in ids(status="open")
    assert ids(service_request_id=f"{fixed.reference},{still_open.reference.lower()}") == {
        fixed.reference,
        still_open.reference,
    }
    assert still_open.reference in ids(service_code=str(FLY_TIPPING))
    assert still_open.reference not in ids(service_code="564")
    old = (timezone.now() - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    older = (timezone.now() - timedelta(days=40)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert still_open.reference not in ids(start_date=older, end_date=old)
    assert still_open.reference in ids(start_date=old)
    assert len(ids(page_size="1")) == 1


def test_get_requests_never_shows_private_or_other_councils_cases(http_server, point, demo):
    private = make_case(point)
    Case.objects.filter(pk=private.pk).update(is_public=False)
    manchester = get(http_server, "requests.json", jurisdiction_id="manchester").json()
    oxford_case = make_case(point)
    assert oxford_case.reference not in {r["service_request_id"] for r in manchester}
    listed = get(http_server, "requests.json", jurisdiction_id="oxford").json()
    assert private.reference not in {r["service_request_id"] for r in listed}
    assert (
        get(http_server, f"requests/{private.reference}.json", jurisdiction_id="oxford").status_code
        == 404
    )
    wrong_council = get(
        http_server, f"requests/{oxford_case.reference}.json", jurisdiction_id="manchester"
    )
    assert wrong_council.status_code == 404


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"start_date": "yesterday"}, "start_date"),
        ({"end_date": "2026-13-40T00:00:00Z"}, "end_date"),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2025-01-01T00:00:00Z"}, "end_date"),
        ({"start_date": "2025-01-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}, "end_date"),
        ({"status": "pending"}, "status"),
        ({"service_code": "pothole"}, "service_code"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "201"}, "page_size"),
        ({"page": "-1"}, "page"),
        ({"service_request_id": ",".join(f"X-{n}" for n in range(101))}, "service_request_id"),
        ({"jurisdiction_id": ""}, "jurisdiction_id"),
        ({"jurisdiction_id": "", "start_date": "yesterday"}, "jurisdiction_id"),
        # Found by make hostile: 90 days before year 1 was a 500.
        ({"end_date": "0001-01-05T00:00:00Z"}, "end_date"),
        ({"start_date": "9999-12-30T00:00:00Z"}, "start_date"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_get_requests_invalid_parameters_are_400(http_server, params, parameter, fmt):
    query = {"jurisdiction_id": "oxford", **params}
    response = get(http_server, f"requests.{fmt}", **query)
    assert response.status_code == 400
    assert error_of(response, fmt).startswith(parameter)


def test_get_requests_query_count_does_not_grow(http_server, point, django_assert_max_num_queries):
    for _ in range(5):
        make_case(point)
    with django_assert_max_num_queries(3):
        response = get(http_server, "requests.json", jurisdiction_id="oxford")
    assert len(response.json()) >= 5


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_get_one_request(http_server, point, fmt):
    case = make_case(point)
    response = get(http_server, f"requests/{case.reference}.{fmt}", jurisdiction_id="oxford")
    assert response.status_code == 200
    if fmt == "json":
        assert [r["service_request_id"] for r in response.json()] == [case.reference]
    else:
        assert xml(response).find("request/service_request_id").text == case.reference
    missing = get(http_server, f"requests/OXF-26-999999.{fmt}", jurisdiction_id="oxford")
    assert missing.status_code == 404
    assert error_of(missing, fmt).startswith("service_request_id")
    assert get(http_server, f"tokens/nope.{fmt}", jurisdiction_id="oxford").status_code == 404


# --- servicerequestupdates ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_updates_since_a_time(http_server, point, demo, fmt):
    officer = staff_of(demo["oxford"])
    case = make_case(point)
    case_actions.case_transition(case=case, to="in_progress", actor=officer, public_note="Booked")
    case_actions.case_note_add(case=case, actor=officer, note="Internal only")
    case_actions.case_update_add(case=case, actor=officer, note="Crew on the way")
    since = (timezone.now() - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    response = get(
        http_server, f"servicerequestupdates.{fmt}", jurisdiction_id="oxford", start_date=since
    )
    assert response.status_code == 200
    if fmt == "json":
        mine = [u for u in response.json() if u["service_request_id"] == case.reference]
        assert [(u["status"], u["description"]) for u in mine] == [
            ("IN_PROGRESS", "Booked"),
            ("IN_PROGRESS", "Crew on the way"),
        ]
    else:
        root = xml(response)
        assert root.tag == "service_requests_updates"
        notes = [
            u.find("description").text
            for u in root.findall("request_update")
            if u.find("service_request_id").text == case.reference
        ]
        assert notes == ["Booked", "Crew on the way"]
    assert "Internal only" not in response.text
    bad = get(http_server, f"servicerequestupdates.{fmt}", jurisdiction_id="oxford", start_date="x")
    assert bad.status_code == 400
    early = "0001-01-05T00:00:00Z"
    too_early = get(
        http_server, f"servicerequestupdates.{fmt}", jurisdiction_id="oxford", end_date=early
    )
    assert too_early.status_code == 400


def test_post_update_from_the_reporter_is_their_message(http_server, key, point, demo):
    reporter = User.objects.create_user(email="reporter@example.com", password=None)
    EmailAddress.objects.create(user=reporter, email="reporter@example.com", verified=True)
    lon, lat = point
    case = case_actions.case_create(
        service=Service.objects.get(lgsl=FLY_TIPPING),
        description="Sofa",
        actor=reporter,
        resident=reporter,
        lon=lon,
        lat=lat,
        attributes={"where": "Alley", "size": "a_single_item"},
    )
    response = requests.post(
        f"{http_server}/open311/v2/servicerequestupdates.xml",
        data={
            "jurisdiction_id": "oxford",
            "api_key": key,
            "service_request_id": case.reference,
            "update_id": "fms-1",
            "updated_datetime": "2026-11-21T10:00:00Z",
            "status": "OPEN",
            "description": "It is still there",
            "email": "reporter@example.com",
        },
        timeout=10,
    )
    assert response.status_code == 200, response.text
    root = xml(response)
    assert root.tag == "service_request_updates"
    event = case.events.get(pk=int(root.find("request_update/update_id").text))
    assert event.kind == "message_in"
    assert event.note == "It is still there"
    assert event.is_public


def test_post_update_from_anyone_else_is_a_note_for_staff(http_server, key, point):
    case = make_case(point)
    data = {
        "jurisdiction_id": "oxford",
        "api_key": key,
        "service_request_id": case.reference,
        "status": "CLOSED",
        "description": "Looks cleared to me",
        "email": "passer.by@example.com",
        "first_name": "Pat",
    }
    response = requests.post(
        f"{http_server}/open311/v2/servicerequestupdates.json", data=data, timeout=10
    )
    assert response.status_code == 200, response.text
    event = case.events.get(pk=int(response.json()[0]["update_id"]))
    assert event.kind == "internal_note"
    assert not event.is_public
    assert "Pat, passer.by@example.com" in event.note and "Looks cleared to me" in event.note
    assert event.actor is None

    def status(**change):
        url = f"{http_server}/open311/v2/servicerequestupdates.json"
        return requests.post(url, data={**data, **change}, timeout=10).status_code

    assert status(api_key="nope") == 403
    assert status(service_request_id="OXF-26-999999") == 404
    assert status(service_request_id="") == 400
    assert status(description="") == 400
    assert status(status="MAYBE") == 400
    assert status(email="not-an-email") == 400


def test_an_api_client_may_only_add_notes_in_its_own_council(demo, point):
    from pocketcouncil.accounts import permissions

    case = make_case(point)
    client = ApiClientFactory(council=demo["oxford"])
    assert permissions.has_perm(client, "cases.note", case)
    assert not permissions.has_perm(client, "cases.change_status", case)
    assert not permissions.has_perm(client, "cases.note", demo["manchester"])
    client.revoked_at = timezone.now()
    assert not permissions.has_perm(client, "cases.note", case)


def test_a_repeated_update_post_with_the_same_idempotency_key_adds_one_update(
    http_server, key, point, demo
):
    case = make_case(point)
    other = make_case(point, description="Another pile")
    url = f"{http_server}/open311/v2/servicerequestupdates.json"
    data = {
        "jurisdiction_id": "oxford",
        "api_key": key,
        "service_request_id": case.reference,
        "status": "OPEN",
        "description": "It is not fixed",
        "update_id": "OXF-26-000001-u7@elsewhere.example",
    }
    headers = {"Idempotency-Key": data["update_id"]}
    first = requests.post(url, data=data, headers=headers, timeout=10)
    again = requests.post(url, data=data, headers=headers, timeout=10)
    assert first.status_code == again.status_code == 200, again.text
    assert first.json() == again.json()
    assert case.events.filter(note__contains="It is not fixed").count() == 1
    # Without the key, or with another, it is another update.
    assert requests.post(url, data=data, timeout=10).status_code == 200
    assert case.events.filter(note__contains="It is not fixed").count() == 2
    # The same key from another API client is that client's own.
    ApiClientFactory(council=demo["oxford"], raw_key="second-key", rate_limit_per_minute=1000)
    theirs = requests.post(url, data={**data, "api_key": "second-key"}, headers=headers, timeout=10)
    assert theirs.json() != first.json()
    # The same key for another request is refused, not answered with the first one's update.
    clash = requests.post(
        url, data={**data, "service_request_id": other.reference}, headers=headers, timeout=10
    )
    assert clash.status_code == 400
    assert clash.json()[0]["description"].startswith("Idempotency-Key:")
    assert not other.events.filter(note__contains="It is not fixed").exists()


def test_post_update_open_from_the_reporter_on_a_finished_case_reopens_it(
    http_server, key, point, demo, settings
):
    reporter = User.objects.create_user(email="reporter@example.com", password=None)
    EmailAddress.objects.create(user=reporter, email="reporter@example.com", verified=True)
    lon, lat = point
    case = case_actions.case_create(
        service=Service.objects.get(lgsl=FLY_TIPPING),
        description="Sofa",
        actor=reporter,
        resident=reporter,
        lon=lon,
        lat=lat,
        attributes={"where": "Alley", "size": "a_single_item"},
    )
    case_actions.case_transition(case=case, to="resolved", actor=staff_of(demo["oxford"]))
    data = {
        "jurisdiction_id": "oxford",
        "api_key": key,
        "service_request_id": case.reference,
        "status": "OPEN",
        "description": "It is not fixed: the sofa is back",
        "email": "reporter@example.com",
    }
    url = f"{http_server}/open311/v2/servicerequestupdates.json"
    response = requests.post(url, data=data, timeout=10)
    assert response.status_code == 200, response.text
    event = case.events.get(pk=int(response.json()[0]["update_id"]))
    assert (event.kind, event.note) == ("reopened", "It is not fixed: the sofa is back")
    case.refresh_from_db()
    assert (case.status, case.reopened_count) == ("in_progress", 1)
    # Past the reopen period their words still reach staff, as a note.
    case_actions.case_transition(case=case, to="resolved", actor=staff_of(demo["oxford"]))
    settings.CASES_REOPEN_DAYS = 1
    Case.objects.filter(pk=case.pk).update(finished_at=timezone.now() - timedelta(days=2))
    response = requests.post(url, data=data, timeout=10)
    assert response.status_code == 200, response.text
    event = case.events.get(pk=int(response.json()[0]["update_id"]))
    assert event.kind == "internal_note" and "the sofa is back" in event.note
    case.refresh_from_db()
    assert case.status == "resolved"
