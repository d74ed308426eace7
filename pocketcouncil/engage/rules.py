"""Who may take part in what, when: one decision function every view and action uses.

An action is allowed when (1) its phase is open now, (2) the person is not blocked by the
council, (3) they have the assurance level the engagement's rule asks for (level 1 if it sets
none) and (4) if the rule names an area, their checked home address is inside it. Staff roles
grant nothing here: a moderator takes part like any resident.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pocketcouncil.accounts import queries as accounts
from pocketcouncil.councils import queries as councils
from pocketcouncil.engage.models import (
    ACTION_PHASE,
    Action,
    BlockedAccount,
    Engagement,
    ParticipationRule,
    Phase,
)

DEFAULT_LEVEL = 1


@dataclass(frozen=True)
class Decision:
    allowed: bool
    # Why not, in one plain sentence (empty when allowed).
    reason: str = ""
    # The level to step up to, when that is all that is missing.
    step_up_to: int | None = None


def phase_for(engagement: Engagement, action: str) -> Phase | None:
    kind = ACTION_PHASE[action]
    return next((p for p in engagement.phases.all() if p.kind == kind), None)


def rule_for(engagement: Engagement, action: str) -> ParticipationRule:
    rule = next((r for r in engagement.rules.all() if r.action == action), None)
    return rule or ParticipationRule(action=action, min_level=DEFAULT_LEVEL)


def _local(when: datetime) -> str:
    return date_format(timezone.localtime(when), "j F Y, g:ia")


def phase_open(engagement: Engagement, action: str, now: datetime | None = None) -> Decision:
    now = now or timezone.now()
    phase = phase_for(engagement, action)
    if phase is None or not engagement.is_published:
        return Decision(False, _("This engagement does not ask for that."))
    if now < phase.starts_at:
        return Decision(False, _("This opens on %(when)s.") % {"when": _local(phase.starts_at)})
    if now >= phase.ends_at:
        return Decision(False, _("This closed on %(when)s.") % {"when": _local(phase.ends_at)})
    return Decision(True)


def lives_in(user, area) -> bool:
    """Whether the person's checked home address is inside ``area``."""
    home = accounts.home_for(user)
    if home is None or home.in_council_area_at is None:
        return False
    return any(
        a.pk == area.pk for a in councils.areas_containing(lon=home.longitude, lat=home.latitude)
    )


def _action_label(action: str) -> str:
    return str(Action(action).label)


def decide(user, engagement: Engagement, action: str, now: datetime | None = None) -> Decision:
    """May ``user`` (possibly anonymous) do ``action`` in ``engagement`` now?"""
    timing = phase_open(engagement, action, now)
    if not timing.allowed:
        return timing
    rule = rule_for(engagement, action)
    level = accounts.level_for(user)
    signed_in = getattr(user, "is_authenticated", False)
    if signed_in and BlockedAccount.objects.filter(council=engagement.council, user=user).exists():
        return Decision(
            False, _("You cannot take part here: the council has blocked your account.")
        )
    # Level 1 at least, whatever a rule says: each person's vote or support is counted once.
    if level < max(rule.min_level, 1):
        return Decision(
            False,
            _("You need to confirm more about yourself to %(action)s.")
            % {"action": _action_label(action)},
            step_up_to=max(rule.min_level, 1),
        )
    if rule.area_id and not (signed_in and lives_in(user, rule.area)):
        return Decision(
            False,
            _("Only residents of %(area)s can %(action)s.")
            % {
                "area": rule.area.name,
                "action": ParticipationRule(action=action).get_action_display(),
            },
        )
    return Decision(True)
