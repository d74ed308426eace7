from django.urls import path

from pocketcouncil.notify import staff_views, views

app_name = "notify"

urlpatterns = [
    path("sw.js", views.service_worker, name="service-worker"),
    path("notifications/", views.inbox, name="inbox"),
    path("notifications/read/", views.inbox_read_all, name="inbox-read-all"),
    path("notifications/<int:pk>/", views.message_detail, name="message"),
    path("notifications/following/", views.subscriptions, name="subscriptions"),
    path("notifications/following/<int:pk>/", views.subscription_edit, name="subscription-edit"),
    path(
        "notifications/following/<int:pk>/stop/",
        views.subscription_delete,
        name="subscription-delete",
    ),
    path("notifications/follow/", views.follow, name="follow"),
    path("notifications/settings/", views.preferences, name="preferences"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("notifications/push/", views.push_subscribe, name="push-subscribe"),
    path("notifications/callbacks/govuk-notify/", views.notify_callback, name="notify-callback"),
    path("staff/<slug:slug>/messages/", staff_views.delivery_log, name="staff-log"),
    path("staff/<slug:slug>/messages/wording/", staff_views.template_list, name="staff-templates"),
    path(
        "staff/<slug:slug>/messages/wording/<str:event>/<str:channel>/",
        staff_views.template_edit,
        name="staff-template",
    ),
]
