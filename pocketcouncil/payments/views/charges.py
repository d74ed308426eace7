"""Staff pages for what a council charges: prices and rules, bulky waste items, collection days
and their capacity. Thin: parse the form, call an action in ``payments.charges``, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pocketcouncil.accounts.permissions import staff_required
from pocketcouncil.payments import charges
from pocketcouncil.payments.actions import PaymentsInputError
from pocketcouncil.payments.forms import (
    BulkyItemChangeForm,
    BulkyItemForm,
    ChargesForm,
    SlotAddForm,
    SlotCapacityForm,
)
from pocketcouncil.payments.models import BulkyItem, CollectionSlot
from pocketcouncil.payments.views.staff import _council


def _pounds(pence: int) -> str:
    return f"{pence / 100:.2f}"


PENCE_FIELDS = {"garden_price_per_bin", "permit_price", "price"}


def _labels() -> dict[str, str]:
    labels = {name: str(field.label) for name, field in ChargesForm.base_fields.items()}
    labels.update({n: str(f.label) for n, f in BulkyItemChangeForm.base_fields.items()})
    labels["capacity"] = _("Capacity")
    return labels


def _shown(name: str, value) -> str:
    if value in ("", None):
        return "–"
    if name in PENCE_FIELDS and isinstance(value, int):
        return "£" + _pounds(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value).replace("\n", ", ")


def audit_rows(events) -> list[dict]:
    """Each audit row with its changes in words: the field's label, before, after."""
    labels = _labels()
    return [
        {
            "event": event,
            "changes": [
                (labels.get(name, name), _shown(name, old), _shown(name, new))
                for name, old, new in event.changes
            ],
        }
        for event in events
    ]


def _field_error(form, error: PaymentsInputError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@staff_required
def prices(request, slug: str):
    council = _council(request, slug, charges.ACTION)
    current = charges.charges_get(council)
    initial = {name: getattr(current, name) for name in charges.CHARGES_FIELDS}
    initial["garden_price_per_bin"] = _pounds(current.garden_price_per_bin)
    initial["permit_price"] = _pounds(current.permit_price)
    form = ChargesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            charges.charges_update(council=council, actor=request.user, values=form.cleaned_data)
        except PaymentsInputError as error:
            _field_error(form, error)
        else:
            messages.success(request, _("Prices and rules saved."))
            return redirect("payments:staff-charges", slug=slug)
    return render(
        request,
        "payments/staff/charges.html",
        {
            "council": council,
            "form": form,
            "events": audit_rows(charges.charges_event_list_for_council(council)),
        },
    )


@staff_required
def items(request, slug: str):
    council = _council(request, slug, charges.ACTION)
    form = BulkyItemForm(request.POST or None, initial={"vat_rate": 0, "order": 0})
    if request.method == "POST" and form.is_valid():
        try:
            item = charges.bulky_item_add(council=council, actor=request.user, **form.cleaned_data)
        except PaymentsInputError as error:
            _field_error(form, error)
        else:
            messages.success(request, _("%(item)s added.") % {"item": item.name})
            return redirect("payments:staff-bulky-items", slug=slug)
    return render(
        request,
        "payments/staff/bulky_items.html",
        {"council": council, "form": form, "items": charges.bulky_item_list_for_council(council)},
    )


@staff_required
def item(request, slug: str, pk: int):
    council = _council(request, slug, charges.ACTION)
    bulky_item = BulkyItem.objects.filter(council=council, pk=pk).first()
    if bulky_item is None:
        raise Http404
    initial = {
        "name": bulky_item.name,
        "price": _pounds(bulky_item.price),
        "vat_rate": bulky_item.vat_rate,
        "order": bulky_item.order,
        "active": bulky_item.active,
    }
    form = BulkyItemChangeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            charges.bulky_item_update(item=bulky_item, actor=request.user, **form.cleaned_data)
        except PaymentsInputError as error:
            _field_error(form, error)
        else:
            messages.success(request, _("Item saved."))
            return redirect("payments:staff-bulky-items", slug=slug)
    return render(
        request,
        "payments/staff/bulky_item.html",
        {"council": council, "form": form, "item": bulky_item},
    )


def _slots_page(request, council, *, form, capacity_error=None, status=200):
    return render(
        request,
        "payments/staff/slots.html",
        {
            "council": council,
            "form": form,
            "slots": charges.slot_list_for_council(council),
            "capacity_error": capacity_error,
        },
        status=status,
    )


@staff_required
def slots(request, slug: str):
    council = _council(request, slug, charges.ACTION)
    form = SlotAddForm(request.POST or None, initial={"repeat_weeks": 0})
    if request.method == "POST" and form.is_valid():
        try:
            added, skipped = charges.slot_add(
                council=council, actor=request.user, **form.cleaned_data
            )
        except PaymentsInputError as error:
            _field_error(form, error)
        else:
            if added:
                messages.success(
                    request,
                    ngettext(
                        "%(n)d collection day added.", "%(n)d collection days added.", len(added)
                    )
                    % {"n": len(added)},
                )
            if skipped:
                messages.info(
                    request,
                    _("The round already had %(days)s; their capacity was not changed.")
                    % {"days": ", ".join(d.isoformat() for d in skipped)},
                )
            return redirect("payments:staff-slots", slug=slug)
    return _slots_page(request, council, form=form)


def _slot(council, pk: int) -> CollectionSlot:
    slot = CollectionSlot.objects.filter(council=council, pk=pk).first()
    if slot is None:
        raise Http404
    return slot


@staff_required
@require_POST
def slot_capacity(request, slug: str, pk: int):
    council = _council(request, slug, charges.ACTION)
    slot = _slot(council, pk)
    form = SlotCapacityForm(request.POST)
    message = None
    if form.is_valid():
        try:
            charges.slot_set_capacity(
                slot=slot, actor=request.user, capacity=form.cleaned_data["capacity"]
            )
        except PaymentsInputError as error:
            message = error.message
    else:
        message = form.errors["capacity"][0]
    if message:
        return _slots_page(
            request,
            council,
            form=SlotAddForm(initial={"repeat_weeks": 0}),
            capacity_error={
                "pk": slot.pk,
                "message": message,
                "value": request.POST.get("capacity", ""),
            },
            status=400,
        )
    messages.success(
        request,
        _("%(round)s on %(day)s now takes %(n)d collections.")
        % {"round": slot.round_name, "day": slot.date.isoformat(), "n": slot.capacity},
    )
    return redirect("payments:staff-slots", slug=slug)


@staff_required
@require_POST
def slot_remove(request, slug: str, pk: int):
    council = _council(request, slug, charges.ACTION)
    slot = _slot(council, pk)
    try:
        charges.slot_remove(slot=slot, actor=request.user)
    except PaymentsInputError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(round)s on %(day)s removed.")
            % {"round": slot.round_name, "day": slot.date.isoformat()},
        )
    return redirect("payments:staff-slots", slug=slug)
