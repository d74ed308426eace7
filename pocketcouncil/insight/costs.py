"""Cost of one contact per channel: the council's own figure where it set one, otherwise the
published default. Every figure carries where it comes from, and the dashboards show it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from pocketcouncil.insight.models import Channel, ChannelCost, CostKind

SOCITM = _(
    "Socitm Insight channel value benchmarking: average cost of one contact with a UK council "
    "(face to face £8.62, phone £2.83, web £0.15)"
)

# Pence. Email, text message and social media have no published figure in that set: a council
# sets its own, and until then those contacts are counted but not costed.
DEFAULT_PENCE: dict[str, int] = {
    CostKind.FACE_TO_FACE: 862,
    CostKind.PHONE: 283,
    CostKind.WEB: 15,
}

CHANNEL_COST_KIND: dict[str, str] = {
    Channel.WEB_SEARCH: CostKind.WEB,
    Channel.ASK: CostKind.WEB,
    Channel.REPORT: CostKind.WEB,
    Channel.REQUEST: CostKind.WEB,
    Channel.REPLY: CostKind.WEB,
    Channel.APP: CostKind.WEB,
    Channel.PHONE: CostKind.PHONE,
    Channel.FACE_TO_FACE: CostKind.FACE_TO_FACE,
    Channel.EMAIL: CostKind.EMAIL,
    Channel.SMS: CostKind.SMS,
    Channel.SOCIAL: CostKind.SOCIAL,
}


@dataclass(frozen=True)
class UnitCost:
    kind: str
    label: str
    pence: int | None  # None: no figure, so contacts on this channel are not costed
    source: str
    is_default: bool

    @property
    def pounds(self) -> Decimal | None:
        return None if self.pence is None else (Decimal(self.pence) / 100).quantize(Decimal("0.01"))


def unit_costs(*, council) -> dict[str, UnitCost]:
    """{cost kind: UnitCost} for the council, in the order of ``CostKind``."""
    own = {c.kind: c for c in ChannelCost.objects.filter(council=council)}
    found = {}
    for kind in CostKind:
        if kind.value in own:
            row = own[kind.value]
            found[kind.value] = UnitCost(kind, kind.label, row.cost_pence, row.source, False)
        elif kind.value in DEFAULT_PENCE:
            found[kind.value] = UnitCost(
                kind, kind.label, DEFAULT_PENCE[kind.value], str(SOCITM), True
            )
        else:
            found[kind.value] = UnitCost(kind, kind.label, None, "", True)
    return found
