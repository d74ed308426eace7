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
    path(
        "staff/<slug:slug>/integrations/webhooks/<int:webhook_id>/switch/",
        staff_views.webhook_switch,
        name="staff-webhook-switch",
    ),
    path(
        "staff/<slug:slug>/integrations/webhooks/<int:webhook_id>/delete/",
        staff_views.webhook_delete,
        name="staff-webhook-delete",
    ),
    path(
        "staff/<slug:slug>/integrations/back-offices/new/",
        staff_views.endpoint_edit,
        name="staff-endpoint-add",
    ),
    path(
        "staff/<slug:slug>/integrations/back-offices/<int:endpoint_id>/",
        staff_views.endpoint_edit,
        name="staff-endpoint",
    ),
    path(
        "staff/<slug:slug>/integrations/sends/<int:send_id>/retry/",
        staff_views.send_retry,
        name="staff-send-retry",
    ),
    path(
        "staff/<slug:slug>/integrations/updates/<int:update_id>/retry/",
        staff_views.update_retry,
        name="staff-update-retry",
    ),
]

urlpatterns = [
    path(
        "", include(([path("open311/v2/", include(open311_patterns)), *staff_patterns], "open311"))
    )
]
