"""The staff page where a service manager sees what the front door learned from their council's
corrections, switches a learned phrase off and discards training pairs. Thin: authorise, call
``actions`` or ``learning``, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pocketcouncil.accounts import permissions
from pocketcouncil.accounts.permissions import staff_required
from pocketcouncil.councils.models import Council
from pocketcouncil.services import actions, learning
from pocketcouncil.services.models import LearnedPhrase, TrainingPair


def _council(request, slug: str) -> Council:
    council = Council.objects.filter(slug=slug).first()
    if council is None:
        raise Http404
    permissions.require(request.user, "services.edit", council)
    return council


@staff_required
@require_GET
def learned(request, slug: str):
    council = _council(request, slug)
    return render(
        request,
        "services/staff/learning.html",
        {
            "council": council,
            "phrases": learning.learned_phrase_list_for_council(council=council),
            "pairs": learning.training_pair_list_for_council(council=council),
            "min_evidence": learning.MIN_EVIDENCE,
        },
    )


@staff_required
@require_POST
def phrase_off(request, slug: str, pk: int):
    council = _council(request, slug)
    phrase = LearnedPhrase.objects.filter(council=council, pk=pk).first()
    if phrase is None:
        raise Http404
    actions.learned_phrase_deactivate(phrase=phrase, actor=request.user)
    messages.success(
        request,
        _("The front door no longer uses “%(phrase)s” and will not learn it again.")
        % {"phrase": phrase.phrase},
    )
    return redirect("services:staff-learning", slug=council.slug)


@staff_required
@require_POST
def pair_discard(request, slug: str, pk: int):
    council = _council(request, slug)
    pair = TrainingPair.objects.filter(council=council, pk=pk).first()
    if pair is None:
        raise Http404
    actions.training_pair_discard(pair=pair, actor=request.user)
    messages.success(
        request,
        _("Discarded. The next learning run leaves it out, with anything only it taught."),
    )
    return redirect("services:staff-learning", slug=council.slug)
