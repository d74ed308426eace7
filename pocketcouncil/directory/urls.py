from django.urls import path

from pocketcouncil.directory import api
from pocketcouncil.directory.views import organisation, resident, staff

app_name = "directory"
# Ids are the feed's own (UUIDs in the standard, but any text a publisher used).
urlpatterns = [
    # Resident pages.
    path("find-help/", resident.find_help, name="find-help"),
    path("find-help/services/<str:service_id>/", resident.service_page, name="service"),
    path("find-help/my-list/", resident.my_list, name="my-list"),
    path("find-help/my-list/add", resident.list_add, name="list-add"),
    path("find-help/my-list/remove", resident.list_remove, name="list-remove"),
    path("find-help/my-list/send", resident.list_send, name="list-send"),
    # Organisations keep their listings current.
    path(
        "find-help/services/<str:service_id>/claim/",
        organisation.listing_claim,
        name="listing-claim",
    ),
    path(
        "find-help/services/<str:service_id>/update/",
        organisation.listing_edit,
        name="listing-edit",
    ),
    # Council staff.
    path("staff/<slug:slug>/directory/", staff.review, name="staff-review"),
    path(
        "staff/<slug:slug>/directory/claims/<int:claim_id>/",
        staff.claim_decide,
        name="staff-claim-decide",
    ),
    path(
        "staff/<slug:slug>/directory/changes/<int:change_id>/",
        staff.change_decide,
        name="staff-change-decide",
    ),
    path(
        "staff/<slug:slug>/directory/services/<str:service_id>/history/",
        staff.history,
        name="staff-history",
    ),
    # The Open Referral UK 3.0 API.
    path("openreferral/", api.api_info, name="oruk-root"),
    path("openreferral/services", api.service_list, name="oruk-services"),
    path("openreferral/services/<str:service_id>", api.service_detail, name="oruk-service"),
    path("openreferral/taxonomies", api.taxonomy_list, name="oruk-taxonomies"),
    path("openreferral/taxonomies/<str:taxonomy_id>", api.taxonomy_detail, name="oruk-taxonomy"),
    path("openreferral/taxonomy_terms", api.taxonomy_term_list, name="oruk-taxonomy-terms"),
    path(
        "openreferral/taxonomy_terms/<str:term_id>",
        api.taxonomy_term_detail,
        name="oruk-taxonomy-term",
    ),
    path(
        "openreferral/service_at_locations",
        api.service_at_location_list,
        name="oruk-service-at-locations",
    ),
    path(
        "openreferral/service_at_locations/<str:sal_id>",
        api.service_at_location_detail,
        name="oruk-service-at-location",
    ),
]
