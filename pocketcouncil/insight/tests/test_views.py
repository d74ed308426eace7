"""The staff pages: the dashboard with real numbers, each table as formula-safe CSV, the "log a
call or visit" form and the council's cost per contact."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse

from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.insight import actions, queries
from pocketcouncil.insight.models import Channel, ChannelCost, ContactEvent, Reason

pytestmark = pytest.mark.django_db


def rollup(council):
    """Rebuild the whole dashboard period (the demo's older counts included)."""
    today = queries.today()
    actions.contact_rollup(council=council, start=today - timedelta(weeks=60), end=today)


@pytest.fixture
def manager(client, staff):
    user = staff("service-manager", "oxford")
    sign_in_with_mfa(client, user)
    return user


def test_the_dashboard_shows_failure_demand_and_what_it_costs(client, manager, demo):
    oxford = demo["oxford"]
    ContactEvent.objects.filter(council=oxford).delete()
    for _n in range(3):
        actions.contact_record(council=oxford, channel=Channel.PHONE, reason=Reason.PROGRESS)
    actions.contact_record(council=oxford, channel=Channel.PHONE, reason=Reason.QUESTION)
    rollup(oxford)
    page = client.get(reverse("insight:dashboard", args=["oxford"])).content.decode()
    assert "75%" in page  # 3 of 4 contacts were failure demand
    assert "£8.49" in page  # 3 chasing calls at the published £2.83
    assert "Socitm" in page
    assert "<svg" in page and "<table" in page


def test_another_councils_staff_cannot_see_the_dashboard(client, staff):
    sign_in_with_mfa(client, staff("service-manager", "manchester"))
    response = client.get(reverse("insight:dashboard", args=["oxford"]))
    assert response.status_code == 403


def test_a_case_officer_cannot_see_the_dashboard(client, staff):
    sign_in_with_mfa(client, staff("case-officer", "oxford"))
    assert client.get(reverse("insight:dashboard", args=["oxford"])).status_code == 403


def test_an_unknown_service_falls_back_to_all_with_a_message(client, manager):
    page = client.get(reverse("insight:dashboard", args=["oxford"]), {"service": "99999"})
    assert page.status_code == 200
    assert "not one this council offers" in page.content.decode()


def test_the_unanswered_questions_csv_escapes_formulas(client, manager, demo):
    oxford = demo["oxford"]
    actions.contact_record(
        council=oxford,
        channel=Channel.WEB_SEARCH,
        reason=Reason.QUESTION,
        answered=False,
        topic='=HYPERLINK("http://evil.example")',
    )
    rollup(oxford)
    response = client.get(reverse("insight:csv", args=["oxford", "unanswered"]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "What residents asked"
    assert rows[1][:2] == ['\'=HYPERLINK("http://evil.example")', "1"]


@pytest.mark.parametrize("table", ["weeks", "channels", "failure", "reasons", "chasing", "costs"])
def test_every_table_downloads(client, manager, table):
    response = client.get(reverse("insight:csv", args=["oxford", table]))
    assert response.status_code == 200 and response.content


def test_an_unknown_table_is_not_found(client, manager):
    assert client.get(reverse("insight:csv", args=["oxford", "secrets"])).status_code == 404


class TestLogForm:
    def test_an_adviser_logs_a_call(self, client, staff, demo):
        sign_in_with_mfa(client, staff("contact-centre", "oxford"))
        url = reverse("insight:log", args=["oxford"])
        response = client.post(url, {"channel": "phone", "reason": "not_understood"})
        assert response.status_code == 302
        event = ContactEvent.objects.filter(council=demo["oxford"]).latest("created_at")
        assert event.failure_kind == "not_understood" and event.channel == "phone"

    def test_missing_answers_get_an_error_summary(self, client, staff):
        sign_in_with_mfa(client, staff("contact-centre", "oxford"))
        response = client.post(reverse("insight:log", args=["oxford"]), {})
        page = response.content.decode()
        assert response.status_code == 400
        assert "govuk-error-summary" in page and "Choose how the resident contacted you" in page

    def test_a_wrong_case_reference_is_a_clear_error(self, client, staff):
        sign_in_with_mfa(client, staff("contact-centre", "oxford"))
        response = client.post(
            reverse("insight:log", args=["oxford"]),
            {"channel": "phone", "reason": "progress", "case_reference": "NOPE-1"},
        )
        assert response.status_code == 400
        assert "There is no case NOPE-1" in response.content.decode()


class TestCosts:
    def test_a_manager_sets_the_councils_own_phone_cost(self, client, manager, demo):
        url = reverse("insight:costs", args=["oxford"])
        response = client.post(url, {"kind": "phone", "cost": "3.10", "source": "Budget 2026"})
        assert response.status_code == 302
        cost = ChannelCost.objects.get(council=demo["oxford"], kind="phone")
        assert cost.cost_pence == 310 and cost.source == "Budget 2026"
        assert "Budget 2026" in client.get(url).content.decode()

    def test_a_cost_without_a_source_is_refused(self, client, manager):
        response = client.post(
            reverse("insight:costs", args=["oxford"]), {"kind": "phone", "cost": "abc"}
        )
        page = response.content.decode()
        assert response.status_code == 400
        assert "Enter the cost in pounds and pence" in page
        assert "Say where the figure comes from" in page
