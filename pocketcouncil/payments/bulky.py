"""Bulky waste collections: items with prices, slots with a capacity per round and day, and
book, pay, reschedule and cancel (with a refund before the cut-off).

A booking holds its place in the slot from the moment it is made, by a conditional update
(``booked < capacity``) that the database applies one at a time per slot, on SQLite and
PostgreSQL alike: two residents can never both get the last place. The hold lasts while the
resident pays; an unpaid hold is released by reconciliation once no payment for it can still
succeed. A payment that succeeds for a booking that lost its place is refunded in full.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pocketcouncil.accounts import permissions
from pocketcouncil.accounts import queries as accounts_queries
from pocketcouncil.cases import actions as case_actions
from pocketcouncil.cases.workflow import CaseStatus, CloseReason
from pocketcouncil.payments import actions as pay
from pocketcouncil.payments import concessions, purposes
from pocketcouncil.payments.models import (
    FINISHED_STATUSES,
    BookingStatus,
    BulkyBooking,
    BulkyItem,
    CollectionSlot,
    CouncilCharges,
    Payment,
    PaymentStatus,
    Purpose,
    vat_included,
)
from pocketcouncil.payments.queries import LONDON

LGSL = 528
LEVEL = 2
# GOV.UK Pay expires a payment after 90 minutes; a hold outlives that, so it is never released
# while the payment for it could still succeed.
HOLD = timedelta(minutes=100)
COLLECTION_STARTS = time(7, 0)


class SlotGoneError(pay.PaymentsInputError):
    """Someone else took the last place in that slot."""


def _day(day) -> str:
    """ "Tuesday 8 December 2026", in the page's language."""
    return date_format(day, "l j F Y")


def charges_for(council) -> CouncilCharges:
    charges, _created = CouncilCharges.objects.get_or_create(council=council)
    return charges


# --- reads ---------------------------------------------------------------------------------------


def items_for(council) -> list[BulkyItem]:
    return list(BulkyItem.objects.filter(council=council, active=True))


def slots_open(council, *, now=None) -> list[CollectionSlot]:
    """Slots from tomorrow (London) with a place left."""
    today = timezone.localdate(now or timezone.now(), LONDON)
    return list(
        CollectionSlot.objects.filter(
            council=council, date__gt=today, booked__lt=F("capacity")
        ).order_by("date", "round_name")[:60]
    )


def slots_future(council, *, now=None) -> list[CollectionSlot]:
    """Every slot from tomorrow, full or not (a form accepts any, so a day that filled up
    while the resident chose is refused by the booking with a clear message)."""
    today = timezone.localdate(now or timezone.now(), LONDON)
    return list(CollectionSlot.objects.filter(council=council, date__gt=today)[:200])


def booking_for_resident(*, pk: int, user) -> BulkyBooking:
    """Raises ``BulkyBooking.DoesNotExist`` for anyone else's booking."""
    return BulkyBooking.objects.select_related("slot", "case", "council").get(pk=pk, resident=user)


def bookings_for_council(*, council, date=None):
    bookings = BulkyBooking.objects.filter(council=council).select_related(
        "slot", "case", "resident"
    )
    if date:
        bookings = bookings.filter(slot__date=date)
    return bookings.order_by("slot__date", "slot__round_name", "pk")


def latest_payment(booking: BulkyBooking) -> Payment | None:
    return (
        Payment.objects.filter(purpose=Purpose.BULKY_WASTE, subject_key=str(booking.pk))
        .order_by("-created_at", "-pk")
        .first()
    )


def cutoff_for(booking: BulkyBooking) -> datetime:
    """Cancel or change before this for a full refund."""
    start = datetime.combine(booking.slot.date, COLLECTION_STARTS, tzinfo=LONDON)
    return start - timedelta(hours=charges_for(booking.council).bulky_cancel_cutoff_hours)


def price(council, quantities: dict[int, int]) -> tuple[list[dict], int, int]:
    """The lines, the total and the VAT inside it, for {item id: how many}."""
    items = {i.pk: i for i in items_for(council)}
    lines, total, vat = [], 0, 0
    for item_id, count in sorted(quantities.items()):
        if count <= 0:
            continue
        item = items.get(item_id)
        if item is None:
            raise pay.PaymentsInputError(_("Choose items from the list"), field="items")
        line_total = item.price * count
        lines.append({"id": item.pk, "name": item.name, "count": count, "price": item.price})
        total += line_total
        vat += vat_included(line_total, item.vat_rate)
    return lines, total, vat


# --- writes --------------------------------------------------------------------------------------


def _hold(slot_id: int) -> bool:
    return bool(
        CollectionSlot.objects.filter(pk=slot_id, booked__lt=F("capacity")).update(
            booked=F("booked") + 1
        )
    )


def _release(slot_id: int) -> None:
    CollectionSlot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


def bulky_booking_create(
    *,
    council,
    actor,
    resident,
    slot_id: int,
    quantities: dict[int, int],
    address: str,
    submission_key: str,
) -> BulkyBooking:
    """Hold a place in a slot and open the booking's case. Sending the same form twice makes
    one booking. Raises ``SlotGoneError`` if the slot is full."""
    existing = BulkyBooking.objects.filter(submission_key=submission_key, resident=resident).first()
    if existing:
        return existing
    if accounts_queries.level_for(resident) < LEVEL:
        raise PermissionDenied(_("Booking a collection needs your phone and address checked."))
    charges = charges_for(council)
    lines, total, vat = price(council, quantities)
    if not lines:
        raise pay.PaymentsInputError(_("Choose at least one item"), field="items")
    if sum(line["count"] for line in lines) > charges.bulky_max_items:
        raise pay.PaymentsInputError(
            _("You can book up to %(n)d items in one collection") % {"n": charges.bulky_max_items},
            field="items",
        )
    address = (address or "").strip()
    if not address:
        raise pay.PaymentsInputError(_("Enter the collection address"), field="address")
    # The concession price only once staff have approved the resident's claim.
    concession = concessions.is_approved(council=council, resident=resident)
    if concession:
        total, vat = concessions.discounted(total, vat, charges.bulky_concession_percent)
    slot = CollectionSlot.objects.filter(pk=slot_id, council=council).first()
    today = timezone.localdate(timezone.now(), LONDON)
    if slot is None or slot.date <= today:
        raise pay.PaymentsInputError(_("Choose a collection day"), field="slot")
    try:
        with transaction.atomic():
            if not _hold(slot.pk):
                raise SlotGoneError(
                    _("Sorry, %(day)s has just been fully booked. Choose another day.")
                    % {"day": _day(slot.date)},
                    field="slot",
                )
            names = ", ".join(f"{line['count']} × {line['name']}" for line in lines)
            case = case_actions.case_open_for_transaction(
                council=council,
                lgsl=LGSL,
                actor=actor,
                resident=resident,
                description=_("Bulky waste collection on %(day)s: %(items)s")
                % {"day": _day(slot.date), "items": names},
                attributes={"slot": str(slot), "items": names},
                submission_key=f"bulky-{submission_key}",
            )
            return BulkyBooking.objects.create(
                council=council,
                case=case,
                resident=resident,
                slot=slot,
                address=address,
                items=lines,
                amount=total,
                vat_amount=vat,
                concession=concession,
                submission_key=submission_key,
            )
    except IntegrityError:
        existing = BulkyBooking.objects.filter(submission_key=submission_key).first()
        if existing:
            return existing
        raise


def bulky_pay(*, booking: BulkyBooking, actor) -> Payment:
    """Start or resume paying for a held booking."""
    if booking.status != BookingStatus.HELD:
        raise pay.PaymentsInputError(_("This booking is not waiting for payment"))
    return pay.payment_start(
        council=booking.council,
        purpose=Purpose.BULKY_WASTE,
        subject_key=str(booking.pk),
        amount=booking.amount,
        vat_amount=booking.vat_amount,
        income_code=charges_for(booking.council).bulky_income_code,
        description=_("Bulky waste collection %(ref)s") % {"ref": booking.case.reference},
        actor=actor,
        resident=booking.resident,
        case=booking.case,
    )


def _locked(booking_pk) -> BulkyBooking:
    return (
        BulkyBooking.objects.select_for_update().select_related("slot", "case").get(pk=booking_pk)
    )


def _on_paid(payment: Payment) -> None:
    booking = _locked(int(payment.subject_key))
    if booking.status != BookingStatus.HELD and not (
        booking.status == BookingStatus.RELEASED and _hold(booking.slot_id)
    ):
        # Paid for a booking that was cancelled, or lost its place: give the money back.
        pay.payment_refund_by_rule(
            payment=payment, amount=payment.amount, reason=_("Booking no longer available")
        )
        case_actions.case_progress_record(
            case=booking.case,
            actor=None,
            key=f"bulky-{booking.pk}-paid-refunded-{payment.pk}",
            note=_(
                "We received your payment but the booking was no longer available, so we "
                "have refunded it in full."
            ),
        )
        return
    booking.status = BookingStatus.BOOKED
    booking.save(update_fields=["status", "updated_at"])
    case_actions.case_progress_record(
        case=booking.case,
        actor=None,
        key=f"bulky-{booking.pk}-paid",
        to=CaseStatus.ACKNOWLEDGED,
        note=_(
            "Paid £%(amount)s (payment %(ref)s). Your collection is booked for %(day)s. "
            "Put the items outside by 7am."
        )
        % {
            "amount": pay.pounds(payment.amount),
            "ref": payment.reference,
            "day": _day(booking.slot.date),
        },
    )


def _on_unpaid(payment: Payment) -> None:
    """The place stays held for a while so the resident can try again."""
    booking = _locked(int(payment.subject_key))
    if booking.status == BookingStatus.HELD and payment.failure_code != "P0040":
        case_actions.case_progress_record(
            case=booking.case,
            actor=None,
            key=f"bulky-{booking.pk}-unpaid-{payment.pk}",
            note=_(
                "Your payment did not go through (%(why)s). Nothing was taken. You can try "
                "again from your booking page."
            )
            % {"why": payment.failure_message or payment.get_status_display()},
        )


def bulky_release_stale(*, now=None) -> int:
    """Release holds older than ``HOLD`` with no payment that could still succeed."""
    now = now or timezone.now()
    released = 0
    for pk in BulkyBooking.objects.filter(
        status=BookingStatus.HELD, created_at__lt=now - HOLD
    ).values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            booking = _locked(pk)
            if booking.status != BookingStatus.HELD:
                continue
            live = Payment.objects.filter(purpose=Purpose.BULKY_WASTE, subject_key=str(pk)).exclude(
                status__in=[s for s in FINISHED_STATUSES if s != PaymentStatus.SUCCESS]
            )
            if live.exists():
                continue
            booking.status = BookingStatus.RELEASED
            booking.save(update_fields=["status", "updated_at"])
            _release(booking.slot_id)
            case_actions.case_progress_record(
                case=booking.case,
                actor=None,
                key=f"bulky-{pk}-released",
                to=CaseStatus.CLOSED,
                close_reason=CloseReason.WITHDRAWN,
                note=_("The booking was not paid for, so the collection day has been released."),
            )
            released += 1
    return released


def _require_owner_or_staff(booking: BulkyBooking, actor) -> None:
    if getattr(actor, "pk", None) == booking.resident_id:
        return
    permissions.require(actor, "payments.approve", booking)


@transaction.atomic
def bulky_reschedule(*, booking: BulkyBooking, actor, slot_id: int) -> BulkyBooking:
    _require_owner_or_staff(booking, actor)
    booking = _locked(booking.pk)
    if booking.status not in (BookingStatus.HELD, BookingStatus.BOOKED):
        raise pay.PaymentsInputError(_("Only a live booking can be changed"))
    if timezone.now() > cutoff_for(booking):
        raise pay.PaymentsInputError(
            _("It is too late to change this booking. Contact the council.")
        )
    new = CollectionSlot.objects.filter(pk=slot_id, council=booking.council).first()
    today = timezone.localdate(timezone.now(), LONDON)
    if new is None or new.date <= today:
        raise pay.PaymentsInputError(_("Choose a collection day"), field="slot")
    if new.pk == booking.slot_id:
        return booking
    if not _hold(new.pk):
        raise SlotGoneError(
            _("Sorry, that day has just been fully booked. Choose another."), field="slot"
        )
    before = booking.slot
    _release(before.pk)
    booking.slot = new
    booking.save(update_fields=["slot", "updated_at"])
    case_actions.case_progress_record(
        case=booking.case,
        actor=actor,
        key=f"bulky-{booking.pk}-moved-{new.pk}",
        note=_("Collection moved from %(old)s to %(new)s.")
        % {"old": _day(before.date), "new": _day(new.date)},
    )
    return booking


@transaction.atomic
def bulky_cancel(*, booking: BulkyBooking, actor) -> BulkyBooking:
    """Cancel; a paid booking cancelled before the cut-off is refunded in full."""
    _require_owner_or_staff(booking, actor)
    booking = _locked(booking.pk)
    if booking.status not in (BookingStatus.HELD, BookingStatus.BOOKED):
        raise pay.PaymentsInputError(_("This booking is already cancelled"))
    was_booked = booking.status == BookingStatus.BOOKED
    booking.status = BookingStatus.CANCELLED
    booking.save(update_fields=["status", "updated_at"])
    _release(booking.slot_id)
    note = _("Booking cancelled.")
    if was_booked:
        payment = Payment.objects.filter(
            purpose=Purpose.BULKY_WASTE, subject_key=str(booking.pk), status=PaymentStatus.SUCCESS
        ).first()
        if payment and timezone.now() <= cutoff_for(booking):
            refund = pay.payment_refund_by_rule(
                payment=payment, amount=payment.amount, reason=_("Cancelled before the cut-off")
            )
            if refund:
                note += " " + _("We are refunding £%(amount)s to your card.") % {
                    "amount": pay.pounds(refund.amount)
                }
        elif payment:
            note += " " + _("It was cancelled after the cut-off, so there is no refund.")
    case_actions.case_progress_record(
        case=booking.case,
        actor=actor,
        key=f"bulky-{booking.pk}-cancelled",
        to=CaseStatus.CLOSED,
        close_reason=CloseReason.WITHDRAWN,
        note=note,
    )
    return booking


def done_url(payment: Payment) -> str:
    return reverse("payments:bulky-booking", args=[int(payment.subject_key)])


purposes.register(
    Purpose.BULKY_WASTE,
    purposes.Handler(
        on_paid=_on_paid,
        on_unpaid=_on_unpaid,
        done_url=done_url,
        release_stale=bulky_release_stale,
    ),
)
