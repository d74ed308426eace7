"""How insight hears about contact on other apps' channels. No rules here: each receiver works
out the facts and calls an action.

- cases: every timeline event, through ``cases.actions.EVENT_HOOKS`` (inside the action's
  transaction, so a contact commits or rolls back with the case change);
- services: each front-door search, through ``post_save`` of ``FrontDoorSearch``;
- ask: each question on the "Ask us" page, through ``core.signals.resident_contact``.

A search or question with no good answer leaves a mark in the resident's session (only if they
already have one: insight never sets a cookie). A case created in that session within
``FAILED_SEARCH_WINDOW`` is failed self-service.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from pocketcouncil.insight import actions
from pocketcouncil.insight.middleware import current_request
from pocketcouncil.insight.models import Channel, ContactEvent, Reason

FAILED_SEARCH_WINDOW = timedelta(minutes=30)
SESSION_KEY = "insight_failed_search_at"


def _session():
    request = current_request()
    session = getattr(request, "session", None)
    if session is None or session.session_key is None:
        return None
    return session


def _mark_failed_search() -> None:
    session = _session()
    if session is not None:
        session[SESSION_KEY] = timezone.now().timestamp()


def _take_failed_search() -> bool:
    session = _session()
    if session is None or SESSION_KEY not in session:
        return False
    at = session.pop(SESSION_KEY)
    try:
        return timezone.now().timestamp() - float(at) <= FAILED_SEARCH_WINDOW.total_seconds()
    except (TypeError, ValueError):
        return False


def on_case_event(event) -> None:
    from pocketcouncil.cases.models import EventKind

    failed = _take_failed_search() if event.kind == EventKind.CREATED else False
    actions.contact_record_for_case_event(event, after_failed_search=failed)


def on_search_saved(sender, instance, created, **kwargs) -> None:
    if instance.council_id is None:
        return  # a search outside any council's pages belongs to no council's figures
    key = f"search:{instance.pk}"
    if created:
        answered = bool(instance.shown) or instance.answer_shown_id is not None
        if not answered:
            _mark_failed_search()
        actions.contact_record(
            council=instance.council,
            channel=Channel.WEB_SEARCH,
            reason=Reason.QUESTION,
            occurred_at=instance.created_at,
            answered=answered,
            topic=instance.query,
            source_key=key,
        )
    elif instance.answer_helped is False:
        # "This did not answer my question": the answer shown was not a good answer.
        ContactEvent.objects.filter(source_key=key).update(answered=False)
        _mark_failed_search()


def on_resident_contact(sender, *, council, channel, answered=None, topic="", **kwargs) -> None:
    if answered is False:
        _mark_failed_search()
    actions.contact_record(
        council=council,
        channel=channel,
        reason=Reason.QUESTION,
        answered=answered,
        topic=topic or "",
    )
