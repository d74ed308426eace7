"""A case's own page, what a resident can do on it, their list of requests, and public reports."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pocketcouncil.accounts.assisted import actor_for
from pocketcouncil.cases import actions, queries, workflow
from pocketcouncil.cases.forms import EditForm, MessageForm, ReopenForm, SatisfactionForm
from pocketcouncil.cases.models import Case, CasePhoto
from pocketcouncil.cases.queries import case_next_step as next_step
from pocketcouncil.cases.views.journey import SENT_KEY
from pocketcouncil.core.files import private_file_response
from pocketcouncil.core.params import query_id, query_text
from pocketcouncil.councils.models import Area, AreaKind, Council
from pocketcouncil.services.models import Service


def _case_for(request, reference: str) -> tuple[Case, str]:
    try:
        case, view = queries.case_get_for_viewer(reference=reference, user=request.user)
    except Case.DoesNotExist:
        raise Http404(_("There is no case with that reference, or you cannot see it.")) from None
    request.council = case.council  # the council's header, and its demo banner
    return case, view


def case_detail(request, reference: str):
    case, view = _case_for(request, reference)
    is_reporter = view == "resident" or (
        view == "staff" and request.user.is_authenticated and case.resident_id == request.user.pk
    )
    reopen_open = (
        case.status in workflow.REOPENABLE
        and case.finished_at is not None
        and timezone.now() - case.finished_at <= actions._reopen_window()
    )
    photos = case.photos.all() if view != "public" else case.photos.filter(is_public=True)
    context = {
        "case": case,
        "view": view,
        "is_reporter": is_reporter,
        "events": queries.timeline(case=case, view=view),
        "photos": photos,
        "next_step": next_step(case),
        "can_reply": is_reporter and case.is_open,
        "can_reopen": is_reporter and reopen_open,
        "can_rate": is_reporter and case.status in workflow.REOPENABLE and not case.satisfaction,
        "can_edit": is_reporter and case.editable_until and timezone.now() < case.editable_until,
        "can_me_too": (
            request.user.is_authenticated and not is_reporter and case.is_public and case.is_open
        ),
        "message_form": MessageForm(),
        "reopen_form": ReopenForm(),
        "satisfaction_form": SatisfactionForm(),
    }
    return render(request, "cases/case_detail.html", context)


def case_sent(request, reference: str):
    """The confirmation page: reference, what happens next, and by when."""
    if reference not in request.session.get(SENT_KEY, []):
        return redirect("cases:detail", reference=reference)
    try:
        case = queries.case_get_by_reference(reference)
    except Case.DoesNotExist:
        raise Http404 from None
    request.council = case.council
    return render(request, "cases/case_sent.html", {"case": case, "next_step": next_step(case)})


def _resident_post(request, reference: str, form_class, action, success: str, **extra):
    case, view = _case_for(request, reference)
    form = form_class(request.POST, request.FILES or None) if form_class else None
    if form is not None and not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("cases:detail", reference=case.reference)
    try:
        action(case, actor_for(request), form.cleaned_data if form else {})
    except (actions.CaseInputError, workflow.CaseTransitionNotAllowedError) as error:
        messages.error(request, getattr(error, "message", str(error)))
    else:
        messages.success(request, success)
    return redirect("cases:detail", reference=case.reference)


@require_POST
@login_required
def case_reply(request, reference: str):
    return _resident_post(
        request,
        reference,
        MessageForm,
        lambda case, actor, data: actions.case_resident_reply(
            case=case, actor=actor, message=data["message"]
        ),
        _("Your message has been added. The team will see it."),
    )


@require_POST
@login_required
def case_reopen(request, reference: str):
    return _resident_post(
        request,
        reference,
        ReopenForm,
        lambda case, actor, data: actions.case_reopen(
            case=case, actor=actor, reason=data["reason"]
        ),
        _("We have reopened your request and sent it back to the team."),
    )


@require_POST
@login_required
def case_rate(request, reference: str):
    return _resident_post(
        request,
        reference,
        SatisfactionForm,
        lambda case, actor, data: actions.case_satisfaction_record(
            case=case, actor=actor, answer=data["answer"]
        ),
        _("Thank you for your feedback."),
    )


@require_POST
@login_required
def case_withdraw(request, reference: str):
    return _resident_post(
        request,
        reference,
        None,
        lambda case, actor, data: actions.case_withdraw(case=case, actor=actor),
        _("You have withdrawn your request."),
    )


@require_POST
@login_required
def case_me_too(request, reference: str):
    case, _view = _case_for(request, reference)
    try:
        added = actions.case_me_too(case=case, actor=actor_for(request))
    except actions.CaseInputError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Thank you. We have added you to this report and will tell you when it is fixed.")
            if added
            else _("You are already following this report."),
        )
    return redirect("cases:detail", reference=case.reference)


@login_required
def case_edit(request, reference: str):
    case, view = _case_for(request, reference)
    if case.resident_id != request.user.pk:
        raise PermissionDenied
    form = EditForm(
        request.POST or None, request.FILES or None, initial={"description": case.description}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.case_edit_by_resident(
                case=case,
                actor=actor_for(request),
                description=form.cleaned_data["description"],
                photos=form.cleaned_data["photos"],
            )
        except actions.CaseInputError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Your report has been updated."))
            return redirect("cases:detail", reference=case.reference)
    return render(request, "cases/case_edit.html", {"case": case, "form": form})


@login_required
def my_requests(request):
    cases = queries.case_list_for_resident(user=request.user)
    rows = [{"case": case, "next_step": next_step(case)} for case in cases]
    return render(
        request,
        "cases/my_requests.html",
        {
            "open_rows": [r for r in rows if r["case"].is_open],
            "finished_rows": [r for r in rows if not r["case"].is_open],
            "supported": queries.cases_supported_by(user=request.user),
        },
    )


def case_photo(request, reference: str, token: str):
    """A case's photo, shown only to those who may see it (public photos of public cases)."""
    case, view = _case_for(request, reference)
    photo = CasePhoto.objects.filter(case=case, token=token).first()
    if photo is None or (view == "public" and not photo.is_public):
        raise Http404
    if view != "public":
        # Only the reporter and staff: a signed, short-lived link on object storage.
        return private_file_response(photo.image, content_type="image/jpeg")
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def public_reports(request):
    """Public reports, filterable by council, category, status and ward. No personal data."""
    councils = list(Council.objects.order_by("name"))
    council = next((c for c in councils if c.slug == request.GET.get("council")), None)
    services = Service.objects.filter(location_based=True).order_by("name")
    wards = (
        Area.objects.filter(kind=AreaKind.WARD, council=council, retired_in__isnull=True)
        .order_by("name")
        .defer("geometry")
        if council
        else []
    )
    status = request.GET.get("status", "open")
    if status not in {"open", "fixed", "all"}:
        status = "open"
    service_id = query_id(request.GET.get("service"))
    ward_id = query_id(request.GET.get("ward"))
    cases = queries.public_cases(
        council=council, service_id=service_id, status=status, ward_id=ward_id
    )
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/public_reports.html",
        {
            "councils": councils,
            "council": council,
            "services": services,
            "wards": wards,
            "status": status,
            "service_id": service_id,
            "ward_id": ward_id,
            "page": page,
            "query": query.urlencode(),
        },
    )


def public_reports_geojson(request):
    """The same public reports as GeoJSON for the map: no personal data, only what the public
    page shows."""
    council = Council.objects.filter(slug=query_text(request, "council")).first()
    status = request.GET.get("status", "open")
    cases = queries.public_cases(
        council=council,
        service_id=query_id(request.GET.get("service")),
        status=status if status in {"open", "fixed", "all"} else "open",
        ward_id=query_id(request.GET.get("ward")),
    )
    return JsonResponse(
        case_features(cases, lambda case: reverse("cases:detail", args=[case.reference])),
        content_type="application/geo+json",
    )


def case_features(cases, url_for) -> dict:
    """Cases with a place as a GeoJSON FeatureCollection for the maps: reference, service,
    status and ``url_for(case)`` only, never anything personal."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [c.longitude, c.latitude]},
                "properties": {
                    "reference": c.reference,
                    "service": c.service.name,
                    "status": str(c.get_status_display()),
                    "url": url_for(c),
                },
            }
            for c in cases
            if c.has_location
        ],
    }


def map_settings(*, lat: float | None = None, lon: float | None = None) -> dict:
    """What the map script needs, from settings (empty tiles turn maps off)."""
    start_lat, start_lon = (float(x) for x in settings.CASES_MAP_START.split(","))
    return {
        "tiles": settings.CASES_MAP_TILES_URL,
        "attribution": settings.CASES_MAP_ATTRIBUTION,
        "lat": lat if lat is not None else start_lat,
        "lon": lon if lon is not None else start_lon,
    }
