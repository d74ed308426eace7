from django.urls import include, path, re_path

from pocketcouncil.open311 import staff_views, views

FMT = r"\.(?P<fmt>[A-Za-z0-9]+)$"

open311_patterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.service_list, name="services"),
    re_path(r"^services/(?P<service_code>[^/.]+)" + FMT, views.service_definition, name="service"),
    re_path(r"^requests" + FMT, views.requests, name="requests"),
    re_path(
        r"^requests/(?P<service_request_id>[^/.]+)" + FMT, views.request_detail, name="request"
    ),
    re_path(r"^tokens/(?P<token>[^/.]+)" + FMT, views.token_detail, name="token"),
    re_path(r"^servicerequestupdates" + FMT, views.update_list, name="updates"),
]

staff_patterns = [
    path("staff/<slug:slug>/integrations/", staff_views.integrations, name="staff-integrations"),
    path(
        "staff/<slug:slug>/integrations/keys/<int:client_id>/revoke/",
        staff_views.client_revoke,
        name="staff-revoke",
    ),
    path("staff/<slug:slug>/integrations/webhooks/", staff_views.webhook_add, name="staff-webhook"),
    path(
        "staff/<slug:slug>/integrations/deliveries/<int:delivery_id>/replay/",
        staff_views.delivery_replay,
        name="staff-replay",
    ),
]

urlpatterns = [
    path(
        "", include(([path("open311/v2/", include(open311_patterns)), *staff_patterns], "open311"))
    )
]
