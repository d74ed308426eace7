"""What a council charges and when it collects: prices and rules (``CouncilCharges``), bulky
waste items and collection days (round, day, capacity), set by council staff.

Every change is one action in a transaction that writes a ``ChargesEvent`` (who, when, the
values before and after) with it. A change never reaches back into what residents already
have: a booking, subscription or permit keeps the price it was made at, and a collection day's
capacity can never go below the places already held or booked.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pocketcouncil.accounts import permissions
from pocketcouncil.payments.actions import PaymentsInputError
from pocketcouncil.payments.models import (
    BulkyItem,
    ChargesEvent,
    ChargesEventKind,
    CollectionSlot,
    CouncilCharges,
)
from pocketcouncil.payments.queries import LONDON

ACTION = "payments.set_prices"
MAX_PRICE = 10_000_000  # £100,000 in pence, the most GOV.UK Pay takes in one payment
MAX_CAPACITY = 500
MAX_REPEAT_WEEKS = 26
MAX_CUTOFF_HOURS = 14 * 24
MAX_ITEMS_LIMIT = 50
INCOME_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-/.]{0,39}$")

# The fields of CouncilCharges staff set on the prices and rules page, in the page's order.
CHARGES_FIELDS = (
    "garden_price_per_bin",
    "garden_refund_rule",
    "garden_income_code",
    "bulky_max_items",
    "bulky_cancel_cutoff_hours",
    "bulky_concession_percent",
    "bulky_income_code",
    "permit_price",
    "permit_zones",
    "permit_income_code",
    "pcn_income_code",
)


class SlotCapacityError(PaymentsInputError):
    """The capacity asked for is below the places already held or booked."""


# --- reads ---------------------------------------------------------------------------------------


def charges_get(council) -> CouncilCharges:
    charges, _created = CouncilCharges.objects.get_or_create(council=council)
    return charges


def bulky_item_list_for_council(council) -> list[BulkyItem]:
    """All the council's items, those residents can choose first."""
    return list(BulkyItem.objects.filter(council=council).order_by("-active", "order", "name"))


def slot_list_for_council(council, *, now=None, limit: int = 200) -> list[CollectionSlot]:
    """Collection days from today (London), full ones too."""
    today = timezone.localdate(now or timezone.now(), LONDON)
    return list(
        CollectionSlot.objects.filter(council=council, date__gte=today).order_by(
            "date", "round_name"
        )[:limit]
    )


def charges_event_list_for_council(council, *, limit: int = 30) -> list[ChargesEvent]:
    return list(ChargesEvent.objects.filter(council=council).select_related("actor")[:limit])


# --- writes --------------------------------------------------------------------------------------


def _audit(council, actor, kind: str, subject: str, before: dict, after: dict) -> ChargesEvent:
    return ChargesEvent.objects.create(
        council=council,
        kind=kind,
        subject=subject[:200],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=(getattr(actor, "email", "") or "")[:200],
        before=before,
        after=after,
    )


def _check_price(value, field: str) -> int:
    if not isinstance(value, int) or value < 1 or value > MAX_PRICE:
        raise PaymentsInputError(_("Enter a price from £0.01 to £100,000, like 25.00"), field=field)
    return value


def _check_income_code(value: str, field: str) -> str:
    value = (value or "").strip()
    if not INCOME_CODE.match(value):
        raise PaymentsInputError(
            _(
                "Enter an income code of up to 40 letters, numbers, hyphens, underscores, "
                "full stops or slashes, as your finance system uses it"
            ),
            field=field,
        )
    return value


def _check_range(value, field: str, low: int, high: int, message: str) -> int:
    if not isinstance(value, int) or not low <= value <= high:
        raise PaymentsInputError(message, field=field)
    return value


def _check_zones(text: str) -> str:
    zones = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not zones:
        raise PaymentsInputError(_("Enter at least one parking zone"), field="permit_zones")
    for zone in zones:
        if len(zone) > 60:
            raise PaymentsInputError(
                _("Each zone name must be 60 characters or fewer: %(zone)s") % {"zone": zone[:60]},
                field="permit_zones",
            )
    if len({z.casefold() for z in zones}) != len(zones):
        raise PaymentsInputError(_("Each zone must appear only once"), field="permit_zones")
    return "\n".join(zones)


@transaction.atomic
def charges_update(*, council, actor, values: dict) -> CouncilCharges:
    """Set a council's prices and rules. Only the fields in ``CHARGES_FIELDS`` change; one
    audit row records those that did. Prices already charged are never changed."""
    permissions.require(actor, ACTION, council)
    charges_get(council)
    charges = CouncilCharges.objects.select_for_update().get(council=council)
    new = {name: values.get(name, getattr(charges, name)) for name in CHARGES_FIELDS}
    new["garden_price_per_bin"] = _check_price(new["garden_price_per_bin"], "garden_price_per_bin")
    new["permit_price"] = _check_price(new["permit_price"], "permit_price")
    rules = dict(CouncilCharges._meta.get_field("garden_refund_rule").choices)
    if new["garden_refund_rule"] not in rules:
        raise PaymentsInputError(_("Choose a refund rule"), field="garden_refund_rule")
    for name in (
        "garden_income_code",
        "bulky_income_code",
        "permit_income_code",
        "pcn_income_code",
    ):
        new[name] = _check_income_code(new[name], name)
    new["bulky_max_items"] = _check_range(
        new["bulky_max_items"],
        "bulky_max_items",
        1,
        MAX_ITEMS_LIMIT,
        _("Enter a number of items from 1 to %(n)d") % {"n": MAX_ITEMS_LIMIT},
    )
    new["bulky_cancel_cutoff_hours"] = _check_range(
        new["bulky_cancel_cutoff_hours"],
        "bulky_cancel_cutoff_hours",
        0,
        MAX_CUTOFF_HOURS,
        _("Enter a number of hours from 0 to %(n)d") % {"n": MAX_CUTOFF_HOURS},
    )
    new["bulky_concession_percent"] = _check_range(
        new["bulky_concession_percent"],
        "bulky_concession_percent",
        0,
        100,
        _("Enter a discount from 0 to 100 percent"),
    )
    new["permit_zones"] = _check_zones(new["permit_zones"])
    before = {name: getattr(charges, name) for name in CHARGES_FIELDS}
    changed = [name for name in CHARGES_FIELDS if before[name] != new[name]]
    if not changed:
        return charges
    for name in changed:
        setattr(charges, name, new[name])
    charges.save(update_fields=changed)
    _audit(
        council,
        actor,
        ChargesEventKind.CHARGES_CHANGED,
        _("Prices and rules"),
        {n: before[n] for n in changed},
        {n: new[n] for n in changed},
    )
    return charges


def _item_values(item: BulkyItem) -> dict:
    return {
        "name": item.name,
        "price": item.price,
        "vat_rate": item.vat_rate,
        "order": item.order,
        "active": item.active,
    }


def _check_item(*, name: str, price: int, vat_rate: int, order: int) -> str:
    name = (name or "").strip()
    if not name:
        raise PaymentsInputError(_("Enter the item's name"), field="name")
    if len(name) > 100:
        raise PaymentsInputError(_("The item's name must be 100 characters or fewer"), "name")
    _check_price(price, "price")
    _check_range(vat_rate, "vat_rate", 0, 100, _("Enter a VAT rate from 0 to 100 percent"))
    _check_range(order, "order", 0, 999, _("Enter a position from 0 to 999"))
    return name


def _duplicate_name() -> PaymentsInputError:
    return PaymentsInputError(_("There is already an item with that name"), field="name")


def bulky_item_add(
    *, council, actor, name: str, price: int, vat_rate: int = 0, order: int = 0
) -> BulkyItem:
    """Add an item residents can book a collection for. Price in pence, VAT inside it."""
    permissions.require(actor, ACTION, council)
    name = _check_item(name=name, price=price, vat_rate=vat_rate, order=order)
    try:
        with transaction.atomic():
            item = BulkyItem.objects.create(
                council=council, name=name, price=price, vat_rate=vat_rate, order=order
            )
            _audit(council, actor, ChargesEventKind.ITEM_ADDED, name, {}, _item_values(item))
    except IntegrityError:
        raise _duplicate_name() from None
    return item


def bulky_item_update(
    *, item: BulkyItem, actor, name: str, price: int, vat_rate: int, order: int, active: bool
) -> BulkyItem:
    """Change an item. Bookings already made keep the name and price they were made with.
    An item no longer offered is made inactive rather than deleted, so the record stays."""
    permissions.require(actor, ACTION, item.council)
    name = _check_item(name=name, price=price, vat_rate=vat_rate, order=order)
    try:
        with transaction.atomic():
            item = BulkyItem.objects.select_for_update().get(pk=item.pk)
            before = _item_values(item)
            item.name, item.price, item.vat_rate = name, price, vat_rate
            item.order, item.active = order, bool(active)
            after = _item_values(item)
            if after == before:
                return item
            item.save()
            _audit(item.council, actor, ChargesEventKind.ITEM_CHANGED, name, before, after)
    except IntegrityError:
        raise _duplicate_name() from None
    return item


def _slot_subject(slot: CollectionSlot) -> str:
    return f"{slot.round_name} {slot.date.isoformat()}"


def slot_add(
    *,
    council,
    actor,
    round_name: str,
    day: date,
    capacity: int,
    repeat_weeks: int = 0,
    now=None,
) -> tuple[list[CollectionSlot], list[date]]:
    """Open a round for bulky collections on a day, and on the same weekday for up to
    ``repeat_weeks`` more weeks. Returns the days added and those skipped because the round
    already had that day (their capacity is left as it was)."""
    permissions.require(actor, ACTION, council)
    round_name = (round_name or "").strip()
    if not round_name:
        raise PaymentsInputError(_("Enter the round's name"), field="round_name")
    if len(round_name) > 100:
        raise PaymentsInputError(
            _("The round's name must be 100 characters or fewer"), "round_name"
        )
    today = timezone.localdate(now or timezone.now(), LONDON)
    if day is None or day <= today:
        raise PaymentsInputError(_("The collection day must be after today"), field="day")
    _check_range(
        capacity,
        "capacity",
        1,
        MAX_CAPACITY,
        _("Enter a number of collections from 1 to %(n)d") % {"n": MAX_CAPACITY},
    )
    _check_range(
        repeat_weeks,
        "repeat_weeks",
        0,
        MAX_REPEAT_WEEKS,
        _("Enter a number of weeks from 0 to %(n)d") % {"n": MAX_REPEAT_WEEKS},
    )
    added: list[CollectionSlot] = []
    skipped: list[date] = []
    with transaction.atomic():
        for week in range(repeat_weeks + 1):
            when = day + timedelta(weeks=week)
            slot, created = CollectionSlot.objects.get_or_create(
                council=council, round_name=round_name, date=when, defaults={"capacity": capacity}
            )
            if not created:
                skipped.append(when)
                continue
            added.append(slot)
            _audit(
                council,
                actor,
                ChargesEventKind.SLOT_ADDED,
                _slot_subject(slot),
                {},
                {"capacity": capacity},
            )
    return added, skipped


def slot_set_capacity(*, slot: CollectionSlot, actor, capacity: int) -> CollectionSlot:
    """Change how many collections a round takes on a day. It can never go below the places
    already held or booked: the check and the change are one conditional update, so a booking
    made at the same moment cannot be squeezed out (the database's CHECK backs it up)."""
    permissions.require(actor, ACTION, slot.council)
    _check_range(
        capacity,
        "capacity",
        0,
        MAX_CAPACITY,
        _("Enter a number of collections from 0 to %(n)d") % {"n": MAX_CAPACITY},
    )
    with transaction.atomic():
        before = CollectionSlot.objects.filter(pk=slot.pk).values_list("capacity", flat=True)
        before = before.first()
        updated = CollectionSlot.objects.filter(pk=slot.pk, booked__lte=capacity).update(
            capacity=capacity
        )
        slot.refresh_from_db()
        if not updated:
            raise SlotCapacityError(
                _(
                    "%(n)d places on this day are already held or booked, so the capacity "
                    "cannot be less than %(n)d"
                )
                % {"n": slot.booked},
                field="capacity",
            )
        if before != capacity:
            _audit(
                slot.council,
                actor,
                ChargesEventKind.SLOT_CHANGED,
                _slot_subject(slot),
                {"capacity": before},
                {"capacity": capacity},
            )
    return slot


def slot_remove(*, slot: CollectionSlot, actor) -> None:
    """Remove a collection day nobody has ever booked. A day with bookings (even cancelled
    ones) stays, for the record: set its capacity to the places taken to stop new bookings."""
    permissions.require(actor, ACTION, slot.council)
    with transaction.atomic():
        slot = CollectionSlot.objects.select_for_update().get(pk=slot.pk)
        if slot.booked or slot.bookings.exists():
            raise PaymentsInputError(
                _(
                    "This day has bookings, so it cannot be removed. To stop new bookings, set "
                    "its capacity to the places already taken."
                ),
                field="capacity",
            )
        subject = _slot_subject(slot)
        before = {"capacity": slot.capacity}
        slot.delete()
        _audit(slot.council, actor, ChargesEventKind.SLOT_REMOVED, subject, before, {})
