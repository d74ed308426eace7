"""The RQ task backend against a real Redis server (the ``redis_url`` fixture starts one).

Tasks are enqueued through Django's Tasks API, land in Redis, and a real RQ worker (in burst
mode, in this process so it shares the test's database transaction) runs them.
"""

from datetime import timedelta

import django_rq
import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_rq import Job
from rq import SimpleWorker
from rq.registry import ScheduledJobRegistry

from pocketcouncil.notify import actions, testing
from pocketcouncil.notify.models import State
from pocketcouncil.notify.tasks import notification_deliver_task
from pocketcouncil.ops.config import RQ_BACKEND

pytestmark = pytest.mark.django_db


@pytest.fixture
def rq_queue(redis_url):
    settings = {
        "TASKS": {"default": {"BACKEND": RQ_BACKEND, "QUEUES": ["default"]}},
        "RQ_QUEUES": {"default": {"URL": f"{redis_url}/13"}},
    }
    with override_settings(**settings):
        queue = django_rq.get_queue("default")
        queue.connection.flushdb()
        testing.sms_outbox.clear()
        yield queue
        queue.connection.flushdb()
        testing.sms_outbox.clear()


def run_worker(queue) -> None:
    # The job class is django-tasks-rq's, as `manage.py rqworker --job-class` is told in deploy/.
    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)


def test_a_task_waits_in_redis_until_the_transaction_commits(
    rq_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        result = notification_deliver_task.enqueue()
        assert rq_queue.count == 0  # not in Redis while the change may still roll back
    assert rq_queue.count == 0
    for callback in callbacks:
        callback()
    assert rq_queue.count == 1
    assert rq_queue.job_ids == [result.id]


def test_a_rolled_back_change_queues_nothing(rq_queue, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notification_deliver_task.enqueue()
        raise RuntimeError("the change failed")
    assert rq_queue.count == 0


def test_a_message_is_sent_by_an_rq_worker(rq_queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = actions.direct_message_send(
            channel="sms", to="07700900982", subject="", body="Your code is 123456", reason="test"
        )
    assert rq_queue.count >= 1
    assert testing.sms_outbox == []
    run_worker(rq_queue)
    message.refresh_from_db()
    assert message.state == State.SENT
    assert [sms["body"] for sms in testing.sms_outbox] == ["Your code is 123456"]


def test_a_deferred_task_is_scheduled_not_run_at_once(rq_queue, django_capture_on_commit_callbacks):
    at = timezone.now() + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        result = notification_deliver_task.using(run_after=at).enqueue()
    assert rq_queue.count == 0
    registry = ScheduledJobRegistry(queue=rq_queue)
    assert registry.get_job_ids() == [result.id]
    assert abs(registry.get_scheduled_time(result.id) - at) < timedelta(seconds=1)
    run_worker(rq_queue)  # nothing is due yet, so the worker does nothing
    assert registry.get_job_ids() == [result.id]


def test_the_result_is_readable_through_the_tasks_api(rq_queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = notification_deliver_task.enqueue()
    run_worker(rq_queue)
    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert set(result.return_value) == {"sent", "retried", "failed", "recovered"}
