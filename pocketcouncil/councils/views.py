"""Public pages about a council."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from pocketcouncil.councils import queries
from pocketcouncil.councils.models import AreaKind, Council


def _council_or_404(request, slug: str) -> Council:
    try:
        council = queries.council_get(slug)
    except Council.DoesNotExist:
        raise Http404("No such council") from None
    request.council = council  # the page header shows the council's name
    return council


def council_detail(request, slug):
    council = _council_or_404(request, slug)
    wards = (
        council.areas.filter(kind=AreaKind.WARD, retired_in__isnull=True)
        .defer("geometry")
        .order_by("name")
    )
    return render(
        request,
        "councils/council_detail.html",
        {
            "council": council,
            "wards": wards,
            "lower_tiers": council.lower_tiers.order_by("name"),
        },
    )


@cache_control(max_age=3600, public=True)
def council_brand_css(request, slug):
    """The council's header colour as a stylesheet (inline styles are blocked by our CSP)."""
    council = _council_or_404(request, slug)
    css = f".pc-header--council {{ background-color: {council.brand_colour}; }}\n"
    return HttpResponse(css, content_type="text/css; charset=utf-8")
