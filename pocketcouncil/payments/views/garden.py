"""Garden waste: subscribe, pay, see, renew and cancel."""

from __future__ import annotations

import secrets

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pocketcouncil.accounts import queries as accounts_queries
from pocketcouncil.accounts.stepup import requires_level
from pocketcouncil.councils.models import Council
from pocketcouncil.payments import actions as pay
from pocketcouncil.payments import garden
from pocketcouncil.payments.bulky import charges_for
from pocketcouncil.payments.forms import GovForm
from pocketcouncil.payments.models import GardenSubscription, PaymentStatus

REASON = gettext_lazy("so you can see and manage your subscription")


class SubscribeForm(GovForm):
    bins = forms.TypedChoiceField(
        label=gettext_lazy("How many bins?"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, garden.MAX_BINS + 1)],
        widget=forms.RadioSelect,
        initial=1,
        error_messages={"required": gettext_lazy("Choose how many bins")},
    )
    address = forms.CharField(
        label=gettext_lazy("Address for the bins"),
        max_length=200,
        error_messages={"required": gettext_lazy("Enter the address for the bins")},
    )
    submission_key = forms.CharField(widget=forms.HiddenInput)


def _go_to_pay(request, sub):
    try:
        payment = garden.subscription_pay(sub=sub, actor=request.user)
    except pay.PaymentsInputError as error:
        messages.error(request, error.message)
        return redirect("payments:garden-subscription", pk=sub.pk)
    if payment.status == PaymentStatus.SUCCESS:
        return redirect("payments:garden-subscription", pk=sub.pk)
    return redirect(payment.next_url)


@requires_level(garden.LEVEL, reason=REASON)
def subscribe(request, slug: str):
    council = Council.objects.filter(slug=slug).first()
    if council is None:
        raise Http404
    request.council = council
    home = accounts_queries.home_for(request.user)
    form = SubscribeForm(
        request.POST or None,
        initial={
            "submission_key": secrets.token_urlsafe(24),
            "address": f"{home.address}, {home.postcode}" if home else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            sub = garden.subscription_create(
                council=council,
                actor=request.user,
                resident=request.user,
                bins=form.cleaned_data["bins"],
                address=form.cleaned_data["address"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except pay.PaymentsInputError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return _go_to_pay(request, sub)
    return render(
        request,
        "payments/garden_subscribe.html",
        {"council": council, "form": form, "charges": charges_for(council)},
    )


def _sub(request, pk: int) -> GardenSubscription:
    if not request.user.is_authenticated:
        raise Http404
    try:
        sub = garden.subscription_for_resident(pk=pk, user=request.user)
    except GardenSubscription.DoesNotExist:
        raise Http404 from None
    request.council = sub.council
    return sub


def subscription_page(request, pk: int):
    sub = _sub(request, pk)
    payment = garden.latest_payment(sub)
    renewal = GardenSubscription.objects.filter(renewal_of=sub).first()
    return render(
        request,
        "payments/garden_subscription.html",
        {"sub": sub, "payment": payment, "can_renew": garden.can_renew(sub), "renewal": renewal},
    )


@require_POST
def subscription_pay(request, pk: int):
    return _go_to_pay(request, _sub(request, pk))


@require_POST
def subscription_renew(request, pk: int):
    sub = _sub(request, pk)
    try:
        renewal = garden.subscription_create(
            council=sub.council,
            actor=request.user,
            resident=request.user,
            bins=sub.bins,
            address=sub.address,
            submission_key=f"renew-{sub.pk}",
            renewal_of=sub,
        )
    except pay.PaymentsInputError as error:
        messages.error(request, error.message)
        return redirect("payments:garden-subscription", pk=pk)
    return _go_to_pay(request, renewal)


def subscription_cancel(request, pk: int):
    sub = _sub(request, pk)
    payment = garden.latest_payment(sub)
    if request.method == "POST":
        try:
            garden.subscription_cancel(sub=sub, actor=request.user)
        except pay.PaymentsInputError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your subscription has been cancelled."))
        return redirect("payments:garden-subscription", pk=pk)
    refund = garden.refund_due(sub, paid=payment.amount) if payment and payment.is_paid else 0
    return render(request, "payments/garden_cancel.html", {"sub": sub, "refund": refund})
