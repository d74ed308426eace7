"""Every write to the scheme, memberships and the points ledger. Offers and codes are in
offers.py; what other apps' events earn is in hooks.py. Points are only ever written here.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pocketcouncil.accounts import permissions
from pocketcouncil.accounts import queries as accounts_queries
from pocketcouncil.rewards.models import (
    DEFAULT_RULES,
    AgeBand,
    AnomalyFlag,
    CapPeriod,
    EntryKind,
    FlagKind,
    LedgerEntry,
    Membership,
    Rule,
    RuleKind,
    Scheme,
)


class RewardsError(Exception):
    """A request the scheme refuses, with a plain message for the person."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class SchemeNotRunningError(RewardsError):
    pass


class NotAMemberError(RewardsError):
    pass


# --- the scheme (council staff) ------------------------------------------------------------------


def scheme_for(council) -> Scheme:
    scheme, _created = Scheme.objects.get_or_create(council=council)
    return scheme


def rules_for(council) -> list[Rule]:
    """The council's rules, creating the defaults the first time they are asked for."""
    have = {r.kind: r for r in Rule.objects.filter(council=council)}
    missing = [
        Rule(
            council=council,
            kind=kind,
            points=points,
            cap_count=cap,
            cap_period=period,
            cooldown_hours=cooldown,
        )
        for kind, (points, cap, period, cooldown) in DEFAULT_RULES.items()
        if kind not in have
    ]
    if missing:
        Rule.objects.bulk_create(missing, ignore_conflicts=True)
        have = {r.kind: r for r in Rule.objects.filter(council=council)}
    return [have[k] for k in RuleKind.values if k in have]


@transaction.atomic
def scheme_update(
    *,
    council,
    actor,
    is_active: bool,
    monthly_budget_pence: int,
    redemptions_per_month: int,
    rejected_reports_flag: int,
) -> Scheme:
    permissions.require(actor, "rewards.manage", council)
    if redemptions_per_month < 1 or redemptions_per_month > 50:
        raise RewardsError(
            _("Offers one person can take in a month must be between 1 and 50"),
            field="redemptions_per_month",
        )
    if rejected_reports_flag < 1:
        raise RewardsError(
            _("Rejected reports before staff are told must be 1 or more"),
            field="rejected_reports_flag",
        )
    scheme = Scheme.objects.select_for_update().get(pk=scheme_for(council).pk)
    scheme.is_active = is_active
    scheme.monthly_budget_pence = monthly_budget_pence
    scheme.redemptions_per_month = redemptions_per_month
    scheme.rejected_reports_flag = rejected_reports_flag
    scheme.save()
    rules_for(council)
    return scheme


@transaction.atomic
def rule_update(
    *,
    rule: Rule,
    actor,
    is_active: bool,
    points: int,
    cap_count: int,
    cap_period: str,
    cooldown_hours: int,
) -> Rule:
    permissions.require(actor, "rewards.manage", rule)
    if not 1 <= points <= 1000:
        raise RewardsError(_("Points each time must be between 1 and 1000"), field="points")
    if cap_period not in CapPeriod.values:
        raise RewardsError(_("Choose how long the limit lasts"), field="cap_period")
    if cooldown_hours > 24 * 90:
        raise RewardsError(
            _("Hours to wait must be 2160 (90 days) or fewer"), field="cooldown_hours"
        )
    rule = Rule.objects.select_for_update().get(pk=rule.pk)
    rule.is_active, rule.points, rule.cap_count = is_active, points, cap_count
    rule.cap_period, rule.cooldown_hours = cap_period, cooldown_hours
    rule.save()
    return rule


# --- joining and leaving (residents) ------------------------------------------------------------


@transaction.atomic
def membership_join(*, council, actor, age_band: str, show_as_champion: bool) -> Membership:
    """Join (or rejoin) a council's scheme. Only the person themselves can join."""
    if not getattr(actor, "is_authenticated", False):
        raise NotAMemberError(_("Sign in to join the thank-you scheme."))
    if not scheme_for(council).is_active:
        raise SchemeNotRunningError(_("This council is not running a thank-you scheme."))
    if age_band not in AgeBand.values:
        raise RewardsError(_("Select your age"), field="age_band")
    champion = show_as_champion and age_band == AgeBand.ADULT
    membership, created = Membership.objects.select_for_update().get_or_create(
        council=council,
        user=actor,
        defaults={"age_band": age_band, "show_as_champion": champion},
    )
    if not created:
        membership.age_band, membership.show_as_champion = age_band, champion
        membership.left_at = None
    membership.ward = accounts_queries.home_ward(actor, council)
    membership.save()
    return membership


@transaction.atomic
def membership_leave(*, council, actor) -> Membership:
    membership = Membership.objects.select_for_update().filter(council=council, user=actor).first()
    if membership is None or not membership.is_active:
        raise NotAMemberError(_("You are not in this council's thank-you scheme."))
    membership.left_at = timezone.now()
    membership.show_as_champion = False
    membership.save()
    return membership


def membership_of(council, user) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(council=council, user=user, left_at__isnull=True).first()


# --- the ledger ---------------------------------------------------------------------------------


def _period_start(period: str, now):
    local = timezone.localtime(now)
    if period == CapPeriod.DAY:
        start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    elif period == CapPeriod.WEEK:
        start = local.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(
            days=local.weekday()
        )
    elif period == CapPeriod.MONTH:
        start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    elif period == CapPeriod.YEAR:
        start = local.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    else:
        return None
    return start


def points_award(
    *, council, user, kind: str, source_key: str, reason: str, actor=None
) -> LedgerEntry | None:
    """Give ``user`` the points of rule ``kind`` for ``source_key``, if every rule allows it.

    Returns the entry, or None when nothing is due: the council or the person is not in the
    scheme, the rule is off, its limit for the period is reached, the cool-down has not passed,
    or this source already earned points (an award can never be made twice for one thing).
    Callers are other apps' events (hooks.py), after the council has verified what was done.
    """
    if user is None or not getattr(user, "is_active", False):
        return None
    with transaction.atomic():
        scheme = Scheme.objects.filter(council=council, is_active=True).first()
        if scheme is None:
            return None
        # Lock the membership: two awards for one person are worked out one after the other,
        # so two requests at once cannot both squeeze under a cap.
        membership = (
            Membership.objects.select_for_update()
            .filter(council=council, user=user, left_at__isnull=True)
            .first()
        )
        if membership is None:
            return None
        rule = next((r for r in rules_for(council) if r.kind == kind), None)
        if rule is None or not rule.is_active:
            return None
        earned = LedgerEntry.objects.filter(
            council=council, user=user, kind=EntryKind.AWARD, rule_kind=kind
        )
        if earned.filter(source_key=source_key).exists():
            return None
        now = timezone.now()
        if rule.cap_count:
            start = _period_start(rule.cap_period, now)
            counted = earned if start is None else earned.filter(created_at__gte=start)
            if counted.count() >= rule.cap_count:
                return None
        if (
            rule.cooldown_hours
            and earned.filter(created_at__gt=now - timedelta(hours=rule.cooldown_hours)).exists()
        ):
            return None
        try:
            with transaction.atomic():
                return LedgerEntry.objects.create(
                    council=council,
                    user=user,
                    kind=EntryKind.AWARD,
                    rule_kind=kind,
                    points=rule.points,
                    reason=reason[:300],
                    source_key=source_key,
                    actor=actor if getattr(actor, "is_authenticated", False) else None,
                    created_at=now,
                )
        except IntegrityError:  # the same source, awarded by a request at the same moment
            return None


def points_reverse(*, council, user, source_key: str, reason: str, actor=None) -> int:
    """Take back whatever ``source_key`` earned, with the reason shown to the resident.
    Returns the points taken back (0 if it earned nothing or was already reversed)."""
    taken = 0
    with transaction.atomic():
        awards = (
            LedgerEntry.objects.select_for_update()
            .filter(
                council=council,
                user=user,
                kind=EntryKind.AWARD,
                source_key=source_key,
            )
            .exclude(
                # Not "reversed_by__isnull": PostgreSQL cannot lock the nullable side of that join.
                pk__in=LedgerEntry.objects.filter(reverses__isnull=False).values("reverses_id")
            )
        )
        for award in awards:
            LedgerEntry.objects.create(
                council=council,
                user=user,
                kind=EntryKind.REVERSAL,
                rule_kind=award.rule_kind,
                points=-award.points,
                reason=reason[:300],
                reverses=award,
                actor=actor if getattr(actor, "is_authenticated", False) else None,
            )
            taken += award.points
    return taken


def balance_of(council, user) -> int:
    from django.db.models import Sum

    total = LedgerEntry.objects.filter(council=council, user=user).aggregate(t=Sum("points"))["t"]
    return total or 0


# --- anomaly flags ------------------------------------------------------------------------------


def flag_raise(*, council, kind: str, detail: str, user=None, redemption=None, partner=None):
    """Raise a flag unless the same thing is already flagged and not yet looked at."""
    open_flags = AnomalyFlag.objects.filter(council=council, kind=kind, resolved_at__isnull=True)
    if open_flags.filter(user=user, redemption=redemption, partner=partner).exists():
        return None
    return AnomalyFlag.objects.create(
        council=council,
        kind=kind,
        detail=detail[:300],
        user=user,
        redemption=redemption,
        partner=partner,
    )


@transaction.atomic
def flag_resolve(*, flag: AnomalyFlag, actor, resolution: str) -> AnomalyFlag:
    permissions.require(actor, "rewards.review", flag)
    resolution = resolution.strip()
    if not resolution:
        raise RewardsError(_("Say what you found or did"), field="resolution")
    flag = AnomalyFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.resolved_at is not None:
        raise RewardsError(_("Someone has already dealt with this flag."))
    flag.resolved_at, flag.resolved_by, flag.resolution = timezone.now(), actor, resolution[:300]
    flag.save()
    return flag


def rejected_reports_check(*, council, user, rejected_count: int) -> None:
    """Called by hooks with the person's rejected reports in the last 30 days."""
    scheme = Scheme.objects.filter(council=council).first()
    if scheme is None or rejected_count < scheme.rejected_reports_flag:
        return
    flag_raise(
        council=council,
        kind=FlagKind.REJECTED_REPORTS,
        user=user,
        detail=_("%(count)s reports from this person were rejected in 30 days")
        % {"count": rejected_count},
    )
