"""Demo contact for the demo councils: everything their demo case history says, plus the
contact that history implies but does not record. Safe to run again.

- Every demo case's own events are recorded as contact (``contact_backfill_cases``): the
  history is bulk-loaded, so the case hooks did not see it.
- A demo case that missed its due date got one "where has it got to?" contact the day after
  (a phone call for two in five, a reply online for the rest), and a demo case reopened
  after it was finished got a "not fixed" contact: chasing and reopening are what residents
  do when a case runs late, and the demo history has no messages of its own. These rows are
  keyed ``demo:`` so they are never mistaken for recorded contact.
"""

from __future__ import annotations

from datetime import timedelta

from pocketcouncil.cases.models import Case
from pocketcouncil.councils.models import Council
from pocketcouncil.insight import actions
from pocketcouncil.insight.models import Channel, ContactEvent, Demand, FailureKind, Reason


def _implied(council) -> list[ContactEvent]:
    done = set(
        ContactEvent.objects.filter(council=council, source_key__startswith="demo:").values_list(
            "source_key", flat=True
        )
    )
    rows = []
    cases = Case.objects.filter(council=council, submission_key__startswith="demo-history-")
    for case in cases.only(
        "pk", "service_id", "ward_gss_code", "ward_name", "due_at", "finished_at", "reopened_count"
    ).iterator(chunk_size=2000):
        common = {
            "council": council,
            "demand": Demand.FAILURE,
            "service_id": case.service_id,
            "ward_gss_code": case.ward_gss_code,
            "ward_name": case.ward_name,
            "case_id": case.pk,
        }
        late = (
            case.due_at and case.finished_at and case.finished_at > case.due_at + timedelta(days=1)
        )
        key = f"demo:chase:{case.pk}"
        if late and key not in done:
            rows.append(
                ContactEvent(
                    channel=Channel.PHONE if case.pk % 5 < 2 else Channel.REPLY,
                    reason=Reason.PROGRESS,
                    failure_kind=FailureKind.CHASING,
                    occurred_at=case.due_at + timedelta(days=1),
                    source_key=key,
                    **common,
                )
            )
        key = f"demo:reopen:{case.pk}"
        if case.reopened_count and case.finished_at and key not in done:
            rows.append(
                ContactEvent(
                    channel=Channel.REPLY,
                    reason=Reason.NOT_FIXED,
                    failure_kind=FailureKind.REOPENED,
                    occurred_at=case.finished_at - timedelta(days=2),
                    source_key=key,
                    **common,
                )
            )
    ContactEvent.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return rows


def load(report) -> None:
    for council in Council.objects.filter(is_demo=True).order_by("slug"):
        added = actions.contact_backfill_cases(council=council)
        implied = len(_implied(council))
        report.created["insight.ContactEvent"] += added + implied
        if added or implied:
            actions.contact_rollup_all(council=council)
