"""Passing a resident's reopen ("it is not fixed") and messages on to the back office a case
was sent to, through mySociety's ``POST servicerequestupdates``, against the fake back office:
the form sent, once; waiting for the case's own send; backoff and permanent failure; no echo
of the back office's own updates; an interrupted POST looked up before it is sent again; and
the staff page's list and retry button."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from pocketcouncil.accounts.models import User
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.cases import actions as case_actions
from pocketcouncil.cases.models import EventKind
from pocketcouncil.open311 import actions, outbound
from pocketcouncil.open311.models import OutboundSend, OutboundUpdateSend, SendState
from pocketcouncil.open311.tests.backoffice import FLY_TIPPING
from pocketcouncil.open311.tests.test_webhooks import staff
from pocketcouncil.services.models import Service

pytestmark = pytest.mark.django_db

DEMO = "demo.pocketcouncil.example"


def resident(name="tom.evans") -> User:
    return User.objects.get(email=f"{name}@{DEMO}")


def resident_case(point, *, lgsl=FLY_TIPPING, who="tom.evans"):
    lon, lat = point
    person = resident(who)
    return case_actions.case_create(
        service=Service.objects.get(lgsl=lgsl),
        actor=person,
        resident=person,
        lon=lon,
        lat=lat,
        description="Bags dumped by the garages",
        location_text="Behind Cowley Road",
        attributes={"where": "Behind Cowley Road", "size": "a_single_item"},
    )


def resolve(case):
    return case_actions.case_transition(
        case=case, to="resolved", actor=staff("case-officer"), public_note="Cleared"
    )


def reopen(case, reason="Still there, and more bags since"):
    return case_actions.case_reopen(case=case, actor=case.resident, reason=reason)


def update_of(case) -> OutboundUpdateSend:
    return OutboundUpdateSend.objects.get(send__case=case)


def due_now(update):
    OutboundUpdateSend.objects.filter(pk=update.pk).update(next_attempt_at=timezone.now())


def test_a_reopen_reaches_the_back_office_once_as_a_servicerequestupdate(
    endpoint, back_office, point
):
    case = resident_case(point)
    assert outbound.send_due().sent == 1
    resolve(case)  # staff's own change is not sent back
    assert not OutboundUpdateSend.objects.exists()
    reopen(case)
    update = update_of(case)
    event = case.events.get(kind=EventKind.REOPENED)
    assert (update.state, update.case_event_id, update.council_id) == (
        "pending",
        event.pk,
        case.council_id,
    )
    report = outbound.send_due()
    assert (report.updates_sent, report.updates_failed, report.sent) == (1, 0, 0)
    [received] = back_office.received
    form = received["data"]
    person = resident()
    assert form == {
        "api_key": "secret-back-office-key",
        "jurisdiction_id": "oxon-streets",
        "service_request_id": "BO-1",
        "update_id": update.update_id,
        "updated_datetime": form["updated_datetime"],
        "status": "OPEN",
        "description": "Still there, and more bags since",
        "email": person.email,
        "first_name": person.full_name.partition(" ")[0],
        "last_name": person.full_name.partition(" ")[2],
    }
    assert form["updated_datetime"].endswith("Z")
    assert abs(parse_datetime(form["updated_datetime"]) - event.created_at) < timedelta(seconds=1)
    assert update.update_id.startswith(f"{case.reference}-u{event.pk}@")
    assert received["headers"]["Idempotency-Key"] == update.update_id
    update.refresh_from_db()
    assert (update.state, update.external_update_id, update.attempts) == ("sent", "UPD-1", 1)
    assert update.sent_at is not None
    assert outbound.send_due().updates_sent == 0  # never twice
    assert back_office.update_posts() == 1


def test_a_residents_message_is_passed_on_too_without_a_name_it_does_not_have(
    endpoint, back_office, point
):
    case = resident_case(point)
    User.objects.filter(pk=case.resident_id).update(full_name="")
    outbound.send_due()
    case_actions.case_resident_reply(
        case=case, actor=resident(), message="It is behind the blue gate"
    )
    assert outbound.send_due().updates_sent == 1
    form = back_office.received[0]["data"]
    assert (form["description"], form["status"]) == ("It is behind the blue gate", "OPEN")
    assert "first_name" not in form and "last_name" not in form
    assert form["email"] == resident().email


def test_a_case_never_sent_to_a_back_office_sends_no_updates(endpoint, back_office, point):
    case = resident_case(point, lgsl=557)  # potholes: no back office
    case_actions.case_resident_reply(case=case, actor=resident(), message="Deeper now")
    assert not OutboundUpdateSend.objects.exists()
    assert outbound.send_due().updates_sent == 0
    assert back_office.calls == []


def test_an_update_waits_until_its_case_has_reached_the_back_office(endpoint, back_office, point):
    back_office.down = True
    case = resident_case(point)
    assert outbound.send_due().retried == 1
    case_actions.case_resident_reply(case=case, actor=resident(), message="Now a sofa too")
    update = update_of(case)
    due_now(update)
    report = outbound.send_due()
    assert (report.updates_sent, report.updates_retried) == (0, 0)  # not even tried
    update.refresh_from_db()
    assert (update.state, update.attempts) == ("pending", 0)
    # The back office comes back: the case goes first, then its update, in the same run.
    back_office.down = False
    back_office.calls.clear()
    OutboundSend.objects.filter(case=case).update(next_attempt_at=timezone.now())
    report = outbound.send_due()
    assert (report.sent, report.updates_sent) == (1, 1)
    posts = [c for c in back_office.calls if c[0] == "POST"]
    assert posts == [("POST", "requests.json"), ("POST", "servicerequestupdates.json")]
    assert ("GET", "requests.json") in back_office.calls  # the case's own retry looked first
    assert back_office.received[0]["data"]["service_request_id"] == "BO-1"


def test_an_update_waits_for_a_token_to_become_an_id(endpoint, back_office, point):
    back_office.token_only = True
    back_office.ids_ready = False
    case = resident_case(point)
    outbound.send_due()
    case_actions.case_resident_reply(case=case, actor=resident(), message="Still there")
    assert outbound.send_due().updates_sent == 0
    back_office.ids_ready = True
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
    assert outbound.fetch_updates().ids_found == 1  # the token is BO-1 now
    assert DBTaskResult.objects.filter(status="READY").count() == 1  # the update is sent soon
    assert outbound.send_due().updates_sent == 1
    assert back_office.received[0]["data"]["service_request_id"] == "BO-1"


def test_an_unreachable_back_office_is_retried_with_growing_waits_then_fails_visibly(
    endpoint, back_office, point, settings
):
    settings.OPEN311_OUTBOUND_MAX_ATTEMPTS = 3
    case = resident_case(point)
    outbound.send_due()
    resolve(case)
    reopen(case)
    back_office.update_status = 503
    for attempt in (1, 2):
        before = timezone.now()
        assert outbound.send_due().updates_retried == 1
        update = update_of(case)
        assert (update.state, update.attempts, update.last_status_code) == ("pending", attempt, 503)
        assert update.last_error == "HTTP 503: service_request_id: no."
        wait = (update.next_attempt_at - before).total_seconds()
        assert 30 * 2 ** (attempt - 1) * 0.5 - 1 <= wait <= 30 * 2 ** (attempt - 1) + 1
        assert outbound.next_due_at() == update.next_attempt_at
        assert outbound.send_due().updates_retried == 0  # not due yet
        due_now(update)
    assert outbound.send_due().updates_failed == 1
    update = update_of(case)
    assert (update.state, update.attempts) == ("failed", 3)
    assert outbound.next_due_at() is None  # a failed update is not due again by itself
    # Before each retry the back office was asked whether it already had the update.
    assert back_office.calls.count(("GET", "servicerequestupdates.json")) == 2


def test_a_refusal_fails_at_once_with_the_back_offices_error(endpoint, back_office, point):
    case = resident_case(point)
    outbound.send_due()
    back_office.update_status = 400
    case_actions.case_resident_reply(case=case, actor=resident(), message="More bags")
    assert outbound.send_due().updates_failed == 1
    update = update_of(case)
    assert (update.state, update.attempts, update.last_status_code) == ("failed", 1, 400)
    assert update.last_error == "HTTP 400: service_request_id: no."


def test_the_back_offices_own_updates_are_never_echoed_back(endpoint, back_office, point):
    case = resident_case(point)
    outbound.send_due()
    back_office.updates = [
        {
            "update_id": "W-1",
            "service_request_id": "BO-1",
            "status": "OPEN",
            "updated_datetime": outbound._w3c(timezone.now()),
            "description": "Reopened: crew could not find it",
        }
    ]
    assert outbound.fetch_updates().added == 1
    assert case.events.filter(kind=EventKind.PUBLIC_UPDATE).count() == 1
    assert not OutboundUpdateSend.objects.exists()
    outbound.send_due()
    assert back_office.update_posts() == 0


class WorkerDied(BaseException):
    """Our worker dying right after the back office accepted the POST."""


class DiesAfterUpdatePost:
    def __init__(self, real):
        self.real = real

    def request(self, method, url, **kwargs):
        answer = self.real.request(method, url, **kwargs)
        if method == "POST" and url.endswith("servicerequestupdates.json"):
            raise WorkerDied
        return answer


def _interrupted_reopen(case, back_office, reason="Still there, and more bags since"):
    """Reopen, then a worker posts the update and dies before storing the answer; its lease
    runs out."""
    resolve(case)
    reopen(case, reason)
    with pytest.raises(WorkerDied):
        outbound.send_due(transport=DiesAfterUpdatePost(back_office))
    update = OutboundUpdateSend.objects.filter(send__case=case).last()
    assert (update.state, update.attempts) == ("sending", 0)
    OutboundUpdateSend.objects.filter(pk=update.pk).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )
    return update


def test_an_interrupted_update_the_back_office_lists_is_adopted_not_sent_again(
    endpoint, back_office, point
):
    back_office.lists_posted = True  # lists what it was sent, under its own ids
    case = resident_case(point)
    outbound.send_due()
    update = _interrupted_reopen(case, back_office)
    report = outbound.send_due()
    assert (report.updates_adopted, report.updates_sent) == (1, 0)
    update.refresh_from_db()
    assert (update.state, update.adopted, update.external_update_id) == ("sent", True, "UPD-1")
    assert back_office.update_posts() == 1


def test_an_older_update_with_the_same_words_is_not_taken_for_the_interrupted_one(
    endpoint, back_office, point
):
    back_office.lists_posted = True
    case = resident_case(point)
    outbound.send_due()
    resolve(case)
    reopen(case, "Still not fixed")
    assert outbound.send_due().updates_sent == 1  # UPD-1, held by the first reopen
    second = _interrupted_reopen(case, back_office, "Still not fixed")  # UPD-2 arrived
    assert outbound.send_due().updates_adopted == 1
    second.refresh_from_db()
    assert second.external_update_id == "UPD-2"
    assert back_office.update_posts() == 2


def test_without_a_list_of_updates_the_retry_relies_on_the_idempotency_key(
    endpoint, back_office, point
):
    back_office.lists_updates = False
    case = resident_case(point)
    outbound.send_due()
    update = _interrupted_reopen(case, back_office)
    assert outbound.send_due().updates_sent == 1
    # The fake back office does not deduplicate; a real one that honours the header (our own
    # server does, see test_server) answers the second POST with the first update.
    first, second = back_office.received
    assert first["headers"]["Idempotency-Key"] == second["headers"]["Idempotency-Key"]
    assert first["data"]["update_id"] == second["data"]["update_id"] == update.update_id


def test_a_reopen_queues_the_send_task(endpoint, back_office, point):
    from django_tasks_db.models import DBTaskResult

    from pocketcouncil.open311 import tasks

    case = resident_case(point)
    outbound.send_due()
    resolve(case)
    DBTaskResult.objects.all().delete()
    reopen(case)
    path = f"{tasks.outbound_send_task.func.__module__}.{tasks.outbound_send_task.name}"
    assert DBTaskResult.objects.filter(status="READY", task_path=path).count() == 1
    assert tasks.outbound_send_task.call()["updates_sent"] == 1


def page(slug="oxford"):
    return reverse("open311:staff-integrations", args=[slug])


def test_staff_see_held_and_failed_updates_and_send_them_again(
    client, demo, endpoint, back_office, point
):
    back_office.status = 403  # the case itself is refused
    held = resident_case(point)
    outbound.send_due()
    case_actions.case_resident_reply(case=held, actor=resident(), message="Any news?")
    back_office.status = 200
    failing = resident_case(point)
    outbound.send_due()
    back_office.update_status = 400
    case_actions.case_resident_reply(case=failing, actor=resident(), message="Hello?")
    outbound.send_due()
    sign_in_with_mfa(client, staff("council-admin"))
    html = client.get(page()).content.decode()
    assert "Residents' updates not sent yet" in html
    assert held.reference in html and failing.reference in html
    assert "The case itself could not be sent: send the case again first." in html
    assert "HTTP 400: service_request_id: no." in html
    failed = update_of(failing)
    retry = reverse("open311:staff-update-retry", args=["oxford", failed.pk])
    assert f'action="{retry}"' in html
    # Only the failed update has the button: the held one goes when its case does.
    held_retry = reverse("open311:staff-update-retry", args=["oxford", update_of(held).pk])
    assert held_retry not in html
    assert client.post(held_retry).status_code == 302
    assert update_of(held).attempts == 0  # nothing to retry: it was not failed
    back_office.update_status = 200
    assert client.post(retry).status_code == 302
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == ("pending", 1)
    assert outbound.send_due().updates_sent == 1
    # Another council's admin neither sees it nor can retry it.
    client.logout()
    sign_in_with_mfa(client, staff("council-admin", "manchester"))
    assert failing.reference not in client.get(page("manchester")).content.decode()
    assert client.post(retry.replace("oxford", "manchester")).status_code == 404
    # Once the held case is sent again, its update follows.
    actions.outbound_send_retry(
        send=OutboundSend.objects.get(case=held), actor=staff("council-admin")
    )
    report = outbound.send_due()
    assert (report.sent, report.updates_sent) == (1, 1)
    assert OutboundUpdateSend.objects.exclude(state=SendState.SENT).count() == 0


def test_only_admins_may_retry_an_update(demo, endpoint, back_office, point):
    from django.core.exceptions import PermissionDenied

    case = resident_case(point)
    outbound.send_due()
    back_office.update_status = 400
    case_actions.case_resident_reply(case=case, actor=resident(), message="Hello?")
    outbound.send_due()
    with pytest.raises(PermissionDenied):
        actions.outbound_update_retry(update=update_of(case), actor=staff("case-officer"))
    with pytest.raises(PermissionDenied):
        actions.outbound_update_retry(
            update=update_of(case), actor=staff("council-admin", "manchester")
        )
    assert update_of(case).state == "failed"


def test_the_update_row_commits_or_rolls_back_with_the_reopen(endpoint, back_office, point):
    from django.db import transaction

    case = resident_case(point)
    outbound.send_due()
    resolve(case)
    with pytest.raises(RuntimeError), transaction.atomic():
        reopen(case)
        assert OutboundUpdateSend.objects.count() == 1
        raise RuntimeError("the request fails after the reopen")
    assert not OutboundUpdateSend.objects.exists()
    assert not case.events.filter(kind=EventKind.REOPENED).exists()


def test_a_claimed_update_is_not_taken_by_a_second_worker_until_its_lease_runs_out(
    endpoint, back_office, point
):
    case = resident_case(point)
    outbound.send_due()
    case_actions.case_resident_reply(case=case, actor=resident(), message="Still there")
    now = timezone.now()
    [(claimed, interrupted)] = outbound._update_claim(now)
    assert not interrupted
    assert outbound._update_claim(now) == []  # the other worker finds nothing
    update = update_of(case)
    assert outbound.next_due_at() == update.lease_until
    # The first worker died: once the lease runs out, it is taken again, marked interrupted.
    [(again, interrupted)] = outbound._update_claim(update.lease_until)
    assert (again.pk, interrupted) == (claimed.pk, True)


def test_a_case_moved_to_another_council_sends_nothing_more_to_the_first_back_office(
    endpoint, back_office, point, demo
):
    from pocketcouncil.cases.models import Case

    case = resident_case(point)
    outbound.send_due()
    Case.objects.filter(pk=case.pk).update(council=demo["manchester"])
    case.refresh_from_db()
    case_actions.case_resident_reply(case=case, actor=resident(), message="Hello?")
    assert not OutboundUpdateSend.objects.exists()


def test_the_staff_page_reads_the_same_number_of_queries_for_more_updates(
    client, demo, endpoint, back_office, point
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    back_office.update_status = 400
    case = resident_case(point)
    outbound.send_due()
    sign_in_with_mfa(client, staff("council-admin"))

    def queries_for_page():
        with CaptureQueriesContext(connection) as seen:
            assert client.get(page()).status_code == 200
        return len(seen)

    case_actions.case_resident_reply(case=case, actor=resident(), message="One")
    outbound.send_due()
    one = queries_for_page()
    for n in range(4):
        case_actions.case_resident_reply(case=case, actor=resident(), message=f"More {n}")
    outbound.send_due()
    assert OutboundUpdateSend.objects.filter(state=SendState.FAILED).count() == 5
    assert queries_for_page() == one
