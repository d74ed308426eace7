"""Background tasks: each takes a message id and calls an idempotent action."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="default")
def message_process_task(message_id: int) -> str:
    from pocketcouncil.channels import actions

    message = actions.message_process(message_id=message_id)
    return message.status if message else "missing"
