"""Staff pages of insight: the demand dashboard with its CSV downloads, the "log a call or
visit" form and the council's cost per contact. Thin: parse, authorise, call a query or an
action, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pocketcouncil.accounts import permissions
from pocketcouncil.accounts.permissions import staff_required
from pocketcouncil.core import exports
from pocketcouncil.councils.models import Council
from pocketcouncil.insight import actions, charts, costs, queries
from pocketcouncil.insight.forms import ChannelCostForm, LogContactForm
from pocketcouncil.insight.models import Channel
from pocketcouncil.services import queries as services_queries

WEEK_CHOICES = (4, 12, 26, 52)
TABLES = ("weeks", "channels", "failure", "reasons", "chasing", "unanswered", "costs")


def _council(request, slug: str, action: str) -> Council:
    council = Council.objects.filter(slug=slug).first()
    if council is None:
        raise Http404
    permissions.require(request.user, action, council)
    request.council = council
    return council


def _filters(request, council):
    """(service or None, weeks) from the query string; anything unknown falls back quietly to
    the whole council over 12 weeks, and says so through ``errors``."""
    errors = []
    services = services_queries.service_list_for_council(council=council)
    service = None
    lgsl = request.GET.get("service", "")
    if lgsl:
        service = next((s for s in services if str(s.lgsl) == lgsl), None)
        if service is None:
            errors.append(_("That service is not one this council offers: showing all services."))
    try:
        weeks = int(request.GET.get("weeks", 12))
    except ValueError:
        weeks = 12
    if weeks not in WEEK_CHOICES:
        weeks = 12
    return services, service, weeks, errors


@staff_required
@require_http_methods(["GET"])
def dashboard(request, slug: str):
    council = _council(request, slug, "insight.view")
    services, service, weeks, errors = _filters(request, council)
    board = queries.dashboard(council=council, service=service, weeks=weeks)
    unanswered = queries.unanswered_for_council(
        council=council, start=board.first_day, end=board.last_day, limit=20
    )
    week_chart = charts.bars(
        [(date_format(w["week"], "j M"), w["total"], w["failure"]) for w in board.by_week]
    )
    channel_chart = charts.bars([(str(c["label"]), c["count"], 0) for c in board.by_channel])
    query = request.GET.urlencode()
    return render(
        request,
        "insight/dashboard.html",
        {
            "council": council,
            "page_council": council,
            "board": board,
            "services": services,
            "service": service,
            "weeks": weeks,
            "week_choices": WEEK_CHOICES,
            "errors": errors,
            "week_chart": week_chart,
            "channel_chart": channel_chart,
            "unanswered": unanswered,
            "spikes": queries.spikes_for_council(council=council, limit=10),
            "query": query,
            "can_configure": permissions.has_perm(request.user, "insight.configure", council),
            "socitm": costs.SOCITM,
        },
    )


def _table(board, unanswered, table: str) -> tuple[list[str], list[list]]:
    if table == "weeks":
        channels = [c for c in Channel if any(w["channels"].get(c.value) for w in board.by_week)]
        header = [
            _("Week starting"),
            _("All contact"),
            _("Failure demand"),
            _("Failure demand %"),
            _("Self-service %"),
            *[str(c.label) for c in channels],
        ]
        rows = [
            [
                w["week"].isoformat(),
                w["total"],
                w["failure"],
                w["failure_percent"],
                w["digital_percent"],
                *[w["channels"].get(c.value, 0) for c in channels],
            ]
            for w in board.by_week
        ]
        return header, rows
    if table == "channels":
        return [_("Channel"), _("Contacts")], [[c["label"], c["count"]] for c in board.by_channel]
    if table == "failure":
        return [_("Kind of failure demand"), _("Contacts")], [
            [k["label"], k["count"]] for k in board.by_failure_kind
        ]
    if table == "reasons":
        return [_("Reason"), _("Contacts"), _("Of which failure demand")], [
            [r["label"], r["count"], r["failure"]] for r in board.top_reasons
        ]
    if table == "chasing":
        return [_("Service"), _("LGSL"), _("Chasing contacts"), _("All contact"), _("Chasing %")], [
            [r["service"], r["lgsl"], r["chasing"], r["total"], r["percent"]]
            for r in board.chasing_by_service
        ]
    if table == "unanswered":
        return [_("What residents asked"), _("Times asked"), _("Where"), _("Last asked")], [
            [q.topic, q.count, q.channels, q.last_asked.isoformat()] for q in unanswered
        ]
    header = [
        _("Channel"),
        _("Contacts"),
        _("Of which failure demand"),
        _("Cost of one contact (£)"),
        _("Cost (£)"),
        _("Cost of failure demand (£)"),
        _("Source of the unit cost"),
    ]
    rows = [
        [
            r["label"],
            r["count"],
            r["failure"],
            r["unit_pounds"],
            r["cost"],
            r["failure_cost"],
            r["unit"].source or _("No figure set"),
        ]
        for r in board.costs
    ]
    return header, rows


@staff_required
@require_http_methods(["GET"])
def table_csv(request, slug: str, table: str):
    """Each chart's table as CSV (formula-safe through ``core.exports``)."""
    council = _council(request, slug, "insight.view")
    if table not in TABLES:
        raise Http404
    _services, service, weeks, _errors = _filters(request, council)
    board = queries.dashboard(council=council, service=service, weeks=weeks)
    unanswered = []
    if table == "unanswered":
        unanswered = queries.unanswered_for_council(
            council=council, start=board.first_day, end=board.last_day, limit=500
        )
    header, rows = _table(board, unanswered, table)
    name = f"{council.slug}-{table}-{board.first_day}-to-{board.last_day}"
    if service is not None:
        name += f"-lgsl-{service.lgsl}"
    return exports.csv_response(f"{name}.csv", header, rows)


@staff_required
@require_http_methods(["GET", "POST"])
def log_contact(request, slug: str):
    council = _council(request, slug, "insight.log_contact")
    services = services_queries.service_list_for_council(council=council)
    form = LogContactForm(request.POST if request.method == "POST" else None, services=services)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            service = next((s for s in services if str(s.lgsl) == data["service"]), None)
            try:
                actions.contact_log(
                    council=council,
                    actor=request.user,
                    channel=data["channel"],
                    reason=data["reason"],
                    service=service,
                    case_reference=data["case_reference"],
                )
            except actions.ContactInputError as error:
                form.add_error(error.field, error.messages[0])
            else:
                messages.success(request, _("Contact logged. Log the next one below."))
                return redirect("insight:log", council.slug)
        status = 400
    return render(
        request,
        "insight/log.html",
        {"council": council, "page_council": council, "form": form},
        status=status,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def unit_costs(request, slug: str):
    council = _council(request, slug, "insight.configure")
    form = ChannelCostForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and request.POST.get("reset"):
        actions.channel_cost_reset(council=council, actor=request.user, kind=request.POST["reset"])
        messages.success(request, _("Back to the published figure."))
        return redirect("insight:costs", council.slug)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.channel_cost_set(
                    council=council,
                    actor=request.user,
                    kind=data["kind"],
                    cost_pence=int(data["cost"] * 100),
                    source=data["source"],
                )
            except actions.ContactInputError as error:
                form.add_error(error.field, error.messages[0])
            else:
                messages.success(request, _("Cost saved."))
                return redirect("insight:costs", council.slug)
        status = 400
    return render(
        request,
        "insight/costs.html",
        {
            "council": council,
            "page_council": council,
            "form": form,
            "units": costs.unit_costs(council=council).values(),
        },
        status=status,
    )
