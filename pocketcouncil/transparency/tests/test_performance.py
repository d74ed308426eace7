"""Performance indicators end to end: cases made and worked through the cases app's actions at
known times, the snapshot computed, the pages, downloads and the service page line."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from pocketcouncil.accounts.tests.factories import StaffRoleFactory, UserFactory
from pocketcouncil.cases import actions as case_actions
from pocketcouncil.cases import queries as case_queries
from pocketcouncil.cases.workflow import CaseStatus, CloseReason
from pocketcouncil.councils.models import AreaKind
from pocketcouncil.councils.tests.factories import AreaFactory, CouncilFactory, square
from pocketcouncil.services.tests.factories import ServiceFactory
from pocketcouncil.transparency import actions, queries, tasks
from pocketcouncil.transparency.models import IndicatorScope, IndicatorSnapshot

UTC = dt.UTC
NOW = dt.datetime(2026, 4, 15, 12, 0, tzinfo=UTC)
MONDAY = dt.datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # no bank holidays until Good Friday
NORTH = {"lon": 3.25, "lat": 55.25}
SOUTH = {"lon": 3.75, "lat": 55.25}


def working_day(days: int) -> dt.datetime:
    """10:00 on the working day ``days`` after MONDAY (weeks without bank holidays)."""
    return MONDAY + dt.timedelta(days=(days // 5) * 7 + days % 5, hours=1)


class History:
    """A council with two wards and one service (target 5 working days), and known cases."""

    def __init__(self):
        self.council = CouncilFactory(name="Known Answers Council", slug="known-answers")
        AreaFactory(council=self.council, kind=AreaKind.DISTRICT, geometry=square(3.0, 55.0, 1.0))
        AreaFactory(
            council=self.council,
            kind=AreaKind.WARD,
            name="North Ward",
            gss_code="E05099001",
            geometry=square(3.0, 55.0, 0.5),
        )
        AreaFactory(
            council=self.council,
            kind=AreaKind.WARD,
            name="South Ward",
            gss_code="E05099002",
            geometry=square(3.5, 55.0, 0.5),
        )
        self.service = ServiceFactory(name="Fix a pothole", location_based=True, sla_working_days=5)
        self.officer = StaffRoleFactory(council=self.council).user
        self.residents = []

    def report(self, where=NORTH, at=MONDAY):
        resident = UserFactory()
        self.residents.append(resident)
        with time_machine.travel(at, tick=False):
            case = case_actions.case_create(
                service=self.service,
                actor=resident,
                resident=resident,
                description="A deep pothole.",
                **where,
            )
        case.reporter = resident
        return case

    def move(self, case, to, at, reason=""):
        with time_machine.travel(at, tick=False):
            return case_actions.case_transition(
                case=case, to=to, actor=self.officer, close_reason=reason
            )


@pytest.fixture
def history(db):
    """North Ward: fixed after 1, 2, 3 (reopened, fixed again on day 8), 4, 5 and 6 working
    days; one closed as not the council's responsibility after 2 days; one withdrawn, one
    rejected, one merged as a duplicate (none of those three counts as dealt with). Survey
    answers 5, 4, 2, 5, 1 on the first five. South Ward: two fixed after a day."""
    h = History()
    north = []
    for days in range(1, 7):
        case = h.report()
        h.move(case, CaseStatus.RESOLVED, working_day(days))
        north.append(case)
    reopened = north[2]
    with time_machine.travel(working_day(3) + dt.timedelta(hours=2), tick=False):
        case_actions.case_reopen(case=reopened, actor=reopened.reporter, reason="Still there.")
    h.move(reopened, CaseStatus.RESOLVED, working_day(8))
    for case, answer in zip(north[:5], [5, 4, 2, 5, 1], strict=True):
        with time_machine.travel(working_day(9), tick=False):
            case_actions.case_satisfaction_record(case=case, actor=case.reporter, answer=answer)
    passed_on = h.report()
    h.move(passed_on, CaseStatus.CLOSED, working_day(2), CloseReason.NOT_RESPONSIBLE)
    withdrawn = h.report()
    with time_machine.travel(working_day(1), tick=False):
        case_actions.case_withdraw(case=withdrawn, actor=withdrawn.reporter)
    h.move(h.report(), CaseStatus.REJECTED, working_day(1))
    duplicate = h.report()
    with time_machine.travel(working_day(1), tick=False):
        case_actions.case_merge(duplicate=duplicate, into=north[0], actor=h.officer)
    for _ in range(2):
        h.move(h.report(where=SOUTH), CaseStatus.RESOLVED, working_day(1))
    return h


def test_case_facts_count_only_cases_dealt_with_as_resolved(history):
    rows = list(
        case_queries.case_facts_for_council(
            council_id=history.council.pk, since=NOW - dt.timedelta(days=365), until=NOW
        )
    )
    assert len(rows) == 12
    resolved = [r for r in rows if r.resolved_at is not None]
    assert len(resolved) == 9  # 6 fixed + 1 passed on in the north, 2 in the south
    statuses = {r.status for r in rows if r.resolved_at is None}
    assert statuses == {CaseStatus.CLOSED, CaseStatus.REJECTED, CaseStatus.DUPLICATE}
    assert sum(r.reopened for r in rows) == 1
    assert {(r.ward_code, r.ward_name) for r in rows} == {
        ("E05099001", "North Ward"),
        ("E05099002", "South Ward"),
    }
    # Nothing personal or free text: only these fields.
    assert set(rows[0]._fields) == {
        "received_at",
        "resolved_at",
        "due_at",
        "reopened",
        "satisfaction",
        "status",
        "service_lgsl",
        "service_name",
        "ward_code",
        "ward_name",
    }


def test_indicators_from_the_history_through_the_real_models(history):
    result = actions.indicators_refresh(council=history.council, now=NOW)
    assert result.cases == 12
    found = queries.performance_get(council=history.council)
    north = next(w for w in found.wards if w.label == "North Ward")
    # Days dealt with: 1, 2, 2 (passed on), 4, 5, 6, 8 (the reopened one).
    assert (north.received, north.resolved) == (10, 7)
    assert (north.median_days, north.p90_days) == (4, 8)
    assert north.within_target == 71  # 5 of 7 by the end of the 5th working day
    assert north.reopened == 14  # 1 of 7
    assert (north.satisfaction, north.satisfaction_answers) == (60, 5)  # 5, 4, 5 of 5 answers
    service = found.services[0]
    assert (service.label, service.received, service.resolved) == ("Fix a pothole", 12, 9)
    assert service.median_days == 2  # the 5th of 1, 1, 1, 2, 2, 4, 5, 6, 8
    assert found.council.received == 12
    january = next(p for p in service.trend if p["month"] == dt.date(2026, 1, 1))
    assert (january["received"], january["resolved"]) == (12, 9)


def test_small_numbers_are_suppressed(history):
    actions.indicators_refresh(council=history.council, now=NOW)
    south = next(
        w for w in queries.performance_get(council=history.council).wards if w.label == "South Ward"
    )
    assert south.received is None and "received" in south.suppressed
    assert south.median_days is None and "median_days" in south.suppressed


def test_refresh_replaces_the_snapshot_and_keeps_councils_apart(history, demo):
    actions.indicators_refresh(council=history.council, now=NOW)
    actions.indicators_refresh(council=history.council, now=NOW + dt.timedelta(hours=1))
    rows = IndicatorSnapshot.objects.filter(council=history.council)
    assert {r.computed_at for r in rows} == {NOW + dt.timedelta(hours=1)}
    assert rows.filter(scope=IndicatorScope.COUNCIL).count() == 1
    actions.indicators_refresh(council=demo["oxford"], now=NOW)
    oxford = queries.performance_get(council=demo["oxford"])
    assert all(s.label != "Fix a pothole" for s in oxford.services)


def test_the_task_computes_every_council_and_queues_the_next_run(history, settings):
    with time_machine.travel(NOW, tick=False):
        done = tasks.indicators_refresh_task.call()
    assert done["known-answers"] == 12
    assert queries.performance_last_changed(council=history.council) == NOW


def test_the_command_computes_a_council(history):
    with time_machine.travel(NOW, tick=False):
        call_command("transparency_indicators", "known-answers", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert queries.performance_last_changed(council=history.council) == NOW


def test_the_page_before_any_figures(client, council):
    response = client.get(reverse("performance", args=[council.slug]))
    assert response.status_code == 200
    assert "still working out these figures" in response.text
    assert (
        client.get(reverse("performance", args=[council.slug]) + "?format=csv").status_code == 404
    )
    assert client.get(reverse("case-statistics", args=[council.slug])).status_code == 200


def test_the_page_per_service_and_per_ward(client, history, django_assert_max_num_queries):
    actions.indicators_refresh(council=history.council, now=NOW)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("performance", args=["known-answers"]))
    text = response.text
    assert "Figures updated 15 April 2026, 13:00" in text  # UK summer time
    assert "Fix a pothole" in text and "North Ward" in text and "South Ward" in text
    assert "Too few" in text  # South Ward
    assert "How we work this out" in text
    assert "fewer than 5 requests" in text
    service = client.get(
        reverse("performance-service", args=["known-answers", history.service.lgsl])
    )
    assert service.status_code == 200
    assert (
        "January 2026" in service.text and "Half were dealt with in 2 working days" in service.text
    )
    missing = client.get(reverse("performance-service", args=["known-answers", 1]))
    assert missing.status_code == 404


def test_downloads_carry_the_licence_and_validators(client, history):
    actions.indicators_refresh(council=history.council, now=NOW)
    url = reverse("performance", args=["known-answers"]) + "?format=json"
    response = client.get(url)
    assert response.status_code == 200
    body = response.json()
    assert body["licence"]["name"] == "Open Government Licence v3.0"
    assert "license" in response["Link"]
    north = next(r for r in body["rows"] if r["ward"] == "North Ward")
    assert (north["ward_code"], north["median_working_days"]) == ("E05099001", 4)
    south = next(r for r in body["rows"] if r["ward"] == "South Ward")
    assert south["received"] is None
    assert response["Last-Modified"] == "Wed, 15 Apr 2026 12:00:00 GMT"
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    since = client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert since.status_code == 304
    actions.indicators_refresh(council=history.council, now=NOW + dt.timedelta(hours=1))
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 200

    csv_text = b"".join(
        client.get(reverse("performance", args=["known-answers"]) + "?format=csv")
    ).decode()
    assert csv_text.splitlines()[0].startswith("scope,service_lgsl,service,ward_code,ward")
    trend = client.get(
        reverse("performance-service", args=["known-answers", history.service.lgsl])
        + "?table=trend&format=json"
    ).json()
    assert len(trend["rows"]) == 12


def test_case_statistics_download_suppresses_small_cells(client, history):
    actions.indicators_refresh(council=history.council, now=NOW)
    url = reverse("case-statistics", args=["known-answers"])
    body = client.get(url + "?format=json").json()
    cells = {(r["ward"], r["status"]): r["cases"] for r in body["rows"]}
    assert cells[("North Ward", "fixed")] == 6
    assert cells[("North Ward", "closed")] is None  # 2 (passed on, withdrawn): suppressed
    assert cells[("South Ward", "fixed")] is None
    assert all(
        set(r) == {"month", "service_lgsl", "service", "ward_code", "ward", "status", "cases"}
        for r in body["rows"]
    )
    assert body["rows"][0]["month"] == "2026-01"
    page = client.get(url)
    assert "January 2026" in page.text and "Too few" in page.text


def test_the_service_page_says_how_long_it_usually_takes(client, demo):
    oxford = demo["oxford"]
    lgsl = 587
    page = reverse("services:service-detail", args=[oxford.slug, lgsl])
    IndicatorSnapshot.objects.filter(council=oxford).delete()
    assert "usually dealt with" not in client.get(page).text
    IndicatorSnapshot.objects.create(
        council=oxford,
        scope=IndicatorScope.SERVICE,
        key=str(lgsl),
        service_lgsl=lgsl,
        data={"median_days": 9, "p90_days": 15, "resolved": 40},
        computed_at=NOW,
    )
    text = client.get(page).text
    assert "usually dealt with in 9 working days" in text
    assert "9 in 10 are dealt with within 15 working days" in text
    IndicatorSnapshot.objects.filter(council=oxford).update(
        data={"median_days": 1, "p90_days": 2, "resolved": 9}
    )
    assert "usually dealt with" not in client.get(page).text  # fewer than 10: not said


def test_a_service_code_too_big_for_the_database_is_not_found(client, history):
    url = reverse("performance-service", args=["known-answers", 99999999999])
    assert client.get(url).status_code == 404


def test_the_downloads_are_in_the_openapi_document():
    from pocketcouncil.core.api import api

    paths = api.get_openapi_schema(path_prefix="/api/v1/")["paths"]
    for path in [
        "/councils/{slug}/performance/",
        "/councils/{slug}/performance/services/{lgsl}/",
        "/councils/{slug}/performance/statistics/",
    ]:
        assert "get" in paths[path]


def test_the_open_data_page_lists_the_performance_downloads(client, history):
    actions.indicators_refresh(council=history.council, now=NOW)
    text = client.get(reverse("open-data")).text
    assert reverse("performance", args=["known-answers"]) + "?format=csv" in text
    assert reverse("case-statistics", args=["known-answers"]) + "?format=json" in text


def test_the_demo_councils_have_real_figures_after_load_demo(demo):
    from pocketcouncil.cases import demo as cases_demo
    from pocketcouncil.core.demo_support import DemoReport

    manchester = queries.performance_get(council=demo["manchester"])
    assert manchester.council.received > 100
    assert any(s.median_days is not None for s in manchester.services)
    assert any(w.median_days is not None for w in manchester.wards)
    again = DemoReport()
    cases_demo.load_history(again)
    assert sum(again.created.values()) == 0  # loading again makes no more cases
