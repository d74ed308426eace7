from django.urls import include, path

from pocketcouncil.cases.views import journey, resident, staff

case_patterns = [
    # The report journey.
    path("report/<int:lgsl>/", journey.report_start, name="report-start"),
    path("report/<int:lgsl>/<str:draft_id>/where/", journey.report_where, name="report-where"),
    path(
        "report/<int:lgsl>/<str:draft_id>/council/", journey.report_council, name="report-council"
    ),
    path("report/<int:lgsl>/<str:draft_id>/nearby/", journey.report_nearby, name="report-nearby"),
    path(
        "report/<int:lgsl>/<str:draft_id>/details/", journey.report_details, name="report-details"
    ),
    path("report/<int:lgsl>/<str:draft_id>/check/", journey.report_check, name="report-check"),
    path(
        "report/<int:lgsl>/<str:draft_id>/photos/<int:index>/",
        journey.draft_photo,
        name="report-photo",
    ),
    path(
        "report/<int:lgsl>/<str:draft_id>/photos/<int:index>/remove/",
        journey.report_photo_remove,
        name="report-photo-remove",
    ),
    # A case, for the resident and the public.
    path("cases/<str:reference>/", resident.case_detail, name="detail"),
    path("cases/<str:reference>/sent/", resident.case_sent, name="sent"),
    path("cases/<str:reference>/reply/", resident.case_reply, name="reply"),
    path("cases/<str:reference>/reopen/", resident.case_reopen, name="reopen"),
    path("cases/<str:reference>/feedback/", resident.case_rate, name="rate"),
    path("cases/<str:reference>/withdraw/", resident.case_withdraw, name="withdraw"),
    path("cases/<str:reference>/me-too/", resident.case_me_too, name="me-too"),
    path("cases/<str:reference>/edit/", resident.case_edit, name="edit"),
    path("cases/<str:reference>/photos/<str:token>.jpg", resident.case_photo, name="photo"),
    path("my-requests/", resident.my_requests, name="my-requests"),
    path("reports/", resident.public_reports, name="public-reports"),
    path("reports.geojson", resident.public_reports_geojson, name="public-reports-geojson"),
    # The staff console.
    path("staff/<slug:slug>/cases/", staff.queue, name="staff-queue"),
    path("staff/<slug:slug>/cases/bulk/", staff.bulk, name="staff-bulk"),
    path("staff/<slug:slug>/cases/<str:reference>/", staff.case_page, name="staff-case"),
    path("staff/<slug:slug>/cases/<str:reference>/status/", staff.case_status, name="staff-status"),
    path("staff/<slug:slug>/cases/<str:reference>/note/", staff.case_note, name="staff-note"),
    path("staff/<slug:slug>/cases/<str:reference>/assign/", staff.case_assign, name="staff-assign"),
    path(
        "staff/<slug:slug>/cases/<str:reference>/priority/",
        staff.case_priority,
        name="staff-priority",
    ),
    path("staff/<slug:slug>/cases/<str:reference>/merge/", staff.case_merge, name="staff-merge"),
    path(
        "staff/<slug:slug>/cases/<str:reference>/reassign/",
        staff.case_reassign,
        name="staff-reassign",
    ),
    path(
        "staff/<slug:slug>/cases/<str:reference>/service/",
        staff.case_service,
        name="staff-service",
    ),
]

urlpatterns = [path("", include((case_patterns, "cases")))]
