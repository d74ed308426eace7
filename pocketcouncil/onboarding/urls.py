from django.urls import include, path

from pocketcouncil.onboarding import operator_views, views

patterns = [
    path("staff/<slug:slug>/go-live/", views.go_live, name="go-live"),
    path("staff/<slug:slug>/settings/", views.council_settings, name="settings"),
    path("staff/<slug:slug>/settings/logo/", views.council_logo_upload, name="logo-upload"),
    path("staff/<slug:slug>/settings/logo/remove/", views.council_logo_remove, name="logo-remove"),
    path("staff/<slug:slug>/settings/services/", views.services_offered, name="services"),
    path("staff/<slug:slug>/settings/services/<int:lgsl>/", views.service_edit, name="service"),
    path("staff/<slug:slug>/invitations/", views.invitations, name="invitations"),
    path(
        "staff/<slug:slug>/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
    path("staff-invitation/<str:token>/", views.invitation, name="invitation"),
    path("councils/<slug:slug>/logo.png", views.council_logo, name="council-logo"),
    path("platform/councils/new/", operator_views.council_add, name="council-add"),
    path(
        "platform/councils/<slug:slug>/added/",
        operator_views.council_added,
        name="council-added",
    ),
]

urlpatterns = [path("", include((patterns, "onboarding")))]
