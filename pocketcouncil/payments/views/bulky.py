"""Bulky waste: book (items, day, address), pay, see, change and cancel; the staff list."""

from __future__ import annotations

import secrets

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pocketcouncil.accounts import queries as accounts_queries
from pocketcouncil.accounts.permissions import staff_required
from pocketcouncil.accounts.stepup import requires_level
from pocketcouncil.councils.models import Council
from pocketcouncil.payments import actions as pay
from pocketcouncil.payments import bulky, concessions
from pocketcouncil.payments.forms import GovForm
from pocketcouncil.payments.models import BookingStatus, BulkyBooking, PaymentStatus
from pocketcouncil.payments.views.staff import _council as staff_council

REASON = gettext_lazy("to make sure collections go to people who live in the council's area")


def _slot_label(slot) -> str:
    return _("%(day)s (%(round)s): %(n)d left") % {
        "day": bulky._day(slot.date),
        "round": slot.round_name,
        "n": slot.places_left,
    }


class BookForm(GovForm):
    slot = forms.TypedChoiceField(
        label=gettext_lazy("Collection day"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose a collection day")},
    )
    address = forms.CharField(
        label=gettext_lazy("Collection address"),
        max_length=200,
        error_messages={"required": gettext_lazy("Enter the collection address")},
    )
    submission_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, items, slots, max_items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.IntegerField(
                label=f"{item.name} (£{item.price / 100:.2f})",
                min_value=0,
                max_value=max_items,
                initial=0,
                required=False,
                widget=forms.NumberInput(attrs={"class": "govuk-input--width-2"}),
                error_messages={
                    "min_value": gettext_lazy("Enter 0 or more"),
                    "max_value": gettext_lazy("That is more items than one collection takes"),
                    "invalid": gettext_lazy("Enter a whole number, like 1"),
                },
            )
        self.fields["slot"].choices = [(s.pk, _slot_label(s)) for s in slots]
        self.order_fields([f"item_{i.pk}" for i in items] + ["slot", "address"])

    def quantities(self) -> dict[int, int]:
        return {i.pk: self.cleaned_data.get(f"item_{i.pk}") or 0 for i in self.items}


def _council_or_404(slug: str) -> Council:
    council = Council.objects.filter(slug=slug).first()
    if council is None:
        raise Http404
    return council


def _go_to_pay(request, booking):
    try:
        payment = bulky.bulky_pay(booking=booking, actor=request.user)
    except pay.PaymentsInputError as error:
        messages.error(request, error.message)
        return redirect("payments:bulky-booking", pk=booking.pk)
    if payment.status == PaymentStatus.SUCCESS:
        return redirect("payments:bulky-booking", pk=booking.pk)
    return redirect(payment.next_url)


@requires_level(bulky.LEVEL, reason=REASON)
def book(request, slug: str):
    council = _council_or_404(slug)
    request.council = council
    items = bulky.items_for(council)
    slots = bulky.slots_open(council)
    charges = bulky.charges_for(council)
    home = accounts_queries.home_for(request.user)
    form = BookForm(
        request.POST or None,
        items=items,
        slots=bulky.slots_future(council) if request.method == "POST" else slots,
        max_items=charges.bulky_max_items,
        initial={
            "submission_key": secrets.token_urlsafe(24),
            "address": f"{home.address}, {home.postcode}" if home else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            booking = bulky.bulky_booking_create(
                council=council,
                actor=request.user,
                resident=request.user,
                slot_id=form.cleaned_data["slot"],
                quantities=form.quantities(),
                address=form.cleaned_data["address"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except pay.PaymentsInputError as error:
            field = error.field if error.field in form.fields else None
            if error.field == "items" and items:
                field = f"item_{items[0].pk}"
            form.add_error(field, error.message)
            if isinstance(error, bulky.SlotGoneError):  # show the days still open
                form.fields["slot"].choices = [
                    (s.pk, _slot_label(s)) for s in bulky.slots_open(council)
                ]
        else:
            return _go_to_pay(request, booking)
    return render(
        request,
        "payments/bulky_book.html",
        {
            "council": council,
            "form": form,
            "items": items,
            "slots": slots,
            "charges": charges,
            "concession": concessions.claim_for(council=council, resident=request.user),
        },
    )


def _booking(request, pk: int) -> BulkyBooking:
    if not request.user.is_authenticated:
        raise Http404
    try:
        booking = bulky.booking_for_resident(pk=pk, user=request.user)
    except BulkyBooking.DoesNotExist:
        raise Http404 from None
    request.council = booking.council
    return booking


def booking_page(request, pk: int):
    booking = _booking(request, pk)
    payment = bulky.latest_payment(booking)
    return render(
        request,
        "payments/bulky_booking.html",
        {
            "booking": booking,
            "payment": payment,
            "cutoff": bulky.cutoff_for(booking),
            "before_cutoff": timezone.now() <= bulky.cutoff_for(booking),
            "live": booking.status in (BookingStatus.HELD, BookingStatus.BOOKED),
        },
    )


@require_POST
def booking_pay(request, pk: int):
    return _go_to_pay(request, _booking(request, pk))


class ChangeForm(GovForm):
    slot = forms.TypedChoiceField(
        label=gettext_lazy("New collection day"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose a collection day")},
    )


def booking_change(request, pk: int):
    booking = _booking(request, pk)
    form = ChangeForm(request.POST or None)
    offered = (
        bulky.slots_future(booking.council)
        if request.method == "POST"
        else bulky.slots_open(booking.council)
    )
    form.fields["slot"].choices = [
        (s.pk, _slot_label(s)) for s in offered if s.pk != booking.slot_id
    ]
    if request.method == "POST" and form.is_valid():
        try:
            bulky.bulky_reschedule(
                booking=booking, actor=request.user, slot_id=form.cleaned_data["slot"]
            )
        except pay.PaymentsInputError as error:
            form.add_error("slot" if error.field == "slot" else None, error.message)
            form.fields["slot"].choices = [
                (s.pk, _slot_label(s))
                for s in bulky.slots_open(booking.council)
                if s.pk != booking.slot_id
            ]
        else:
            messages.success(request, _("Your collection day has been changed."))
            return redirect("payments:bulky-booking", pk=pk)
    return render(request, "payments/bulky_change.html", {"booking": booking, "form": form})


def booking_cancel(request, pk: int):
    booking = _booking(request, pk)
    if request.method == "POST":
        try:
            bulky.bulky_cancel(booking=booking, actor=request.user)
        except pay.PaymentsInputError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your booking has been cancelled."))
        return redirect("payments:bulky-booking", pk=pk)
    return render(
        request,
        "payments/bulky_cancel.html",
        {
            "booking": booking,
            "before_cutoff": timezone.now() <= bulky.cutoff_for(booking),
            "cutoff": bulky.cutoff_for(booking),
        },
    )


@staff_required
def staff_bookings(request, slug: str):
    council = staff_council(request, slug, "payments.view")
    date_field = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    try:
        day = date_field.clean(request.GET.get("date") or None)
    except forms.ValidationError:
        day = None
    return render(
        request,
        "payments/staff/bulky.html",
        {
            "council": council,
            "day": day,
            "bookings": bulky.bookings_for_council(council=council, date=day)[:200],
            "slots": bulky.slots_open(council),
        },
    )


@staff_required
@require_POST
def staff_cancel(request, slug: str, pk: int):
    council = staff_council(request, slug, "payments.approve")
    booking = BulkyBooking.objects.filter(council=council, pk=pk).first()
    if booking is None:
        raise Http404
    try:
        bulky.bulky_cancel(booking=booking, actor=request.user)
    except pay.PaymentsInputError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Booking cancelled."))
    return redirect("payments:staff-bulky", slug=slug)
