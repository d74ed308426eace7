"""The outbound client against a real back office: a second instance of this project (its own
SQLite file, a copy of the run's migrated, demo-loaded database, served by gunicorn on a free
loopback port), reached over HTTP with the demo key. Mid-run our worker dies after the back
office accepted a case, and the back office is killed with SIGKILL; sends are retried, not lost;
after a restart everything is drained, and every case exists exactly once at the back office with
its id held here. Then a resident reopens a case and our worker dies right after POSTing it: the
reopen still arrives once (the back office honours the ``Idempotency-Key``).

Slow (a second project to start): about 15 seconds. Part of ``make test``.
"""

from __future__ import annotations

import time
from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from pocketcouncil.accounts.models import User
from pocketcouncil.cases import actions as case_actions
from pocketcouncil.cases.models import Case, CaseEvent, EventKind
from pocketcouncil.core.testing_sites import ServedSite
from pocketcouncil.open311 import actions, outbound
from pocketcouncil.open311.models import OutboundSend, OutboundUpdateSend, SendState
from pocketcouncil.open311.tests.backoffice import FLY_TIPPING, make_case
from pocketcouncil.services.models import Service

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

CASES = 8
RESIDENT = "tom.evans@demo.pocketcouncil.example"


@pytest.fixture
def remote(tmp_path, tmp_path_factory):
    office = ServedSite(tmp_path)
    office.prepare(tmp_path_factory)
    office.start()
    yield office
    office.stop()


class WorkerDied(BaseException):
    """Our worker process dying: nothing after it runs (not an ``Exception`` anyone catches)."""


class Scripted:
    """The real transport, with things happening around given POSTs."""

    def __init__(self, around_post):
        self.real = outbound.UrllibTransport()
        self.posts = 0
        self.around_post = around_post

    def request(self, method, url, **kwargs):
        if method != "POST":
            return self.real.request(method, url, **kwargs)
        self.posts += 1
        return self.around_post(self.posts, lambda: self.real.request(method, url, **kwargs))


def states() -> dict[str, int]:
    found: dict[str, int] = {}
    for state in OutboundSend.objects.values_list("state", flat=True):
        found[state] = found.get(state, 0) + 1
    return found


def test_a_killed_back_office_loses_and_duplicates_nothing(remote, demo, point, settings):
    settings.OPEN311_OUTBOUND_RETRY_BASE_SECONDS = 0.2
    settings.OPEN311_OUTBOUND_LEASE_SECONDS = 2
    settings.OPEN311_OUTBOUND_TIMEOUT_SECONDS = 5
    settings.OPEN311_OUTBOUND_MAX_ATTEMPTS = 20
    actions.outbound_endpoint_save(
        council=demo["oxford"],
        actor=None,
        service=Service.objects.get(lgsl=FLY_TIPPING),
        name="Oxford back office",
        base_url=f"{remote.url}/open311/v2/",
        jurisdiction_id="oxford",
        service_code=str(FLY_TIPPING),
        api_key="demo-open311-key",
    )
    started = timezone.now()
    cases = [make_case(point, description=f"Fly-tipping number {n}") for n in range(CASES)]
    assert states() == {"pending": CASES}

    # 1. A worker sends two cases; on the third, the back office accepts it and then the worker
    #    dies before it can store the id.
    def die_after_third(number, send):
        answer = send()
        if number == 3:
            raise WorkerDied
        return answer

    with pytest.raises(WorkerDied):
        outbound.send_due(transport=Scripted(die_after_third))
    # It had claimed every due case (one batch): all but the two it stored are left "sending".
    assert states() == {"sent": 2, "sending": CASES - 2}
    orphan = OutboundSend.objects.get(case=cases[2])
    assert orphan.state == SendState.SENDING

    # 2. Its leases run out and another worker goes on. It looks each case up first: the third
    #    is found at the back office and adopted. After one more case is sent, the back office
    #    is killed (SIGKILL) just before the next POST.
    time.sleep(2.2)

    def kill_before_second(number, send):
        if number == 2:
            remote.kill()
        return send()

    report = outbound.send_due(transport=Scripted(kill_before_second))
    assert (report.adopted, report.sent, report.retried, report.failed) == (1, 1, CASES - 4, 0)
    assert states() == {"sent": 4, "pending": CASES - 4}
    waiting = OutboundSend.objects.filter(state=SendState.PENDING)
    # Each kept with its network error (refused, or reset when the kill cut a connection).
    assert all(
        s.attempts == 1 and s.last_status_code is None and "[Errno" in s.last_error for s in waiting
    ), [(s.attempts, s.last_error) for s in waiting]
    orphan.refresh_from_db()
    assert (orphan.adopted, orphan.state) == (True, SendState.SENT)

    # 3. While it is down, retries keep failing and keep the cases (nothing is given up).
    time.sleep(0.5)
    assert outbound.send_due().failed == 0
    assert states() == {"sent": 4, "pending": CASES - 4}

    # 4. The back office comes back; the lease of the dead worker's send runs out; drain.
    remote.start()
    deadline = time.monotonic() + 30
    while OutboundSend.objects.exclude(state=SendState.SENT).exists():
        assert time.monotonic() < deadline, states()
        time.sleep(0.3)
        outbound.send_due()
    assert states() == {"sent": CASES}

    # Every case exists exactly once at the back office, under the id we hold.
    remote_rows = remote.get(
        "requests.json",
        service_code=FLY_TIPPING,
        start_date=(started - timedelta(minutes=1)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        page_size=200,
    )
    for case in cases:
        send = OutboundSend.objects.get(case=case)
        marker = outbound.reference_line(case)
        matches = [r for r in remote_rows if marker in (r["description"] or "")]
        assert len(matches) == 1, (case.reference, matches)
        assert matches[0]["service_request_id"] == send.service_request_id

    # 5. A resident reopens a sent case. Our worker POSTs the update and dies before storing
    #    the answer; the next one finds it not listed (the back office keeps it as a note for
    #    its staff) and POSTs again with the same Idempotency-Key: one update arrives.
    reopened = cases[1]
    Case.objects.filter(pk=reopened.pk).update(resident=User.objects.get(email=RESIDENT))
    reopened.refresh_from_db()
    officer = User.objects.get(email="case-officer.oxford@demo.pocketcouncil.example")
    case_actions.case_transition(case=reopened, to="resolved", actor=officer)
    case_actions.case_reopen(case=reopened, actor=reopened.resident, reason="Bags are back")

    def die_after_post(number, send):
        send()
        raise WorkerDied

    with pytest.raises(WorkerDied):
        outbound.send_due(transport=Scripted(die_after_post))
    OutboundUpdateSend.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    assert outbound.send_due().updates_sent == 1
    update = OutboundUpdateSend.objects.get()
    assert (update.state, update.attempts) == ("sent", 1)

    # 6. The back office works a case; its update is fetched into our timeline, once.
    first = OutboundSend.objects.get(case=cases[0])
    there = OutboundSend.objects.get(case=reopened).service_request_id
    counted = remote.manage(
        "shell",
        "-c",
        "from pocketcouncil.cases.models import Case;"
        "from pocketcouncil.accounts.models import User;"
        "from pocketcouncil.cases import actions;"
        f"case = Case.objects.get(reference='{first.service_request_id}');"
        "officer = User.objects.get(email='case-officer.oxford@demo.pocketcouncil.example');"
        "actions.case_transition(case=case, to='in_progress', actor=officer,"
        " public_note='Crew booked for Tuesday');"
        f"events = Case.objects.get(reference='{there}').events;"
        "print([e.pk for e in events.filter(note__contains='Bags are back')])",
    )
    # The reopen arrived once, and we hold the id the back office gave it.
    assert counted.strip().splitlines()[-1] == f"[{update.external_update_id}]"
    assert outbound.fetch_updates().added == 1
    assert outbound.fetch_updates().added == 0
    notes = list(
        CaseEvent.objects.filter(case=cases[0], kind=EventKind.PUBLIC_UPDATE).values_list(
            "note", flat=True
        )
    )
    assert notes == ["Oxford back office says: in progress.\nCrew booked for Tuesday"]
    assert OutboundSend.objects.get(pk=first.pk).updates_fetched_at <= timezone.now()
