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

from pocketcouncil.core.params import query_text
from pocketcouncil.councils import queries as council_queries
from pocketcouncil.councils.models import Council
from pocketcouncil.transparency import indicators, opendata, queries
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


# Further than this is past any real list, and a bigger page number would overflow OFFSET.
MAX_PAGE = 100_000


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
    search = query_text(request, "q")
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
        value=query_text(request, "value", 300) if dimension and "value" in request.GET else None,
        month=month,
        search=query_text(request, "q"),
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
    page = min(max(_int(request.GET.get("page"), 1), 1), MAX_PAGE)
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
    with_performance = queries.councils_with_performance()
    for council in council_queries.council_list():
        years = queries.spending_years(council=council)
        tax_years = queries.council_tax_years(council=council)
        performance = council.pk in with_performance
        if years or tax_years or performance:
            councils.append(
                {
                    "council": council,
                    "years": years,
                    "tax_years": tax_years,
                    "performance": performance,
                }
            )
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


# ---------------------------------------------------------------------------------------------
# Performance indicators and anonymised case statistics

LARGEST_LGSL = 2**31 - 1
INDICATOR_COLUMNS = [
    "scope",
    "service_lgsl",
    "service",
    "ward_code",
    "ward",
    "received",
    "resolved",
    "median_working_days",
    "p90_working_days",
    "within_target_percent",
    "reopened_percent",
    "satisfied_percent",
    "survey_answers",
]
TREND_COLUMNS = ["month", "received", "resolved", "median_working_days"]
STATISTICS_COLUMNS = ["month", "service_lgsl", "service", "ward_code", "ward", "status", "cases"]


def _indicator_row(figures: queries.Figures, *, service: str = "") -> dict:
    in_ward = figures.scope in ("ward", "service_ward")
    ward_key = figures.ward_code
    return {
        "scope": figures.scope,
        "service_lgsl": figures.service_lgsl,
        "service": service or (figures.label if figures.scope == "service" else ""),
        "ward_code": ward_key if in_ward and ward_key != figures.label else "",
        "ward": figures.label if in_ward else "",
        "received": figures.received,
        "resolved": figures.resolved,
        "median_working_days": figures.median_days,
        "p90_working_days": figures.p90_days,
        "within_target_percent": figures.within_target,
        "reopened_percent": figures.reopened,
        "satisfied_percent": figures.satisfaction,
        "survey_answers": figures.satisfaction_answers,
    }


def _performance_meta(council, computed_at) -> dict:
    minimum = queries.small_numbers()
    return {
        "council": council.name,
        "computed_at": computed_at.isoformat(),
        "period": "The 12 months before computed_at.",
        "suppression": (
            f"Figures worked out from 1 to {minimum - 1} cases are left empty (null) to protect "
            "privacy and avoid misleading figures."
        ),
        "definitions": {
            name: {"definition": definition, "method": method}
            for name, (definition, method) in indicators.DEFINITIONS.items()
        },
    }


def _definitions():
    return [
        {"name": name, "definition": definition, "method": method}
        for name, (definition, method) in indicators.DEFINITIONS.items()
    ]


def _performance_context(council, **extra) -> dict:
    return {
        "council": council,
        "minimum": queries.small_numbers(),
        "definitions": _definitions(),
        **extra,
    }


def performance(request, slug):
    council = _council_or_404(request, slug)
    found = queries.performance_get(council=council)
    if found is None:
        if opendata.wanted_format(request):
            raise Http404("The figures have not been worked out yet")
        return render(request, "transparency/performance.html", _performance_context(council))
    if opendata.wanted_format(request):
        rows = [_indicator_row(found.council)]
        rows += [_indicator_row(f) for f in found.services]
        rows += [_indicator_row(f) for f in found.wards]
        return _download(
            request,
            council,
            last_changed=found.computed_at,
            rows=rows,
            columns=INDICATOR_COLUMNS,
            file_name=f"{council.slug}-performance-indicators",
            meta=_performance_meta(council, found.computed_at),
        )
    return render(
        request,
        "transparency/performance.html",
        _performance_context(council, performance=found, whole_rows=[found.council]),
    )


def performance_service(request, slug, lgsl):
    council = _council_or_404(request, slug)
    if lgsl > LARGEST_LGSL:  # beyond the database's integers: no such service
        raise Http404("No such service")
    found = queries.performance_for_service(council=council, lgsl=lgsl)
    if found is None:
        raise Http404("No figures for this service here")
    if opendata.wanted_format(request):
        service_name = found.service.label
        if request.GET.get("table") == "trend":
            rows = [
                {
                    "month": point["month"].strftime("%Y-%m"),
                    "received": point["received"],
                    "resolved": point["resolved"],
                    "median_working_days": point["median_days"],
                }
                for point in found.service.trend
            ]
            columns, name = TREND_COLUMNS, "trend"
        else:
            rows = [_indicator_row(found.service)]
            rows += [_indicator_row(f, service=service_name) for f in found.wards]
            columns, name = INDICATOR_COLUMNS, "by-ward"
        return _download(
            request,
            council,
            last_changed=found.computed_at,
            rows=rows,
            columns=columns,
            file_name=f"{council.slug}-performance-{lgsl}-{name}",
            meta={**_performance_meta(council, found.computed_at), "service_lgsl": lgsl},
        )
    service = found.service
    busiest = max(service.trend, key=lambda p: p["received"] or 0, default=None)
    return render(
        request,
        "transparency/performance_service.html",
        _performance_context(council, found=found, service=service, busiest=busiest, lgsl=lgsl),
    )


def case_statistics(request, slug):
    council = _council_or_404(request, slug)
    found = queries.case_statistics_get(council=council)
    if found is None:
        if opendata.wanted_format(request):
            raise Http404("The figures have not been worked out yet")
        return render(request, "transparency/case_statistics.html", {"council": council})
    if opendata.wanted_format(request):
        minimum = queries.small_numbers()
        return _download(
            request,
            council,
            last_changed=found.computed_at,
            rows=found.rows,
            columns=STATISTICS_COLUMNS,
            file_name=f"{council.slug}-case-statistics",
            meta={
                "council": council.name,
                "computed_at": found.computed_at.isoformat(),
                "period": "Cases received in the last 12 calendar months (UK time).",
                "suppression": (
                    f"Counts from 1 to {minimum - 1} are left empty (null) to protect privacy."
                ),
                "statuses": {
                    "open": "Not finished yet.",
                    "fixed": "Fixed.",
                    "closed": "Closed without a fix.",
                    "rejected": "Not a valid report.",
                    "duplicate": "The same problem as another report.",
                },
            },
        )
    return render(
        request,
        "transparency/case_statistics.html",
        {
            "council": council,
            "statistics": found,
            "groups": [
                _("Open"),
                _("Fixed"),
                _("Closed without a fix"),
                _("Rejected"),
                _("Duplicate"),
                _("Other"),
            ],
            "minimum": queries.small_numbers(),
        },
    )
