"""Staff pages: news and disruptions, collection rounds, one-off changes, missed rounds.

Every page needs a council role with two-factor authentication (``staff_required``) and
``news.publish`` in the council; every action checks the permission again itself.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pocketcouncil.accounts import permissions
from pocketcouncil.accounts.permissions import staff_required
from pocketcouncil.councils.models import Council
from pocketcouncil.news import actions, queries
from pocketcouncil.news.forms import AnnouncementForm, MissedRoundForm, RoundChangeForm, RoundForm
from pocketcouncil.news.models import Announcement, Round

WEEKS_SHOWN = 8


def _council(request, slug: str) -> Council:
    council = Council.objects.filter(slug=slug).first()
    if council is None:
        raise Http404
    permissions.require(request.user, "news.publish", council)
    request.council = council
    return council


def _round(council, pk: int) -> Round:
    try:
        return queries.round_get(council=council, pk=pk)
    except Round.DoesNotExist:
        raise Http404 from None


def _render(request, template, council, **context):
    return render(request, template, {"council": council, "page_council": council, **context})


@staff_required
def news_list(request, slug: str):
    council = _council(request, slug)
    return _render(
        request,
        "news/staff/news_list.html",
        council,
        announcements=queries.announcement_list_for_staff(council=council),
        now=timezone.now(),
    )


@staff_required
def news_new(request, slug: str):
    council = _council(request, slug)
    form = AnnouncementForm(request.POST or None, council=council)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.announcement_publish(
                actor=request.user,
                council=council,
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                title_cy=data["title_cy"],
                body_cy=data["body_cy"],
                topic=data["topic"],
                area_ids=[a.pk for a in data["areas"]],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                urgent=data["urgent"],
            )
        except actions.NewsInputError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Published: %(t)s") % {"t": data["title"]})
            return redirect("news:staff-news", slug=council.slug)
    return _render(request, "news/staff/news_form.html", council, form=form)


@staff_required
@require_POST
def news_end(request, slug: str, pk: int):
    council = _council(request, slug)
    try:
        announcement = queries.announcement_get(council=council, pk=pk)
    except Announcement.DoesNotExist:
        raise Http404 from None
    actions.announcement_end(actor=request.user, announcement=announcement)
    messages.success(request, _("%(t)s is no longer shown.") % {"t": announcement.title})
    return redirect("news:staff-news", slug=council.slug)


@staff_required
def round_list(request, slug: str):
    council = _council(request, slug)
    return _render(
        request,
        "news/staff/round_list.html",
        council,
        rounds=queries.round_list_for_council(council=council),
        missed=queries.missed_round_list_for_council(council=council, limit=20),
    )


def _round_form(request, council, round_: Round | None):
    initial = None
    if round_ is not None:
        initial = {
            "name": round_.name,
            "bin_types": round_.bin_types,
            "frequency": round_.frequency,
            "first_collection": round_.first_collection,
            "areas": list(round_.areas.values_list("pk", flat=True)),
        }
    form = RoundForm(request.POST or None, council=council, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = actions.round_save(
                actor=request.user,
                council=council,
                name=data["name"],
                bin_types=data["bin_types"],
                frequency=data["frequency"],
                first_collection=data["first_collection"],
                area_ids=[a.pk for a in data["areas"]],
                round_=round_,
            )
        except actions.NewsInputError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Round saved."))
            return redirect("news:staff-round", slug=council.slug, pk=round_.pk)
    return _render(request, "news/staff/round_form.html", council, form=form, round=round_)


@staff_required
def round_new(request, slug: str):
    return _round_form(request, _council(request, slug), None)


@staff_required
def round_edit(request, slug: str, pk: int):
    council = _council(request, slug)
    return _round_form(request, council, _round(council, pk))


@staff_required
def round_detail(request, slug: str, pk: int):
    council = _council(request, slug)
    round_ = _round(council, pk)
    start = queries.today() - timedelta(days=7)
    return _render(
        request,
        "news/staff/round_detail.html",
        council,
        round=round_,
        days=queries.collections_for_rounds(
            rounds=[round_], start=start, end=start + timedelta(weeks=WEEKS_SHOWN)
        ),
        areas=list(round_.areas.defer("geometry").order_by("name")),
    )


@staff_required
def round_change(request, slug: str, pk: int):
    council = _council(request, slug)
    round_ = _round(council, pk)
    form = RoundChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.round_exception_save(
                actor=request.user,
                round_=round_,
                scheduled_date=data["scheduled_date"],
                new_date=data["new_date"],
                reason=data["reason"],
            )
        except actions.NewsInputError as error:
            form.add_error("scheduled_date", error.message)
        else:
            messages.success(request, _("Collection changed."))
            return redirect("news:staff-round", slug=council.slug, pk=round_.pk)
    return _render(request, "news/staff/round_change.html", council, round=round_, form=form)


@staff_required
def round_missed(request, slug: str, pk: int):
    council = _council(request, slug)
    round_ = _round(council, pk)
    form = MissedRoundForm(request.POST or None, initial={"date": queries.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.missed_round_record(
                actor=request.user,
                round_=round_,
                day=data["date"],
                reason=data["reason"],
                catch_up=data["catch_up"],
            )
        except actions.NewsInputError as error:
            form.add_error("date", error.message)
        else:
            messages.success(
                request,
                _(
                    "Recorded. Residents on this round see it, and missed-bin reports for that "
                    "day are not taken."
                ),
            )
            return redirect("news:staff-round", slug=council.slug, pk=round_.pk)
    return _render(request, "news/staff/round_missed.html", council, round=round_, form=form)
