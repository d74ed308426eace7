"""Residents' parking permits: apply, see, pay, print; the staff approval queue."""

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
from pocketcouncil.accounts.permissions import staff_required
from pocketcouncil.accounts.stepup import requires_level
from pocketcouncil.councils.models import Council
from pocketcouncil.payments import actions as pay
from pocketcouncil.payments import permits
from pocketcouncil.payments.forms import GovForm
from pocketcouncil.payments.models import PaymentStatus, PermitApplication, PermitStatus
from pocketcouncil.payments.views.staff import _council as staff_council
from pocketcouncil.payments.views.staff import evidence_response

REASON = gettext_lazy("to make sure permits only go to people who live in the zone")


class ApplyForm(GovForm):
    zone = forms.ChoiceField(
        label=gettext_lazy("Parking zone"),
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose your parking zone")},
    )
    vrm = forms.CharField(
        label=gettext_lazy("Vehicle registration"),
        help_text=gettext_lazy("For example, AB12 CDE"),
        max_length=10,
        error_messages={"required": gettext_lazy("Enter the vehicle registration")},
    )
    address = forms.CharField(
        label=gettext_lazy("Your address"),
        max_length=200,
        error_messages={"required": gettext_lazy("Enter your address")},
    )
    evidence = forms.FileField(
        label=gettext_lazy("Proof the car is kept at your address"),
        help_text=gettext_lazy(
            "The vehicle's V5C logbook or insurance certificate showing your address. "
            "PDF, JPG or PNG, up to 5 MB."
        ),
        error_messages={"required": gettext_lazy("Upload proof the car is kept at your address")},
    )
    submission_key = forms.CharField(widget=forms.HiddenInput)


@requires_level(permits.LEVEL, reason=REASON)
def apply(request, slug: str):
    council = Council.objects.filter(slug=slug).first()
    if council is None:
        raise Http404
    request.council = council
    home = accounts_queries.home_for(request.user)
    form = ApplyForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "submission_key": secrets.token_urlsafe(24),
            "address": f"{home.address}, {home.postcode}" if home else "",
        },
    )
    form.fields["zone"].choices = [(z, z) for z in permits.zones_for(council)]
    if request.method == "POST" and form.is_valid():
        try:
            application = permits.permit_apply(
                council=council,
                actor=request.user,
                resident=request.user,
                zone=form.cleaned_data["zone"],
                vrm=form.cleaned_data["vrm"],
                address=form.cleaned_data["address"],
                evidence=form.cleaned_data["evidence"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except pay.PaymentsInputError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("payments:permit", pk=application.pk)
    return render(request, "payments/permit_apply.html", {"council": council, "form": form})


def _application(request, pk: int) -> PermitApplication:
    if not request.user.is_authenticated:
        raise Http404
    application = (
        PermitApplication.objects.select_related("council", "case")
        .filter(pk=pk, resident=request.user)
        .first()
    )
    if application is None:
        raise Http404
    request.council = application.council
    return application


def permit_page(request, pk: int):
    application = _application(request, pk)
    from pocketcouncil.payments.models import Payment, Purpose

    payment = (
        Payment.objects.filter(purpose=Purpose.PARKING_PERMIT, subject_key=str(pk))
        .order_by("-created_at", "-pk")
        .first()
    )
    return render(request, "payments/permit.html", {"application": application, "payment": payment})


@require_POST
def permit_pay(request, pk: int):
    application = _application(request, pk)
    try:
        payment = permits.permit_pay(application=application, actor=request.user)
    except pay.PaymentsInputError as error:
        messages.error(request, error.message)
        return redirect("payments:permit", pk=pk)
    if payment.status == PaymentStatus.SUCCESS:
        return redirect("payments:permit", pk=pk)
    return redirect(payment.next_url)


def permit_print(request, pk: int):
    application = _application(request, pk)
    if application.status != PermitStatus.ISSUED:
        raise Http404
    return render(request, "payments/permit_print.html", {"application": application})


class DecideForm(GovForm):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("approve", gettext_lazy("Approve")), ("reject", gettext_lazy("Do not approve"))],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose a decision")},
    )
    note = forms.CharField(
        label=gettext_lazy("Reason (the resident sees this)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )


@staff_required
def staff_queue(request, slug: str):
    council = staff_council(request, slug, "payments.approve")
    return render(
        request,
        "payments/staff/permits.html",
        {
            "council": council,
            "queue": permits.queue_for(council),
            "recent": permits.applications_for(council),
        },
    )


def _staff_application(request, slug: str, pk: int):
    council = staff_council(request, slug, "payments.approve")
    application = (
        PermitApplication.objects.select_related("resident", "case")
        .filter(council=council, pk=pk)
        .first()
    )
    if application is None:
        raise Http404
    return council, application


@staff_required
def staff_decide(request, slug: str, pk: int):
    council, application = _staff_application(request, slug, pk)
    form = DecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            permits.permit_decide(
                application=application,
                actor=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except pay.PaymentsInputError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Decision saved. The resident has been told."))
            return redirect("payments:staff-permits", slug=slug)
    return render(
        request,
        "payments/staff/permit_decide.html",
        {"council": council, "application": application, "form": form},
    )


@staff_required
def staff_evidence(request, slug: str, pk: int):
    _council, application = _staff_application(request, slug, pk)
    return evidence_response(application.evidence, application.evidence_type)
