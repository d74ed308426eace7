"""Public pages: the spending explorer, "where your council tax goes", open data downloads.

Thin: parse the address, call a query, render the page or the download.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pocketcouncil.councils import queries as council_queries
from pocketcouncil.councils.models import Council
from pocketcouncil.transparency import opendata, queries
from pocketcouncil.transparency.models import Dimension, Precept

TOP = 10


def _council_or_404(request, slug: str) -> Council:
    try:
        council = council_queries.council_get(slug)
    except Council.DoesNotExist:
        raise Http404("No such council") from None
    request.council = council
    return council


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _period(request, council) -> tuple[queries.Period | None, list[int]]:
    years = queries.spending_years(council=council)
    year = _int(request.GET.get("year"))
    if year not in years:
        year = years[0] if years else None
    return (queries.Period.financial_year(year) if year is not None else None), years


def _conditional(request, last_changed):
    """(etag, a 304 response or None) for a download."""
    etag = opendata.etag_for(request, last_changed)
    not_modified = get_conditional_response(
        request,
        etag=f'"{etag}"',
        last_modified=int(last_changed.timestamp()) if last_changed else None,
    )
    return etag, not_modified


def _download(request, council, *, last_changed, rows, columns, file_name, meta=None):
    etag, not_modified = _conditional(request, last_changed)
    if not_modified is not None:
        return opendata.set_validators(not_modified, etag, last_changed)
    response = opendata.download(
        rows=rows,
        columns=columns,
        file_name=file_name,
        fmt=opendata.wanted_format(request),
        publisher=council.name,
        meta=meta,
    )
    return opendata.set_validators(response, etag, last_changed)


def _total_rows(totals, label):
    return [{label: t.value, "amount_gbp": t.pounds, "payments": t.payments} for t in totals]


# ---------------------------------------------------------------------------------------------
# Spending


def spending_overview(request, slug):
    council = _council_or_404(request, slug)
    period, years = _period(request, council)
    context = {"council": council, "period": period, "years": years}
    if period is None:
        return render(request, "transparency/spending_overview.html", context)
    sections = [
        (
            Dimension.SERVICE_AREA,
            queries.spending_totals(
                council=council, dimension=Dimension.SERVICE_AREA, period=period, limit=TOP
            ),
        ),
        (
            Dimension.EXPENSE_TYPE,
            queries.spending_totals(
                council=council, dimension=Dimension.EXPENSE_TYPE, period=period, limit=TOP
            ),
        ),
        (
            Dimension.SUPPLIER,
            queries.spending_totals(
                council=council, dimension=Dimension.SUPPLIER, period=period, limit=TOP
            ),
        ),
    ]
    summary = queries.spending_summary(council=council, period=period)
    months = queries.spending_by_month(council=council, period=period)
    if opendata.wanted_format(request):
        rows = [
            {"dimension": dim, "value": t.value, "amount_gbp": t.pounds, "payments": t.payments}
            for dim, totals in sections
            for t in totals
        ]
        return _download(
            request,
            council,
            last_changed=queries.spending_last_changed(council=council),
            rows=rows,
            columns=["dimension", "value", "amount_gbp", "payments"],
            file_name=f"{council.slug}-spending-{period.year}-top{TOP}",
            meta={"council": council.name, "period": period.label},
        )
    context.update(
        {
            "summary": summary,
            "sections": [
                {"dimension": dim, "label": Dimension(dim).label, "totals": totals}
                for dim, totals in sections
            ],
            "months": months if any(m.payments for m in months) else [],
            "top": TOP,
            "download_query": f"year={period.year}",
        }
    )
    return render(request, "transparency/spending_overview.html", context)


def spending_breakdown(request, slug, dimension):
    council = _council_or_404(request, slug)
    if dimension not in Dimension.values:
        raise Http404("No such breakdown")
    period, years = _period(request, council)
    if period is None:
        raise Http404("No spending data")
    search = request.GET.get("q", "").strip()[:100]
    totals = queries.spending_totals(
        council=council, dimension=dimension, period=period, search=search
    )
    if opendata.wanted_format(request):
        return _download(
            request,
            council,
            last_changed=queries.spending_last_changed(council=council),
            rows=_total_rows(totals, dimension),
            columns=[dimension, "amount_gbp", "payments"],
            file_name=f"{council.slug}-spending-{period.year}-by-{dimension.replace('_', '-')}",
            meta={"council": council.name, "period": period.label, "search": search},
        )
    return render(
        request,
        "transparency/spending_breakdown.html",
        {
            "council": council,
            "period": period,
            "years": years,
            "dimension": dimension,
            "label": Dimension(dimension).label,
            "totals": totals,
            "chart": totals[:20],
            "search": search,
        },
    )


def _payment_filter(request, period) -> queries.PaymentFilter:
    dimension = request.GET.get("dimension", "")
    if dimension not in Dimension.values:
        dimension = ""
    month = None
    try:
        month = dt.date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        month = None
    if month and not period.start <= month <= period.end:
        month = None
    return queries.PaymentFilter(
        period=period,
        dimension=dimension,
        value=request.GET.get("value") if dimension else None,
        month=month,
        search=request.GET.get("q", "").strip()[:100],
    )


PAYMENT_COLUMNS = [
    "paid_on",
    "amount_gbp",
    "supplier",
    "service_area",
    "expense_type",
    "reference",
    "purpose",
    "source_file",
    "source_line",
]


def payment_list(request, slug):
    council = _council_or_404(request, slug)
    period, years = _period(request, council)
    if period is None:
        raise Http404("No spending data")
    filters = _payment_filter(request, period)
    if opendata.wanted_format(request):
        rows = (
            {
                "paid_on": p.paid_on,
                "amount_gbp": p.amount,
                "supplier": p.supplier,
                "service_area": p.service_area,
                "expense_type": p.expense_type,
                "reference": p.reference,
                "purpose": p.purpose,
                "source_file": p.spending_import.file_name,
                "source_line": p.line_number,
            }
            for p in queries.payment_queryset(council=council, filters=filters)
            .select_related("spending_import")
            .iterator(chunk_size=2000)
        )
        return _download(
            request,
            council,
            last_changed=queries.spending_last_changed(council=council),
            rows=rows,
            columns=PAYMENT_COLUMNS,
            file_name=f"{council.slug}-payments-{period.year}",
            meta={"council": council.name, "filter": filters.describe()},
        )
    page = max(_int(request.GET.get("page"), 1), 1)
    payments, has_next = queries.payment_page(council=council, filters=filters, page=page)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "transparency/payment_list.html",
        {
            "council": council,
            "period": period,
            "years": years,
            "filters": filters,
            "payments": payments,
            "page": page,
            "has_next": has_next,
            "query": query.urlencode(),
        },
    )


# ---------------------------------------------------------------------------------------------
# Council tax

BAND_CHOICES = [(band, band) for band in queries.BAND_RATIOS]


class CouncilTaxForm(forms.Form):
    postcode = forms.CharField(
        label=gettext_lazy("Postcode"),
        max_length=10,
        help_text=gettext_lazy("For example, OX4 3BD"),
        error_messages={"required": gettext_lazy("Enter your postcode.")},
    )
    band = forms.ChoiceField(
        label=gettext_lazy("Council tax band"),
        choices=BAND_CHOICES,
        initial="D",
        help_text=gettext_lazy("Your band is on your council tax bill."),
        error_messages={"required": gettext_lazy("Choose your council tax band.")},
    )


def council_tax_finder(request):
    """Pick a band and enter a postcode: the bill for that home, split."""
    form = CouncilTaxForm(request.GET or None)
    context = {"form": form}
    if form.is_bound and form.is_valid():
        try:
            postcode = council_queries.postcode_get(form.cleaned_data["postcode"])
        except council_queries.PostcodeInvalidError:
            form.add_error("postcode", _("Enter a full postcode, like OX4 3BD."))
        except council_queries.PostcodeNotFoundError:
            form.add_error(
                "postcode",
                _("We do not know that postcode. Check it, or choose your council instead."),
            )
        else:
            areas = council_queries.areas_containing(lon=postcode.longitude, lat=postcode.latitude)
            councils = council_queries.councils_at(lon=postcode.longitude, lat=postcode.latitude)
            billing = queries.billing_council(councils)
            if billing is None:
                form.add_error(
                    "postcode", _("No council on Pocket Council sends council tax bills there.")
                )
            else:
                years = queries.council_tax_years(council=billing)
                context.update({"postcode": postcode, "billing": billing})
                if years:
                    context["bill"] = queries.council_tax_bill(
                        council=billing,
                        year=years[0],
                        band=form.cleaned_data["band"],
                        area_ids={a.pk for a in areas},
                    )
    context["councils"] = [
        c for c in council_queries.council_list() if queries.council_tax_years(council=c)
    ]
    return render(request, "transparency/council_tax.html", context)


def council_tax_for_council(request, slug):
    council = _council_or_404(request, slug)
    years = queries.council_tax_years(council=council)
    year = _int(request.GET.get("year"))
    if year not in years:
        year = years[0] if years else None
    band = request.GET.get("band", "D")
    if band not in queries.BAND_RATIOS:
        band = "D"
    bill = None
    if year is not None:
        bill = queries.council_tax_bill(council=council, year=year, band=band)
    if bill and opendata.wanted_format(request):
        last = (
            Precept.objects.filter(council=council, financial_year=year)
            .order_by("-updated_at")
            .values_list("updated_at", flat=True)
            .first()
        )
        rows = []
        for line in bill.lines:
            rows.append(
                {
                    "precept": line.precept.name,
                    "kind": line.precept.kind,
                    "service": "",
                    "yearly_gbp": line.yearly,
                    "weekly_gbp": line.weekly,
                }
            )
            rows += [
                {
                    "precept": line.precept.name,
                    "kind": line.precept.kind,
                    "service": share.name,
                    "yearly_gbp": share.yearly,
                    "weekly_gbp": share.weekly,
                }
                for share in line.services
            ]
        return _download(
            request,
            council,
            last_changed=last,
            rows=rows,
            columns=["precept", "kind", "service", "yearly_gbp", "weekly_gbp"],
            file_name=f"{council.slug}-council-tax-{year}-band-{band.lower()}",
            meta={
                "council": council.name,
                "financial_year": bill.year_label,
                "band": band,
                "total_yearly_gbp": str(bill.yearly),
                "sources": bill.sources,
                "note": "Parish precepts charged only in part of the area are not included.",
            },
        )
    return render(
        request,
        "transparency/council_tax_council.html",
        {
            "council": council,
            "bill": bill,
            "years": years,
            "band": band,
            "bands": list(queries.BAND_RATIOS),
        },
    )


# ---------------------------------------------------------------------------------------------
# Open data


def open_data(request):
    councils = []
    for council in council_queries.council_list():
        years = queries.spending_years(council=council)
        tax_years = queries.council_tax_years(council=council)
        if years or tax_years:
            councils.append({"council": council, "years": years, "tax_years": tax_years})
    return render(
        request,
        "transparency/open_data.html",
        {
            "councils": councils,
            "licence_name": opendata.LICENCE_NAME,
            "licence_url": opendata.LICENCE_URL,
            "dimensions": Dimension.choices,
        },
    )
