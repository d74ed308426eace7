"""What other apps' events earn. Each source app keeps a list of hooks and imports nothing of
rewards; RewardsConfig.ready() appends these functions. They run inside the source action's
transaction, so points commit or roll back with the change that earned them.

Points are given only once the council has checked the thing done:
- a report earns when staff move it on from "received" (acknowledged, in progress or fixed),
  never on submission; a report later rejected or merged as a duplicate loses its points,
  with the reason shown to the resident;
- the first report of a problem earns a bonus when another report is merged into it or
  someone says "me too" and staff have confirmed it;
- a survey earns when it is sent (not saved as a draft, never for paper copies entered by
  staff); rating a closed case and turning on bin reminders earn once.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from pocketcouncil.rewards import actions
from pocketcouncil.rewards.models import EntryKind, LedgerEntry, RuleKind

# Statuses that mean "staff looked at it and it is a real problem".
VERIFIED_STATUSES = frozenset({"acknowledged", "in_progress", "resolved"})


def _verified_key(case) -> str:
    return f"case:{case.pk}:verified"


def _first_key(case) -> str:
    return f"case:{case.pk}:first"


def _is_verified(case) -> bool:
    return LedgerEntry.objects.filter(
        council=case.council_id,
        user=case.resident_id,
        kind=EntryKind.AWARD,
        source_key=_verified_key(case),
        reversed_by__isnull=True,
    ).exists()


def _award_first_report(case, actor) -> None:
    if not _is_verified(case):
        return
    actions.points_award(
        council=case.council,
        user=case.resident,
        kind=RuleKind.FIRST_REPORT,
        source_key=_first_key(case),
        reason=_("You were first to report %(ref)s, and others reported it too")
        % {"ref": case.reference},
        actor=actor,
    )


def on_case_event(event) -> None:
    """``cases.actions.EVENT_HOOKS`` member."""
    from pocketcouncil.cases.models import Case, CaseStatus, EventKind

    case = event.case
    if case.resident_id is None:
        return
    if event.kind == EventKind.STATUS_CHANGED and event.to_status in VERIFIED_STATUSES:
        # Staff confirmed it. Not the resident themselves (a member of staff reporting and
        # confirming their own case earns nothing), and not an unattended system.
        if event.actor_id is None or event.actor_id == case.resident_id:
            return
        awarded = actions.points_award(
            council=case.council,
            user=case.resident,
            kind=RuleKind.REPORT_VERIFIED,
            source_key=_verified_key(case),
            reason=_("Your report %(ref)s was confirmed by the council") % {"ref": case.reference},
            actor=event.actor,
        )
        if awarded and (case.supporters_count or case.duplicates.exists()):
            _award_first_report(case, event.actor)
    elif event.kind == EventKind.STATUS_CHANGED and event.to_status == CaseStatus.REJECTED:
        reason = _("Your report %(ref)s was rejected by the council") % {"ref": case.reference}
        for key in (_verified_key(case), _first_key(case)):
            actions.points_reverse(
                council=case.council, user=case.resident, source_key=key, reason=reason
            )
        rejected = Case.objects.filter(
            council=case.council,
            resident_id=case.resident_id,
            status=CaseStatus.REJECTED,
            finished_at__gte=timezone.now() - timedelta(days=30),
        ).count()
        actions.rejected_reports_check(
            council=case.council, user=case.resident, rejected_count=rejected
        )
    elif event.kind == EventKind.MERGED and event.to_status == CaseStatus.DUPLICATE:
        reason = _("Your report %(ref)s was the same problem as %(into)s, reported earlier") % {
            "ref": case.reference,
            "into": event.data.get("into", ""),
        }
        for key in (_verified_key(case), _first_key(case)):
            actions.points_reverse(
                council=case.council, user=case.resident, source_key=key, reason=reason
            )
    elif event.kind in (EventKind.MERGED, EventKind.ME_TOO):
        _award_first_report(case, event.actor)
    elif event.kind == EventKind.SATISFACTION:
        actions.points_award(
            council=case.council,
            user=case.resident,
            kind=RuleKind.CASE_RATED,
            source_key=f"case:{case.pk}:rated",
            reason=_("You told us how %(ref)s was handled") % {"ref": case.reference},
            actor=event.actor,
        )


def on_survey_submitted(response) -> None:
    """``engage.actions.SURVEY_SUBMITTED_HOOKS`` member: the person sent their answers."""
    if response.user_id is None or response.is_paper:
        return
    survey = response.survey
    actions.points_award(
        council=response.council,
        user=response.user,
        kind=RuleKind.SURVEY_COMPLETED,
        source_key=f"survey:{survey.pk}",
        reason=_("You answered: %(title)s") % {"title": survey.engagement.title},
    )


def on_interests_changed(user, added: set[str]) -> None:
    """``accounts.actions.INTERESTS_HOOKS`` member: bin reminders earn once, ever."""
    if "bins" not in added:
        return
    from pocketcouncil.rewards.models import Membership

    for membership in Membership.objects.filter(user=user, left_at__isnull=True).select_related(
        "council"
    ):
        actions.points_award(
            council=membership.council,
            user=user,
            kind=RuleKind.BIN_REMINDERS,
            source_key="bin_reminders",
            reason=_("You turned on bin day reminders"),
        )
