"""Staff pages: payments and bookings, refunds, the daily reconciliation and refunds reports,
and the council's GOV.UK Pay account. Each page checks the council role; each action checks
again."""

from __future__ import annotations

import csv
from pathlib import Path

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from pocketcouncil.accounts import permissions
from pocketcouncil.accounts.permissions import staff_required
from pocketcouncil.core.files import private_file_response
from pocketcouncil.councils.models import Council
from pocketcouncil.payments import actions, queries
from pocketcouncil.payments.forms import DayForm, PayAccountForm, RefundForm
from pocketcouncil.payments.models import Payment, PaymentStatus


def _council(request, slug: str, action: str) -> Council:
    council = Council.objects.filter(slug=slug).first()
    if council is None:
        raise Http404
    permissions.require(request.user, action, council)
    request.council = council
    return council


def _today():
    return timezone.localdate(timezone=queries.LONDON)


@staff_required
def payments(request, slug: str):
    council = _council(request, slug, "payments.view")
    status = request.GET.get("status", "")
    if status not in PaymentStatus.values:
        status = ""
    page = Paginator(queries.payment_list_for_council(council=council, status=status), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "payments/staff/payments.html",
        {
            "council": council,
            "page": page,
            "status": status,
            "statuses": PaymentStatus.choices,
            "today": _today(),
            "can_manage": permissions.has_perm(request.user, "payments.manage", council),
            "can_set_prices": permissions.has_perm(request.user, "payments.set_prices", council),
        },
    )


@staff_required
def payment_page(request, slug: str, reference: str):
    council = _council(request, slug, "payments.view")
    try:
        payment = queries.payment_get(council=council, reference=reference)
    except Payment.DoesNotExist:
        raise Http404 from None
    can_refund = permissions.has_perm(request.user, "payments.refund", council)
    form = RefundForm(request.POST or None)
    if request.method == "POST":
        permissions.require(request.user, "payments.refund", payment)
        if form.is_valid():
            try:
                actions.payment_refund(
                    payment=payment,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except actions.PaymentsInputError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("Refund sent to GOV.UK Pay."))
                return redirect("payments:staff-payment", slug=slug, reference=reference)
    return render(
        request,
        "payments/staff/payment.html",
        {
            "council": council,
            "payment": payment,
            "events": payment.events.select_related("actor"),
            "refunds": payment.refunds.select_related("requested_by"),
            "form": form,
            "can_refund": can_refund and payment.refundable_amount > 0,
        },
    )


def _money(pence: int) -> str:
    return f"{pence / 100:.2f}"


@staff_required
def reconciliation_csv(request, slug: str):
    """The day's payments taken, one row each with its income code, and a total per code."""
    council = _council(request, slug, "payments.view")
    form = DayForm(request.GET)
    day = (form.cleaned_data.get("date") if form.is_valid() else None) or _today()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="payments-{council.slug}-{day:%Y-%m-%d}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        [
            "date",
            "time",
            "reference",
            "gov_uk_pay_id",
            "purpose",
            "income_code",
            "amount",
            "vat",
            "refunded",
            "description",
        ]
    )
    totals: dict[str, int] = {}
    for payment in queries.payments_taken_on(council=council, day=day):
        at = timezone.localtime(payment.finished_at, queries.LONDON)
        writer.writerow(
            [
                at.date().isoformat(),
                at.strftime("%H:%M:%S"),
                payment.reference,
                payment.pay_id,
                payment.purpose,
                payment.income_code,
                _money(payment.amount),
                _money(payment.vat_amount),
                _money(payment.refunded_amount),
                _csv_safe(payment.description),
            ]
        )
        totals[payment.income_code] = totals.get(payment.income_code, 0) + payment.amount
    for code, total in sorted(totals.items()):
        writer.writerow([day.isoformat(), "", "TOTAL", "", "", code, _money(total), "", "", ""])
    return response


def _csv_safe(text: str) -> str:
    """Stop a spreadsheet running a formula someone typed (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@staff_required
def refunds_report(request, slug: str):
    council = _council(request, slug, "payments.view")
    form = DayForm(request.GET)
    valid = form.is_valid()
    end = (form.cleaned_data.get("to") if valid else None) or _today()
    start = (form.cleaned_data.get("date") if valid else None) or end.replace(day=1)
    refunds = queries.refunds_between(council=council, start=start, end=end)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="refunds-{council.slug}-{start:%Y-%m-%d}-{end:%Y-%m-%d}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow(
            ["date", "payment_reference", "income_code", "amount", "status", "reason", "by"]
        )
        for refund in refunds:
            writer.writerow(
                [
                    timezone.localtime(refund.created_at, queries.LONDON).date().isoformat(),
                    refund.payment.reference,
                    refund.payment.income_code,
                    _money(refund.amount),
                    refund.status,
                    _csv_safe(refund.reason),
                    refund.requested_by.get_full_name() if refund.requested_by else _("By rule"),
                ]
            )
        return response
    return render(
        request,
        "payments/staff/refunds.html",
        {
            "council": council,
            "refunds": refunds,
            "start": start,
            "end": end,
            "total": sum(r.amount for r in refunds),
        },
    )


@staff_required
def account(request, slug: str):
    council = _council(request, slug, "payments.manage")
    existing = queries.pay_account_for(council)
    form = PayAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.pay_account_set(
                council=council,
                actor=request.user,
                api_key=form.cleaned_data["api_key"],
                webhook_secret=form.cleaned_data["webhook_secret"],
            )
        except actions.PaymentsInputError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("GOV.UK Pay account saved."))
            return redirect("payments:staff-account", slug=slug)
    return render(
        request,
        "payments/staff/account.html",
        {
            "council": council,
            "account": existing,
            "form": form,
            "webhook_url": request.build_absolute_uri(f"/payments/webhook/{council.slug}/"),
        },
    )


def evidence_response(file, content_type: str):
    """A resident's uploaded evidence for staff: always downloaded, never cached (a signed,
    short-lived link on object storage)."""
    return private_file_response(
        file, content_type=content_type, filename=Path(file.name).name or "evidence"
    )
