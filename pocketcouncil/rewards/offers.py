"""Offers from partners: taking one with points (a single-use code and its QR image), giving
it back, and a partner checking the code at the till. Every rule is checked under a lock, so
two requests at once cannot share the last one in stock or use one code twice.
"""

from __future__ import annotations

import io
import secrets
from datetime import timedelta

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from pocketcouncil.rewards.actions import (
    NotAMemberError,
    RewardsError,
    balance_of,
    flag_raise,
)
from pocketcouncil.rewards.models import (
    AgeBand,
    CodeCheck,
    CodeCheckOutcome,
    EntryKind,
    FlagKind,
    LedgerEntry,
    Membership,
    Offer,
    Partner,
    Redemption,
    RedemptionStatus,
    Scheme,
)

# No 0/O, 1/I/L: a code read aloud or typed at a till is not mistaken.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
# A partner's till may try this many codes that do not exist in CHECK_WINDOW before it is
# stopped for a while (and staff are told): guessing codes gets nowhere.
UNKNOWN_CODES_LIMIT = 10
CHECK_WINDOW = timedelta(minutes=15)


class OfferUnavailableError(RewardsError):
    pass


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a person typed -> the stored form: capitals, no spaces or dashes."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())[:40]


def display_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def month_spend_pence(council, now=None) -> int:
    local = timezone.localtime(now or timezone.now())
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    spent = (
        Redemption.objects.filter(council=council, issued_at__gte=start)
        .exclude(status=RedemptionStatus.CANCELLED)
        .aggregate(t=Sum("cost_to_council_pence"))["t"]
    )
    return spent or 0


def why_unavailable(
    offer: Offer, membership: Membership | None, now=None, balance: int | None = None
) -> str:
    """A plain reason this person cannot take this offer now, or "" if they can. Pass the
    person's ``balance`` when checking a list of offers (one query, not one per offer)."""
    now = now or timezone.now()
    if not offer.is_active or offer.expires_at <= now:
        return _("This offer has ended.")
    if offer.stock <= 0:
        return _("None of this offer are left.")
    if membership is None:
        return _("Join the thank-you scheme to use your points.")
    if membership.age_band == AgeBand.UNDER_16 and not offer.suitable_for_under_16:
        return _("This offer is for people aged 16 or over.")
    if balance is None:
        balance = balance_of(offer.council_id, membership.user_id)
    if balance < offer.points_cost:
        return _("You do not have enough points for this offer yet.")
    return ""


@transaction.atomic
def offer_redeem(*, offer: Offer, actor) -> Redemption:
    """Spend points on an offer: one code, one fewer in stock, within the council's budget."""
    scheme = Scheme.objects.select_for_update().filter(council=offer.council).first()
    if scheme is None or not scheme.is_active:
        raise OfferUnavailableError(_("This council is not running a thank-you scheme."))
    membership = (
        Membership.objects.select_for_update()
        .filter(council=offer.council, user=actor, left_at__isnull=True)
        .first()
        if getattr(actor, "is_authenticated", False)
        else None
    )
    if membership is None:
        raise NotAMemberError(_("Join the thank-you scheme to use your points."))
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    reason = why_unavailable(offer, membership)
    if reason:
        raise OfferUnavailableError(reason)
    now = timezone.now()
    local = timezone.localtime(now)
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    taken = (
        Redemption.objects.filter(council=offer.council, user=actor, issued_at__gte=month_start)
        .exclude(status=RedemptionStatus.CANCELLED)
        .count()
    )
    if taken >= scheme.redemptions_per_month:
        raise OfferUnavailableError(
            _("You have taken %(count)s offers this month, the most allowed. Try next month.")
            % {"count": taken}
        )
    if (
        offer.cost_to_council_pence
        and month_spend_pence(offer.council, now) + offer.cost_to_council_pence
        > scheme.monthly_budget_pence
    ):
        raise OfferUnavailableError(
            _("The council has given all the offers it can afford this month. Try next month.")
        )
    offer.stock -= 1
    offer.save(update_fields=["stock"])
    while True:
        code = _new_code()
        if not Redemption.objects.filter(code=code).exists():
            break
    redemption = Redemption.objects.create(
        council=offer.council,
        offer=offer,
        user=actor,
        code=code,
        cost_to_council_pence=offer.cost_to_council_pence,
        issued_at=now,
    )
    LedgerEntry.objects.create(
        council=offer.council,
        user=actor,
        kind=EntryKind.SPEND,
        points=-offer.points_cost,
        reason=(_("Spent on: %(offer)s") % {"offer": offer.title})[:300],
        source_key=f"redemption:{redemption.pk}",
        actor=actor,
        created_at=now,
    )
    return redemption


@transaction.atomic
def redemption_cancel(*, redemption: Redemption, actor) -> Redemption:
    """Give back an unused code: the points come back and the offer goes back in stock."""
    redemption = Redemption.objects.select_for_update().get(pk=redemption.pk)
    if redemption.user_id != getattr(actor, "pk", None):
        raise RewardsError(_("Only the person who took the offer can cancel it."))
    if redemption.status != RedemptionStatus.ISSUED:
        raise RewardsError(_("This code has already been used or cancelled."))
    redemption.status = RedemptionStatus.CANCELLED
    redemption.save(update_fields=["status"])
    offer = Offer.objects.select_for_update().get(pk=redemption.offer_id)
    offer.stock += 1
    offer.save(update_fields=["stock"])
    LedgerEntry.objects.create(
        council=redemption.council,
        user=actor,
        kind=EntryKind.REFUND,
        points=offer.points_cost,
        reason=(_("You cancelled: %(offer)s") % {"offer": offer.title})[:300],
        source_key=f"redemption:{redemption.pk}",
        actor=actor,
    )
    return redemption


def partners_of(user) -> list[Partner]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Partner.objects.filter(checkers__user=user).select_related("council"))


def _guess_key(partner: Partner) -> str:
    return f"rewards:unknown-codes:{partner.pk}"


def code_check(*, partner: Partner, actor, code: str) -> tuple[str, Redemption | None]:
    """A partner's till checks a code. Accepted once and only once; every attempt is kept.

    Returns (outcome, redemption). A code shown again after it was used is refused and staff
    are told; a till trying many codes that do not exist is stopped for a while.
    """
    if not partner.checkers.filter(user_id=getattr(actor, "pk", None)).exists():
        raise PermissionDenied(_("You do not check codes for this partner."))
    code = normalise_code(code)
    if not code:
        raise RewardsError(_("Enter the code from the resident's screen"), field="code")
    key = _guess_key(partner)
    if cache.get(key, 0) >= UNKNOWN_CODES_LIMIT:
        raise RewardsError(
            _("Too many codes that do not exist were tried. Wait 15 minutes and try again.")
        )
    with transaction.atomic():
        redemption = (
            Redemption.objects.select_for_update()
            .select_related("offer")
            .filter(code=code, council=partner.council)
            .first()
        )
        now = timezone.now()
        if redemption is None:
            outcome = CodeCheckOutcome.UNKNOWN
        elif redemption.offer.partner_id != partner.pk:
            outcome = CodeCheckOutcome.OTHER_PARTNER
        elif redemption.status == RedemptionStatus.USED:
            outcome = CodeCheckOutcome.ALREADY_USED
        elif redemption.status == RedemptionStatus.CANCELLED:
            outcome = CodeCheckOutcome.CANCELLED
        elif redemption.offer.expires_at <= now:
            outcome = CodeCheckOutcome.EXPIRED
        else:
            outcome = CodeCheckOutcome.ACCEPTED
            redemption.status = RedemptionStatus.USED
            redemption.used_at, redemption.used_by = now, actor
            redemption.save(update_fields=["status", "used_at", "used_by"])
        CodeCheck.objects.create(
            council=partner.council,
            partner=partner,
            checked_by=actor,
            code=code,
            redemption=redemption if outcome != CodeCheckOutcome.OTHER_PARTNER else None,
            outcome=outcome,
        )
        if outcome == CodeCheckOutcome.ALREADY_USED:
            flag_raise(
                council=partner.council,
                kind=FlagKind.CODE_REUSED,
                redemption=redemption,
                user=redemption.user,
                partner=partner,
                detail=_("Code %(code)s was shown again at %(partner)s after it was used")
                % {"code": display_code(code), "partner": partner.name},
            )
    if outcome == CodeCheckOutcome.UNKNOWN:
        cache.add(key, 0, timeout=int(CHECK_WINDOW.total_seconds()))
        try:
            tries = cache.incr(key)
        except ValueError:  # expired between add and incr, or the shared cache is down
            tries = 1
        if tries >= UNKNOWN_CODES_LIMIT:
            flag_raise(
                council=partner.council,
                kind=FlagKind.CODE_GUESSING,
                partner=partner,
                detail=_("%(count)s codes that do not exist were tried at %(partner)s")
                % {"count": tries, "partner": partner.name},
            )
    return outcome, (redemption if outcome != CodeCheckOutcome.OTHER_PARTNER else None)


def qr_svg(text: str) -> str:
    """An SVG QR image of ``text`` (the code), drawn as one path, for the resident's screen."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=10,
        border=2,
    )
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]  # inline in the page: no XML declaration
