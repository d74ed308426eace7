import pytest
from django.urls import reverse

from pocketcouncil.accounts.models import User
from pocketcouncil.cases import actions as case_actions
from pocketcouncil.cases.workflow import CaseStatus, CloseReason
from pocketcouncil.councils import queries as councils_queries
from pocketcouncil.councils.tests.factories import CouncilFactory
from pocketcouncil.directory import actions, feed, needs, queries
from pocketcouncil.directory.tests.factories import oxford_service
from pocketcouncil.services.models import Service as CouncilService

DEMO = "demo.pocketcouncil.example"


def _import(council, data):
    tables = feed.Tables()
    feed.add_json(tables, data, where="test")
    assert actions.directory_import(council=council, tables=tables).rejected == []


def _term(slug):
    need = needs.need_get(slug)
    return {"id": need.term_id, "name": str(need.label), "description": str(need.label)}


@pytest.fixture
def listings(demo):
    oxford = demo["oxford"]
    club = oxford_service(name="Silver Lunch Club", term=_term("loneliness"))
    larder = oxford_service(name="Cowley Community Larder", term=_term("food"))
    far_club = oxford_service(
        name="Banbury Befrienders", latitude=52.0629, longitude=-1.3398, term=_term("loneliness")
    )
    refuge = oxford_service(name="Safe Steps", term=_term("domestic-abuse"))
    for data in (club, larder, far_club, refuge):
        _import(oxford, data)
    return oxford


@pytest.mark.django_db
class TestServicesForNeed:
    def test_nearest_first(self, listings):
        point = councils_queries.postcode_get("OX4 3BD")
        found = queries.services_for_need(
            need="loneliness", latitude=point.latitude, longitude=point.longitude
        )
        assert [s.name for s in found] == ["Silver Lunch Club"]

    def test_without_a_point_by_name(self, listings):
        found = queries.services_for_need(need=needs.need_get("loneliness"))
        assert [s.name for s in found] == ["Banbury Befrienders", "Silver Lunch Club"]

    def test_falls_back_to_any_distance(self, listings):
        point = councils_queries.postcode_get("OX4 3BD")
        found = queries.services_for_need(
            need="loneliness", latitude=point.latitude, longitude=point.longitude, radius_m=10
        )
        assert {s.name for s in found} == {"Banbury Befrienders", "Silver Lunch Club"}

    def test_scoped_to_a_council(self, listings):
        assert queries.services_for_need(need="food", council=CouncilFactory()) == []
        assert queries.services_for_need(need="unknown") == []


@pytest.mark.django_db
class TestFrontDoor:
    def test_lonely_shows_community_help_beside_council_services(self, client, listings):
        response = client.get(
            reverse("services:search"), {"q": "I'm lonely", "postcode": "OX4 3BD"}
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "Help in your community" in body
        assert "Silver Lunch Club" in body
        assert "Banbury Befrienders" not in body
        assert "/find-help/?need=loneliness&amp;postcode=OX4+3BD" in body

    def test_a_council_need_shows_no_signposts(self, client, listings):
        response = client.get(reverse("services:search"), {"q": "missed bin collection"})
        assert "Help in your community" not in response.content.decode()

    def test_domestic_abuse_has_a_safe_exit(self, client, listings):
        response = client.get(reverse("services:search"), {"q": "domestic abuse"})
        body = response.content.decode()
        assert "Safe Steps" in body
        assert needs.SAFE_EXIT_URL in body and "call 999" in body


@pytest.mark.django_db
class TestNotTheCouncilsResponsibility:
    def _closed_case(self, reason):
        resident = User.objects.get(email=f"tom.evans@{DEMO}")
        officer = User.objects.get(email=f"case-officer.oxford@{DEMO}")
        point = councils_queries.postcode_get("OX4 3BD")
        case = case_actions.case_create(
            service=CouncilService.objects.get(lgsl=587),
            actor=resident,
            resident=resident,
            lon=point.longitude,
            lat=point.latitude,
            description="My elderly neighbour is lonely and leaves bags out for company.",
        )
        case_actions.case_transition(
            case=case, to=CaseStatus.CLOSED, actor=officer, close_reason=reason
        )
        return resident, case

    def test_closure_shows_community_help_to_the_resident(self, client, listings):
        resident, case = self._closed_case(CloseReason.NOT_RESPONSIBLE)
        client.force_login(resident)
        body = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
        assert "Help in your community" in body and "Silver Lunch Club" in body

    def test_other_closures_show_nothing(self, client, listings):
        resident, case = self._closed_case(CloseReason.UNABLE_TO_FIX)
        client.force_login(resident)
        body = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
        assert "Help in your community" not in body
