"""Staff pages where a council edits its own version of a service: the list (with overdue
reviews), the edit page with a preview, the history with revert, and the settings only council
admins change. Thin: parse, authorise, call ``council_actions`` or ``council_queries``, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pocketcouncil.accounts import permissions
from pocketcouncil.accounts.permissions import staff_required
from pocketcouncil.councils.models import Council
from pocketcouncil.services import council_actions, council_queries, queries
from pocketcouncil.services.staff_forms import ServiceContentForm, ServiceSettingsForm


def _changed_labels(names: list[str]) -> list[str]:
    labels = {
        "name": _("name"),
        "summary": _("summary"),
        "eligibility": _("who can use it"),
        "how_to": _("what to do"),
        "faqs": _("common questions"),
        "links": _("related links"),
        "report_url": _("where residents report it"),
        "review_by": _("review date"),
        "hidden": _("hidden or shown"),
        "team": _("owning team"),
    }
    return [str(labels.get(name, name)) for name in names]


def _council(request, slug: str, action: str) -> Council:
    council = Council.objects.filter(slug=slug).first()
    if council is None:
        raise Http404
    permissions.require(request.user, action, council)
    return council


def _editing(council, lgsl):
    try:
        return council_queries.council_service_content_get(council=council, lgsl=lgsl)
    except queries.ServiceNotFoundError:
        raise Http404 from None


def preview_view(*, council, service, content: dict) -> queries.CouncilServiceView:
    """The service page as residents would see it with ``content`` (saved or not)."""
    faqs = content["faqs"]
    return queries.CouncilServiceView(
        service=service,
        council=council,
        name=content["name"] or service.name,
        summary=content["summary"] or service.summary,
        eligibility=content["eligibility"] or service.eligibility,
        how_to=content["how_to"] or service.how_to,
        faqs=(
            [queries.CouncilFAQ(**f) for f in faqs]
            if faqs is not None
            else list(service.faqs.order_by("order", "pk"))
        ),
        links=content["links"],
        report_url=content["report_url"],
    )


@staff_required
@require_http_methods(["GET"])
def content_list(request, slug: str):
    council = _council(request, slug, "services.edit")
    lgsl = request.GET.get("lgsl", "").strip()
    error = None
    if lgsl:
        if lgsl.isdigit() and len(lgsl) <= 6:
            try:
                council_queries.council_service_content_get(council=council, lgsl=int(lgsl))
            except queries.ServiceNotFoundError:
                pass
            else:
                return redirect("services:staff-content-edit", council.slug, int(lgsl))
        error = _("%(council)s has no service with that LGSL number.") % {"council": council.name}
    rows = council_queries.council_service_content_list(council=council)
    return render(
        request,
        "services/staff/content_list.html",
        {
            "council": council,
            "page_council": council,
            "rows": rows,
            "stale": [r for r in rows if r.stale],
            "lgsl": lgsl,
            "error": error,
        },
        status=400 if error else 200,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def content_edit(request, slug: str, lgsl: int):
    council = _council(request, slug, "services.edit")
    editing = _editing(council, lgsl)
    service, content = editing.service, editing.content
    initial = ServiceContentForm.initial_for(
        content, service=service, national_faqs=editing.national_faqs
    )
    faqs = len(content["faqs"] if content["faqs"] is not None else editing.national_faqs)
    action = request.POST.get("action", "")
    form = ServiceContentForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        faqs=faqs,
        links=len(content["links"]),
        more={"more_faqs": "faqs", "more_links": "links"}.get(action, ""),
    )
    preview, status = None, 200
    if request.method == "POST" and action not in {"more_faqs", "more_links"}:
        if not form.is_valid():
            status = 400
        elif action == "save":
            try:
                version = council_actions.council_service_content_save(
                    council=council,
                    service=service,
                    actor=request.user,
                    content=form.content(),
                    note=form.cleaned_data["note"],
                )
            except council_actions.ServiceContentError as error:
                form.add_error(None, str(error))
                status = 400
            else:
                messages.success(
                    request,
                    _("Saved as version %(n)s. Residents see it now.") % {"n": version.number},
                )
                return redirect("services:staff-content-edit", council.slug, service.lgsl)
        else:
            preview = preview_view(council=council, service=service, content=form.content())
    settings_form = None
    if permissions.has_perm(request.user, "services.configure", council):
        setting = editing.setting
        settings_form = ServiceSettingsForm(
            initial={
                "hidden": bool(setting and setting.hidden),
                "team": setting.team_id if setting else None,
            },
            council=council,
        )
    return render(
        request,
        "services/staff/content_edit.html",
        {
            "council": council,
            "page_council": council,
            "editing": editing,
            "service": service,
            "form": form,
            "preview": preview,
            "settings_form": settings_form,
            "public_url": queries.service_url(lgsl=service.lgsl, council=council),
            "overdue": bool(
                editing.setting
                and editing.setting.review_by
                and editing.setting.review_by < council_queries.today_in_london()
            ),
        },
        status=status,
    )


@staff_required
@require_http_methods(["GET"])
def content_history(request, slug: str, lgsl: int):
    council = _council(request, slug, "services.edit")
    editing = _editing(council, lgsl)
    versions = council_queries.council_service_versions(council=council, service=editing.service)
    return render(
        request,
        "services/staff/content_history.html",
        {
            "council": council,
            "page_council": council,
            "editing": editing,
            "service": editing.service,
            "versions": [
                (
                    v,
                    preview_view(council=council, service=editing.service, content=v.content),
                    _changed_labels(v.changed),
                )
                for v in versions
            ],
        },
    )


@staff_required
@require_POST
def content_revert(request, slug: str, lgsl: int):
    council = _council(request, slug, "services.edit")
    editing = _editing(council, lgsl)
    try:
        number = int(request.POST.get("number", ""))
    except ValueError:
        number = -1
    history = reverse("services:staff-content-history", args=[council.slug, lgsl])
    if number < 0:
        messages.error(request, _("Choose a version to go back to."))
        return redirect(history)
    try:
        version = council_actions.council_service_content_revert(
            council=council, service=editing.service, actor=request.user, number=number
        )
    except council_actions.ServiceContentError as error:
        messages.error(request, str(error))
        return redirect(history)
    messages.success(
        request,
        _("Saved as version %(n)s: %(note)s.")
        % {
            "n": version.number,
            "note": version.note,
        },
    )
    return redirect(history)


@staff_required
@require_POST
def content_settings(request, slug: str, lgsl: int):
    council = _council(request, slug, "services.configure")
    editing = _editing(council, lgsl)
    form = ServiceSettingsForm(request.POST, council=council)
    edit_url = reverse("services:staff-content-edit", args=[council.slug, lgsl])
    if not form.is_valid():
        messages.error(request, _("Choose a team of %(council)s.") % {"council": council.name})
        return redirect(edit_url)
    try:
        council_actions.council_service_settings_save(
            council=council,
            service=editing.service,
            actor=request.user,
            hidden=form.cleaned_data["hidden"],
            team=form.cleaned_data["team"],
        )
    except council_actions.ServiceContentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Settings saved."))
    return redirect(edit_url)
