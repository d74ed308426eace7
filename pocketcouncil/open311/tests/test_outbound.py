"""The outbound Open311 client, against a fake back office (an in-memory GeoReport v2 server
behind the client's transport): the outbox, the form sent, backoff, permanent failure, the
token flow, adopting a case an interrupted send already delivered, and updates fetched back
once each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from pocketcouncil.cases.models import Case, CaseEvent, EventKind
from pocketcouncil.open311 import actions, outbound
from pocketcouncil.open311.models import OutboundEndpoint, OutboundSend, OutboundUpdate, SendState
from pocketcouncil.open311.tests.backoffice import BASE, make_case
from pocketcouncil.open311.tests.test_webhooks import staff

pytestmark = pytest.mark.django_db


def send_of(case) -> OutboundSend:
    return OutboundSend.objects.get(case=case)


def test_a_new_case_for_the_service_goes_in_the_outbox_with_it(endpoint, point, demo):
    case = make_case(point)
    send = send_of(case)
    assert (send.state, send.endpoint_id, send.council_id) == (
        "pending",
        endpoint.pk,
        case.council_id,
    )
    # Other services, and a switched-off back office, send nothing.
    make_case(point, lgsl=557)  # potholes: Oxfordshire's, no back office
    OutboundEndpoint.objects.filter(pk=endpoint.pk).update(is_enabled=False)
    make_case(point)
    assert OutboundSend.objects.count() == 1


def test_the_case_is_sent_as_a_georeport_request(endpoint, back_office, point):
    case = make_case(point, reporter_name="Ada Lovelace")
    report = outbound.send_due()
    assert (report.sent, report.failed) == (1, 0)
    sent = back_office.requests[0]
    form = sent["data"]
    assert form["api_key"] == "secret-back-office-key"
    assert form["jurisdiction_id"] == "oxon-streets"
    assert form["service_code"] == "FLY-01"
    assert float(form["lat"]) == pytest.approx(case.latitude)
    assert float(form["long"]) == pytest.approx(case.longitude)
    assert form["address_string"] == "Behind Cowley Road"
    assert form["description"].startswith("Bags dumped by the garages")
    assert form["description"].endswith(f"Pocket Council reference: {case.reference}")
    assert form["attribute[pocketcouncil_reference]"] == case.reference
    assert form["attribute[size]"] == "a_single_item"
    assert (form["email"], form["first_name"], form["last_name"]) == (
        "someone@example.com",
        "Ada",
        "Lovelace",
    )
    assert sent["headers"]["Idempotency-Key"].startswith(case.reference + "@")
    send = send_of(case)
    assert (send.state, send.service_request_id, send.attempts) == ("sent", "BO-1", 1)
    assert outbound.send_due().sent == 0  # never twice


def test_personal_fields_are_sent_only_when_the_case_has_them(endpoint, back_office, point):
    make_case(point, reporter_email="")
    outbound.send_due()
    form = back_office.requests[0]["data"]
    assert "email" not in form and "first_name" not in form and "last_name" not in form


def test_an_unreachable_back_office_is_retried_with_growing_waits_then_fails_visibly(
    endpoint,
    back_office,
    point,
    settings,
):
    settings.OPEN311_OUTBOUND_MAX_ATTEMPTS = 4
    back_office.down = True
    case = make_case(point)
    waits = []
    for attempt in range(1, 4):
        before = timezone.now()
        assert outbound.send_due().retried == 1
        send = send_of(case)
        assert send.state == SendState.PENDING
        assert send.attempts == attempt
        assert "Connection refused" in send.last_error
        wait = (send.next_attempt_at - before).total_seconds()
        # 30 s, 60 s, 120 s, each cut by up to a half at random.
        assert 30 * 2 ** (attempt - 1) * 0.5 - 1 <= wait <= 30 * 2 ** (attempt - 1) + 1
        waits.append(wait)
        assert outbound.send_due().retried == 0  # not due yet
        OutboundSend.objects.filter(pk=send.pk).update(next_attempt_at=timezone.now())
    assert outbound.send_due().failed == 1
    send = send_of(case)
    assert (send.state, send.attempts) == ("failed", 4)
    assert "Connection refused" in send.last_error
    assert back_office.requests == []  # nothing arrived


def test_backoff_doubles_is_capped_and_jittered():
    assert outbound.backoff(1) <= timedelta(seconds=30)
    assert outbound.backoff(1) >= timedelta(seconds=15)
    assert timedelta(minutes=2) <= outbound.backoff(4) <= timedelta(minutes=4)
    assert timedelta(hours=3) <= outbound.backoff(30) <= timedelta(hours=6)
    assert len({outbound.backoff(5) for _ in range(20)}) > 1  # jitter


def test_a_refusal_fails_at_once_with_the_back_offices_error(endpoint, back_office, point):
    back_office.status = 400
    case = make_case(point)
    assert outbound.send_due().failed == 1
    send = send_of(case)
    assert (send.state, send.last_status_code, send.attempts) == ("failed", 400, 1)
    assert send.last_error == "HTTP 400: service_code: unknown."


def test_a_server_error_is_retried(endpoint, back_office, point):
    back_office.status = 503
    case = make_case(point)
    assert outbound.send_due().retried == 1
    assert send_of(case).state == SendState.PENDING


def test_a_token_is_turned_into_the_id(endpoint, back_office, point):
    back_office.token_only = True
    case = make_case(point)
    assert outbound.send_due().sent == 1
    assert (send_of(case).token, send_of(case).service_request_id) == ("tok-1", "BO-1")


def test_a_token_without_an_id_yet_is_asked_about_again_by_the_fetch(
    endpoint,
    back_office,
    point,
):
    back_office.token_only = True
    back_office.ids_ready = False
    case = make_case(point)
    assert outbound.send_due().sent == 1
    assert (send_of(case).state, send_of(case).service_request_id) == ("sent", "")
    back_office.ids_ready = True
    assert outbound.fetch_updates().ids_found == 1
    assert send_of(case).service_request_id == "BO-1"


def test_a_send_interrupted_after_the_back_office_took_it_is_adopted_not_resent(
    endpoint,
    back_office,
    point,
):
    case = make_case(point)
    # A worker claims the row, POSTs, the back office accepts ... and the worker dies before
    # it stores the id: the row is left "sending" with a lease.
    [(send, interrupted)] = outbound._claim(timezone.now())
    back_office.request(
        "POST", BASE + "requests.json", data=outbound.request_form(send_of(case)), timeout=5
    )
    assert send_of(case).state == SendState.SENDING
    assert outbound.send_due().sent == 0  # the lease still holds
    OutboundSend.objects.filter(pk=send.pk).update(lease_until=timezone.now() - timedelta(1))
    report = outbound.send_due()
    assert (report.adopted, report.sent) == (1, 0)
    assert back_office.posts() == 1
    send = send_of(case)
    assert (send.state, send.service_request_id, send.adopted) == ("sent", "BO-1", True)


def test_an_interrupted_send_that_never_arrived_is_sent(endpoint, back_office, point):
    case = make_case(point)
    outbound._claim(timezone.now())  # the worker died before its POST left
    OutboundSend.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    assert outbound.send_due().sent == 1
    assert ("GET", "requests.json") in back_office.calls  # looked first
    assert back_office.posts() == 1
    assert send_of(case).service_request_id == "BO-1"


def test_one_back_office_id_is_never_held_by_two_cases(endpoint, back_office, point):
    first, second = make_case(point), make_case(point)
    assert outbound.send_due().sent == 2
    with pytest.raises(Exception):  # noqa: B017,PT011 (IntegrityError or its wrapper)
        from django.db import transaction

        with transaction.atomic():
            OutboundSend.objects.filter(case=second).update(service_request_id="BO-1")
    assert send_of(first).service_request_id == "BO-1"


def test_updates_are_copied_into_the_timeline_once(endpoint, back_office, point):
    case = make_case(point)
    outbound.send_due()
    back_office.updates = [
        {
            "update_id": "u1",
            "service_request_id": "BO-1",
            "status": "IN_PROGRESS",
            "updated_datetime": "2026-11-21T10:00:00Z",
            "description": "Crew booked for Tuesday",
        },
        {
            "update_id": "u2",
            "service_request_id": "BO-1",
            "status": "FIXED",
            "updated_datetime": "2026-11-21T11:00:00Z",
            "description": "",
        },
        {  # another system's request: not ours
            "update_id": "u3",
            "service_request_id": "BO-99",
            "status": "FIXED",
            "updated_datetime": "2026-11-21T11:00:00Z",
            "description": "Someone else's",
        },
    ]
    assert outbound.fetch_updates().added == 2
    assert outbound.fetch_updates().added == 0  # fetching twice adds nothing
    notes = list(
        CaseEvent.objects.filter(case=case, kind=EventKind.PUBLIC_UPDATE)
        .order_by("pk")
        .values_list("note", "is_public")
    )
    assert notes == [
        ("Street scene works system says: in progress.\nCrew booked for Tuesday", True),
        ("Street scene works system says: fixed.", True),
    ]
    assert OutboundUpdate.objects.filter(send__case=case).count() == 2
    assert send_of(case).updates_fetched_at is not None


def test_a_failing_fetch_is_reported_not_raised(endpoint, back_office, point):
    make_case(point)
    outbound.send_due()
    back_office.down = True
    report = outbound.fetch_updates()
    assert report.added == 0
    assert "Connection refused" in report.errors[0]


def test_a_retried_failed_send_looks_first_then_sends(endpoint, back_office, point, demo):
    back_office.status = 403
    case = make_case(point)
    outbound.send_due()
    assert send_of(case).state == SendState.FAILED
    back_office.status = 200
    actions.outbound_send_retry(send=send_of(case), actor=staff("council-admin"))
    assert outbound.send_due().sent == 1
    assert ("GET", "requests.json") in back_office.calls
    assert send_of(case).service_request_id == "BO-1"


def test_the_management_command_sends_and_fetches(endpoint, back_office, point):
    from io import StringIO

    from django.core.management import call_command

    make_case(point)
    out = StringIO()
    call_command("open311_outbound", stdout=out)
    assert "Sent 1" in out.getvalue()
    assert Case.objects.filter(open311_send__service_request_id="BO-1").count() == 1


def _queued(the_task):
    from django_tasks_db.models import DBTaskResult

    path = f"{the_task.func.__module__}.{the_task.name}"
    return list(DBTaskResult.objects.filter(status="READY", task_path=path))


def test_a_new_case_queues_the_send_task_and_it_queues_itself_for_the_retry(
    endpoint, back_office, point
):
    from pocketcouncil.open311 import tasks

    make_case(point)
    assert len(_queued(tasks.outbound_send_task)) == 1
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
    back_office.down = True
    assert tasks.outbound_send_task.call()["retried"] == 1
    [again] = _queued(tasks.outbound_send_task)
    assert again.run_after == OutboundSend.objects.get().next_attempt_at


def test_a_send_left_by_a_dead_worker_is_due_when_its_lease_runs_out(endpoint, point):
    make_case(point)
    outbound._claim(timezone.now())  # the worker that took it dies
    send = OutboundSend.objects.get()
    assert send.state == SendState.SENDING
    assert outbound.next_due_at() == send.lease_until


def test_the_poll_is_scheduled_once_and_sends_what_was_left(endpoint, back_office, point):
    from io import StringIO

    from django.core.management import call_command

    from pocketcouncil.open311 import tasks

    call_command("open311_outbound", "--schedule", stdout=StringIO())
    call_command("open311_outbound", "--schedule", stdout=StringIO())
    [queued] = _queued(tasks.outbound_poll_task)
    assert queued.run_after > timezone.now() + timedelta(minutes=4)
    make_case(point)
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()  # the send task was lost with its worker
    assert tasks.outbound_poll_task.call()["sent"] == 1
    assert len(_queued(tasks.outbound_poll_task)) == 1  # and the next poll is queued
