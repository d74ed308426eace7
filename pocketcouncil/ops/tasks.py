"""Periodic housekeeping that had only a management command, as tasks the scheduler queues.

Each calls the same action as its command, which is safe to run any number of times.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django_tasks import task


@task(queue_name="default")
def accounts_clean_up_task() -> dict:
    """Retention: delete text-message codes that expired more than a day ago."""
    from pocketcouncil.accounts import actions

    return {"deleted": actions.mobile_codes_purge()}


@task(queue_name="default")
def directory_remind_stale_task() -> dict:
    """Remind organisations whose listings nobody has checked for six months."""
    from pocketcouncil.directory import actions

    sent = actions.listing_reminders_send(
        now=timezone.now(), actor=None, site_url=settings.POCKETCOUNCIL_SITE_URL
    )
    return {"reminders": sent}
