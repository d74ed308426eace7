"""Hostile input against the report journey and the staff console: each ends in a clear
refusal and no change, never a 500."""

import contextlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.cases import photos
from pocketcouncil.cases.forms import LocationForm
from pocketcouncil.cases.models import Case
from pocketcouncil.core.testing import examples, hostile_settings
from pocketcouncil.councils import queries as councils_queries

pytestmark = pytest.mark.django_db

FAST = hostile_settings(60)


@FAST
@given(
    postcode=st.text(max_size=12),
    where=st.text(max_size=400),
    lat=st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
    lon=st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
)
def test_location_form_never_crashes(postcode, where, lat, lon):
    data = {"postcode": postcode, "where": where}
    if lat is not None:
        data["latitude"] = str(lat)
    if lon is not None:
        data["longitude"] = str(lon)
    form = LocationForm(data)
    if form.is_valid():
        lon_ok, lat_ok = form.cleaned_data["point"]
        assert -180 <= lon_ok <= 180 and -90 <= lat_ok <= 90


@FAST
@given(text=st.text(max_size=20))
def test_postcode_parser_only_raises_its_own_errors(text):
    with contextlib.suppress(councils_queries.PostcodeInvalidError):
        councils_queries.normalise_postcode(text)


@settings(max_examples=examples(40), deadline=None)
@given(data=st.binary(min_size=1, max_size=4096))
def test_photo_decoder_refuses_garbage_cleanly(data):
    try:
        processed = photos.process(SimpleUploadedFile("x.jpg", data))
    except photos.PhotoInvalidError:
        return
    assert processed.content[:2] == b"\xff\xd8"  # anything accepted comes out as a JPEG


@settings(max_examples=examples(25), deadline=None)
@given(
    header=st.sampled_from([b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b"GIF89a"]),
    rest=st.binary(max_size=2048),
)
def test_truncated_images_with_real_headers_are_refused(header, rest):
    with pytest.raises(photos.PhotoInvalidError):
        photos.process(SimpleUploadedFile("x.jpg", header + rest))


def test_stored_script_in_a_report_is_shown_as_text(client, report):
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    case = report(description=evil, location_text=evil)
    html = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    reports = client.get(reverse("cases:public-reports")).content.decode()
    assert "<script>alert" not in reports


@pytest.mark.parametrize(
    "value",
    ["' OR 1=1 --", "1; DROP TABLE cases_case", "\x00", "9" * 40, "%", "../../etc/passwd"],
)
def test_sql_injection_through_queue_filters_changes_nothing(client, staff, report, value):
    report()
    sign_in_with_mfa(client, staff("case-officer", "oxford"))
    before = Case.objects.count()
    response = client.get(
        reverse("cases:staff-queue", args=["oxford"]),
        {
            "q": value,
            "service": value,
            "ward": value,
            "team": value,
            "priority": value,
            "status": value,
            "sort": value,
            "page": value,
        },
    )
    assert response.status_code == 200
    assert Case.objects.count() == before


def test_forms_need_a_csrf_token(report, resident):
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident("tom.evans"))
    case = report(who="tom.evans")
    response = client.post(reverse("cases:reply", args=[case.reference]), {"message": "hi"})
    assert response.status_code == 403
    assert "Your form timed out" in response.content.decode()
    assert not case.events.filter(kind="message_in").exists()


def test_oversized_body_is_refused(client, resident, report):
    case = report(who="tom.evans")
    client.force_login(resident("tom.evans"))
    body = "x" * (3 * 1024 * 1024)
    response = client.post(reverse("cases:reply", args=[case.reference]), {"message": body})
    assert response.status_code in (302, 400, 413)
    assert not case.events.filter(kind="message_in").exists()


def test_guessing_references_reveals_nothing_about_private_cases(client, service, resident, demo):
    from pocketcouncil.cases import actions

    tom = resident("tom.evans")
    private = actions.case_create(
        service=service(141), actor=tom, resident=tom, council=demo["oxford"], description="Damp"
    )
    client.force_login(resident("amira.khan"))
    hidden = client.get(reverse("cases:detail", args=[private.reference]))
    missing = client.get(reverse("cases:detail", args=["OXF-99-999999"]))
    assert hidden.status_code == missing.status_code == 404
    for name in ["reply", "reopen", "rate", "withdraw", "me-too"]:
        assert client.post(reverse(f"cases:{name}", args=[private.reference])).status_code == 404


@pytest.mark.parametrize("value", ["\x00", "' OR 1=1 --", "9" * 40])
def test_public_report_filters_refuse_nonsense_quietly(client, value):
    for name in ["cases:public-reports", "cases:public-reports-geojson"]:
        response = client.get(
            reverse(name),
            {"council": value, "service": value, "ward": value, "status": value, "page": value},
        )
        assert response.status_code == 200


def test_a_forged_council_on_the_start_form_is_ignored(client, resident):
    client.force_login(resident("tom.evans"))
    response = client.post(reverse("cases:report-start", args=[141]), {"council": "x\x00'"})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200  # asks which council instead
