import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from pocketcouncil.directory import actions, feed, needs
from pocketcouncil.directory.models import Location, Service
from pocketcouncil.directory.tests.factories import new_id, oxford_service
from pocketcouncil.notify.models import Notification

# A Wednesday at 11:00 in London (BST).
WEDNESDAY_11AM = dt.datetime(2026, 6, 17, 10, 0, tzinfo=dt.UTC)
SUNDAY_11AM = dt.datetime(2026, 6, 21, 10, 0, tzinfo=dt.UTC)


def _import(council, data):
    tables = feed.Tables()
    feed.add_json(tables, data, where="test")
    report = actions.directory_import(council=council, tables=tables)
    assert report.rejected == []


def need_term(slug: str) -> dict:
    need = needs.need_get(slug)
    return {"id": need.term_id, "name": str(need.label), "description": str(need.label)}


@pytest.fixture
def listings(demo):
    oxford = demo["oxford"]
    larder = oxford_service(name="Cowley Community Larder", term=need_term("food"))
    lunch = oxford_service(
        name="Silver Lunch Club",
        description="Lunch and company for older people.",
        minimum_age=60,
        latitude=51.7520,
        longitude=-1.2577,
        term=need_term("loneliness"),
    )
    lunch["cost_options"] = [{"id": new_id(), "option": "Lunch", "amount": 12}]
    lunch["schedules"][0]["byday"] = "SU"
    refuge = oxford_service(
        name="Safe Steps",
        description="Support after domestic abuse.",
        term=need_term("domestic-abuse"),
    )
    for data in (larder, lunch, refuge):
        _import(oxford, data)
    Location.objects.filter(name="Cowley Community Centre").update(
        transport="Buses 1 and 5 stop outside."
    )
    return {"larder": larder, "lunch": lunch, "refuge": refuge}


def _sent():
    return Notification.objects.filter(reason__startswith="directory")


def _names(response) -> list[str]:
    return [r["service"].name for r in response.context["results"]]


@pytest.mark.django_db
class TestFindHelp:
    def test_blank_form(self, client):
        response = client.get(reverse("directory:find-help"))
        assert response.status_code == 200
        assert "Find help near you" in response.content.decode()
        assert "results" not in response.context

    def test_by_need(self, client, listings):
        response = client.get(reverse("directory:find-help"), {"need": "food"})
        assert _names(response) == ["Cowley Community Larder"]

    def test_free_text(self, client, listings):
        response = client.get(reverse("directory:find-help"), {"q": "older"})
        assert _names(response) == ["Silver Lunch Club"]

    def test_postcode_and_distance(self, client, listings):
        response = client.get(
            reverse("directory:find-help"), {"postcode": "OX4 3BD", "distance": "1"}
        )
        assert "Silver Lunch Club" not in _names(response)
        assert "Cowley Community Larder" in _names(response)
        assert response.context["results"][0]["distance_miles"] is not None
        wider = client.get(reverse("directory:find-help"), {"postcode": "OX4 3BD", "distance": "3"})
        assert "Silver Lunch Club" in _names(wider)

    def test_age(self, client, listings):
        response = client.get(reverse("directory:find-help"), {"age": "30"})
        assert "Silver Lunch Club" not in _names(response)
        older = client.get(reverse("directory:find-help"), {"age": "72"})
        assert "Silver Lunch Club" in _names(older)

    def test_free_or_low_cost(self, client, listings):
        response = client.get(reverse("directory:find-help"), {"free": "on"})
        assert "Silver Lunch Club" not in _names(response)
        assert "Cowley Community Larder" in _names(response)

    def test_open_now(self, client, listings):
        with time_machine.travel(WEDNESDAY_11AM, tick=False):
            weekday = _names(client.get(reverse("directory:find-help"), {"open_now": "on"}))
        with time_machine.travel(SUNDAY_11AM, tick=False):
            sunday = _names(client.get(reverse("directory:find-help"), {"open_now": "on"}))
        assert "Cowley Community Larder" in weekday and "Silver Lunch Club" not in weekday
        assert sunday == ["Silver Lunch Club"]

    @pytest.mark.parametrize(
        ("params", "message"),
        [
            ({"postcode": "banana"}, "Enter a full postcode"),
            ({"postcode": "SW1A 1AA"}, "We could not find"),
            ({"age": "old"}, "Enter an age as a number"),
            ({"age": "500"}, "Enter an age from 0 to 120"),
            ({"need": "spaceships"}, "Select a valid choice"),
        ],
    )
    def test_bad_input_shows_the_error_summary(self, client, listings, params, message):
        response = client.get(reverse("directory:find-help"), params)
        assert response.status_code == 200
        body = response.content.decode()
        assert "There is a problem" in body and message in body

    def test_domestic_abuse_search_shows_exit_this_page(self, client, listings):
        response = client.get(reverse("directory:find-help"), {"need": "domestic-abuse"})
        assert "Exit this page" in response.content.decode()
        plain = client.get(reverse("directory:find-help"), {"need": "food"})
        assert "Exit this page" not in plain.content.decode()


@pytest.mark.django_db
class TestServicePage:
    def test_shows_everything_a_resident_needs(self, client, listings):
        with time_machine.travel(WEDNESDAY_11AM, tick=False):
            response = client.get(reverse("directory:service", args=[listings["larder"]["id"]]))
        body = response.content.decode()
        assert response.status_code == 200
        assert "Monday to Friday, 10am to 4pm" in body
        assert "Open now" in body
        assert "44 Cowley Road" in body and "OX4 3BD" in body
        assert "Buses 1 and 5 stop outside." in body
        assert "Polish" in body
        assert "01865 000000" in body
        assert "£3.50" in body
        assert 'data-module="pc-reports-map"' in body  # the map, over the text address

    def test_unknown_service_is_404(self, client):
        assert client.get(reverse("directory:service", args=["nope"])).status_code == 404

    def test_domestic_abuse_service_has_exit_this_page(self, client, listings):
        response = client.get(reverse("directory:service", args=[listings["refuge"]["id"]]))
        assert needs.SAFE_EXIT_URL in response.content.decode()

    def test_stale_listing_is_flagged(self, client, listings):
        Service.objects.filter(pk=listings["larder"]["id"]).update(
            last_modified=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), last_checked_at=None
        )
        response = client.get(reverse("directory:service", args=[listings["larder"]["id"]]))
        assert "may be out of date" in response.content.decode()

    def test_back_link_only_goes_to_this_site(self, client, listings):
        url = reverse("directory:service", args=[listings["larder"]["id"]])
        response = client.get(url, {"back": "https://evil.example/"})
        back_link = f'href="{reverse("directory:find-help")}" class="govuk-back-link"'
        assert back_link in response.content.decode()
        ours = client.get(url, {"back": "/find-help/?need=food"})
        assert 'href="/find-help/?need=food" class="govuk-back-link"' in ours.content.decode()

    def test_demo_listing_is_labelled(self, client, listings):
        Service.objects.filter(pk=listings["larder"]["id"]).update(is_demo=True)
        response = client.get(reverse("directory:service", args=[listings["larder"]["id"]]))
        assert "demonstration listing" in response.content.decode()


@pytest.mark.django_db
class TestMyList:
    def test_add_view_and_remove(self, client, listings):
        service_id = listings["larder"]["id"]
        response = client.post(reverse("directory:list-add"), {"service": service_id})
        assert response.status_code == 302
        page = client.get(reverse("directory:my-list"))
        assert "Cowley Community Larder" in page.content.decode()
        client.post(reverse("directory:list-remove"), {"service": service_id})
        assert "Your list is empty" in client.get(reverse("directory:my-list")).content.decode()

    def test_adding_an_unknown_service_is_404(self, client):
        assert client.post(reverse("directory:list-add"), {"service": "nope"}).status_code == 404

    def test_next_must_be_on_this_site(self, client, listings):
        response = client.post(
            reverse("directory:list-add"),
            {"service": listings["larder"]["id"], "next": "https://evil.example/"},
        )
        assert response["Location"] == reverse("directory:my-list")

    def test_send_by_email_goes_through_notify(self, client, listings):
        client.post(reverse("directory:list-add"), {"service": listings["larder"]["id"]})
        response = client.post(
            reverse("directory:list-send"), {"channel": "email", "to": "me@example.com"}
        )
        assert response.status_code == 302
        message = _sent().get(to="me@example.com")
        assert "Cowley Community Larder" in message.body
        assert "01865 000000" in message.body
        assert reverse("directory:service", args=[listings["larder"]["id"]]) in message.body

    def test_send_by_sms(self, client, listings):
        client.post(reverse("directory:list-add"), {"service": listings["larder"]["id"]})
        client.post(reverse("directory:list-send"), {"channel": "sms", "to": "07700 900982"})
        assert _sent().get(channel="sms").to == "07700900982"

    def test_bad_address_is_an_error_on_the_page(self, client, listings):
        client.post(reverse("directory:list-add"), {"service": listings["larder"]["id"]})
        response = client.post(
            reverse("directory:list-send"), {"channel": "email", "to": "not an email"}
        )
        assert response.status_code == 400
        assert "There is a problem" in response.content.decode()
        assert not _sent().exists()

    def test_sending_is_rate_limited(self, client, listings):
        client.post(reverse("directory:list-add"), {"service": listings["larder"]["id"]})
        for _ in range(5):
            client.post(reverse("directory:list-send"), {"channel": "email", "to": "a@example.com"})
        response = client.post(
            reverse("directory:list-send"), {"channel": "email", "to": "a@example.com"}
        )
        assert response.status_code == 429
        assert _sent().count() == 5

    def test_empty_list_cannot_be_sent(self, client):
        response = client.post(
            reverse("directory:list-send"), {"channel": "email", "to": "me@example.com"}
        )
        assert response.status_code == 302
        assert not _sent().exists()


@pytest.mark.django_db
def test_find_help_query_count_does_not_grow_with_results(
    client, listings, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        client.get(reverse("directory:find-help"), {"postcode": "OX4 3BD", "distance": "10"})
