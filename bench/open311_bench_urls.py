"""The project's URLs plus one bare Django view returning a constant JSON body: the baseline
the Open311 views are compared with in bench/bench_open311.py."""

from django.http import HttpResponse
from django.urls import include, path

BODY = b'[{"service_code":"587","service_name":"Report fly-tipping"}]'


def bare(request):
    return HttpResponse(BODY, content_type="application/json")


urlpatterns = [
    path("bench/bare.json", bare),
    path("", include("pocketcouncil.urls")),
]
