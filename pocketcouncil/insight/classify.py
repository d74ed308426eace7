"""Which contact a case timeline event is, and whether it is value or failure demand.

Pure rules over the event and its case; ``actions`` writes what these return. The rules are
the ones docs/insight.md describes, in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from pocketcouncil.cases import queries as cases_queries
from pocketcouncil.cases.models import EventKind, Source
from pocketcouncil.cases.workflow import CaseStatus
from pocketcouncil.insight.models import Channel, Demand, FailureKind, Reason

# A second report of the same service by the same person within this time is a repeat.
REPEAT_WINDOW = timedelta(days=28)


@dataclass(frozen=True)
class Contact:
    channel: str
    reason: str
    failure_kind: str = ""

    @property
    def demand(self) -> str:
        return Demand.FAILURE if self.failure_kind else Demand.VALUE


def case_channel(case) -> str:
    if case.source == Source.STAFF:
        # Entered by staff for a resident (assisted digital): they phoned or visited. The case
        # does not say which; a phone call is by far the commoner (docs/insight.md).
        return Channel.PHONE
    if case.source == Source.OPEN311:
        return Channel.APP
    return Channel.REPORT if case.service.location_based else Channel.REQUEST


def _by_staff_for_resident(event) -> bool:
    return event.on_behalf_of_id is not None


def for_case_event(
    event, *, after_failed_search: bool = False, was_waiting: bool | None = None
) -> Contact | None:
    """The contact a case event records, or None if the event is the council's own work.

    ``was_waiting``: whether the case was waiting for the resident when a message came in. Left
    None as the event is written, when the case still has that status (the reply action moves
    it on straight after); a backfill works it out from the timeline."""
    case = event.case
    if event.kind == EventKind.CREATED:
        channel = case_channel(case)
        if case.duplicate_of_id or case.status == CaseStatus.DUPLICATE:
            return Contact(channel, Reason.REPEAT, FailureKind.DUPLICATE)
        if cases_queries.case_is_repeat(case, within=REPEAT_WINDOW):
            return Contact(channel, Reason.REPEAT, FailureKind.REPEAT)
        if after_failed_search:
            return Contact(channel, Reason.COULD_NOT_ONLINE, FailureKind.FAILED_SELF_SERVICE)
        return Contact(channel, Reason.NEW_REQUEST)
    if event.kind == EventKind.ME_TOO:
        return Contact(Channel.REPORT, Reason.REPEAT, FailureKind.DUPLICATE)
    if event.kind == EventKind.MESSAGE_IN:
        channel = Channel.PHONE if _by_staff_for_resident(event) else Channel.REPLY
        # Answering the council's own question is value; any other message on an open case is
        # the resident asking where it has got to.
        if was_waiting is None:
            was_waiting = case.status == CaseStatus.WAITING
        if was_waiting:
            return Contact(channel, Reason.REPLY)
        return Contact(channel, Reason.PROGRESS, FailureKind.CHASING)
    if event.kind == EventKind.REOPENED:
        channel = Channel.PHONE if _by_staff_for_resident(event) else Channel.REPLY
        return Contact(channel, Reason.NOT_FIXED, FailureKind.REOPENED)
    return None


def for_reason(reason: str) -> str:
    """The kind of failure demand a reason chosen by staff is ("" for value demand)."""
    from pocketcouncil.insight.models import FAILURE_REASONS

    return FAILURE_REASONS.get(reason, "")
