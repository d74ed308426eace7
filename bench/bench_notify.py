"""Fan an area alert out to 100,000 subscribers, then deliver it with two workers.

Targets (issue 5): enqueue 100,000 in under 10 s; two workers deliver at least 1,000 messages/s
to a fake provider. PostgreSQL only (the claim uses SKIP LOCKED so workers can share the
outbox): a scratch database ``pocketcouncil_bench_notify`` is created on the server in
``BENCH_DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/test``) and dropped at the
end; nothing else on the server is touched.

Two delivery runs, both with two real ``manage.py db_worker`` processes:

1. the 100,000 text messages to a provider that accepts instantly (``NullSMS``): the cost of
   the outbox itself: claiming, rendering each message, recording the outcome;
2. 20,000 text messages to the fake GOV.UK Notify server over loopback HTTP (the official
   client, a JWT per request, a threaded Python server sharing the same two cores).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
SUBSCRIBERS = int(os.environ.get("BENCH_NOTIFY_SUBSCRIBERS", "100000"))
HTTP_MESSAGES = int(os.environ.get("BENCH_NOTIFY_HTTP_MESSAGES", "20000"))
DB_NAME = "pocketcouncil_bench_notify"


def _server_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")


def _scratch_url() -> str:
    return _server_url().rsplit("/", 1)[0] + "/" + DB_NAME


def _admin(sql: str) -> None:
    with psycopg.connect(
        _server_url().replace("postgres://", "postgresql://"), autocommit=True
    ) as c:
        c.execute(sql)


def _settings_dir(extra: str) -> str:
    folder = tempfile.mkdtemp(prefix="pc-bench-notify-")
    Path(folder, "bench_notify_settings.py").write_text(
        "from pocketcouncil.test_settings import *  # noqa\n"
        "LOGGING = {'version': 1, 'disable_existing_loggers': False}\n" + extra
    )
    return folder


def _env(folder: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=_scratch_url(),
        POCKETCOUNCIL_ENV="test",
        DJANGO_SETTINGS_MODULE="bench_notify_settings",
        PYTHONPATH=f"{folder}{os.pathsep}{ROOT}",
    )
    return env


def _workers(env: dict, count: int = 2) -> list[subprocess.Popen]:
    return [
        subprocess.Popen(  # noqa: S603 (our own manage.py)
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--interval",
                "0.1",
                "--no-reload",
                "--no-startup-delay",
                "-v",
                "0",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]


def _stop(processes) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_until_sent(total: int, since_state: str = "sent", timeout: float = 900) -> float:
    """Seconds until ``total`` rows are sent (polling the database every 0.2 s)."""
    from pocketcouncil.notify.models import Notification

    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if Notification.objects.filter(state=since_state).count() >= total:
            return time.perf_counter() - started
        time.sleep(0.2)
    raise RuntimeError("delivery did not finish in time")


def _populate(council, count: int, ward_key: str) -> None:
    from django.contrib.auth import get_user_model

    from pocketcouncil.notify.models import Preferences, Subscription, SubscriptionChannel

    User = get_user_model()  # noqa: N806
    batch = 10_000
    for start in range(0, count, batch):
        unusable = "!"  # an unusable password: bench residents never sign in
        users = User.objects.bulk_create(
            [
                User(email=f"bench{n}@example.com", password=unusable)
                for n in range(start, start + batch)
            ]
        )
        Preferences.objects.bulk_create(
            [Preferences(user=u, sms_number=f"07700{n:06d}") for n, u in enumerate(users, start)]
        )
        subs = Subscription.objects.bulk_create(
            [
                Subscription(council=council, user=u, subject_kind="area", subject_key=ward_key)
                for u in users
            ]
        )
        SubscriptionChannel.objects.bulk_create(
            [SubscriptionChannel(subscription=s, channel="sms", frequency="instant") for s in subs]
        )


def main() -> None:
    _admin(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
    _admin(f'CREATE DATABASE "{DB_NAME}"')
    os.environ["DATABASE_URL"] = _scratch_url()
    os.environ["POCKETCOUNCIL_ENV"] = "test"
    os.environ["DJANGO_SETTINGS_MODULE"] = "pocketcouncil.test_settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from pocketcouncil.councils.models import Council
    from pocketcouncil.notify import actions
    from pocketcouncil.notify.fake_notify import FakeNotifyServer
    from pocketcouncil.notify.models import Notification

    try:
        call_command("migrate", verbosity=0)
        council = Council.objects.create(name="Bench Borough Council", slug="bench", tier="unitary")
        started = time.perf_counter()
        _populate(council, SUBSCRIBERS, "ward:1")
        print(
            f"set-up: {SUBSCRIBERS:,} residents following one ward "
            f"({time.perf_counter() - started:.1f} s, not part of the figures)"
        )

        context = {"title": "a fly-tip", "area_name": "Cowley", "reference": "BB-1", "url": "/c/1"}
        started = time.perf_counter()
        offered = actions.fan_out_for_subject(
            council=council,
            subject_kind="area",
            subject_key="ward:1",
            event="area_alert",
            context=context,
            idempotency_key="bench:case:1:new",
            point=(51.75, -1.22),
            category="fly-tipping",
        )
        enqueue_s = time.perf_counter() - started
        queued = Notification.objects.filter(state="queued").count()
        print(
            f"enqueue: {queued:,} messages in {enqueue_s:.2f} s "
            f"({queued / enqueue_s:,.0f} per second); target under 10 s"
        )
        assert offered == queued == SUBSCRIBERS

        folder = _settings_dir(
            "NOTIFY_SMS_BACKEND = 'pocketcouncil.notify.fake_notify.NullSMS'\n"
            "NOTIFY_DELIVERY_BATCH_SIZE = 200\n"
        )
        connection.close()
        workers = _workers(_env(folder))
        try:
            seconds = _wait_until_sent(SUBSCRIBERS)
        finally:
            _stop(workers)
        print(
            f"deliver, instant fake provider, 2 workers: {SUBSCRIBERS:,} in {seconds:.1f} s "
            f"= {SUBSCRIBERS / seconds:,.0f} messages/s; target at least 1,000"
        )

        # Run 2: the fake GOV.UK Notify over HTTP.
        Notification.objects.all().delete()
        with FakeNotifyServer() as fake:
            folder = _settings_dir(
                "NOTIFY_SMS_BACKEND = 'govuk_notify'\n"
                f"NOTIFY_API_KEY = {fake.api_key!r}\n"
                f"NOTIFY_BASE_URL = {fake.base_url!r}\n"
                "NOTIFY_SMS_TEMPLATE_ID = 'bench-template'\n"
                "NOTIFY_DELIVERY_BATCH_SIZE = 200\n"
            )
            from django.contrib.auth import get_user_model

            users = list(get_user_model().objects.order_by("pk")[:HTTP_MESSAGES])
            actions.notification_enqueue(
                council=council,
                event="area_alert",
                recipients=users,
                channels=["sms"],
                context=context,
                idempotency_key="bench:http",
            )
            connection.close()
            workers = _workers(_env(folder))
            try:
                seconds = _wait_until_sent(HTTP_MESSAGES)
            finally:
                _stop(workers)
            received = len(fake.messages)
            unique = len({m["reference"] for m in fake.messages})
        print(
            f"deliver, fake GOV.UK Notify over loopback HTTP, 2 workers: {HTTP_MESSAGES:,} in "
            f"{seconds:.1f} s = {HTTP_MESSAGES / seconds:,.0f} messages/s "
            f"(server received {received:,}, {unique:,} distinct)"
        )
    finally:
        connection.close()
        _admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


if __name__ == "__main__":
    main()
