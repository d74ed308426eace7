"""Pay a parking fine: find it by PCN number and registration, see what is due, pay; the
council's CSV feed upload for staff."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pocketcouncil.accounts.permissions import staff_required
from pocketcouncil.core import ratelimit
from pocketcouncil.councils.models import Council
from pocketcouncil.payments import actions as pay
from pocketcouncil.payments import pcn, queries
from pocketcouncil.payments.forms import GovForm
from pocketcouncil.payments.models import ChargeStatus, PaymentStatus, PenaltyCharge
from pocketcouncil.payments.views.staff import _council as staff_council

SESSION_KEY = "payments_pcn_found"
LOOKUPS_PER_HOUR = 20


class FindForm(GovForm):
    pcn_number = forms.CharField(
        label=gettext_lazy("Penalty charge notice (PCN) number"),
        help_text=gettext_lazy("It is on the notice, like OX12345678"),
        max_length=20,
        error_messages={"required": gettext_lazy("Enter the PCN number")},
    )
    vrm = forms.CharField(
        label=gettext_lazy("Vehicle registration"),
        help_text=gettext_lazy("For example, AB12 CDE"),
        max_length=10,
        error_messages={"required": gettext_lazy("Enter the vehicle registration")},
    )


def find(request, slug: str):
    council = Council.objects.filter(slug=slug).first()
    if council is None:
        raise Http404
    request.council = council
    form = FindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.allow(
            f"pcn:ip:{ratelimit.client_ip(request)}", limit=LOOKUPS_PER_HOUR, seconds=3600
        ):
            form.add_error(None, _("You have tried too many times. Try again in an hour."))
        else:
            charge = pcn.charge_find(
                council=council,
                pcn_number=form.cleaned_data["pcn_number"],
                vrm=form.cleaned_data["vrm"],
            )
            if charge is None:
                form.add_error(
                    "pcn_number",
                    _(
                        "We cannot find a penalty charge with that number and registration. "
                        "Check both against the notice."
                    ),
                )
            else:
                found = set(request.session.get(SESSION_KEY, []))
                found.add(charge.pk)
                request.session[SESSION_KEY] = sorted(found)[-10:]
                return redirect("payments:pcn-charge", pk=charge.pk)
    return render(request, "payments/pcn_find.html", {"council": council, "form": form})


def _charge(request, pk: int) -> PenaltyCharge:
    if pk not in request.session.get(SESSION_KEY, []):
        raise Http404
    charge = PenaltyCharge.objects.select_related("council").filter(pk=pk).first()
    if charge is None:
        raise Http404
    request.council = charge.council
    return charge


def charge_page(request, pk: int):
    charge = _charge(request, pk)
    return render(
        request,
        "payments/pcn_charge.html",
        {
            "charge": charge,
            "due": pcn.amount_due(charge),
            "discount_ends": pcn.discount_ends(charge),
            "discounted": pcn.amount_due(charge) < charge.full_amount,
            "outstanding": charge.status == ChargeStatus.OUTSTANDING,
        },
    )


@require_POST
def charge_pay(request, pk: int):
    charge = _charge(request, pk)
    try:
        payment = pcn.charge_pay(charge=charge, actor=request.user)
    except pay.PaymentsInputError as error:
        messages.error(request, error.message)
        return redirect("payments:pcn-charge", pk=pk)
    if payment.status == PaymentStatus.SUCCESS:
        return redirect("payments:pcn-result", token=payment.return_token)
    return redirect(payment.next_url)


def result(request, token: str):
    payment = queries.payment_by_return_token(token)
    if payment is None:
        raise Http404
    charge = PenaltyCharge.objects.select_related("council", "case").get(
        pk=int(payment.subject_key)
    )
    request.council = charge.council
    found = set(request.session.get(SESSION_KEY, []))
    found.add(charge.pk)  # the secret return token proves they started this payment
    request.session[SESSION_KEY] = sorted(found)[-10:]
    return render(request, "payments/pcn_result.html", {"charge": charge, "payment": payment})


class FeedForm(GovForm):
    file = forms.FileField(
        label=gettext_lazy("CSV file of penalty charges"),
        help_text=gettext_lazy(
            "Columns: pcn_number, vrm, issued_on (YYYY-MM-DD), contravention, full_amount, "
            "discount_amount (pounds), and optionally status (closed)."
        ),
        error_messages={"required": gettext_lazy("Choose a CSV file")},
    )


@staff_required
def staff_feed(request, slug: str):
    council = staff_council(request, slug, "payments.manage")
    form = FeedForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = upload.read(5_000_000).decode("utf-8")
            report = pcn.charges_import(council=council, actor=request.user, text=text)
        except UnicodeDecodeError:
            form.add_error("file", _("The file must be a CSV saved as UTF-8"))
        except pay.PaymentsInputError as error:
            form.add_error("file", error.message)
        else:
            messages.success(
                request,
                _("Loaded %(rows)d penalty charges: %(created)d new, %(updated)d updated.")
                % report,
            )
            return redirect("payments:staff-pcn", slug=slug)
    recent = PenaltyCharge.objects.filter(council=council).order_by("-imported_at", "-pk")[:50]
    return render(
        request, "payments/staff/pcn.html", {"council": council, "form": form, "recent": recent}
    )
