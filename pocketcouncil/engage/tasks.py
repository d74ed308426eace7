"""Background tasks (Django's Tasks API, run by ``manage.py db_worker``)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task


@task(queue_name="default")
def opinion_groups_compute_task(engagement_id: int) -> dict:
    """Recompute one engagement's opinion groups. Idempotent: it reads every vote afresh."""
    from pocketcouncil.engage import actions
    from pocketcouncil.engage.models import Engagement

    engagement = Engagement.objects.filter(pk=engagement_id).first()
    if engagement is None:
        return {"skipped": "engagement gone"}
    analysis = actions.opinion_recompute(engagement=engagement)
    return {"participants": analysis.participant_count}


def schedule_opinion(engagement_id: int) -> None:
    """Run the computation after the debounce interval, so a burst of votes costs one run.

    With the database backend the task row commits with the vote that asked for it. The
    immediate backend (development only) cannot wait, so it runs after commit.
    """
    if opinion_groups_compute_task.get_backend().supports_defer:
        at = timezone.now() + timedelta(seconds=settings.ENGAGE_OPINION_DEBOUNCE_SECONDS)
        opinion_groups_compute_task.using(run_after=at).enqueue(engagement_id)
    else:
        transaction.on_commit(lambda: opinion_groups_compute_task.enqueue(engagement_id))
