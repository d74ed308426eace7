"""The resident's privacy pages and the access log fed by staff case views."""

import pytest

from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.cases import actions as case_actions
from pocketcouncil.councils import queries as councils_queries
from pocketcouncil.privacy import actions
from pocketcouncil.privacy.models import AccessLogEntry, ConsentEvent, ShareStatus
from pocketcouncil.services.models import Service

pytestmark = pytest.mark.django_db


def test_the_account_page_links_to_privacy(client, person):
    client.force_login(person("amira.khan"))
    assert "/your-account/privacy/" in client.get("/your-account/").content.decode()


def test_resident_agrees_sees_the_card_and_stops_in_one_step(client, agreement, person):
    amira = person("amira.khan")
    housing = agreement()
    client.force_login(amira)
    page = client.get("/your-account/privacy/").content.decode()
    assert f"/your-account/privacy/{housing.pk}/agree/" in page
    form = client.get(f"/your-account/privacy/{housing.pk}/agree/").content.decode()
    assert "phone number and email to arrange repairs" in form
    assert client.post(f"/your-account/privacy/{housing.pk}/agree/").status_code == 302
    page = client.get("/your-account/privacy/").content.decode()
    assert "housing team can see your contact details to arrange repairs. Since" in page
    share = actions.share_request(
        resident=amira,
        agreement=housing,
        categories=["contact"],
        council=housing.council,
        actor=person("case-officer.oxford"),
    )
    response = client.post(f"/your-account/privacy/{housing.pk}/stop/")
    assert response.status_code == 302
    share.refresh_from_db()
    assert share.status == ShareStatus.CANCELLED
    page = client.get("/your-account/privacy/", follow=True).content.decode()
    assert "You are not sharing your data with anyone" in page
    assert ConsentEvent.objects.filter(resident=amira).count() == 2


def test_agreeing_twice_shows_an_error_not_a_crash(client, agreement, person):
    amira = person("amira.khan")
    housing = agreement()
    client.force_login(amira)
    client.post(f"/your-account/privacy/{housing.pk}/agree/")
    response = client.post(f"/your-account/privacy/{housing.pk}/agree/")
    assert response.status_code == 400
    assert "You have already agreed to this." in response.content.decode()
    assert client.post("/your-account/privacy/999999/stop/").status_code == 404
    assert client.get("/your-account/privacy/999999/agree/").status_code == 404


def test_privacy_pages_need_sign_in(client):
    assert client.get("/your-account/privacy/").status_code == 302
    assert client.get("/your-account/privacy/who-has-looked/").status_code == 302


def _make_case(resident):
    where = councils_queries.postcode_get("OX4 3BD")
    return case_actions.case_create(
        service=Service.objects.get(lgsl=587),
        actor=resident,
        resident=resident,
        description="Bags dumped by the gate.",
        lon=where.longitude,
        lat=where.latitude,
    )


def test_a_staff_case_view_is_shown_to_the_resident_only(client, person, demo):
    tom = person("tom.evans")
    case = _make_case(tom)
    staff = client.__class__()
    officer = person("case-officer.oxford")
    sign_in_with_mfa(staff, officer)
    url = f"/staff/{case.council.slug}/cases/{case.reference}/"
    assert staff.get(url).status_code == 200
    entry = AccessLogEntry.objects.get(resident=tom)
    assert entry.viewer == officer and entry.kind == "case_view"
    assert entry.subject == case.reference and "Case officer" in entry.viewer_role

    client.force_login(tom)
    page = client.get("/your-account/privacy/who-has-looked/").content.decode()
    assert officer.full_name in page and case.reference in page
    client.force_login(person("amira.khan"))
    page = client.get("/your-account/privacy/who-has-looked/").content.decode()
    assert case.reference not in page and "Nobody has looked" in page
