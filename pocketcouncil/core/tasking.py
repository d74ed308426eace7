"""Which part of the deployment queues periodic work.

With the database task backend (the default) each periodic task queues its own next run and
checks the queue table so that only one copy ever waits. Other backends (RQ, docs/operating.md)
cannot be searched that way, so there the single scheduler process (``manage.py scheduler``,
``pocketcouncil.ops.schedule``) queues every periodic run and the tasks do not queue themselves.
"""

from django.conf import settings

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"


def self_scheduling() -> bool:
    """Whether periodic tasks queue their own next run (only on the database backend)."""
    return settings.TASKS["default"]["BACKEND"] == DATABASE_BACKEND
