"""The one place that decides whether a resident's data may be shared. Every share goes
through ``share_check``; it answers with a ``Decision`` whose ``reason`` staff are shown."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from pocketcouncil.privacy.models import ConsentAction, ConsentEvent, SharingAgreement


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str


def consent_is_active(*, resident, agreement: SharingAgreement) -> bool:
    latest = (
        ConsentEvent.objects.filter(resident=resident, agreement=agreement)
        .order_by("-created_at", "-pk")
        .values_list("action", flat=True)
        .first()
    )
    return latest == ConsentAction.GRANT


def share_check(*, resident, agreement: SharingAgreement, categories, council) -> Decision:
    """May ``council`` pass ``categories`` of ``resident``'s data under ``agreement`` today?"""
    if agreement.council_id != council.pk:
        return Decision(False, _("This agreement belongs to another council."))
    today = timezone.localdate()
    if not agreement.is_active_on(today):
        if agreement.ended_on is not None and agreement.ended_on <= today:
            return Decision(False, _("The data-sharing agreement has ended."))
        if agreement.starts_on > today:
            return Decision(False, _("The data-sharing agreement has not started yet."))
        return Decision(
            False, _("The data-sharing agreement is past its review date and must be reviewed.")
        )
    outside = sorted(set(categories) - set(agreement.categories))
    if not categories:
        return Decision(False, _("Say which data is to be shared."))
    if outside:
        return Decision(
            False,
            _("The agreement does not cover this data: %(kinds)s.") % {"kinds": ", ".join(outside)},
        )
    if agreement.needs_consent and not consent_is_active(resident=resident, agreement=agreement):
        return Decision(
            False,
            _(
                "This sharing needs the resident's consent, and they have not given it "
                "or have withdrawn it."
            ),
        )
    return Decision(True, "")
