"""The report journey, phone first: where -> similar reports nearby -> details -> check -> sent.

What the resident has entered is kept server-side in their session as a draft (photos in
storage), so going back, stepping up their account level or losing signal loses nothing. The
draft's id is also the submission key, so sending the last page twice makes one case.
"""

from __future__ import annotations

import io
import re
import secrets
import time

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from PIL import Image

from pocketcouncil.accounts import stepup
from pocketcouncil.accounts.assisted import actor_for
from pocketcouncil.cases import actions, queries
from pocketcouncil.cases.forms import (
    CouncilChoiceForm,
    LocationForm,
    attributes_from,
    details_form_class,
)
from pocketcouncil.cases.models import Case
from pocketcouncil.cases.photos import ProcessedPhoto
from pocketcouncil.core import ratelimit
from pocketcouncil.councils import queries as councils_queries
from pocketcouncil.councils.models import Council
from pocketcouncil.services.models import Service

SESSION_KEY = "cases_drafts"
SENT_KEY = "cases_sent"
DRAFT_TTL_SECONDS = 24 * 60 * 60
MAX_DRAFTS = 5
BOUNDARY_WARNING_METRES = 100


def _service(lgsl: int) -> Service:
    try:
        return Service.objects.get(lgsl=lgsl)
    except Service.DoesNotExist:
        raise Http404(_("There is no such service.")) from None


def _stopped(request, service: Service):
    """The service has closed its online form for an urgent reason: say so, with the notice,
    instead of any step of the journey (a draft already started goes no further)."""
    return render(request, "cases/report_stopped.html", {"service": service})


def required_level(service: Service) -> int:
    """The level a resident needs: the service's own, and at least a verified email address
    when anonymous reports are not allowed."""
    return max(service.minimum_assurance_level, 0 if service.anonymous_allowed else 1)


def _level_gate(request, service: Service):
    level = required_level(service)
    if level == 0:
        return None
    return stepup.check(
        request,
        level,
        reason=_("so that %(council)s can contact you about your request and keep it safe")
        % {"council": _("the council")},
    )


def _drafts(request) -> dict:
    drafts = request.session.get(SESSION_KEY, {})
    now = time.time()
    return {k: v for k, v in drafts.items() if now - v.get("started", 0) < DRAFT_TTL_SECONDS}


def _draft(request, lgsl: int, draft_id: str) -> dict:
    draft = _drafts(request).get(draft_id)
    if draft is None or draft["lgsl"] != lgsl:
        raise Http404(_("This report has timed out. Start again."))
    return draft


def _save(request, draft_id: str, draft: dict) -> None:
    drafts = _drafts(request)
    drafts[draft_id] = draft
    request.session[SESSION_KEY] = drafts


def _step_url(name: str, lgsl: int, draft_id: str) -> str:
    return reverse(f"cases:report-{name}", args=[lgsl, draft_id])


def report_start(request, lgsl: int):
    """What this service is for, any urgent notice, and "Start now"."""
    service = _service(lgsl)
    if request.method == "POST" and service.online_reports_stopped:
        return _stopped(request, service)
    if request.method == "POST":
        drafts = _drafts(request)
        for old in sorted(drafts, key=lambda k: drafts[k]["started"])[: -MAX_DRAFTS + 1]:
            _discard_photos(drafts.pop(old))
        draft_id = secrets.token_urlsafe(16)
        draft = {"lgsl": lgsl, "started": time.time(), "photos": []}
        council_slug = request.POST.get("council", "")
        if re.fullmatch(r"[-a-z0-9_]{1,60}", council_slug):
            draft["council"] = council_slug
        # What the resident already typed elsewhere ("Ask us"), carried into the description.
        if description := request.POST.get("description", "").strip()[:2000]:
            draft["prefill"] = {"description": description}
        request.session[SESSION_KEY] = drafts
        _save(request, draft_id, draft)
        first = "where" if service.location_based else "council"
        return redirect(_step_url(first, lgsl, draft_id))
    return render(
        request,
        "cases/report_start.html",
        {
            "service": service,
            "required_level": required_level(service),
            "council_slug": request.GET.get("council", "")[:60],
            "description": request.GET.get("description", "").strip()[:2000],
        },
    )


@require_http_methods(["GET", "POST"])
def report_where(request, lgsl: int, draft_id: str):
    service = _service(lgsl)
    if service.online_reports_stopped:
        return _stopped(request, service)
    if gate := _level_gate(request, service):
        return gate
    draft = _draft(request, lgsl, draft_id)
    initial = {k: draft.get(k) for k in ("postcode", "where", "latitude", "longitude")}
    form = LocationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        lon, lat = form.cleaned_data["point"]
        try:
            routing = actions.route(service=service, lon=lon, lat=lat, council=None)
        except actions.CaseInputError as error:
            form.add_error(None, error.message)
        else:
            if known := _missed_round_known(lgsl, lon, lat):
                return render(request, "news/missed_round_known.html", {"missed": known})
            edge = councils_queries.distance_to_edge_m(council=routing.council, lon=lon, lat=lat)
            draft.update(
                postcode=form.cleaned_data.get("postcode", ""),
                where=form.cleaned_data["where"],
                longitude=lon,
                latitude=lat,
                council=routing.council.slug,
                council_name=routing.council.name,
                ward_name=getattr(routing.ward, "name", ""),
                near_boundary=edge is not None and edge < BOUNDARY_WARNING_METRES,
            )
            _save(request, draft_id, draft)
            return redirect(_step_url("nearby", lgsl, draft_id))
    from pocketcouncil.cases.views.resident import map_settings

    return render(
        request,
        "cases/report_where.html",
        {
            "service": service,
            "form": form,
            "draft_id": draft_id,
            "map": map_settings(lat=draft.get("latitude"), lon=draft.get("longitude")),
        },
    )


def _missed_round_known(lgsl: int, lon: float, lat: float):
    """The missed round the council already recorded here today (news app), if any: then a
    single "missed bin" report is not taken and the resident is told what happens instead."""
    from pocketcouncil.news.queries import missed_bin_report_blocked

    return missed_bin_report_blocked(lgsl=lgsl, lon=lon, lat=lat)


@require_http_methods(["GET", "POST"])
def report_council(request, lgsl: int, draft_id: str):
    """For a service without a location: which council is it for?"""
    service = _service(lgsl)
    if service.online_reports_stopped:
        return _stopped(request, service)
    if gate := _level_gate(request, service):
        return gate
    draft = _draft(request, lgsl, draft_id)
    councils = [c for c in Council.objects.order_by("name") if c.provides(service.tier)]
    if len(councils) == 1 or (draft.get("council") and request.method == "GET"):
        chosen = draft.get("council") or councils[0].slug
        if any(c.slug == chosen for c in councils):
            draft["council"] = chosen
            _save(request, draft_id, draft)
            return redirect(_step_url("details", lgsl, draft_id))
    form = CouncilChoiceForm(request.POST or None, councils=councils)
    if request.method == "POST" and form.is_valid():
        draft["council"] = form.cleaned_data["council"]
        _save(request, draft_id, draft)
        return redirect(_step_url("details", lgsl, draft_id))
    return render(request, "cases/report_council.html", {"service": service, "form": form})


def report_nearby(request, lgsl: int, draft_id: str):
    """Open reports of the same kind close by: add "me too" instead of reporting it again."""
    service = _service(lgsl)
    if service.online_reports_stopped:
        return _stopped(request, service)
    if gate := _level_gate(request, service):
        return gate
    draft = _draft(request, lgsl, draft_id)
    if "latitude" not in draft:
        return redirect(_step_url("where", lgsl, draft_id))
    nearby = queries.case_nearby_open(
        service=service, lat=draft["latitude"], lon=draft["longitude"]
    )
    if not nearby and not draft.get("near_boundary"):
        return redirect(_step_url("details", lgsl, draft_id))
    return render(
        request,
        "cases/report_nearby.html",
        {"service": service, "draft": draft, "draft_id": draft_id, "nearby": nearby},
    )


@require_http_methods(["GET", "POST"])
def report_details(request, lgsl: int, draft_id: str):
    service = _service(lgsl)
    if service.online_reports_stopped:
        return _stopped(request, service)
    if gate := _level_gate(request, service):
        return gate
    draft = _draft(request, lgsl, draft_id)
    if service.location_based and "latitude" not in draft:
        return redirect(_step_url("where", lgsl, draft_id))
    if not service.location_based and not draft.get("council"):
        return redirect(_step_url("council", lgsl, draft_id))
    anonymous = not request.user.is_authenticated
    form_class = details_form_class(service, anonymous=anonymous)
    initial = {
        **draft.get("prefill", {}),
        **draft.get("attributes", {}),
        **draft.get("fields", {}),
    }
    form = form_class(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        new_photos = form.cleaned_data["photos"]
        if len(draft["photos"]) + len(new_photos) > actions.MAX_PHOTOS:
            form.add_error(
                "photos", _("A report can have up to %(n)d photos") % {"n": actions.MAX_PHOTOS}
            )
        else:
            for photo in new_photos:
                draft["photos"].append(_store_photo(photo))
            draft["attributes"] = attributes_from(form)
            draft["fields"] = {
                "description": form.cleaned_data["description"],
                "show_name_publicly": form.cleaned_data["show_name_publicly"],
                "reporter_name": form.cleaned_data.get("reporter_name", ""),
                "reporter_email": form.cleaned_data.get("reporter_email", ""),
            }
            _save(request, draft_id, draft)
            return redirect(_step_url("check", lgsl, draft_id))
    return render(
        request,
        "cases/report_details.html",
        {
            "service": service,
            "form": form,
            "draft": draft,
            "draft_id": draft_id,
            "anonymous": anonymous,
        },
    )


@require_http_methods(["GET", "POST"])
def report_check(request, lgsl: int, draft_id: str):
    """Check your answers, with a preview of exactly what the public will see."""
    service = _service(lgsl)
    if service.online_reports_stopped:
        return _stopped(request, service)
    if gate := _level_gate(request, service):
        return gate
    sent = Case.objects.filter(submission_key=draft_id).only("reference").first()
    if sent is not None and sent.reference in request.session.get(SENT_KEY, []):
        # The form was sent twice (a double click, or a retry after a lost connection).
        return redirect("cases:sent", reference=sent.reference)
    draft = _draft(request, lgsl, draft_id)
    if "fields" not in draft:
        return redirect(_step_url("details", lgsl, draft_id))
    council = Council.objects.filter(slug=draft.get("council", "")).first()
    request.council = council
    if request.method == "POST":
        if not _report_allowed(request):
            return render(request, "cases/too_many_reports.html", {"service": service}, status=429)
        actor = actor_for(request) if request.user.is_authenticated else None
        resident = request.user if request.user.is_authenticated else None
        attributes = dict(draft.get("attributes", {}))
        if draft.get("where"):
            attributes["where"] = draft["where"]
        try:
            case = actions.case_create(
                service=service,
                actor=actor,
                resident=resident,
                council=council,
                lon=draft.get("longitude"),
                lat=draft.get("latitude"),
                location_text=draft.get("where", ""),
                attributes=attributes,
                description=draft["fields"]["description"],
                reporter_name=draft["fields"].get("reporter_name", ""),
                reporter_email=draft["fields"].get("reporter_email", ""),
                show_name_publicly=draft["fields"].get("show_name_publicly", False),
                photos=[_load_photo(token) for token in draft["photos"]],
                submission_key=draft_id,
                entered_by=actor.done_by if actor and actor.on_behalf else None,
            )
        except actions.CaseInputError as error:
            messages.error(request, error.message)
            step = "where" if error.field == "location" else "details"
            return redirect(_step_url(step, lgsl, draft_id))
        except PermissionDenied:
            return redirect(_step_url("details", lgsl, draft_id))
        drafts = _drafts(request)
        _discard_photos(drafts.pop(draft_id, {}))
        request.session[SESSION_KEY] = drafts
        request.session[SENT_KEY] = [*request.session.get(SENT_KEY, [])[-9:], case.reference]
        return redirect("cases:sent", reference=case.reference)
    public_name = ""
    if draft["fields"].get("show_name_publicly"):
        public_name = (
            request.user.get_full_name()
            if request.user.is_authenticated
            else draft["fields"].get("reporter_name", "")
        )
    return render(
        request,
        "cases/report_check.html",
        {
            "service": service,
            "draft": draft,
            "draft_id": draft_id,
            "council": council,
            "public_name": public_name,
            "is_public": service.location_based,
            "answers": _answer_rows(service, draft.get("attributes", {})),
        },
    )


@require_POST
def report_photo_remove(request, lgsl: int, draft_id: str, index: int):
    draft = _draft(request, lgsl, draft_id)
    if 0 <= index < len(draft["photos"]):
        token = draft["photos"].pop(index)
        default_storage.delete(_photo_name(token))
        _save(request, draft_id, draft)
    return redirect(_step_url("details", lgsl, draft_id))


def draft_photo(request, lgsl: int, draft_id: str, index: int):
    """A photo in the resident's own draft (only they can see it: it is in their session)."""
    from django.http import FileResponse

    draft = _draft(request, lgsl, draft_id)
    if not 0 <= index < len(draft["photos"]):
        raise Http404
    return FileResponse(
        default_storage.open(_photo_name(draft["photos"][index])), content_type="image/jpeg"
    )


def _report_allowed(request) -> bool:
    """Floods of reports are refused per address and per account (the draft is kept)."""
    hour = 60 * 60
    allowed = ratelimit.allow(
        f"cases:report:ip:{ratelimit.client_ip(request)}",
        limit=settings.CASES_REPORTS_PER_HOUR_PER_ADDRESS,
        seconds=hour,
    )
    if request.user.is_authenticated:
        allowed = (
            ratelimit.allow(
                f"cases:report:user:{request.user.pk}",
                limit=settings.CASES_REPORTS_PER_HOUR_PER_ACCOUNT,
                seconds=hour,
            )
            and allowed
        )
    return allowed


def _answer_rows(service: Service, attributes: dict) -> list[tuple[str, str]]:
    labels = {a.code: a for a in service.attributes.all()}
    rows = []
    for code, value in attributes.items():
        attribute = labels.get(code)
        if attribute is None:
            continue
        names = {v.get("key"): v.get("name") for v in (attribute.values or [])}
        if isinstance(value, list):
            shown = ", ".join(str(names.get(v, v)) for v in value)
        else:
            shown = str(names.get(value, value))
        rows.append((attribute.label, shown))
    return rows


def _photo_name(token: str) -> str:
    return f"drafts/{token}.jpg"


def _store_photo(photo: ProcessedPhoto) -> str:
    token = secrets.token_hex(16)
    default_storage.save(_photo_name(token), ContentFile(photo.content))
    return token


def _load_photo(token: str) -> ProcessedPhoto:
    with default_storage.open(_photo_name(token)) as f:
        content = f.read()
    with Image.open(io.BytesIO(content)) as image:
        width, height = image.size
    return ProcessedPhoto(content=content, width=width, height=height)


def _discard_photos(draft: dict) -> None:
    for token in draft.get("photos", []):
        default_storage.delete(_photo_name(token))
