"""The RQ task backend, enqueuing only once the caller's transaction has committed.

``django-tasks-rq`` writes the job to Redis at once. Pocket Council enqueues tasks inside the
transaction that made the work (a notification row, a case to send), and the database backend
commits or rolls back the task with it. Redis cannot take part in that transaction, so here an
enqueue inside ``transaction.atomic`` waits for the commit: a worker never starts before the
rows it is to work on are visible, and a rolled-back change queues nothing. The work itself is
found from the database rows (the outbox pattern), so a job lost with Redis is recovered by the
scheduler's next sweep (``pocketcouncil.ops.schedule``).
"""

from __future__ import annotations

import django_rq
from django.db import transaction
from django_tasks.base import TASK_MAX_PRIORITY, TaskResult, TaskResultStatus
from django_tasks.signals import task_enqueued
from django_tasks.utils import get_random_id
from django_tasks_rq.backend import Job, failed_callback, success_callback
from django_tasks_rq.backend import RQBackend as BaseRQBackend
from rq.job import Callback, JobStatus


class RQBackend(BaseRQBackend):
    def enqueue(self, task, args, kwargs):
        self.validate_task(task)
        task_result = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(lambda: self._push(task_result), robust=True)
        else:
            self._push(task_result)
        return task_result

    def _push(self, task_result: TaskResult) -> None:
        task = task_result.task
        queue = django_rq.get_queue(task.queue_name, job_class=Job)
        job = queue.create_job(
            task.module_path,
            args=task_result.args,
            kwargs=task_result.kwargs,
            job_id=task_result.id,
            status=JobStatus.SCHEDULED if task.run_after else JobStatus.QUEUED,
            on_failure=Callback(failed_callback),
            on_success=Callback(success_callback),
            meta={"backend_name": self.alias},
        )
        if task.run_after is None:
            job = queue.enqueue_job(job, at_front=task.priority == TASK_MAX_PRIORITY)
        else:
            job = queue.schedule_job(job, task.run_after)
        object.__setattr__(task_result, "enqueued_at", job.enqueued_at)
        task_enqueued.send(type(self), task_result=task_result)
