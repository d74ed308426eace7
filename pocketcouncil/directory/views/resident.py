"""The resident pages: find help near you, a service's page, and my list (print it, or send
it by email or text message). Thin: parse, call a query or action, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pocketcouncil.core import ratelimit
from pocketcouncil.councils import queries as councils
from pocketcouncil.directory import actions, needs, queries, schedules
from pocketcouncil.directory.forms import FindHelpForm, SendListForm

PER_PAGE = 20
LIST_SESSION_KEY = "directory_list"
LIST_LIMIT = 30
SENDS_PER_HOUR = 5


def _point(form: FindHelpForm):
    text = form.cleaned_data.get("postcode", "").strip()
    if not text:
        return None
    try:
        return councils.postcode_get(text)
    except councils.PostcodeInvalidError:
        form.add_error("postcode", _("Enter a full postcode, like OX4 3BD"))
    except councils.PostcodeNotFoundError:
        form.add_error(
            "postcode",
            _("We could not find %(postcode)s. Check it, or leave it empty.")
            % {"postcode": councils.normalise_postcode(text)},
        )
    return None


def _my_list(request) -> list[str]:
    return [str(i) for i in request.session.get(LIST_SESSION_KEY, [])][:LIST_LIMIT]


def find_help(request):
    form = FindHelpForm(request.GET or None)
    context = {
        "form": form,
        "my_list": set(_my_list(request)),
        "safe_exit_url": needs.SAFE_EXIT_URL,
    }
    if not request.GET or not form.is_valid():
        return render(request, "directory/find_help.html", context)
    point = _point(form)
    if form.errors:
        return render(request, "directory/find_help.html", context)
    need = needs.need_get(form.cleaned_data["need"])
    near = (
        queries.Near(latitude=point.latitude, longitude=point.longitude, radius_m=form.radius_m())
        if point
        else None
    )
    page_number = request.GET.get("page", "1")
    page_number = int(page_number) if page_number.isdigit() else 1
    found = queries.service_search(
        text=form.cleaned_data["q"],
        term_ids=[need.term_id] if need else None,
        near=near,
        age=form.cleaned_data["age"],
        free_or_low_cost=form.cleaned_data["free"],
        open_at=timezone.now() if form.cleaned_data["open_now"] else None,
        offset=(max(page_number, 1) - 1) * PER_PAGE,
        limit=PER_PAGE,
    )
    query = request.GET.copy()
    query.pop("page", None)
    pages = max(1, -(-found.total // PER_PAGE))
    context.update(
        {
            "found": found,
            "results": [
                {
                    "service": s,
                    "distance_miles": _miles(found.distances.get(s.id)),
                    "in_list": s.id in context["my_list"],
                }
                for s in found.services
            ],
            "need": need,
            "point": point,
            "page_number": page_number,
            "pages": pages,
            "query": query.urlencode(),
            "back": request.get_full_path(),
        }
    )
    return render(request, "directory/find_help.html", context)


def _miles(metres: float | None) -> str | None:
    if metres is None:
        return None
    return f"{metres / 1609.344:.1f}"


def _map(service) -> dict | None:
    tiles = getattr(settings, "CASES_MAP_TILES_URL", "")
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [sal.location.longitude, sal.location.latitude],
            },
            "properties": {
                "url": f"#location-{sal.location.id}",
                "reference": service.name,
                "service": sal.location.name,
                "status": "",
            },
        }
        for sal in service.locations_at.all()
        if sal.location.latitude is not None
    ]
    if not tiles or not features:
        return None
    return {
        "tiles": tiles,
        "attribution": getattr(settings, "CASES_MAP_ATTRIBUTION", ""),
        "features": {"type": "FeatureCollection", "features": features},
    }


def service_page(request, service_id: str):
    try:
        service = queries.service_get(service_id)
    except queries.DirectoryRecordNotFoundError:
        raise Http404("No such service") from None
    back = request.GET.get("back", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    now = timezone.now()
    term_ids = queries.term_ids_of(service)
    opening = [{"text": schedules.describe(s), "schedule": s} for s in service.schedules.all()]
    context = {
        "service": service,
        "opening": opening,
        "open_now": schedules.open_now(service.schedules.all(), now) if opening else None,
        "locations": [
            {
                "location": sal.location,
                "opening": [schedules.describe(s) for s in sal.schedules.all()],
            }
            for sal in service.locations_at.all()
        ],
        "languages": [lang.name for lang in service.languages.all() if lang.name],
        "phones": [p for c in service.contacts.all() for p in c.phones.all()],
        "map": _map(service),
        "in_list": service.id in _my_list(request),
        "back": back,
        "stale": queries.listing_is_stale(service, now=now),
        "safe_exit": any(n.safe_exit and n.term_id in term_ids for n in needs.NEEDS),
        "safe_exit_url": needs.SAFE_EXIT_URL,
    }
    return render(request, "directory/service.html", context)


def _next(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@require_POST
def list_add(request):
    service_id = request.POST.get("service", "")[:100]
    if not queries.service_exists(service_id):
        raise Http404("No such service")
    current = _my_list(request)
    if service_id not in current:
        if len(current) >= LIST_LIMIT:
            messages.error(request, _("Your list is full. Remove something first."))
        else:
            current.append(service_id)
            request.session[LIST_SESSION_KEY] = current
            messages.success(request, _("Added to your list."))
    return HttpResponseRedirect(_next(request, reverse("directory:my-list")))


@require_POST
def list_remove(request):
    service_id = request.POST.get("service", "")
    current = [i for i in _my_list(request) if i != service_id]
    request.session[LIST_SESSION_KEY] = current
    messages.success(request, _("Removed from your list."))
    return HttpResponseRedirect(_next(request, reverse("directory:my-list")))


def my_list(request, form: SendListForm | None = None, status: int = 200):
    services = queries.service_list_by_ids(_my_list(request))
    return render(
        request,
        "directory/my_list.html",
        {
            "services": services,
            "form": form or SendListForm(),
            "printed_at": timezone.now(),
        },
        status=status,
    )


@require_POST
def list_send(request):
    form = SendListForm(request.POST)
    services = queries.service_list_by_ids(_my_list(request))
    if not services:
        messages.error(request, _("Your list is empty. Add services to it first."))
        return HttpResponseRedirect(reverse("directory:my-list"))
    if not form.is_valid():
        return my_list(request, form, status=400)
    if not ratelimit.allow(
        f"directory-list-send:{ratelimit.client_ip(request)}", limit=SENDS_PER_HOUR, seconds=3600
    ):
        form.add_error(None, _("You have sent your list too many times. Try again in an hour."))
        return my_list(request, form, status=429)
    try:
        actions.service_list_send(
            services=services,
            channel=form.cleaned_data["channel"],
            to=form.cleaned_data["to"],
            site_url=request.build_absolute_uri("/").rstrip("/"),
        )
    except actions.ListSendError as error:
        form.add_error("to", str(error))
        return my_list(request, form, status=400)
    messages.success(request, _("We have sent your list. It may take a few minutes to arrive."))
    return HttpResponseRedirect(reverse("directory:my-list"))
