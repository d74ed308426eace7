"""The load and fault test of the local cluster (issue 25), shared by its test and its benchmark.

``scripts/cluster_local.sh`` starts the production topology as processes here: two gunicorn web
processes, two RQ workers, the scheduler, a Redis of its own, on a scratch PostgreSQL database.
Around it:

* a fake GOV.UK Notify (``notify.fake_notify``) takes every email, so each message can be
  counted at the provider;
* a second Pocket Council (``core.testing_sites.ServedSite``) is Oxford's back office for
  fly-tipping, so each Open311 send can be counted where it lands.

Then threads play residents and API clients at once, against both web processes (a client
that cannot reach one tries the other, as a load balancer would): resident pages, Open311
reads, and new reports POSTed to Open311, each with its own ``Idempotency-Key`` and retried
with the same key until it is answered. In the middle a worker is killed (SIGKILL), then a web
process, then Redis (started again empty: every queued job is lost). Afterwards
``Verdict`` checks that every report answered is stored once, that every resident got one
acknowledgement email, and that the back office holds each report once.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from pocketcouncil.core.testing_sites import ROOT, ServedSite, free_port
from pocketcouncil.notify.fake_notify import FakeNotifyServer

SCRIPT = ROOT / "scripts" / "cluster_local.sh"
RESIDENT = "tom.evans@demo.pocketcouncil.example"  # a verified demo account: acknowledged by email
FLY_TIPPING = "587"
MARKER = "Cluster load test"
API_KEY = "demo-open311-key"

PAGES = [
    "/",
    "/services/search?q=rubbish+dumped+in+the+alley&postcode=OX4+3BD",
    "/councils/oxford/",
    "/councils/oxford/services/587/",
    "/councils/oxford/spending/",
]
READS = [
    "/open311/v2/services.json?jurisdiction_id=oxford",
    "/open311/v2/requests.json?jurisdiction_id=oxford",
    "/open311/v2/requests.json?jurisdiction_id=oxford&service_code=587&status=open",
]


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class LocalCluster:
    """``scripts/cluster_local.sh`` on free ports, a scratch database and a folder of its own."""

    def __init__(self, folder: Path, *, pg: dict, env: dict | None = None):
        self.folder = folder
        self.pg = pg  # host, port, user
        self.database = f"pc_cluster_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.ports = [free_port(), free_port()]
        self.urls = [f"http://127.0.0.1:{port}" for port in self.ports]
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
            "CLUSTER_DB": self.database,
            "CLUSTER_RUN_DIR": str(folder),
            "CLUSTER_PORTS": " ".join(map(str, self.ports)),
            "CLUSTER_REDIS_PORT": str(free_port()),
            "PGHOST": pg["host"],
            "PGPORT": str(pg["port"]),
            "PGUSER": pg["user"],
            "DEBUG": "false",
            **(env or {}),
        }
        self.env.pop("CLUSTER_REDIS", None)  # always the script's own Redis, to restart

    def script(self, *args: str, timeout: int = 300) -> str:
        done = subprocess.run(  # noqa: S603 - our own script with fixed arguments
            [str(SCRIPT), *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode:
            logs = "\n".join(
                f"--- {log.name}\n{log.read_text()[-3000:]}" for log in self.folder.glob("*.log")
            )
            raise RuntimeError(
                f"cluster_local.sh {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}\n{logs}"
            )
        return done.stdout

    def start(self) -> None:
        self.script("start", timeout=600)

    def stop(self) -> None:
        try:
            self.script("stop", timeout=60)
        finally:
            with psycopg.connect(dbname="postgres", autocommit=True, **self.pg) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def kill(self, name: str) -> None:
        self.script("kill", name)

    def restart(self, name: str) -> None:
        self.script("restart-one", name)

    def status(self) -> dict[str, str]:
        lines = self.script("status").splitlines()
        return {line.split(":")[0]: line.split(":")[1].split()[0] for line in lines if ":" in line}

    def manage(self, *args: str) -> str:
        return self.script("manage", *args)

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(dbname=self.database, **self.pg) as conn:
            return conn.execute(query, params).fetchall()


@dataclass
class Figures:
    """What the load saw: latencies of answered requests by kind, and the failed attempts
    (each retried) by kind and cause."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failed_attempts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    refused: list[str] = field(default_factory=list)  # answers 4xx: a bug, never retried
    accepted: dict[str, str] = field(default_factory=dict)  # Idempotency-Key -> request id
    events: list[tuple[float, str]] = field(default_factory=list)
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def summary(self) -> dict:
        kinds = {}
        for kind, values in sorted(self.latencies.items()):
            kinds[kind] = {
                "answered": len(values),
                "per_second": round(len(values) / self.seconds, 1) if self.seconds else 0,
                "p50_ms": round(percentile(values, 0.5) * 1000),
                "p95_ms": round(percentile(values, 0.95) * 1000),
                "max_ms": round(max(values) * 1000) if values else 0,
            }
        return {
            "seconds": round(self.seconds, 1),
            "kinds": kinds,
            "failed_attempts_retried": dict(self.failed_attempts),
            "refused": len(self.refused),
            "reports_accepted": len(self.accepted),
            "faults": [f"{at:.1f} s: {what}" for at, what in self.events],
        }


class Load:
    """``threads`` clients for ``seconds``; ``faults`` is a list of (second, label, action)."""

    def __init__(self, urls: list[str], *, seconds: float, threads: int, api_key: str):
        self.urls = urls
        self.seconds = seconds
        self.threads = threads
        self.api_key = api_key
        self.figures = Figures()

    def _attempt(self, kind: str, request_for, *, give_up_after: float = 90.0) -> bytes | None:
        """Send until a web process answers 2xx; on a refused connection or a 5xx, try the
        other web process. A 4xx is recorded and not retried."""
        deadline = time.monotonic() + give_up_after
        index = random.randrange(len(self.urls))  # noqa: S311 - load spread, not security
        while True:
            base = self.urls[index % len(self.urls)]
            started = time.monotonic()
            try:
                with urllib.request.urlopen(request_for(base), timeout=30) as answer:  # noqa: S310
                    body = answer.read()
                with self.figures.lock:
                    self.figures.latencies[kind].append(time.monotonic() - started)
                return body
            except urllib.error.HTTPError as error:
                if error.code < 500 and error.code != 429:
                    with self.figures.lock:
                        self.figures.refused.append(f"{kind} {error.code}: {error.read()[:300]}")
                    return None
                cause = f"{kind}: HTTP {error.code}"
            except (OSError, urllib.error.URLError) as error:
                cause = f"{kind}: {type(getattr(error, 'reason', error)).__name__}"
            with self.figures.lock:
                self.figures.failed_attempts[cause] += 1
            if time.monotonic() > deadline:
                with self.figures.lock:
                    self.figures.refused.append(f"{kind}: gave up after {give_up_after:.0f} s")
                return None
            index += 1
            time.sleep(0.2)

    def _report(self) -> None:
        key = uuid.uuid4().hex
        body = urllib.parse.urlencode(
            {
                "jurisdiction_id": "oxford",
                "api_key": self.api_key,
                "service_code": FLY_TIPPING,
                "lat": f"{51.7426 + random.uniform(-0.004, 0.004):.5f}",  # noqa: S311
                "long": f"{-1.2275 + random.uniform(-0.004, 0.004):.5f}",  # noqa: S311
                "description": f"{MARKER} {key}: bags of rubbish dumped by the garages",
                "address_string": "Behind Cowley Road",
                "email": RESIDENT,
                "attribute[size]": "a_single_item",
            }
        ).encode()
        answer = self._attempt(
            "Open311 POST requests",
            lambda base: urllib.request.Request(  # noqa: S310
                f"{base}/open311/v2/requests.json",
                data=body,
                method="POST",
                headers={"Idempotency-Key": key},
            ),
        )
        if answer is not None:
            request_id = json.loads(answer)[0]["service_request_id"]
            with self.figures.lock:
                self.figures.accepted[key] = request_id

    def _client(self, stop: threading.Event, seed: int) -> None:
        rng = random.Random(seed)  # noqa: S311
        while not stop.is_set():
            roll = rng.random()
            if roll < 0.45:
                path = rng.choice(PAGES)
                self._attempt("resident page", lambda base, p=path: f"{base}{p}")
            elif roll < 0.8:
                path = rng.choice(READS)
                self._attempt("Open311 GET", lambda base, p=path: f"{base}{p}")
            else:
                self._report()

    def run(self, faults: list[tuple[float, str, object]]) -> Figures:
        stop = threading.Event()
        clients = [
            threading.Thread(target=self._client, args=(stop, n), daemon=True)
            for n in range(self.threads)
        ]
        started = time.monotonic()
        for client in clients:
            client.start()
        for at, label, action in sorted(faults, key=lambda fault: fault[0]):
            time.sleep(max(0.0, at - (time.monotonic() - started)))
            self.figures.events.append((time.monotonic() - started, label))
            action()
        time.sleep(max(0.0, self.seconds - (time.monotonic() - started)))
        stop.set()
        for client in clients:
            client.join(timeout=120)
        self.figures.seconds = time.monotonic() - started
        return self.figures


@dataclass
class Verdict:
    """After the load: wait for the cluster to finish its work, then count."""

    cluster: LocalCluster
    accepted: dict[str, str]
    notify_messages: list[dict]
    back_office_db: Path

    def ours(self) -> list[tuple]:
        return self.cluster.sql(
            "SELECT id, reference, description FROM cases_case WHERE description LIKE %s",
            (f"{MARKER} %",),
        )

    def outstanding(self) -> dict[str, int]:
        """Work not yet done: acknowledgement emails not sent, sends not accepted."""
        ids = [row[0] for row in self.ours()]
        emails = self.cluster.sql(
            "SELECT state, count(*) FROM notify_notification WHERE event = 'case_acknowledged' "
            "AND channel = 'email' AND subject_key = ANY(%s) GROUP BY state",
            ([str(pk) for pk in ids],),
        )
        sends = self.cluster.sql(
            "SELECT state, count(*) FROM open311_outboundsend WHERE case_id = ANY(%s) "
            "GROUP BY state",
            (ids,),
        )
        left = {f"email {state}": count for state, count in emails if state != "sent"}
        left.update({f"send {state}": count for state, count in sends if state != "sent"})
        queued = sum(count for _state, count in sends)
        if queued < len(ids):
            left["send missing"] = len(ids) - queued
        return left

    def wait_until_done(self, timeout: float) -> float:
        started = time.monotonic()
        while self.outstanding():
            if time.monotonic() - started > timeout:
                raise AssertionError(
                    f"work left after {timeout:.0f} s: {self.outstanding()}; "
                    f"processes: {self.cluster.status()}"
                )
            time.sleep(1)
        return time.monotonic() - started

    def problems(self) -> list[str]:
        found = []
        rows = self.ours()
        stored: dict[str, list[str]] = defaultdict(list)
        for _pk, reference, description in rows:
            stored[description.split(":")[0].removeprefix(f"{MARKER} ")].append(reference)
        for key, request_id in self.accepted.items():
            if stored.get(key) != [request_id]:
                found.append(f"report {key} answered as {request_id}, stored as {stored.get(key)}")
        for key, references in stored.items():
            if len(references) > 1:
                found.append(f"report {key} stored {len(references)} times")
        # One acknowledgement email per report at the provider (a resend would be a second).
        emails = self.cluster.sql(
            "SELECT id FROM notify_notification WHERE event = 'case_acknowledged' "
            "AND channel = 'email' AND subject_key = ANY(%s)",
            ([str(row[0]) for row in rows],),
        )
        if len(emails) != len(rows):
            found.append(f"{len(rows)} reports but {len(emails)} acknowledgement emails")
        at_provider = defaultdict(int)
        for message in self.notify_messages:
            at_provider[message["reference"]] += 1
        for (pk,) in emails:
            count = at_provider.get(f"pc-{pk}", 0)  # notify.channels.provider_reference
            if count != 1:
                found.append(f"acknowledgement {pk} reached the provider {count} times")
        # Each report once at the back office.
        with sqlite3.connect(self.back_office_db) as office:
            landed = office.execute(
                "SELECT description, count(*) FROM cases_case WHERE description LIKE ? "
                "GROUP BY description",
                (f"{MARKER} %",),
            ).fetchall()
        if len(landed) != len(rows):
            found.append(f"{len(rows)} reports here, {len(landed)} at the back office")
        found += [f"{d[:60]} is at the back office {n} times" for d, n in landed if n != 1]
        return found


_SET_UP_CLUSTER = """
from pocketcouncil.councils.models import Council
from pocketcouncil.open311 import actions
from pocketcouncil.open311.models import ApiClient
from pocketcouncil.services.models import Service
ApiClient.objects.filter(is_demo=True).update(rate_limit_per_minute=1_000_000)
actions.outbound_endpoint_save(
    council=Council.objects.get(slug="oxford"), actor=None,
    service=Service.objects.get(lgsl=587), name="Oxford back office (cluster drill)",
    base_url="{office}/open311/v2/", jurisdiction_id="oxford", service_code="587",
    api_key="demo-open311-key",
)
"""
_SET_UP_OFFICE = (
    "from pocketcouncil.open311.models import ApiClient;"
    "ApiClient.objects.filter(is_demo=True).update(rate_limit_per_minute=1_000_000)"
)


def faults(cluster: LocalCluster, seconds: float) -> list[tuple[float, str, object]]:
    """A worker, then a web process, then Redis, each killed and started again."""
    web = f"web-{cluster.ports[0]}"
    return [
        (seconds * 0.25, "worker-1 killed (SIGKILL)", lambda: cluster.kill("worker-1")),
        (seconds * 0.3, "worker-1 started again", lambda: cluster.restart("worker-1")),
        (seconds * 0.4, f"{web} killed (SIGKILL)", lambda: cluster.kill(web)),
        (seconds * 0.45, f"{web} started again", lambda: cluster.restart(web)),
        (seconds * 0.6, "Redis killed (SIGKILL)", lambda: cluster.kill("redis")),
        (seconds * 0.62, "Redis started again, empty", lambda: cluster.restart("redis")),
    ]


def run_drill(folder: Path, tmp_path_factory, *, pg: dict, seconds: float, threads: int):
    """Start the back office, the fake Notify and the cluster; load it with faults at a
    quarter, two fifths and three fifths of the way; wait for the work to drain; stop all.
    Returns (figures, problems): ``problems`` is empty when nothing was lost or duplicated."""

    office = ServedSite(folder / "office")
    office.folder.mkdir(parents=True)
    office.prepare(tmp_path_factory)
    office.manage("shell", "-c", _SET_UP_OFFICE)
    office.start()
    try:
        with FakeNotifyServer() as fake:
            cluster = LocalCluster(
                folder / "cluster",
                pg=pg,
                env={
                    "NOTIFY_API_KEY": fake.api_key,
                    "NOTIFY_BASE_URL": fake.base_url,
                    "NOTIFY_EMAIL_BACKEND": "govuk_notify",
                    "NOTIFY_EMAIL_TEMPLATE_ID": "email-template",
                    "NOTIFY_SMS_TEMPLATE_ID": "sms-template",
                    # Leases short enough that work a killed worker held is taken over
                    # within the test; the sweeps every minute.
                    "NOTIFY_DELIVERY_LEASE_SECONDS": "10",
                    "OPEN311_OUTBOUND_LEASE_SECONDS": "10",
                    "OPEN311_OUTBOUND_RETRY_BASE_SECONDS": "2",
                    "OPEN311_OUTBOUND_FETCH_MINUTES": "1",
                    "SCHEDULER_EVERY": "2",
                    "WEB_WORKERS": "1",
                    "WEB_THREADS": "4",
                    "STATIC_ROOT": office.env["STATIC_ROOT"],
                },
            )
            cluster.folder.mkdir(parents=True)
            started = time.monotonic()
            cluster.start()
            start_seconds = time.monotonic() - started
            try:
                cluster.manage("shell", "-c", _SET_UP_CLUSTER.format(office=office.url))
                load = Load(cluster.urls, seconds=seconds, threads=threads, api_key=API_KEY)
                figures = load.run(faults(cluster, seconds))
                office_db = office.folder / "site.sqlite3"
                verdict = Verdict(cluster, figures.accepted, fake.messages, office_db)
                drained = verdict.wait_until_done(timeout=240)
                problems = verdict.problems()
                summary = {
                    "cluster_start_seconds": round(start_seconds, 1),
                    "load": figures.summary(),
                    "drained_seconds_after_load": round(drained, 1),
                    "reports_stored": len(verdict.ours()),
                    "emails_at_provider": len(fake.messages),
                    "processes_at_end": cluster.status(),
                }
                return summary, problems
            finally:
                cluster.stop()
    finally:
        office.stop()
