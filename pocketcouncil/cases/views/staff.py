"""The staff console: a council's queue of cases and the page to work one case.

Every page needs a council role and two-factor authentication (``staff_required``); every
action is checked again by the action itself against the case's council.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pocketcouncil.accounts import permissions
from pocketcouncil.accounts.models import StaffRole
from pocketcouncil.accounts.permissions import staff_required
from pocketcouncil.cases import actions, queries, workflow
from pocketcouncil.cases.forms import (
    AssignForm,
    MergeForm,
    NoteForm,
    PriorityForm,
    ReassignForm,
    ServiceChangeForm,
    StatusForm,
)
from pocketcouncil.cases.models import Case, Priority, ResponseTemplate
from pocketcouncil.cases.views.resident import case_features, map_settings
from pocketcouncil.cases.workflow import CaseStatus
from pocketcouncil.core.params import query_id, query_text
from pocketcouncil.councils.models import Area, AreaKind, Council, Team
from pocketcouncil.notify import queries as notify_queries
from pocketcouncil.privacy import actions as privacy_actions
from pocketcouncil.services import queries as services_queries
from pocketcouncil.services.models import Service

PAGE_SIZE = 50
# Counting every case of a big council for "any status" would read hundreds of thousands of
# rows on each page view; past this many the queue says "more than 10,000".
COUNT_CAP = queries.COUNT_CAP


class CappedPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        # Unordered: a count needs no sort, so it can stop after COUNT_CAP + 1 index entries.
        return self.object_list.order_by()[: COUNT_CAP + 1].count()


def _council(request, slug: str) -> Council:
    council = Council.objects.filter(slug=slug).first()
    if council is None:
        raise Http404
    permissions.require(request.user, "cases.view", council)
    request.council = council
    return council


def _case(request, council: Council, reference: str) -> Case:
    try:
        case = queries.case_get_by_reference(reference)
    except Case.DoesNotExist:
        raise Http404 from None
    if case.council_id != council.pk:
        # Another council's case, or it moved: never show it under this council.
        if permissions.has_perm(request.user, "cases.view", case):
            return redirect("cases:staff-case", slug=case.council.slug, reference=reference)
        raise Http404
    return case


def _filters(request) -> queries.QueueFilters:
    get = request.GET
    status = get.get("status", "open")
    if status not in {"open", "all", *CaseStatus.values}:
        status = "open"
    sort = get.get("sort", "due")
    priority = query_id(get.get("priority"))
    return queries.QueueFilters(
        status=status,
        service_id=query_id(get.get("service")),
        ward_id=query_id(get.get("ward")),
        priority=priority
        if (priority := query_id(get.get("priority"))) in Priority.values
        else None,
        overdue=get.get("overdue") == "1",
        assigned_to_id=request.user.pk if get.get("mine") == "1" else None,
        team_id=query_id(get.get("team")),
        search=query_text(request, "q"),
        sort=sort if sort in {"due", "newest", "oldest", "priority"} else "due",
    )


def _without(query, name: str) -> str:
    query = query.copy()
    query.pop(name, None)
    return query.urlencode()


def _map_features(council: Council, page) -> dict:
    """The listed cases as GeoJSON for the queue's map (the list stays the full version)."""
    return case_features(
        page, lambda case: reverse("cases:staff-case", args=[council.slug, case.reference])
    )


@staff_required
def queue(request, slug: str):
    council = _council(request, slug)
    filters = _filters(request)
    cases = queries.case_queue(council=council, user=request.user, filters=filters)
    page = CappedPaginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    view = "map" if request.GET.get("view") == "map" else "list"
    return render(
        request,
        "cases/staff/queue.html",
        {
            "council": council,
            "page": page,
            "filters": filters,
            "counts": queries.queue_counts(council=council, user=request.user),
            "services": Service.objects.filter(cases__council=council).distinct().order_by("name"),
            "wards": Area.objects.filter(council__in=_ward_councils(council), kind=AreaKind.WARD)
            .defer("geometry")
            .order_by("name"),
            "teams": Team.objects.filter(council=council).order_by("name"),
            "statuses": CaseStatus.choices,
            "priorities": Priority.choices,
            "query": query.urlencode(),
            "query_without_view": _without(query, "view"),
            "now": timezone.now(),
            "view": view,
            "map": map_settings() if view == "map" else None,
            "map_features": _map_features(council, page) if view == "map" else None,
            "count_capped": page.paginator.count > COUNT_CAP,
            "count_cap": COUNT_CAP,
        },
    )


def _ward_councils(council: Council) -> list[Council]:
    # A county's cases sit in its districts' wards.
    return [council, *council.lower_tiers.all()]


@staff_required
def case_page(request, slug: str, reference: str):
    council = _council(request, slug)
    case = _case(request, council, reference)
    if not isinstance(case, Case):
        return case
    if case.resident_id:
        # The resident sees this view on "Who has looked at your data" (privacy app).
        privacy_actions.access_record(
            resident=case.resident,
            viewer=request.user,
            council=council,
            kind=privacy_actions.AccessKind.CASE_VIEW,
            subject=case.reference,
        )
    template_text = ""
    template_id = query_id(request.GET.get("template"))
    if template_id:
        template = ResponseTemplate.objects.filter(council=council, pk=template_id).first()
        if template:
            template_text = fill_template(template.body, case)
    officers = (
        StaffRole.objects.filter(
            council=council, role__in=["case_officer", "service_manager", "council_admin"]
        )
        .select_related("user")
        .order_by("user__full_name")
    )
    unique_officers = list({r.user_id: r.user for r in officers}.values())
    other_councils = Council.objects.exclude(pk=council.pk).order_by("name")
    return render(
        request,
        "cases/staff/case.html",
        {
            "council": council,
            "case": case,
            "events": queries.timeline(case=case, view="staff"),
            "messages_sent": notify_queries.delivery_log_for_subject(
                council=case.council, subject_kind="case", subject_key=case.pk, limit=50
            ),
            "photos": case.photos.all(),
            "status_form": StatusForm(initial={"status": case.status}),
            "allowed_statuses": workflow.allowed_from(case.status),
            "note_form": NoteForm(
                initial={
                    "note": template_text,
                    "visibility": "public" if template_text else "internal",
                }
            ),
            "assign_form": AssignForm(
                teams=Team.objects.filter(council=council).order_by("name"),
                officers=unique_officers,
            ),
            "priority_form": PriorityForm(initial={"priority": case.priority}),
            "merge_form": MergeForm(),
            "reassign_form": ReassignForm(councils=other_councils),
            "templates": ResponseTemplate.objects.filter(council=council),
            "nearby": [
                (other, distance)
                for other, distance in (
                    queries.case_nearby_open(
                        service=case.service, lat=case.latitude, lon=case.longitude, limit=6
                    )
                    if case.has_location
                    else []
                )
                if other.pk != case.pk and other.council_id == council.pk
            ],
        },
    )


def fill_template(body: str, case: Case) -> str:
    """Fill a response template's placeholders. Unknown placeholders are left as written."""
    values = {
        "reference": case.reference,
        "service": case.service.name,
        "council": case.council.name,
        "due_date": date_format(timezone.localtime(case.due_at), "j F Y") if case.due_at else "",
        "status": str(CaseStatus(case.status).label).lower(),
    }

    class Keep(dict):
        def __missing__(self, key):
            return "{" + key + "}"

    try:
        return body.format_map(Keep(values))
    except (ValueError, IndexError):
        return body


def _act(request, slug: str, reference: str, form_class, run, success: str, **form_kwargs):
    council = _council(request, slug)
    case = _case(request, council, reference)
    if not isinstance(case, Case):
        return case
    form = form_class(request.POST, **form_kwargs)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("cases:staff-case", slug=council.slug, reference=case.reference)
    try:
        result = run(case, form.cleaned_data, council)
    except (actions.CaseInputError, workflow.CaseTransitionNotAllowedError) as error:
        messages.error(request, getattr(error, "message", str(error)))
        return redirect("cases:staff-case", slug=council.slug, reference=case.reference)
    except PermissionDenied:
        messages.error(request, _("You do not have permission to do that."))
        return redirect("cases:staff-case", slug=council.slug, reference=case.reference)
    messages.success(request, success)
    if isinstance(result, Case) and result.council_id != council.pk:
        return redirect("cases:staff-queue", slug=council.slug)
    return redirect("cases:staff-case", slug=council.slug, reference=case.reference)


@require_POST
@staff_required
def case_status(request, slug: str, reference: str):
    return _act(
        request,
        slug,
        reference,
        StatusForm,
        lambda case, data, council: actions.case_transition(
            case=case,
            to=data["status"],
            actor=request.user,
            public_note=data["public_note"],
            close_reason=data["close_reason"] if data["status"] == CaseStatus.CLOSED else "",
        ),
        _("Status changed. The resident has been told."),
    )


@require_POST
@staff_required
def case_note(request, slug: str, reference: str):
    def run(case, data, council):
        if data["visibility"] == "public":
            return actions.case_update_add(case=case, actor=request.user, note=data["note"])
        return actions.case_note_add(case=case, actor=request.user, note=data["note"])

    return _act(request, slug, reference, NoteForm, run, _("Added to the timeline."))


@require_POST
@staff_required
def case_assign(request, slug: str, reference: str):
    council = _council(request, slug)
    teams = Team.objects.filter(council=council)
    officers = [r.user for r in StaffRole.objects.filter(council=council).select_related("user")]

    def run(case, data, council):
        team = teams.filter(pk=data["team"]).first() if data["team"] else None
        assignee = next((u for u in officers if u.pk == data["assignee"]), None)
        if data["team"] and team is None or data["assignee"] and assignee is None:
            raise actions.CaseInputError(_("Choose a team and officer from the lists"))
        return actions.case_assign(case=case, actor=request.user, team=team, assignee=assignee)

    return _act(
        request,
        slug,
        reference,
        AssignForm,
        run,
        _("Assignment saved."),
        teams=teams,
        officers=officers,
    )


@require_POST
@staff_required
def case_priority(request, slug: str, reference: str):
    return _act(
        request,
        slug,
        reference,
        PriorityForm,
        lambda case, data, council: actions.case_priority_set(
            case=case, actor=request.user, priority=data["priority"]
        ),
        _("Priority saved."),
    )


@require_POST
@staff_required
def case_merge(request, slug: str, reference: str):
    def run(case, data, council):
        try:
            into = queries.case_get_by_reference(data["into"])
        except Case.DoesNotExist:
            raise actions.CaseInputError(
                _("There is no case %(ref)s") % {"ref": data["into"].upper()}
            ) from None
        return actions.case_merge(duplicate=case, into=into, actor=request.user)

    return _act(
        request,
        slug,
        reference,
        MergeForm,
        run,
        _("Merged. The resident has been told which case to follow."),
    )


@require_POST
@staff_required
def case_reassign(request, slug: str, reference: str):
    councils = Council.objects.exclude(slug=slug).order_by("name")

    def run(case, data, council):
        target = councils.get(slug=data["council"])
        return actions.case_reassign(
            case=case, actor=request.user, council=target, team=None, reason=data["reason"]
        )

    return _act(
        request,
        slug,
        reference,
        ReassignForm,
        run,
        _("Sent to the other council. The resident has been told."),
        councils=councils,
    )


@staff_required
def case_service(request, slug: str, reference: str):
    """Move a case to another service of this council (a page of its own, so a mistake is
    shown in a GOV.UK error summary with what was typed kept)."""
    council = _council(request, slug)
    case = _case(request, council, reference)
    if not isinstance(case, Case):
        return case
    permissions.require(request.user, "cases.assign", case)
    if not case.is_open:
        messages.error(request, _("A closed case cannot be moved to another service"))
        return redirect("cases:staff-case", slug=council.slug, reference=case.reference)
    services = [
        s
        for s in services_queries.service_list_for_council(council=council)
        if s.pk != case.service_id
    ]
    form = ServiceChangeForm(request.POST or None, services=services)
    if request.method == "POST" and form.is_valid():
        service = next(s for s in services if s.pk == form.cleaned_data["service"])
        try:
            actions.case_service_change(
                case=case,
                service=Service.objects.get(pk=service.pk),
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except actions.CaseInputError as error:
            form.add_error("service" if error.field == "service" else None, error.message)
        else:
            messages.success(
                request,
                _("Moved to %(service)s. The team and due date follow the new service.")
                % {"service": service.name},
            )
            return redirect("cases:staff-case", slug=council.slug, reference=case.reference)
    return render(
        request,
        "cases/staff/case_service.html",
        {"council": council, "case": case, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@staff_required
def bulk(request, slug: str):
    """One action on many selected cases; each is checked and done on its own."""
    council = _council(request, slug)
    references = request.POST.getlist("cases")[:PAGE_SIZE]
    action = request.POST.get("action", "")
    if not references:
        messages.error(request, _("Select at least one case"))
        return redirect(_back(request, council))
    if action not in {"acknowledged", "in_progress", "resolved", "assign_me"}:
        messages.error(request, _("Choose what to do with the selected cases"))
        return redirect(_back(request, council))
    done, failed = 0, []
    for case in Case.objects.filter(council=council, reference__in=references):
        try:
            if action == "assign_me":
                actions.case_assign(case=case, actor=request.user, assignee=request.user)
            else:
                actions.case_transition(case=case, to=action, actor=request.user)
            done += 1
        except (actions.CaseInputError, workflow.CaseTransitionNotAllowedError, PermissionDenied):
            failed.append(case.reference)
    if done:
        messages.success(
            request, ngettext("%(n)d case updated.", "%(n)d cases updated.", done) % {"n": done}
        )
    if failed:
        messages.error(
            request, _("These could not be changed: %(refs)s") % {"refs": ", ".join(failed)}
        )
    return redirect(_back(request, council))


def _back(request, council: Council) -> str:
    query = request.POST.get("return_query", "")
    url = reverse("cases:staff-queue", args=[council.slug])
    return f"{url}?{query}" if query and "//" not in query else url
