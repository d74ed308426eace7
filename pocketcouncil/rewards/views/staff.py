"""Staff pages: switch the scheme on, set its budget and rules; see whether it moves residents
to digital channels; deal with anomaly flags. Offers and partners are kept in the admin."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pocketcouncil.accounts import permissions
from pocketcouncil.accounts.permissions import staff_required
from pocketcouncil.councils.models import Council
from pocketcouncil.rewards import actions, queries
from pocketcouncil.rewards.forms import ResolveForm, RuleForm, SchemeForm


def _council(request, slug: str, action: str) -> Council:
    council = Council.objects.filter(slug=slug).first()
    if council is None:
        raise Http404
    permissions.require(request.user, action, council)
    request.council = council
    return council


def _add(form, error: actions.RewardsError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@staff_required
def scheme(request, slug: str):
    council = _council(request, slug, "rewards.manage")
    current = actions.scheme_for(council)
    rules = actions.rules_for(council)
    posted = request.POST if request.method == "POST" else None
    form = SchemeForm(
        posted,
        initial={
            "is_active": current.is_active,
            "monthly_budget": Decimal(current.monthly_budget_pence) / 100,
            "redemptions_per_month": current.redemptions_per_month,
            "rejected_reports_flag": current.rejected_reports_flag,
        },
    )
    rule_forms = [
        (
            rule,
            RuleForm(
                posted,
                prefix=rule.kind,
                initial={
                    "is_active": rule.is_active,
                    "points": rule.points,
                    "cap_count": rule.cap_count,
                    "cap_period": rule.cap_period,
                    "cooldown_hours": rule.cooldown_hours,
                },
            ),
        )
        for rule in rules
    ]
    if posted is not None:
        # Every form is validated (a list, not a generator), so every error shows at once.
        valid = form.is_valid() & all([f.is_valid() for _rule, f in rule_forms])  # noqa: C419
        if valid:
            try:
                actions.scheme_update(
                    council=council,
                    actor=request.user,
                    is_active=form.cleaned_data["is_active"],
                    monthly_budget_pence=int(form.cleaned_data["monthly_budget"] * 100),
                    redemptions_per_month=form.cleaned_data["redemptions_per_month"],
                    rejected_reports_flag=form.cleaned_data["rejected_reports_flag"],
                )
            except actions.RewardsError as error:
                _add(form, error)
                valid = False
        for rule, rule_form in rule_forms if valid else []:
            try:
                actions.rule_update(rule=rule, actor=request.user, **rule_form.cleaned_data)
            except actions.RewardsError as error:
                _add(rule_form, error)
                valid = False
        if valid:
            messages.success(request, _("Thank-you scheme saved."))
            return redirect("rewards:staff-scheme", slug=slug)
    return render(
        request,
        "rewards/staff/scheme.html",
        {
            "council": council,
            "scheme": current,
            "form": form,
            "rule_forms": rule_forms,
            "forms_with_errors": [f for f in [form, *[rf for _r, rf in rule_forms]] if f.errors],
            "figures": queries.scheme_figures(council),
            "shift": queries.digital_shift_by_ward(council),
            "wards": queries.members_by_ward(council),
        },
    )


@staff_required
def flags(request, slug: str):
    council = _council(request, slug, "rewards.review")
    return render(
        request,
        "rewards/staff/flags.html",
        {"council": council, "flags": queries.flags_open(council), "form": ResolveForm()},
    )


@staff_required
@require_POST
def flag_resolve(request, slug: str, pk: int):
    council = _council(request, slug, "rewards.review")
    flag = queries.flag_get(council, pk)
    if flag is None:
        raise Http404
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            actions.flag_resolve(
                flag=flag, actor=request.user, resolution=form.cleaned_data["resolution"]
            )
        except actions.RewardsError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Flag dealt with."))
    else:
        messages.error(request, form.errors["resolution"][0])
    return redirect("rewards:staff-flags", slug=slug)
