"""Service catalogue and front-door pages, and the mount point of the platform API."""

from django.urls import include, path

from pocketcouncil.core.api import api
from pocketcouncil.services import staff_views, views

service_patterns = [
    path("services/", views.index, name="index"),
    path("services/search", views.search, name="search"),
    path("services/search/answer", views.answer_feedback, name="answer-feedback"),
    path("services/topics/<slug:topic>/", views.topic, name="topic"),
    path("services/<int:lgsl>/", views.service_national, name="service-national"),
    path("councils/<slug:slug>/services/<int:lgsl>/", views.service_detail, name="service-detail"),
    # A council's own version of its services (staff).
    path("staff/<slug:slug>/services/", staff_views.content_list, name="staff-content"),
    path(
        "staff/<slug:slug>/services/<int:lgsl>/",
        staff_views.content_edit,
        name="staff-content-edit",
    ),
    path(
        "staff/<slug:slug>/services/<int:lgsl>/history",
        staff_views.content_history,
        name="staff-content-history",
    ),
    path(
        "staff/<slug:slug>/services/<int:lgsl>/revert",
        staff_views.content_revert,
        name="staff-content-revert",
    ),
    path(
        "staff/<slug:slug>/services/<int:lgsl>/settings",
        staff_views.content_settings,
        name="staff-content-settings",
    ),
]

urlpatterns = [path("", include((service_patterns, "services")))]

untranslated_urlpatterns = [
    # THE platform API (every app's router is added in pocketcouncil/core/api.py). Mounted here
    # because the root URLconf includes app URLconfs automatically and core is not one of them.
    path("api/v1/", api.urls),
]
