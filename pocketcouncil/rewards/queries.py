"""Every read other code needs: a resident's points and badges, the offers open to them, the
ward champions list, staff figures (is the scheme moving people to digital channels?)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pocketcouncil.rewards.models import (
    AgeBand,
    AnomalyFlag,
    EntryKind,
    LedgerEntry,
    Membership,
    Offer,
    Redemption,
    RuleKind,
)

CHAMPIONS_DAYS = 90
CHAMPIONS_SHOWN = 10


def ledger_for(council, user) -> list[LedgerEntry]:
    return list(
        LedgerEntry.objects.filter(council=council, user=user).select_related("reverses")[:200]
    )


def offers_open(council, now=None) -> list[Offer]:
    now = now or timezone.now()
    return list(
        Offer.objects.filter(council=council, is_active=True, expires_at__gt=now)
        .select_related("partner")
        .order_by("points_cost", "expires_at")
    )


def offer_get(council, pk: int) -> Offer | None:
    return Offer.objects.filter(council=council, pk=pk).select_related("partner").first()


def redemptions_for(council, user) -> list[Redemption]:
    return list(
        Redemption.objects.filter(council=council, user=user).select_related("offer__partner")
    )


def redemption_for(council, user, pk: int) -> Redemption | None:
    return (
        Redemption.objects.filter(council=council, user=user, pk=pk)
        .select_related("offer__partner")
        .first()
    )


# --- badges: milestones in plain words, worked out from the ledger ------------------------------


@dataclass(frozen=True)
class Badge:
    key: str
    title: str
    meaning: str


def _badge_rules():
    return (
        (
            Badge("first_report", _("Eyes on the street"), _("A report you made was confirmed")),
            lambda c: c[RuleKind.REPORT_VERIFIED] >= 1,
        ),
        (
            Badge("ten_reports", _("Street champion"), _("Ten of your reports were confirmed")),
            lambda c: c[RuleKind.REPORT_VERIFIED] >= 10,
        ),
        (
            Badge("first_spotter", _("First to spot it"), _("You reported a problem first")),
            lambda c: c[RuleKind.FIRST_REPORT] >= 1,
        ),
        (
            Badge("had_your_say", _("Had your say"), _("You answered a council survey")),
            lambda c: c[RuleKind.SURVEY_COMPLETED] >= 1,
        ),
        (
            Badge("feedback", _("Helpful feedback"), _("You told us how a case was handled")),
            lambda c: c[RuleKind.CASE_RATED] >= 1,
        ),
        (
            Badge("hundred", _("100 points"), _("You have earned 100 points in all")),
            lambda c: c["earned"] >= 100,
        ),
    )


def badges_for(council, user) -> list[Badge]:
    """Badges earned: only from awards still standing (a reversed award counts for nothing)."""
    standing = LedgerEntry.objects.filter(
        council=council, user=user, kind=EntryKind.AWARD, reversed_by__isnull=True
    )
    counts = dict.fromkeys(RuleKind.values, 0)
    earned = 0
    for row in standing.values("rule_kind").annotate(n=Count("pk"), p=Sum("points")):
        counts[row["rule_kind"]] = row["n"]
        earned += row["p"]
    counts["earned"] = earned
    return [badge for badge, test in _badge_rules() if test(counts)]


# --- the ward champions list --------------------------------------------------------------------


def display_name(full_name: str) -> str:
    """ "Amira Khan" -> "Amira K."; one word -> that word; nothing -> "" (not shown)."""
    parts = (full_name or "").split()
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return f"{parts[0]} {parts[-1][0].upper()}."


def champions_for_ward(council, ward, now=None) -> list[dict]:
    """Members who chose to be shown, 16 or over, by points earned in the last 90 days (spending
    does not lower the place). Shows a first name and initial only, never more."""
    now = now or timezone.now()
    since = now - timedelta(days=CHAMPIONS_DAYS)
    members = Membership.objects.filter(
        council=council,
        ward=ward,
        left_at__isnull=True,
        show_as_champion=True,
        age_band=AgeBand.ADULT,
    ).values("user_id")
    rows = (
        LedgerEntry.objects.filter(
            council=council,
            user_id__in=members,
            kind__in=[EntryKind.AWARD, EntryKind.REVERSAL],
            created_at__gte=since,
        )
        .values("user_id", "user__full_name")
        .annotate(points=Sum("points"))
        .filter(points__gt=0)
        .order_by("-points", "user_id")
    )
    out = []
    for row in rows:
        name = display_name(row["user__full_name"])
        if name:
            out.append({"name": name, "points": row["points"]})
        if len(out) >= CHAMPIONS_SHOWN:
            break
    return out


def wards_with_members(council) -> list:
    from pocketcouncil.councils.models import Area

    return list(
        Area.objects.filter(
            pk__in=Membership.objects.filter(council=council, ward__isnull=False).values("ward")
        ).order_by("name")
    )


# --- staff ---------------------------------------------------------------------------------------


def flags_open(council) -> list[AnomalyFlag]:
    return list(
        AnomalyFlag.objects.filter(council=council, resolved_at__isnull=True).select_related(
            "user", "partner", "redemption__offer"
        )[:200]
    )


def flag_get(council, pk: int) -> AnomalyFlag | None:
    return AnomalyFlag.objects.filter(council=council, pk=pk).first()


def scheme_figures(council, now=None) -> dict:
    from pocketcouncil.rewards.offers import month_spend_pence

    now = now or timezone.now()
    local = timezone.localtime(now)
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    entries = LedgerEntry.objects.filter(council=council, created_at__gte=month_start)
    return {
        "members": Membership.objects.filter(council=council, left_at__isnull=True).count(),
        "awarded": entries.filter(kind=EntryKind.AWARD).aggregate(t=Sum("points"))["t"] or 0,
        "reversed": -(entries.filter(kind=EntryKind.REVERSAL).aggregate(t=Sum("points"))["t"] or 0),
        "spend_pence": month_spend_pence(council, now),
        "used": Redemption.objects.filter(council=council, used_at__gte=month_start).count(),
    }


def digital_shift_by_ward(council, days: int = 90) -> list[dict]:
    """For members, by ward: the share of their reports made online themselves (not entered by
    staff on the phone or at the desk) in ``days`` before joining and since joining.

    Only people with reports on both sides count, so the figure compares the same people.
    """
    from pocketcouncil.cases.models import Case

    members = list(
        Membership.objects.filter(council=council).select_related("ward").order_by("ward__name")
    )
    if not members:
        return []
    joined = {m.user_id: m for m in members}
    cases = Case.objects.filter(council=council, resident_id__in=list(joined)).values_list(
        "resident_id", "received_at", "entered_by_id"
    )
    per_person: dict[int, dict] = {}
    for resident_id, received_at, entered_by_id in cases:
        membership = joined[resident_id]
        delta = received_at - membership.joined_at
        if delta < -timedelta(days=days):
            continue
        side = "after" if delta >= timedelta(0) else "before"
        counts = per_person.setdefault(
            resident_id, {"before": [0, 0], "after": [0, 0]}
        )  # [online, all]
        counts[side][1] += 1
        counts[side][0] += entered_by_id is None
    wards: dict[str, dict] = {}
    for user_id, counts in per_person.items():
        if not counts["before"][1] or not counts["after"][1]:
            continue
        ward = joined[user_id].ward
        row = wards.setdefault(
            ward.name if ward else "",
            {"ward": ward.name if ward else "", "people": 0, "before": [0, 0], "after": [0, 0]},
        )
        row["people"] += 1
        for side in ("before", "after"):
            row[side][0] += counts[side][0]
            row[side][1] += counts[side][1]
    out = []
    for row in sorted(wards.values(), key=lambda r: r["ward"]):
        out.append(
            {
                "ward": row["ward"],
                "people": row["people"],
                "before_percent": round(100 * row["before"][0] / row["before"][1]),
                "after_percent": round(100 * row["after"][0] / row["after"][1]),
                "before_reports": row["before"][1],
                "after_reports": row["after"][1],
            }
        )
    return out


def members_by_ward(council) -> list[dict]:
    return list(
        Membership.objects.filter(council=council, left_at__isnull=True)
        .values("ward__name")
        .annotate(n=Count("pk"), champions=Count("pk", filter=Q(show_as_champion=True)))
        .order_by("ward__name")
    )
