"""Staff pages: upload a spending file, confirm its columns, follow the import, roll it back;
import and download a year's council tax figures."""

from __future__ import annotations

import csv

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pocketcouncil.accounts import permissions
from pocketcouncil.accounts.permissions import staff_required
from pocketcouncil.transparency import actions, budgets_csv, queries, spending_csv
from pocketcouncil.transparency.models import ImportIssue, ImportState, SpendingImport

ISSUES_SHOWN = 200


_REFUSALS = {
    actions.IMPORT_SPENDING: gettext_lazy("You cannot import spending data for any council."),
    actions.EDIT_BUDGETS: gettext_lazy("You cannot change council tax figures for any council."),
}


def _councils(request, action: str = actions.IMPORT_SPENDING):
    """The councils the staff member may take ``action`` for, or a refusal saying what."""
    councils = permissions.councils_where(permissions.staff_user(request), action)
    if not councils:
        raise PermissionDenied(_REFUSALS[action])
    return councils


def _chosen_council(request, councils):
    slug = request.GET.get("council") or request.POST.get("council")
    return next((c for c in councils if c.slug == slug), councils[0])


@staff_required
def import_list(request):
    councils = _councils(request)
    council = _chosen_council(request, councils)
    return render(
        request,
        "transparency/staff/import_list.html",
        {
            "councils": councils,
            "chosen": council,
            "imports": queries.spending_import_list(council=council),
        },
    )


class _CouncilFileForm(forms.Form):
    """A file for one of the councils the staff member may act for."""

    council = forms.ChoiceField(label=gettext_lazy("Council"))

    def __init__(self, *args, councils, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].choices = [(c.slug, c.name) for c in councils]


class UploadForm(_CouncilFileForm):
    file = forms.FileField(
        label=gettext_lazy("Spending file (CSV)"),
        help_text=gettext_lazy("The file as you publish it. We will show you its columns next."),
        error_messages={"required": gettext_lazy("Choose a CSV file.")},
    )


@staff_required
def import_upload(request):
    councils = _councils(request)
    form = UploadForm(request.POST or None, request.FILES or None, councils=councils)
    if request.method == "POST" and form.is_valid():
        council = next(c for c in councils if c.slug == form.cleaned_data["council"])
        upload = form.cleaned_data["file"]
        try:
            spending_import = actions.spending_file_prepare(
                council=council,
                upload=upload.file,
                file_name=upload.name,
                actor=permissions.staff_user(request),
            )
        except actions.SpendingImportError as error:
            form.add_error("file", str(error))
        else:
            return redirect("staff-spending-import", pk=spending_import.pk)
    return render(request, "transparency/staff/import_upload.html", {"form": form})


class MappingForm(forms.Form):
    """One drop-down per field, listing the file's columns."""

    def __init__(self, *args, header: list[str], mapping: dict, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Not in this file"))] + [
            (str(i), f"{i + 1}: {heading}") for i, heading in enumerate(header)
        ]
        for name in spending_csv.FIELDS:
            current = mapping.get(name)
            self.fields[name] = forms.ChoiceField(
                label=spending_csv.FIELD_LABELS[name],
                choices=choices,
                required=False,
                initial="" if current is None else str(current),
            )

    def mapping(self) -> dict[str, int | None]:
        return {
            name: (int(value) if value != "" else None)
            for name, value in ((n, self.cleaned_data.get(n, "")) for n in spending_csv.FIELDS)
        }


def _import_for(request, pk) -> SpendingImport:
    councils = _councils(request)
    try:
        found = SpendingImport.objects.select_related("council").get(
            pk=pk, council__in=[c.pk for c in councils]
        )
    except SpendingImport.DoesNotExist:
        raise Http404("No such import") from None
    return found


@staff_required
def import_detail(request, pk):
    spending_import = _import_for(request, pk)
    actor = permissions.staff_user(request)
    form = None
    if spending_import.state == ImportState.PENDING:
        form = MappingForm(
            request.POST or None, header=spending_import.header, mapping=spending_import.mapping
        )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "confirm" and form is not None and form.is_valid():
                actions.spending_import_confirm(
                    spending_import=spending_import, mapping=form.mapping(), actor=actor
                )
                messages.success(request, _("The import has started."))
                return redirect("staff-spending-import", pk=pk)
            if action == "cancel":
                actions.spending_import_cancel(spending_import=spending_import, actor=actor)
                messages.success(request, _("The import was cancelled."))
                return redirect("staff-spending-import", pk=pk)
            if action == "rollback":
                actions.spending_import_rollback(spending_import=spending_import, actor=actor)
                messages.success(request, _("The import was rolled back: its payments are gone."))
                return redirect("staff-spending-import", pk=pk)
        except actions.SpendingImportError as error:
            if form is not None:
                form.add_error(None, str(error))
            else:
                messages.error(request, str(error))
    spending_import.refresh_from_db()
    guesses = queries.spending_import_guesses(spending_import) if form is not None else None
    if guesses and form is not None:
        for name, reason in guesses["reasons"].items():
            form.fields[name].help_text = reason
    running = spending_import.state in (ImportState.QUEUED, ImportState.RUNNING)
    issues = ImportIssue.objects.filter(spending_import=spending_import)
    return render(
        request,
        "transparency/staff/import_detail.html",
        {
            "spending_import": spending_import,
            "form": form,
            "guesses": guesses,
            "running": running,
            "issues": issues[:ISSUES_SHOWN],
            "issue_count": issues.count(),
            "issues_shown": ISSUES_SHOWN,
        },
    )


# --- council tax: precepts and budget lines from a file -----------------------------------------


class BudgetUploadForm(_CouncilFileForm):
    council = forms.ChoiceField(label=gettext_lazy("Billing council"))
    source = forms.CharField(
        label=gettext_lazy("Where the figures come from"),
        max_length=300,
        help_text=gettext_lazy(
            "Shown under every bill, for example: Council tax resolution 2026/27."
        ),
        error_messages={"required": gettext_lazy("Say where the figures come from.")},
    )
    file = forms.FileField(
        label=gettext_lazy("Budget file (CSV)"),
        help_text=gettext_lazy(
            "One financial year. The figures already held for that year are replaced."
        ),
        error_messages={"required": gettext_lazy("Choose a CSV file.")},
    )


@staff_required
def budget_import(request):
    """The council tax figures held per year (each downloadable as the file to edit), and the
    upload that replaces one year's."""
    councils = _councils(request, actions.EDIT_BUDGETS)
    chosen = _chosen_council(request, councils)
    form = BudgetUploadForm(
        request.POST or None,
        request.FILES or None,
        councils=councils,
        initial={"council": chosen.slug},
    )
    if request.method == "POST" and form.is_valid():
        chosen = next(c for c in councils if c.slug == form.cleaned_data["council"])
        try:
            result = actions.budgets_import(
                council=chosen,
                binary=form.cleaned_data["file"].file,
                source=form.cleaned_data["source"],
                actor=permissions.staff_user(request),
            )
        except budgets_csv.BudgetFileError as error:
            for line, message in error.problems:
                form.add_error(
                    "file",
                    _("Line %(line)s: %(message)s") % {"line": line, "message": message}
                    if line
                    else message,
                )
        else:
            messages.success(
                request,
                _(
                    "Council tax figures for %(year)s imported: %(bodies)s bodies and "
                    "%(lines)s budget lines, replacing %(replaced)s bodies."
                )
                % {
                    "year": f"{result.financial_year}/{(result.financial_year + 1) % 100:02d}",
                    "bodies": result.bodies,
                    "lines": result.budget_lines,
                    "replaced": result.replaced_bodies,
                },
            )
            return redirect(f"{reverse('staff-budgets')}?council={chosen.slug}")
    return render(
        request,
        "transparency/staff/budgets.html",
        {
            "councils": councils,
            "chosen": chosen,
            "years": queries.budget_years(council=chosen),
            "form": form,
            "columns": budgets_csv.COLUMNS,
        },
        status=400 if form.errors else 200,
    )


@staff_required
def budget_download(request, year: int):
    """One year's figures in the layout the upload reads."""
    councils = _councils(request, actions.EDIT_BUDGETS)
    chosen = _chosen_council(request, councils)
    precepts = queries.precepts_for_year(council=chosen, financial_year=year)
    if not precepts:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="council-tax-{chosen.slug}-{year}.csv"'
    csv.writer(response).writerows(budgets_csv.budget_rows(precepts))
    return response
