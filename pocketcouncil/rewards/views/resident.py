"""Resident pages: the scheme and joining it, your points with the reason for each, badges,
offers and your codes, the ward champions list. Everything works without JavaScript."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pocketcouncil.councils.models import Council
from pocketcouncil.rewards import actions, offers, queries
from pocketcouncil.rewards.forms import ChampionForm, JoinForm


def _council(request, slug: str) -> Council:
    council = Council.objects.filter(slug=slug).first()
    if council is None:
        raise Http404
    request.council = council
    return council


def scheme_page(request, slug: str):
    """What the scheme is, what earns points; your points and badges once you have joined."""
    council = _council(request, slug)
    scheme = actions.scheme_for(council)
    membership = actions.membership_of(council, request.user)
    form = JoinForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        if form.is_valid():
            try:
                actions.membership_join(
                    council=council,
                    actor=request.user,
                    age_band=form.cleaned_data["age_band"],
                    show_as_champion=form.cleaned_data["show_as_champion"],
                )
            except actions.RewardsError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("You have joined the thank-you scheme."))
                return redirect("rewards:scheme", slug=slug)
    context = {
        "council": council,
        "scheme": scheme,
        "rules": [r for r in actions.rules_for(council) if r.is_active],
        "membership": membership,
        "form": form,
    }
    if membership is not None:
        context.update(
            balance=actions.balance_of(council, request.user),
            badges=queries.badges_for(council, request.user),
            ledger=queries.ledger_for(council, request.user),
            champion_form=ChampionForm(initial={"show_as_champion": membership.show_as_champion}),
        )
    return render(request, "rewards/scheme.html", context)


@login_required
@require_POST
def champion_choice(request, slug: str):
    council = _council(request, slug)
    membership = actions.membership_of(council, request.user)
    if membership is None:
        raise Http404
    form = ChampionForm(request.POST)
    form.is_valid()
    try:
        actions.membership_join(
            council=council,
            actor=request.user,
            age_band=membership.age_band,
            show_as_champion=form.cleaned_data.get("show_as_champion", False),
        )
    except actions.RewardsError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Your choice is saved."))
    return redirect("rewards:scheme", slug=slug)


@login_required
def leave(request, slug: str):
    council = _council(request, slug)
    if actions.membership_of(council, request.user) is None:
        return redirect("rewards:scheme", slug=slug)
    if request.method == "POST":
        actions.membership_leave(council=council, actor=request.user)
        messages.success(request, _("You have left the thank-you scheme."))
        return redirect("rewards:scheme", slug=slug)
    return render(request, "rewards/leave.html", {"council": council})


def offer_list(request, slug: str):
    council = _council(request, slug)
    membership = actions.membership_of(council, request.user)
    balance = actions.balance_of(council, request.user) if membership else 0
    items = [
        {"offer": offer, "why_not": offers.why_unavailable(offer, membership, balance=balance)}
        for offer in queries.offers_open(council)
    ]
    return render(
        request,
        "rewards/offers.html",
        {
            "council": council,
            "scheme": actions.scheme_for(council),
            "membership": membership,
            "items": items,
            "balance": balance,
            "redemptions": queries.redemptions_for(council, request.user) if membership else [],
        },
    )


@login_required
def offer_take(request, slug: str, pk: int):
    """Check and confirm: spending points is never one accidental tap."""
    council = _council(request, slug)
    offer = queries.offer_get(council, pk)
    if offer is None:
        raise Http404
    membership = actions.membership_of(council, request.user)
    error = ""
    if request.method == "POST":
        try:
            redemption = offers.offer_redeem(offer=offer, actor=request.user)
        except actions.RewardsError as refused:
            error = refused.message
        else:
            return redirect("rewards:code", slug=slug, pk=redemption.pk)
    return render(
        request,
        "rewards/offer_take.html",
        {
            "council": council,
            "offer": offer,
            "why_not": error or offers.why_unavailable(offer, membership),
            "error": error,
            "balance": actions.balance_of(council, request.user) if membership else 0,
        },
    )


@login_required
def code_page(request, slug: str, pk: int):
    council = _council(request, slug)
    redemption = queries.redemption_for(council, request.user, pk)
    if redemption is None:
        raise Http404
    till_url = request.build_absolute_uri(reverse("rewards:till") + f"?code={redemption.code}")
    return render(
        request,
        "rewards/code.html",
        {
            "council": council,
            "redemption": redemption,
            "code": offers.display_code(redemption.code),
            "qr": offers.qr_svg(till_url) if redemption.status == "issued" else "",
        },
    )


@login_required
@require_POST
def code_cancel(request, slug: str, pk: int):
    council = _council(request, slug)
    redemption = queries.redemption_for(council, request.user, pk)
    if redemption is None:
        raise Http404
    try:
        offers.redemption_cancel(redemption=redemption, actor=request.user)
    except actions.RewardsError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Cancelled. Your points are back."))
    return redirect("rewards:code", slug=slug, pk=pk)


def champions(request, slug: str):
    council = _council(request, slug)
    wards = queries.wards_with_members(council)
    chosen = next((w for w in wards if str(w.pk) == request.GET.get("ward", "")), None)
    return render(
        request,
        "rewards/champions.html",
        {
            "council": council,
            "wards": wards,
            "ward": chosen,
            "champions": queries.champions_for_ward(council, chosen) if chosen else [],
        },
    )
