"""Configuration, the scheduler (each run queued once), readiness, metrics and request ids."""

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django_tasks_db.models import DBTaskResult

from pocketcouncil.ops import config, locks, schedule
from pocketcouncil.ops.logs import JsonFormatter, RequestIdFilter, clean_request_id


def test_the_database_queue_is_the_default():
    assert config.tasks({})["TASKS"]["default"]["BACKEND"] == config.DB_BACKEND


def test_rq_is_a_switch_that_needs_redis():
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        config.tasks({"TASKS_BACKEND": "rq"})
    with pytest.raises(ImproperlyConfigured, match="database, rq"):
        config.tasks({"TASKS_BACKEND": "celery"})
    with pytest.raises(ImproperlyConfigured, match="redis://"):
        config.tasks({"TASKS_BACKEND": "rq", "REDIS_URL": "http://x"})
    rq = config.tasks({"TASKS_BACKEND": "rq", "REDIS_URL": "redis://r:6379/0"})
    assert rq["TASKS"]["default"]["BACKEND"] == config.RQ_BACKEND
    assert rq["RQ_QUEUES"]["default"]["URL"] == "redis://r:6379/0"
    assert rq["apps"] == ["django_rq"]


def test_log_format_is_checked():
    assert config.logging({}, True)["handlers"]["console"]["formatter"] == "json"
    assert config.logging({}, False)["handlers"]["console"]["formatter"] == "plain"
    with pytest.raises(ImproperlyConfigured):
        config.logging({"LOG_FORMAT": "xml"}, True)


def test_json_log_lines_carry_the_request_id():
    record = logging.makeLogRecord(
        {"name": "x", "levelname": "INFO", "msg": "hello %s", "args": ("you",)}
    )
    record.request_id = "abcdef123456"
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "hello you"
    assert line["request_id"] == "abcdef123456"
    plain = logging.makeLogRecord({"msg": "m"})
    RequestIdFilter().filter(plain)
    assert plain.request_id == "-"


def test_request_ids_from_outside_are_kept_only_when_plain():
    assert clean_request_id("abc-123-def-456") == "abc-123-def-456"
    made = clean_request_id("bad\nline injected")
    assert len(made) == 32 and "\n" not in made
    assert clean_request_id(None) != clean_request_id(None)


@pytest.mark.django_db
def test_each_response_has_a_request_id(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-0123456789")
    assert response["X-Request-ID"] == "lb-0123456789"
    assert len(client.get("/healthz")["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_each_slot_is_queued_once_even_by_two_schedulers():
    DBTaskResult.objects.all().delete()
    schedule._claimed.clear()
    now = datetime(2026, 12, 3, 12, 0, 30, tzinfo=UTC)
    first = schedule.tick(now)
    schedule._claimed.clear()  # as if another scheduler process
    second = schedule.tick(now + timedelta(seconds=10))  # another scheduler, same minute
    assert "notify-deliver" in first and "payments-reconcile" in first
    assert second == []
    # On the database backend the chained jobs queue themselves; the scheduler leaves them.
    assert not {"news-send-due", "open311-poll", "transparency-indicators"} & set(first)
    assert DBTaskResult.objects.count() == len(first)
    # The next minute: only the one-minute job is due again.
    assert schedule.tick(now + timedelta(minutes=1)) == ["notify-deliver"]


@pytest.mark.django_db
def test_a_scheduler_queues_a_slot_once_even_when_the_cache_forgets_its_claims():
    DBTaskResult.objects.all().delete()
    schedule._claimed.clear()
    now = datetime(2026, 12, 4, 9, 0, 5, tzinfo=UTC)
    assert "notify-deliver" in schedule.tick(now)
    cache.clear()  # Redis restarted empty
    assert schedule.tick(now + timedelta(seconds=20)) == []
    assert schedule.tick(now + timedelta(minutes=1)) == ["notify-deliver"]


@pytest.mark.django_db
def test_without_the_database_queue_the_scheduler_runs_the_chained_jobs(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    names = {job.name for job in schedule.due_jobs()}
    assert {"news-send-due", "open311-poll", "transparency-indicators"} <= names
    from pocketcouncil.news import tasks as news_tasks

    assert news_tasks.schedule_next() is False  # the task does not queue itself as well


def test_every_job_points_at_a_real_task():
    for job in schedule.jobs():
        assert job.task().name


def test_a_file_lock_lets_one_scheduler_lead(tmp_path):
    first, second = locks.FileLeaderLock(tmp_path / "l"), locks.FileLeaderLock(tmp_path / "l")
    assert first.acquire() and first.acquire()
    assert not second.acquire()
    first.release()
    assert second.acquire()
    second.release()


def test_a_redis_lock_lets_one_scheduler_lead(redis_url):
    url = f"{redis_url}/13"
    first, second = locks.RedisLeaderLock(url), locks.RedisLeaderLock(url)
    first.release()
    second.release()
    assert first.acquire() and first.acquire()
    assert not second.acquire()
    first.release()
    assert second.acquire()
    second.release()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's")
def test_a_postgresql_advisory_lock_lets_one_scheduler_lead():
    first, second = locks.PostgresLeaderLock(), locks.PostgresLeaderLock()
    assert first.acquire()
    assert not second.acquire()
    first.release()  # as if the leader died: its session ends
    assert second.acquire()
    second.release()


@pytest.mark.django_db
def test_ready_when_everything_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert set(response.json()["checks"]) == {"database", "cache", "tasks", "storage"}


@pytest.mark.django_db
def test_not_ready_names_what_failed(client, monkeypatch):
    from pocketcouncil.ops import views

    def broken():
        raise ConnectionError("redis gone")

    monkeypatch.setitem(views.CHECKS, "tasks", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["tasks"] == {"status": "unreachable"}
    assert "redis gone" not in response.content.decode()


@pytest.mark.django_db
def test_metrics_show_the_cluster_figures(client):
    response = client.get("/metrics", REMOTE_ADDR="10.0.0.5")
    assert response.status_code == 200
    text = response.content.decode()
    for name in (
        "pocketcouncil_task_queue_depth",
        "pocketcouncil_notification_delivery_latency_seconds",
        "pocketcouncil_open311_sends",
        "pocketcouncil_open311_send_failures",
        "pocketcouncil_payments",
        "django_http_requests_total_by_method_total",
    ):
        assert name in text
    assert "pocketcouncil_metrics_up 1.0" in text


@pytest.mark.django_db
def test_metrics_are_not_public(client, settings):
    assert client.get("/metrics", REMOTE_ADDR="81.2.69.160").status_code == 403
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.5").status_code == 403
    ok = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token", REMOTE_ADDR="81.2.69.160")
    assert ok.status_code == 200


class BrokenLock:
    def acquire(self):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

    def release(self):
        pass


def test_the_scheduler_survives_a_turn_that_fails(caplog):
    from pocketcouncil.ops.management.commands.scheduler import Command

    command = Command()
    assert command.turn(BrokenLock(), leader=True) is True  # carries on, as it was
    assert "The scheduler's turn failed" in caplog.text
    with pytest.raises(ConnectionError):
        command.turn(BrokenLock(), leader=False, raise_errors=True)  # --once says so
