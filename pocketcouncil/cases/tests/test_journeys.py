"""Whole journeys over HTTP, from the front door to resolution, for an anonymous service
(fly-tipping), a level-1 service (pest control) and a level-2 service (bulky waste)."""

import html as htmllib
import re

import pytest
from django.test import Client
from django.urls import reverse

from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.cases.models import Case
from pocketcouncil.cases.workflow import CaseStatus

pytestmark = pytest.mark.django_db


def first_result(client, query: str, postcode: str) -> str:
    """Ask the front door; return the URL of the best result."""
    page = client.get(reverse("services:search"), {"q": query, "postcode": postcode})
    assert page.status_code == 200
    match = re.search(r'href="(/councils/[^"]+/services/\d+/[^"]*)"', page.content.decode())
    assert match, "the front door found nothing"
    return htmllib.unescape(match.group(1))


def start_link(client, service_page: str) -> str:
    page = client.get(service_page).content.decode()
    match = re.search(r'href="(/report/\d+/[^"]*)"[^>]*id="start"', page)
    assert match, "the service page has no Start now link"
    return htmllib.unescape(match.group(1))


def walk(client, start_url: str, location: dict, details: dict) -> Case:
    """From "Start now" to "Report sent"; returns the case made."""
    path, _, query = start_url.partition("?")
    data = dict(pair.split("=") for pair in query.split("&") if pair)
    response = client.post(path, data)
    assert response.status_code == 302
    url = response["Location"]
    response = client.get(url)
    assert response.status_code == 200, response.get("Location")
    if "/where/" in url:
        response = client.post(url, location)
        assert response.status_code == 302, response.content.decode()[:2000]
        url = response["Location"]
        response = client.get(url)
        if response.status_code == 200:  # nearby reports shown: carry on with a new one
            url = re.search(r'href="([^"]+/details/)"', response.content.decode()).group(1)
        else:
            url = response["Location"]
    elif "/council/" in url:
        url = url.replace("/council/", "/details/")
    response = client.post(url, details)
    assert response.status_code == 302, response.content.decode()[:3000]
    check = response["Location"]
    assert "/check/" in check
    response = client.post(check)
    assert response.status_code == 302
    sent = client.get(response["Location"])
    assert "Report sent" in sent.content.decode()
    reference = response["Location"].rstrip("/").split("/")[-2]
    return Case.objects.get(reference=reference)


def resolve_in_console(case: Case, officer) -> None:
    staff = Client()
    sign_in_with_mfa(staff, officer)
    queue = staff.get(reverse("cases:staff-queue", args=[case.council.slug]))
    assert case.reference in queue.content.decode()
    response = staff.post(
        reverse("cases:staff-status", args=[case.council.slug, case.reference]),
        {"status": "resolved", "public_note": "Dealt with today."},
    )
    assert response.status_code == 302


def test_anonymous_fly_tipping_from_the_front_door_to_fixed(client, staff, demo):
    page = first_result(client, "rubbish dumped in the alley", "OX4 3BD")
    assert "/councils/oxford/services/587/" in page
    case = walk(
        client,
        start_link(client, page),
        {"postcode": "OX4 3BD", "where": "Alley behind 30 Cowley Road"},
        {
            "size": "a_small_van_load",
            "description": "Builder's rubble and a sofa.",
            "reporter_email": "passer.by@example.com",
        },
    )
    assert (case.council, case.resident) == (demo["oxford"], None)
    resolve_in_console(case, staff("case-officer", "oxford"))
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Fixed" in page and "Dealt with today." in page


def test_level_one_pest_control_for_a_signed_in_resident(client, resident, staff, demo):
    client.force_login(resident("tom.evans"))
    page = first_result(client, "I have rats", "OX4 3BD")
    assert "/services/431/" in page
    case = walk(
        client,
        start_link(client, page),
        {"postcode": "OX4 3BD", "where": "Back garden of 12 Cowley Road"},
        _answers_for(client, case_lgsl=431, description="Rats by the compost bin."),
    )
    assert case.resident == resident("tom.evans")
    assert case.council == demo["oxford"]
    resolve_in_console(case, staff("case-officer", "oxford"))
    mine = client.get(reverse("cases:my-requests")).content.decode()
    assert case.reference in mine and "Fixed" in mine
    client.post(reverse("cases:rate", args=[case.reference]), {"answer": "5"})
    case.refresh_from_db()
    assert case.satisfaction == 5


def test_level_two_bulky_waste_steps_up_then_reports(client, resident, staff, demo):
    tom = resident("tom.evans")
    client.force_login(tom)
    page = first_result(client, "collect an old sofa", "OX4 3BD")
    assert "/services/528/" in page
    start_url = start_link(client, page)
    path, _, query = start_url.partition("?")
    where = client.post(path, dict(p.split("=") for p in query.split("&") if p))["Location"]
    step_up = client.get(where)
    assert "/more-needed/" in step_up["Location"]  # Tom (level 1) is asked for more first
    # Amira has a verified mobile number and address: she goes straight through.
    client.force_login(resident("amira.khan"))
    case = walk(
        client,
        start_url,
        {"postcode": "OX4 3BD", "where": "Outside 12 Cowley Road"},
        _answers_for(client, case_lgsl=528, description="An old sofa and a fridge."),
    )
    assert case.resident == resident("amira.khan")
    resolve_in_console(case, staff("case-officer", "oxford"))
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED


def _answers_for(client, *, case_lgsl: int, description: str) -> dict:
    """Valid answers for a service's required questions, read from its form definition."""
    from pocketcouncil.services.models import ServiceAttribute

    answers = {"description": description}
    for attribute in ServiceAttribute.objects.filter(service__lgsl=case_lgsl, required=True):
        if attribute.code in {"where", "details"}:
            continue
        if attribute.datatype in {"singlevaluelist", "multivaluelist"}:
            answers[attribute.code] = attribute.values[0]["key"]
        elif attribute.datatype == "number":
            answers[attribute.code] = "1"
        elif attribute.datatype == "datetime":
            answers[attribute.code] = "21/11/2026"
        else:
            answers[attribute.code] = "Yes"
    return answers


def test_an_urgent_notice_can_stop_the_online_form(client):
    """Gas leak style: the service shows the notice, no form, and a report already under way
    goes no further; staff and back-office systems can still enter reports."""
    from django.core.exceptions import ValidationError

    from pocketcouncil.cases import actions
    from pocketcouncil.cases.models import Source
    from pocketcouncil.services.models import Service

    service = Service.objects.get(lgsl=587)
    before = Case.objects.count()
    # A resident starts a report before the council stops the form.
    started = client.post(reverse("cases:report-start", args=[587]))
    where_url = started["Location"]

    service.urgent_notice = "Chemicals dumped in Cowley Road: do not touch. Call 01865 249811."
    service.online_reports_stopped = True
    service.full_clean()
    service.save()

    page = client.get(reverse("services:service-detail", args=["oxford", 587])).content.decode()
    assert "Chemicals dumped in Cowley Road" in page
    assert 'id="start"' in page and "/report/587/" not in page
    page = client.get(reverse("cases:report-start", args=[587])).content.decode()
    assert "Chemicals dumped in Cowley Road" in page and "Start now" not in page
    stopped = client.post(reverse("cases:report-start", args=[587]))
    assert "You cannot report this online at the moment" in stopped.content.decode()
    response = client.post(where_url, {"postcode": "OX4 3BD", "where": "Cowley Road"})
    assert "You cannot report this online at the moment" in response.content.decode()
    assert Case.objects.count() == before

    with pytest.raises(actions.CaseInputError, match="Call 01865 249811"):
        actions.case_create(service=service, description="Bags", actor=None, lon=-1.23, lat=51.74)
    officer = Case.objects.model._meta.apps.get_model("accounts", "User").objects.get(
        email="case-officer.oxford@demo.pocketcouncil.example"
    )
    phoned_in = actions.case_create(
        service=service,
        description="Caller says the drums are leaking",
        actor=officer,
        lon=-1.2305,
        lat=51.7466,
        source=Source.STAFF,
        entered_by=officer,
    )
    assert phoned_in.pk

    service.urgent_notice = ""
    with pytest.raises(ValidationError):
        service.full_clean()
