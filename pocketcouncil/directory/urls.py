from django.urls import path

from pocketcouncil.directory import api

# Ids are the feed's own (UUIDs in the standard, but any text a publisher used).
urlpatterns = [
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
